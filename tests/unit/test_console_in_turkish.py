"""The console in Turkish says nothing in English: every screen (each section, the steps of
adding a mailbox, a card in each state a mailbox can be in) rendered in Turkish has no text,
label, hint or title that is one of the console's English strings, its ``<html lang>`` is
``tr``, and the lines the page refreshes by itself (the JSON) are Turkish too. The language
comes from the request: the link in the header keeps it in a cookie and comes back to the
same page; the cookie wins over the browser's Accept-Language."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest

from mailingest_dev.clock import FakeClock
from mailingest_dev.messages import extracted
from shared.adapters.memory_state import InMemoryStateStore
from shared.web import i18n, label_names, state_words
from shared.web.settings_page import SettingsPage
from shared.web.settings_routes import SettingsRoutes
from tests.unit.test_console_words import ADMIN, _all_screens, _mailbox
from tests.unit.test_console_words import console as console

Console = tuple[SettingsPage, InMemoryStateStore, FakeClock]
SHOWN_ATTRIBUTES = frozenset({"aria-label", "placeholder", "title", "data-label", "alt"})


class _Said(HTMLParser):
    """The texts a person reads or hears on a page: text nodes (scripts aside) and the
    attributes a browser shows or speaks."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag == "script"
        self.texts += [v.strip() for k, v in attrs if k in SHOWN_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if not self._script and data.strip():
            self.texts.append(" ".join(data.split()))


def _said(html: str) -> list[str]:
    parser = _Said()
    parser.feed(html)
    return parser.texts


def _english_only() -> set[str]:
    """The console's strings (without a placeholder) that read otherwise in Turkish; the
    labels' names aside: "booking" is also what a mailbox receives, as its admin typed it."""
    strings = {m.id for m in extracted() if isinstance(m.id, str) and "%(" not in m.id}
    strings -= set(label_names.NAMES.values())
    with i18n.speaking("tr"):
        return {s for s in strings if i18n.gettext(s) != s}


def test_no_screen_in_turkish_says_anything_in_english(console: Console) -> None:
    page, state, clock = console
    english = _english_only()
    assert {"Mailboxes", "Connected", "Sign-in needed", "Save"} <= english
    with i18n.speaking("tr"):
        screens = _all_screens(page, state, clock)
        refreshed = page.api(ADMIN, "acme")
    assert len(screens) > 20
    for html in screens:
        assert '<html lang="tr">' in html
        left = [text for text in _said(html) if text in english]
        assert left == [], left
    for item in refreshed:
        assert item["state"]["word"] not in english, item["state"]
        assert item["state"]["hint"] not in english, item["state"]
    words = {item["state"]["word"] for item in refreshed}
    assert "Kapalı" in words, words
    assert words <= {i18n.translations("tr").gettext(w) for w, _h, _c in state_words.WORDS.values()}


def test_the_same_screens_in_english_are_english(console: Console) -> None:
    """The check above can fail: rendered in English, the same screens are full of them."""
    page, state, clock = console
    english = _english_only()
    screens = _all_screens(page, state, clock)
    assert '<html lang="en">' in screens[0]
    assert len([t for t in _said(screens[0]) if t in english]) > 5


@dataclass
class _Request:
    args: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    path: str = "/"
    form: dict[str, str] = field(default_factory=dict)


class _Identity:
    def of(self, headers: Any) -> str:
        return ADMIN


def _routes(page: SettingsPage) -> SettingsRoutes:
    return SettingsRoutes(lambda: page, lambda: _Identity())  # type: ignore[arg-type,return-value]


def test_the_language_link_keeps_the_choice_and_comes_back_to_the_same_page(
    console: Console,
) -> None:
    page, _, _ = console
    asked = _Request({"tenant": "acme", "section": "rules", "lang": "tr"})
    body, status, headers = _routes(page).answer(asked)
    assert (body, status) == ("", 303)
    assert headers["Location"] == "?tenant=acme&section=rules"
    assert headers["Set-Cookie"].startswith("console_lang=tr;")
    back = _Request({"tenant": "acme", "section": "rules"}, cookies={"console_lang": "tr"})
    body, status, headers = _routes(page).answer(back)
    assert status == 200
    assert headers["Content-Language"] == "tr"
    assert '<html lang="tr">' in str(body)
    assert "<h1>Kurallar</h1>" in str(body)
    # the links of the switch come back here, each in its language
    assert 'href="?tenant=acme&amp;section=rules&amp;lang=en"' in str(body)


@pytest.mark.parametrize(
    ("accept", "cookie", "lang", "heading"),
    [
        ("tr-TR,tr;q=0.9,en;q=0.5", "", "tr", "<h1>Posta kutuları</h1>"),
        ("tr-TR,tr;q=0.9,en;q=0.5", "en", "en", "<h1>Mailboxes</h1>"),  # the cookie wins
        ("en-GB,en;q=0.9", "tr", "tr", "<h1>Posta kutuları</h1>"),
        ("de-DE,fr;q=0.5", "", "en", "<h1>Mailboxes</h1>"),  # none we speak
    ],
)
def test_the_page_speaks_the_cookies_language_else_the_browsers(
    console: Console, accept: str, cookie: str, lang: str, heading: str
) -> None:
    page, _, _ = console
    cookies = {"console_lang": cookie} if cookie else {}
    asked = _Request({"tenant": "acme"}, headers={"Accept-Language": accept}, cookies=cookies)
    body, status, headers = _routes(page).answer(asked)
    assert status == 200
    assert headers["Content-Language"] == lang
    assert f'<html lang="{lang}">' in str(body)
    assert heading in str(body)


def test_a_refused_form_and_the_refreshed_lines_are_in_the_chosen_language(
    console: Console,
) -> None:
    page, state, _ = console
    state.put_mailbox(_mailbox("booking"))  # not reported on yet
    turkish = {"console_lang": "tr"}
    as_json = _Request({"tenant": "acme", "format": "json"}, cookies=turkish)
    body, _, _ = _routes(page).answer(as_json)
    assert '"word": "Henüz başlamadı"' in str(body)
    form = {
        "tenant": "acme",
        "csrf": page.csrf_token(ADMIN, "acme"),
        "mailbox": "frontdesk",
        "address": "frontdesk@acme.example",
        "provider": "imap",
        "host": "imap.acme.example",
        "port": "70000",
        "password": "x",
    }
    posted = _Request({"tenant": "acme"}, cookies=turkish, method="POST", form=form)
    body, status, _ = _routes(page).answer(posted)
    assert status == 422
    assert "1 ile 65535 arasında bir port girin (IMAP genellikle 993, POP3 995)." in str(body)
    assert "Kaydedilmedi: " in str(body)
