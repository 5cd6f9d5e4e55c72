"""The ingest pipeline on in-memory adapters: never twice, never lost, bad input kept."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import InMemoryBlobStore, InMemoryEventSink
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.event import event_schema
from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
from shared.errors import (
    MessageTooLarge,
    PermanentError,
    PortFailure,
    RetryableError,
    ServiceUnavailable,
)
from shared.ids import MailboxId, TenantId, event_id, message_id_key
from shared.ports import ClaimOutcome
from shared.service.ingest import IngestOptions, IngestPipeline

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
MAILBOX = Mailbox(
    tenant_id=TenantId("acme"),
    id=MailboxId("booking"),
    provider=Provider.IMAP,
    address="booking@acme.example",
    host="127.0.0.1",
    tls=TlsMode.PLAIN,
    secret_ref="x",
)


class FlakySink:
    """Fails the first ``failures`` publishes with ``error``, then delegates."""

    def __init__(self, inner: InMemoryEventSink, failures: int, error: Exception) -> None:
        self.inner = inner
        self.failures = failures
        self.error = error
        self.calls = 0

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return self.inner.publish(data, ordering_key=ordering_key, attributes=attributes)

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        message_id = self.publish(data, ordering_key, attributes)
        return lambda: message_id

    def resume(self, ordering_key: str) -> None:
        self.inner.resume(ordering_key)


class Env:
    def __init__(
        self,
        sink_failures: int = 0,
        error: Exception | None = None,
        blobs: InMemoryBlobStore | None = None,
    ) -> None:
        self.clock = FakeClock()
        self.state = InMemoryStateStore(self.clock)
        self.state.put_tenant(Tenant(id=TenantId("acme"), name="Acme"))
        self.state.put_mailbox(MAILBOX)
        self.events = InMemoryEventSink()
        self.sink = FlakySink(self.events, sink_failures, error or ServiceUnavailable("down"))
        self.blobs = blobs or InMemoryBlobStore()
        self.sleeps: list[float] = []
        self.pipeline = IngestPipeline(
            self.state,
            self.sink,
            self.blobs,
            self.clock,
            holder="w1",
            options=IngestOptions(publish_attempts=3, inline_attachment_max_bytes=1000),
            sleep=self.sleeps.append,
        )

    def published(self) -> list[dict[str, object]]:
        return [json.loads(m.data) for m in self.events.messages]


def _message(subject: str = "Rezervasyon onayı", msgid: str = "<m1@hotel.example>") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Hotel Aqua <res@aqua.example>"
    msg["To"] = "booking@acme.example"
    msg["Subject"] = subject
    if msgid:
        msg["Message-ID"] = msgid
    msg.set_content("Rezervasyonunuz onaylanmıştır. Voucher: AQ-1234\n")
    return msg.as_bytes()


def test_every_corpus_message_becomes_one_valid_event() -> None:
    env = Env()
    files = sorted(CORPUS.glob("*.eml"))
    assert len(files) == 40
    for i, path in enumerate(files):
        result = env.pipeline.ingest(MAILBOX, f"1/{i + 1}", path.read_bytes())
        assert result.outcome == "published", path.name
    events = env.published()
    assert len(events) == 40
    for event in events:
        jsonschema.validate(event, event_schema())
    first = env.events.messages[0]
    assert first.ordering_key == "acme/booking"
    assert first.attributes["tenant"] == "acme"
    assert first.attributes["mailbox"] == "booking"
    assert first.attributes["label"] == events[0]["classification"]["label"]  # type: ignore[index]


def test_the_same_message_twice_is_published_once() -> None:
    env = Env()
    raw = _message()
    first = env.pipeline.ingest(MAILBOX, "7/1", raw)
    second = env.pipeline.ingest(MAILBOX, "7/1", raw)
    assert (first.outcome, second.outcome) == ("published", "duplicate")
    assert first.event_id == second.event_id == event_id(MAILBOX.tenant_id, MAILBOX.id, "7/1")
    assert len(env.published()) == 1


def test_same_message_id_under_a_new_provider_id_is_a_duplicate() -> None:
    # e.g. after a UIDVALIDITY change every UID is new, but the Message-ID is not
    env = Env()
    raw = _message()
    assert env.pipeline.ingest(MAILBOX, "7/1", raw).outcome == "published"
    assert env.pipeline.ingest(MAILBOX, "8/1", raw).outcome == "duplicate"
    assert len(env.published()) == 1


def test_a_message_with_nothing_in_it_becomes_an_unparseable_event_with_the_raw_kept() -> None:
    env = Env()
    raw = b"  \r\n\r\n  \r\n"
    result = env.pipeline.ingest(MAILBOX, "1/9", raw)
    assert result.outcome == "unparseable"
    (event,) = env.published()
    jsonschema.validate(event, event_schema())
    assert event["classification"]["label"] == "unparseable"  # type: ignore[index]
    assert event["flags"]["unparseable"] is True  # type: ignore[index]
    assert env.blobs.get_blob(str(event["raw_ref"])) == raw


def test_binary_garbage_still_becomes_one_event_and_keeps_the_raw() -> None:
    env = Env()
    raw = bytes(range(256)) * 8
    env.pipeline.ingest(MAILBOX, "1/11", raw)
    (event,) = env.published()
    jsonschema.validate(event, event_schema())
    assert env.blobs.get_blob(str(event["raw_ref"])) == raw


def test_oversized_message_is_unparseable_and_kept() -> None:
    env = Env()
    env.pipeline = IngestPipeline(
        env.state,
        env.sink,
        env.blobs,
        env.clock,
        holder="w1",
        options=IngestOptions(max_message_bytes=2000),
    )
    raw = _message() + b"x" * 5000
    result = env.pipeline.ingest(MAILBOX, "1/10", raw)
    assert result.outcome == "unparseable"
    (event,) = env.published()
    assert "exceeds" in str(event["error"])
    assert env.blobs.get_blob(str(event["raw_ref"])) == raw


def test_transient_publish_failures_are_retried_with_backoff() -> None:
    env = Env(sink_failures=2)
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "published"
    assert env.sink.calls == 3
    assert len(env.sleeps) == 2
    assert env.sleeps[1] >= env.sleeps[0] > 0
    assert len(env.published()) == 1


def test_publish_outage_gives_the_message_back_and_a_later_retry_publishes_it() -> None:
    env = Env(sink_failures=3)
    with pytest.raises(RetryableError):
        env.pipeline.ingest(MAILBOX, "1/1", _message())
    assert env.published() == []
    # the claims were released: the retry (sink healthy now) publishes exactly once
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "published"
    assert len(env.published()) == 1


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (
            _message(),
            message_id_key(TenantId("acme"), "booking@acme.example", "<m1@hotel.example>"),
        ),
        (_message(msgid=""), event_id(TenantId("acme"), MailboxId("booking"), "1/1")),
    ],
    ids=["by its Message-ID", "by its event id without one"],
)
def test_a_claim_held_by_a_live_worker_is_busy_and_a_dead_ones_is_taken_over(
    raw: bytes, key: str
) -> None:
    env = Env()
    outcome = env.state.claim(
        key, "other-worker", ttl=timedelta(days=1), in_flight_timeout=timedelta(minutes=5)
    )
    assert outcome is ClaimOutcome.CLAIMED
    with pytest.raises(RetryableError):
        env.pipeline.ingest(MAILBOX, "1/1", raw)
    env.clock.advance(timedelta(minutes=6))
    assert env.pipeline.ingest(MAILBOX, "1/1", raw).outcome == "published"


def test_a_published_message_costs_two_writes_the_claim_and_its_summary() -> None:
    """One claim per message (not one per event id and one per Message-ID), completed by
    the event's summary (no write to the claim): what the state store is asked to write."""
    env = Env()
    writes: list[str] = []
    for name in ("claim", "complete_claim", "put_event_summary", "put_event_summaries"):
        original = getattr(env.state, name)

        def counted(*args: object, _name: str = name, _f: Any = original, **kw: object) -> Any:
            writes.append(_name)
            return _f(*args, **kw)

        setattr(env.state, name, counted)
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "published"
    assert writes == ["claim", "put_event_summary"]
    writes.clear()
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "duplicate"
    assert env.pipeline.ingest(MAILBOX, "2/7", _message()).outcome == "duplicate"  # new id
    assert writes == ["claim", "claim"]  # tried, found done: nothing written
    assert len(env.published()) == 1


def test_tenant_rule_skip_publishes_nothing_and_is_not_retried() -> None:
    env = Env()
    env.state.put_rule_doc(
        TenantId("acme"),
        "ignore-newsletters",
        {
            "id": "ignore-newsletters",
            "name": "ignore the hotel newsletter",
            "conditions": {"sender_domains": ["aqua.example"]},
            "actions": {"skip": True},
        },
    )
    result = env.pipeline.ingest(MAILBOX, "1/1", _message())
    assert result.outcome == "skipped"
    assert env.published() == []
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "duplicate"


def test_large_attachments_and_bodies_travel_by_reference() -> None:
    env = Env()
    msg = EmailMessage()
    msg["From"] = "res@aqua.example"
    msg["Subject"] = "Rooming list"
    msg["Message-ID"] = "<big@aqua.example>"
    msg.set_content("see attached")
    payload = bytes(range(256)) * 20  # 5120 bytes, over the 1000-byte inline limit
    msg.add_attachment(payload, maintype="application", subtype="pdf", filename="list.pdf")
    env.pipeline.ingest(MAILBOX, "1/2", msg.as_bytes())
    (event,) = env.published()
    jsonschema.validate(event, event_schema())
    attachments = event["attachments"]
    assert isinstance(attachments, list)
    (att,) = attachments
    assert att["filename"] == "list.pdf"
    assert att["size"] == len(payload)
    assert env.blobs.get_blob(att["ref"]) == payload


def test_a_message_specific_failure_is_dead_lettered_and_replay_publishes_it() -> None:
    env = Env(sink_failures=1, error=MessageTooLarge("event too large for the topic"))
    result = env.pipeline.ingest(MAILBOX, "1/3", _message())
    assert result.outcome == "dead_lettered"
    (letter,) = env.state.list_dead_letters(TenantId("acme"))
    assert "too large" in letter.reason
    assert letter.raw_ref
    assert env.published() == []
    replayed = env.pipeline.replay(letter.id)
    assert replayed.outcome == "published"
    assert env.state.list_dead_letters(TenantId("acme")) == []
    assert len(env.published()) == 1


def test_raw_mime_is_stored_compressed_and_read_back_as_it_came() -> None:
    env = Env()
    raw = _message(subject="Booking " + "confirmed " * 200)
    env.pipeline.ingest(MAILBOX, "1/4", raw)
    (event,) = env.published()
    ref = event["raw_ref"]
    assert isinstance(ref, str)
    assert ref.startswith("mem://raw/acme/booking/")
    assert env.blobs.get_blob(ref) == raw
    assert env.blobs.stored_bytes(ref) < len(raw) // 2


def test_a_dead_letters_raw_is_kept_where_it_outlives_delivered_mail_and_replays() -> None:
    env = Env(sink_failures=1, error=MessageTooLarge("event too large for the topic"))
    raw = _message()
    env.pipeline.ingest(MAILBOX, "1/5", raw)
    (letter,) = env.state.list_dead_letters(TenantId("acme"))
    assert letter.raw_ref == f"mem://dead/acme/booking/{letter.id}.eml"
    assert env.blobs.get_blob(letter.raw_ref) == raw
    assert env.pipeline.replay(letter.id).outcome == "published"


def test_a_failing_copy_of_a_dead_letters_raw_hands_the_message_back() -> None:
    class NoCopies(InMemoryBlobStore):
        def copy_blob(self, ref: str, key: str) -> str:
            raise ServiceUnavailable("gcs copy: 503")

    env = Env(
        sink_failures=1, error=MessageTooLarge("event too large for the topic"), blobs=NoCopies()
    )
    with pytest.raises(RetryableError, match="gcs copy"):
        env.pipeline.ingest(MAILBOX, "1/6", _message())
    assert env.state.list_dead_letters(TenantId("acme")) == []
    assert env.published() == []


def test_a_store_hiccup_after_publishing_does_not_publish_twice() -> None:
    env = Env()
    calls = {"n": 0}
    real = env.state.complete_claim

    def flaky_complete(key: str, holder: str) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ServiceUnavailable("firestore blip")
        real(key, holder)

    env.state.complete_claim = flaky_complete  # type: ignore[method-assign]
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "published"
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "duplicate"
    assert len(env.published()) == 1


class RefusingBlobStore(InMemoryBlobStore):
    """Cloud Storage answering 403 (as GcsBlobStore maps it) until ``refusing`` is cleared."""

    def __init__(self) -> None:
        super().__init__()
        self.refusing = True

    def put_blob(self, key: str, data: bytes, content_type: str, *, compress: bool = False) -> str:
        if self.refusing:
            raise PermanentError(f"gcs put {key}: Forbidden")
        return super().put_blob(key, data, content_type, compress=compress)


def test_a_permanent_blob_store_refusal_is_never_dead_lettered_and_gives_the_message_back() -> None:
    blobs = RefusingBlobStore()
    env = Env(blobs=blobs)
    with pytest.raises(PortFailure, match="blob store"):
        env.pipeline.ingest(MAILBOX, "1/1", _message())
    assert env.state.list_dead_letters(TenantId("acme")) == []
    assert env.published() == []
    blobs.refusing = False  # the operator fixed the bucket's IAM: the retry publishes it
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "published"
    assert len(env.published()) == 1


@pytest.mark.parametrize(
    "error", [PermanentError("topic not found"), RuntimeError("client closed")]
)
def test_a_sink_failure_that_is_not_the_message_fault_is_retryable(error: Exception) -> None:
    env = Env(sink_failures=1, error=error)
    with pytest.raises(PortFailure, match="event sink"):
        env.pipeline.ingest(MAILBOX, "1/1", _message())
    assert env.state.list_dead_letters(TenantId("acme")) == []
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "published"


def test_a_state_store_failure_while_dead_lettering_is_retryable() -> None:
    env = Env(sink_failures=1, error=MessageTooLarge("event too large"))

    def refuse(letter: object) -> None:
        raise PermanentError("permission denied")

    env.state.put_dead_letter = refuse  # type: ignore[method-assign]
    with pytest.raises(PortFailure, match="state store"):
        env.pipeline.ingest(MAILBOX, "1/1", _message())
    eid = event_id(MAILBOX.tenant_id, MAILBOX.id, "1/1")
    # the claim was given back: the retry is not kept waiting for the in-flight timeout
    assert env.state.claim(eid, "w2", timedelta(days=1), timedelta(minutes=5)) == (
        ClaimOutcome.CLAIMED
    )


def test_template_examples_that_cannot_be_read_give_the_message_back() -> None:
    env = Env()
    calls: list[str] = []

    def down(tenant: str) -> list[object]:
        calls.append(tenant)
        raise ServiceUnavailable("firestore: deadline exceeded")

    env.state.list_template_examples = down  # type: ignore[method-assign,assignment]
    env.pipeline = IngestPipeline(env.state, env.sink, env.blobs, env.clock, holder="w1")
    with pytest.raises(RetryableError, match="deadline exceeded"):
        env.pipeline.ingest(MAILBOX, "1/1", _message())
    assert calls == ["acme"]
    assert env.published() == []
    assert env.state.list_dead_letters(TenantId("acme")) == []
    eid = event_id(MAILBOX.tenant_id, MAILBOX.id, "1/1")
    assert env.state.claim(eid, "w2", timedelta(days=1), timedelta(minutes=5)) == (
        ClaimOutcome.CLAIMED
    )


def _pieces(total: int, piece: int, fail_after: int | None = None) -> Iterator[bytes]:
    head = b"From: a@hotel.example\r\nSubject: huge\r\n\r\n"
    data = head + b"x" * (total - len(head))
    for n, i in enumerate(range(0, total, piece)):
        if fail_after is not None and n == fail_after:
            raise ServiceUnavailable("IMAP acme/booking: connection to the mail server lost")
        yield data[i : i + piece]


def test_an_oversized_message_is_published_by_reference_once() -> None:
    """Handled by reference, the raw streamed to the blob store."""
    env = Env()
    result = env.pipeline.ingest_oversized(MAILBOX, "1/9", _pieces(5000, 1000), lease="l")
    assert (result.outcome, result.label) == ("published", "oversized")
    (event,) = [json.loads(m.data) for m in env.events.messages]
    jsonschema.validate(event, event_schema())
    assert event["classification"]["label"] == "oversized"
    assert event["flags"] == {
        "auto_reply": False,
        "bounce": False,
        "unparseable": True,
        "oversized": True,
    }
    assert event["raw_size"] == 5000
    assert env.blobs.get_blob(event["raw_ref"]) == b"".join(_pieces(5000, 1000))
    assert env.events.messages[0].attributes["label"] == "oversized"
    again = env.pipeline.ingest_oversized(MAILBOX, "1/9", _pieces(5000, 1000))
    assert again.outcome == "duplicate"
    assert len(env.published()) == 1


def test_an_oversized_message_whose_source_fails_is_retried_not_lost() -> None:
    env = Env()
    with pytest.raises(ServiceUnavailable, match="connection"):
        env.pipeline.ingest_oversized(MAILBOX, "1/9", _pieces(5000, 1000, fail_after=2))
    assert env.published() == []
    # the claim was released: the retry publishes it
    assert env.pipeline.ingest_oversized(MAILBOX, "1/9", _pieces(5000, 1000)).outcome == (
        "published"
    )
    assert len(env.published()) == 1


def test_what_a_person_should_review_is_counted_in_the_health() -> None:
    from shared.service.health import HealthReporter

    env = Env()
    sure = env.pipeline.ingest(MAILBOX, "1/1", _message())
    vague = env.pipeline.ingest(
        MAILBOX,
        "1/2",
        _message(subject="Hello", msgid="<m2@hotel.example>").replace(
            "Rezervasyonunuz onaylanmıştır. Voucher: AQ-1234".encode(), b"Regards"
        ),
    )
    broken = env.pipeline.ingest(MAILBOX, "1/3", b"  \r\n\r\n  \r\n")
    events = env.published()
    assert [e["classification"]["confident"] for e in events] == [True, False, False]  # type: ignore[index]
    assert (sure.confident, vague.confident, broken.confident) == (True, False, False)
    reporter = HealthReporter(env.state, env.clock)
    for result in (sure, vague, broken):
        reporter.report_result(MAILBOX, result, env.clock.now())
    reporter.flush()
    health = env.state.get_health(MAILBOX.tenant_id, MAILBOX.id, env.clock.now())
    assert (health.processed_24h, health.needs_review_24h) == (3, 2)


def test_each_published_event_leaves_one_summary_without_its_body() -> None:
    env = Env()
    received = env.clock.now() - timedelta(minutes=3)
    result = env.pipeline.ingest(MAILBOX, "1/1", _message(), received_at=received)
    env.pipeline.ingest(MAILBOX, "1/1", _message())  # a duplicate adds no row
    env.pipeline.ingest(MAILBOX, "1/2", b"")  # unparseable: a row to review
    rows = env.state.list_event_summaries(TenantId("acme"), limit=10)
    assert [r.label for r in rows] == ["unparseable", result.label]
    row = rows[1]
    assert (row.event_id, row.mailbox_id, row.at) == (result.event_id, "booking", received)
    assert row.subject == "Rezervasyon onayı"
    assert row.sender == "Hotel Aqua <res@aqua.example>"
    assert row.processing_ms == round(result.processing_ms, 1)
    assert row.confident == result.confident
    assert "Voucher" not in row.model_dump_json()  # never the body
    assert rows[0].confident is False


def test_a_summary_that_cannot_be_stored_for_a_blip_does_not_publish_the_event_again() -> None:
    """The summary completes the claim: a blip is tried again (as the publish is), so the
    message is done and a redelivery is a duplicate."""
    env = Env()
    put, failures = env.state.put_event_summary, [ServiceUnavailable("firestore blip")]

    def blip(summary: Any) -> None:
        if failures:
            raise failures.pop()
        put(summary)

    env.state.put_event_summary = blip  # type: ignore[method-assign]
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "published"
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "duplicate"
    assert len(env.published()) == 1


def test_a_summary_that_cannot_be_stored_at_all_hands_the_message_back() -> None:
    """Completion that keeps failing: the message is handed back (its cursor stays), its
    claim released, and the retry publishes it again under the same event id — what a
    consumer dedupes — rather than leaving it published and never recorded."""
    env = Env()
    put = env.state.put_event_summary

    def down(summary: Any) -> None:
        raise ServiceUnavailable("firestore down")

    env.state.put_event_summary = down  # type: ignore[method-assign]
    with pytest.raises(RetryableError):
        env.pipeline.ingest(MAILBOX, "1/1", _message())
    env.state.put_event_summary = put  # type: ignore[method-assign]
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "published"
    assert env.pipeline.ingest(MAILBOX, "1/1", _message()).outcome == "duplicate"
    ids = [m.attributes["event_id"] for m in env.events.messages]
    assert len(ids) == 2
    assert len(set(ids)) == 1
