"""A tenant corrects an event's label (``Corrections.correct``,
what ``mailingest label`` and the settings page call); the pipeline then labels later mails
of the same template from the same sender the corrected way, explained as template:<id>.
On the in-memory store and on Firestore (emulator) with raw MIME in a local blob directory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.blobs import LocalDirBlobStore
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.classification import template_example
from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
from shared.errors import NotFound, ValidationError
from shared.ids import MailboxId, TenantId
from shared.ports import BlobStore, StateStore
from shared.service.corrections import Corrections
from shared.service.ingest import IngestPipeline
from shared.service.rules import RuleBook

ACME, GLOBEX = TenantId("acme"), TenantId("globex")
PARTNER = "Allotment Desk <allot@partner.example>"
STORES = ["memory", pytest.param("firestore", marks=pytest.mark.integration)]


def mailbox(tenant: TenantId) -> Mailbox:
    return Mailbox(
        tenant_id=tenant,
        id=MailboxId("booking"),
        provider=Provider.IMAP,
        address=f"booking@{tenant}.example",
        host="127.0.0.1",
        tls=TlsMode.PLAIN,
        secret_ref="x",
    )


def mail(subject: str, body: str, sender: str = PARTNER, msgid: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "booking@acme.example"
    msg["Subject"] = subject
    if msgid:
        msg["Message-ID"] = msgid
    msg.set_content(body)
    return msg.as_bytes()


def report(ref: str, name: str, date: str, sender: str = PARTNER) -> bytes:
    """A partner's daily allotment report: the built-in rules read a booking in it."""
    return mail(
        f"Daily allotment report {ref}",
        f"Allotment usage for {date}.\nBooking confirmed: Mr {name}, ref {ref}.\n"
        "Total rooms used: 14/20.\n",
        sender,
    )


@dataclass
class Env:
    state: StateStore
    blobs: BlobStore
    clock: FakeClock
    sink: InMemoryEventSink
    pipeline: IngestPipeline
    corrections: Corrections
    raw_dir: Path | None

    def ingest(self, tenant: TenantId, provider_id: str, raw: bytes) -> tuple[str, dict[str, Any]]:
        result = self.pipeline.ingest(mailbox(tenant), provider_id, raw)
        assert result.outcome == "published"
        event = json.loads(self.sink.messages[-1].data)
        assert event["id"] == result.event_id
        return result.event_id, event


@pytest.fixture(params=STORES)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Env:
    clock = FakeClock()
    state: StateStore
    blobs: BlobStore
    raw_dir = None
    if request.param == "memory":
        state, blobs = InMemoryStateStore(clock), InMemoryBlobStore()
    else:
        state = FirestoreStateStore(request.getfixturevalue("firestore_client"), clock)
        raw_dir = tmp_path / "blobs"
        blobs = LocalDirBlobStore(raw_dir)
    for tenant in (ACME, GLOBEX):
        state.put_tenant(Tenant(id=tenant, name=tenant))
        state.put_mailbox(mailbox(tenant))
    sink = InMemoryEventSink()
    pipeline = IngestPipeline(state, sink, blobs, clock, holder="w1")
    corrections = Corrections(state, blobs, clock, on_change=pipeline.forget_tenant)
    return Env(state, blobs, clock, sink, pipeline, corrections, raw_dir)


def test_a_corrected_label_teaches_later_mails_of_the_same_template(env: Env) -> None:
    eid, first = env.ingest(ACME, "1", report("55120", "Smith", "12.08.2026"))
    assert first["classification"]["label"] == "booking"

    done = env.corrections.correct(ACME, eid, "other", actor="ops@acme.example")
    assert (done.before, done.example.label) == ("booking", "other")

    # the same template, other numbers, dates, names: the corrected label, and why
    _, later = env.ingest(ACME, "2", report("77312", "Kowalski", "19.09.2026"))
    assert later["classification"]["label"] == "other"
    assert later["classification"]["rules"][0] == f"template:{done.example.id}"
    # another sender with the same text, and the same sender with another template: untouched
    _, stranger = env.ingest(
        ACME, "3", report("77313", "Lee", "20.09.2026", sender="desk@elsewhere.example")
    )
    assert stranger["classification"]["label"] == "booking"
    assert not any(r.startswith("template:") for r in stranger["classification"]["rules"])
    _, stop = env.ingest(
        ACME,
        "4",
        mail("STOP SALE 01.08-10.08", "Stop sale for all room types from 01.08 to 10.08.\n"),
    )
    assert stop["classification"]["label"] == "stopsale"
    # another tenant receiving the same template learned nothing
    _, globex = env.ingest(GLOBEX, "5", report("77314", "Nowak", "21.09.2026"))
    assert globex["classification"]["label"] == "booking"
    # the settings page's "try it" applies the examples as the pipeline does
    rules = RuleBook(env.state, env.clock)
    tried = rules.try_it(ACME, report("80011", "Nowak", "22.09.2026"))
    assert (tried.label, tried.rules[0]) == ("other", f"template:{done.example.id}")
    assert rules.try_it(GLOBEX, report("80011", "Nowak", "22.09.2026")).label == "booking"


def test_a_correction_is_audited_without_body_text(env: Env) -> None:
    eid, _ = env.ingest(ACME, "1", report("55120", "Smith", "12.08.2026"))
    done = env.corrections.correct(ACME, eid, "other", actor="ops@acme.example")
    (entry,) = env.state.list_audit(ACME)
    assert (entry.actor, entry.action) == ("ops@acme.example", "template.correct")
    assert entry.target == f"acme/templates/{done.example.id}"
    assert entry.details == {
        "event_id": eid,
        "mailbox": "booking",
        "sender": "allot@partner.example",
        "before": "booking",
        "after": "other",
    }
    assert env.state.list_audit(GLOBEX) == []


def test_the_stored_example_keeps_masked_tokens_only(env: Env) -> None:
    eid, _ = env.ingest(ACME, "1", report("55120", "Smith", "12.08.2026"))
    env.corrections.correct(ACME, eid, "other", actor="ops")
    (example,) = env.state.list_template_examples(ACME)
    kept = json.dumps([example.subject, example.opening, example.sender]).lower()
    for varying in ("55120", "smith", "12.08.2026", "14/20"):
        assert varying not in kept
    assert "allotment" in example.opening  # the template's words are what is matched
    assert "#" in example.opening
    assert "~" in example.opening


def test_tenant_rules_still_have_the_last_word(env: Env) -> None:
    env.state.put_rule_doc(
        ACME,
        "partner-amend",
        {
            "id": "partner-amend",
            "conditions": {"sender_addresses": ["allot@partner.example"]},
            "actions": {"label": "amendment"},
        },
    )
    eid, first = env.ingest(ACME, "1", report("55120", "Smith", "12.08.2026"))
    assert first["classification"]["label"] == "amendment"
    done = env.corrections.correct(ACME, eid, "other", actor="ops")
    assert done.before == "amendment"
    _, later = env.ingest(ACME, "2", report("77312", "Kowalski", "19.09.2026"))
    assert later["classification"]["label"] == "amendment"
    assert f"template:{done.example.id}" in later["classification"]["rules"]
    assert "tenant:partner-amend" in later["classification"]["rules"]


def test_unknown_other_tenants_and_invalid_requests_are_refused(env: Env) -> None:
    eid, _ = env.ingest(ACME, "1", report("55120", "Smith", "12.08.2026"))
    with pytest.raises(NotFound, match="not found in tenant globex"):
        env.corrections.correct(GLOBEX, eid, "other", actor="globex-admin")
    # the same digest under globex's own mailbox of the same name: no such event there
    forged = eid.replace("acme.", "globex.", 1)
    with pytest.raises(NotFound):
        env.corrections.correct(GLOBEX, forged, "other", actor="globex-admin")
    for bogus in ("nope", "acme.booking.123", "acme.booking." + "0" * 40, "../../etc/passwd"):
        with pytest.raises(NotFound):
            env.corrections.correct(ACME, bogus, "other", actor="ops")
    with pytest.raises(ValidationError, match="not one of"):
        env.corrections.correct(ACME, eid, "spam", actor="ops")
    with pytest.raises(ValidationError, match="not one of"):
        env.corrections.correct(ACME, eid, "unparseable", actor="ops")
    assert env.state.list_template_examples(ACME) == []
    assert env.state.list_template_examples(GLOBEX) == []
    assert env.state.list_audit(ACME) == []
    assert env.state.list_audit(GLOBEX) == []


def test_an_unparseable_or_senderless_event_cannot_teach(env: Env) -> None:
    result = env.pipeline.ingest(mailbox(ACME), "1", b"")
    assert result.outcome == "unparseable"
    with pytest.raises(ValidationError, match="could not be parsed"):
        env.corrections.correct(ACME, result.event_id, "booking", actor="ops")
    eid, _ = env.ingest(ACME, "2", mail("Rezervasyon 4471", "Rezervasyon onaylandı.", sender=""))
    with pytest.raises(ValidationError, match="no sender"):
        env.corrections.correct(ACME, eid, "booking", actor="ops")
    assert env.state.list_template_examples(ACME) == []


def test_correcting_again_replaces_and_examples_can_be_listed_and_deleted(env: Env) -> None:
    eid, _ = env.ingest(ACME, "1", report("55120", "Smith", "12.08.2026"))
    first = env.corrections.correct(ACME, eid, "other", actor="ops")
    env.clock.advance(timedelta(minutes=1))
    again = env.corrections.correct(ACME, eid, "amendment", actor="ops")
    assert again.example.id == first.example.id
    assert again.before == "other"  # the label the first correction taught
    (listed,) = env.corrections.examples(ACME)
    assert (listed.id, listed.label) == (first.example.id, "amendment")
    assert env.corrections.examples(GLOBEX) == []

    with pytest.raises(NotFound):
        env.corrections.delete(GLOBEX, listed.id, actor="globex-admin")
    assert [e.id for e in env.corrections.examples(ACME)] == [listed.id]
    with pytest.raises(NotFound):
        env.corrections.delete(ACME, "t-never", actor="ops")
    env.clock.advance(timedelta(minutes=1))
    env.corrections.delete(ACME, listed.id, actor="ops")
    assert env.corrections.examples(ACME) == []
    assert [e.action for e in env.state.list_audit(ACME)] == [
        "template.delete",
        "template.correct",
        "template.correct",
    ]
    # forgotten: the built-in label is back
    _, later = env.ingest(ACME, "2", report("77312", "Kowalski", "19.09.2026"))
    assert later["classification"]["label"] == "booking"


def test_the_examples_are_bounded_oldest_dropped(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_example, "MAX_EXAMPLES", 3)
    ids = []
    for i in range(5):
        eid, _ = env.ingest(ACME, str(i), report(f"5512{i}", "Smith", f"1{i}.08.2026"))
        ids.append(env.corrections.correct(ACME, eid, "other", actor="ops").example.id)
        env.clock.advance(timedelta(minutes=1))
    kept = [e.id for e in env.state.list_template_examples(ACME)]
    assert kept == ids[2:]
