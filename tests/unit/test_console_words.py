"""The console speaks the words people use: every state of the health model has a word and a
hint, and no internal term (the watcher's doorbell, a lease and its holder, "stale") reaches
any screen, whatever state a mailbox is in. A refused field says what is wrong in plain
words, never in the code's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import InMemorySecretStore
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import (
    AuthMethod,
    Health,
    HealthUpdate,
    Mailbox,
    MailboxState,
    OAuthGrant,
    OAuthProvider,
    Provider,
    TlsMode,
)
from shared.ids import MailboxId, TenantId
from shared.service.admin import Admin
from shared.web import add_flow, state_words
from shared.web.form_errors import FormRefused, Refill
from shared.web.plain_errors import plain
from shared.web.settings_page import SECTIONS, SettingsPage, Shown

ADMIN = "ops@acme.example"
ACME = TenantId("acme")
INTERNAL = re.compile(r"\b(doorbells?|holders?|leases?|stale)\b", re.IGNORECASE)
CODE_WORDS = re.compile(r"\b(after_processing|move_to|poll_interval_s|Input should)\b")


def _mailbox(mailbox_id: str, **extra: object) -> Mailbox:
    fields: dict[str, object] = {
        "tenant_id": ACME,
        "id": MailboxId(mailbox_id),
        "provider": Provider.IMAP,
        "address": f"{mailbox_id}@acme.example",
        "host": "127.0.0.1",
        "port": 993,
        "tls": TlsMode.TLS,
        "secret_ref": "x",
    }
    fields.update(extra)
    return Mailbox.model_validate(fields)


@pytest.fixture
def console() -> tuple[SettingsPage, InMemoryStateStore, FakeClock]:
    clock = FakeClock()
    state = InMemoryStateStore(clock)
    admin = Admin(state, InMemorySecretStore(), clock, allow_private_hosts=True)
    admin.add_tenant("acme", "Acme Travel", actor="t", admins=(ADMIN,))
    page = SettingsPage(state, admin, clock, oauth_start_url="/o", csrf_key="k" * 44)
    return page, state, clock


def _visible(html: str) -> str:
    """The page without its script (the text a person reads, attributes included)."""
    return re.sub(r"<script>.*?</script>", "", html, flags=re.S)


def test_every_state_of_the_health_model_has_a_word_and_a_hint() -> None:
    mailbox = _mailbox("booking")
    for state in MailboxState:
        health = Health(state=state, updated_at=FakeClock().now())
        key = state_words.key_of(mailbox, health, stale=False, unwatched=False)
        words = state_words.words(key)
        assert words.word, state
        assert words.hint.endswith("."), state
        assert words.word.lower() != state.value.replace("_", " "), state  # not the code's
        assert not INTERNAL.search(words.word + words.hint), state
    for key, (word, hint, colour) in state_words.WORDS.items():
        assert all((word, hint, colour)), key
        assert not INTERNAL.search(word + hint), key


def test_the_states_people_asked_for_read_as_they_asked() -> None:
    now = FakeClock().now()
    imap = _mailbox("booking")
    said = {
        "Connected": (imap, Health(state=MailboxState.IDLE, updated_at=now)),
        "Connecting…": (imap, Health(state=MailboxState.CONNECTING, updated_at=now)),
        "Server unreachable": (imap, Health(state=MailboxState.CONNECT_ERROR, updated_at=now)),
        "Not started yet": (imap, Health()),
        "Sign-in needed": (
            _mailbox("g", provider=Provider.GMAIL, host=None, auth_method=AuthMethod.OAUTH2),
            Health(),
        ),
    }
    for word, (mailbox, health) in said.items():
        key = state_words.key_of(mailbox, health, stale=False, unwatched=False)
        assert state_words.words(key).word == word


def _all_screens(page: SettingsPage, state: InMemoryStateStore, clock: FakeClock) -> list[str]:
    """Every section, and a card open in each state a mailbox can be in."""
    now = clock.now()
    states = list(MailboxState)
    for n, mailbox_state in enumerate(states):
        mailbox = _mailbox(f"m{n}")
        state.put_mailbox(mailbox)
        if n % 2:
            state.try_acquire_lease(mailbox.key, "w1", timedelta(minutes=5))
        update = HealthUpdate(state=mailbox_state, last_error=f"error {n}", last_sync_at=now)
        state.update_health(ACME, mailbox.id, update, now)
    state.put_mailbox(_mailbox("quiet"))
    state.update_health(ACME, MailboxId("quiet"), HealthUpdate(state=MailboxState.IDLE), now)
    grant = OAuthGrant(provider=OAuthProvider.GOOGLE, connected_address="g@acme.example")
    state.put_mailbox(
        _mailbox("gmailbox", provider=Provider.GMAIL, host=None, auth_method="oauth2", oauth=grant)
    )
    state.put_mailbox(_mailbox("off", enabled=False))
    state.put_mailbox(_mailbox("fresh"))
    clock.advance(timedelta(hours=2))  # the quiet one turns quiet, the fresh one late
    ids = [m.id for m in state.list_mailboxes(ACME)]
    pages = [page.render(ADMIN, "acme", Shown(section=s)) for s in SECTIONS]
    pages += [page.render(ADMIN, "acme", Shown(open=m)) for m in ids]
    steps = [add_flow.Step(), *(add_flow.Step(k) for k in add_flow.KINDS)]
    steps += [add_flow.Step(k, m) for k in add_flow.OAUTH_OF for m in ("oauth", "server")]
    pages += [page.render(ADMIN, "acme", Shown(add=step)) for step in steps]
    return pages


def test_no_internal_term_reaches_any_screen(
    console: tuple[SettingsPage, InMemoryStateStore, FakeClock],
) -> None:
    page, state, clock = console
    screens = _all_screens(page, state, clock)
    assert len(screens) > 20
    for html in screens:
        found = INTERNAL.findall(_visible(html))
        assert found == [], found
    for item in page.api(ADMIN, "acme"):  # what the page's refresh writes into it
        for shown in (item["summary"], item["detail"], item["state"]["word"]):
            assert not INTERNAL.search(shown), shown


@pytest.mark.parametrize(
    ("field", "reason"),
    [
        ("move_to", "after_processing=move needs move_to"),
        ("after_processing", "POP3 can only leave or delete messages"),
        ("host", "imap mailbox needs a host"),
        ("port", "Input should be less than or equal to 65535"),
        ("poll_interval_s", "Input should be greater than or equal to 5"),
        ("mailbox", "mailbox id: 1-63 of a-z 0-9 _ -, starting with a letter or digit"),
    ],
)
def test_a_refused_field_is_said_in_plain_words_next_to_it(
    console: tuple[SettingsPage, InMemoryStateStore, FakeClock], field: str, reason: str
) -> None:
    page, _, _ = console
    said = plain(field, reason)
    assert said != reason
    assert not CODE_WORDS.search(said)
    refused = FormRefused({field: reason})
    typed = {"mailbox": "typed-by-hand", "address": "typed@acme.example", "add_kind": "imap"}
    html = page.render(ADMIN, "acme", Shown(refill=Refill(typed, refused)))
    assert f'id="error-{field}">' in html
    assert not CODE_WORDS.search(re.sub(r"<[^>]+>", " ", _visible(html)))
    assert 'value="typed@acme.example"' in html  # what was typed is kept


def test_a_refused_card_button_opens_that_card_and_no_form(
    console: tuple[SettingsPage, InMemoryStateStore, FakeClock],
) -> None:
    page, state, _ = console
    state.put_mailbox(_mailbox("booking"))
    why = "tick the box to confirm the removal"
    refused = FormRefused({"": why}, form="card", target="booking")
    html = page.render(ADMIN, "acme", Shown(refill=Refill({"mailbox": "booking"}, refused)))
    assert f'id="card-error-booking">Not done: {why}<' in html
    assert 'id="mailbox-booking"' in html
    assert 'id="mailbox-form"' not in html
    assert 'id="add-mailbox"' not in html
