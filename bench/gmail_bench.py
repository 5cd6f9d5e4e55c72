"""Gmail path figures on real local parts (Firestore and Pub/Sub emulators, the Gmail API and
Google OAuth stand-ins, ``gmail_push`` under functions-framework behind the emulator's push
subscription):

- ``gmail.requests_per_message_steady``: Gmail API HTTP requests per new message, one message
  per push (floor ≤ 2);
- ``gmail.requests_per_message_burst100``: 100 messages arriving together, one push. Against
  the strict stand-in (batch parts beyond 10 answer 429, as Gmail's "Too many concurrent
  requests for user" does for large batches) 100 messages take one history page and ten
  batches of 10: ≈ 0.11 (the earlier floor of 0.1 was measured with batches of 50 against a
  stand-in that never throttled a part);
- ``gmail.burst1000_throttled_s`` / ``gmail.burst1000_throttled_requests_per_message``: 1,000
  messages, one push, on the strict stand-in: parts beyond its default per batch answer 429,
  and 300 more parts are throttled wherever they fall (floors: all 1,000 published once,
  ≤ 0.2 requests per message);
- ``gmail.push_to_event_ms_p50`` / ``_p99``: insert into the stand-in → event read back from
  the events topic, through the emulator's push;
- ``gmail.resync_mailboxes_per_s``: the safety-net resync with nothing new, 1,000 mailboxes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench.figures import Figure, figure, percentile
from mailingest_dev.devstack import local_services
from mailingest_dev.local_functions import local_backends_env, serving_function
from mailingest_dev.local_gmail import LocalGmail, local_gmail
from shared.adapters.pubsub import EventTail
from shared.bootstrap import App, build_app, build_gmail
from shared.ids import MailboxId, TenantId
from shared.service.renewal import Renewal

TENANT = TenantId("bench")
STEADY = int(os.environ.get("BENCH_GMAIL_STEADY", "100"))
RESYNC_MAILBOXES = int(os.environ.get("BENCH_GMAIL_RESYNC_MAILBOXES", "1000"))


def _raw(n: int) -> bytes:
    return (
        f"From: res@hotel.example\r\nMessage-ID: <bench-{n}-{uuid.uuid4().hex}@x>\r\n"
        f"Subject: Booking {n}\r\n\r\nReservation {n} confirmed.\r\n"
    ).encode()


def steady_and_latency(local: LocalGmail, app: App, tail: EventTail) -> dict[str, Figure]:
    email = "steady@bench.example"
    mailbox = local.connect(app, TENANT, MailboxId("steady"), email)
    build_gmail(app).sync.start_watch(mailbox)
    latencies: list[float] = []
    before = local.gmail.request_count()
    for n in range(STEADY):
        started = time.perf_counter()
        local.gmail.insert(email, _raw(n))
        got = list(tail.iter(max_events=1, timeout_s=60))
        if len(got) != 1:
            raise SystemExit(f"message {n}: no event within 60 s")
        latencies.append((time.perf_counter() - started) * 1000)
    per_message = (local.gmail.request_count() - before) / STEADY
    note = f"{STEADY} messages, one push each, through the Pub/Sub emulator's push subscription"
    return {
        "gmail.requests_per_message_steady": figure(per_message, "req/msg", note),
        "gmail.push_to_event_ms_p50": figure(statistics.median(latencies), "ms", note),
        "gmail.push_to_event_ms_p99": figure(percentile(latencies, 0.99), "ms", note),
    }


def burst(local: LocalGmail, app: App, tail: EventTail) -> dict[str, Figure]:
    email = "burst@bench.example"
    mailbox = local.connect(app, TENANT, MailboxId("burst"), email)
    build_gmail(app).sync.start_watch(mailbox)
    before = local.gmail.request_count()
    for n in range(99):
        local.gmail.insert(email, _raw(n), notify=False)
    local.gmail.insert(email, _raw(99))  # one push covers the burst (Gmail coalesces them)
    got = list(tail.iter(max_events=100, timeout_s=120))
    if len(got) != 100:
        raise SystemExit(f"burst: {len(got)} of 100 events")
    per_message = (local.gmail.request_count() - before) / 100
    note = "100 messages, one push: one history page + 10 batches of 10"
    return {"gmail.requests_per_message_burst100": figure(per_message, "req/msg", note)}


BURST_THROTTLED = 1000
EXTRA_THROTTLED_PARTS = 300


def burst_throttled(local: LocalGmail, app: App, tail: EventTail) -> dict[str, Figure]:
    email = "throttled@bench.example"
    mailbox = local.connect(app, TENANT, MailboxId("throttled"), email)
    build_gmail(app).sync.start_watch(mailbox)
    for n in range(BURST_THROTTLED - 1):
        local.gmail.insert(email, _raw(n), notify=False)
    throttled_before = local.gmail.throttled_parts
    local.gmail.throttle_parts(EXTRA_THROTTLED_PARTS)
    before = local.gmail.request_count()
    started = time.perf_counter()
    local.gmail.insert(email, _raw(BURST_THROTTLED - 1))  # one push covers the burst
    got = {a["event_id"] for _d, a in tail.iter(max_events=BURST_THROTTLED, timeout_s=600)}
    seconds = time.perf_counter() - started
    got |= {a["event_id"] for _d, a in tail.iter(timeout_s=3)}  # and nothing more
    if len(got) != BURST_THROTTLED:
        raise SystemExit(f"throttled burst: {len(got)} distinct of {BURST_THROTTLED} events")
    per_message = (local.gmail.request_count() - before) / BURST_THROTTLED
    if per_message > 0.2:
        raise SystemExit(f"throttled burst: {per_message:.3f} requests per message (floor 0.2)")
    throttled = local.gmail.throttled_parts - throttled_before
    note = (
        f"{BURST_THROTTLED} messages, one push; {throttled} parts answered 429 "
        f"({EXTRA_THROTTLED_PARTS} injected, the stand-in serving {local.gmail.parts_per_batch} "
        "per batch)"
    )
    return {
        "gmail.burst1000_throttled_s": figure(seconds, "s", note),
        "gmail.burst1000_throttled_requests_per_message": figure(per_message, "req/msg", note),
    }


def resync(local: LocalGmail, app: App) -> dict[str, Figure]:
    gmail = build_gmail(app)
    for n in range(RESYNC_MAILBOXES):
        mailbox = local.connect(app, TENANT, MailboxId(f"r{n:05d}"), f"r{n}@bench.example")
        gmail.sync.start_watch(mailbox)
    renewal = Renewal(app.state, gmail.sync, concurrency=app.settings.gmail.resync_concurrency)
    started = time.perf_counter()
    counts = renewal.resync()
    seconds = time.perf_counter() - started
    if counts.get("failed"):
        raise SystemExit(f"resync: {counts}")
    return {
        "gmail.resync_mailboxes_per_s": figure(
            counts["mailboxes"] / seconds,
            "mbox/s",
            f"safety-net resync, nothing new, {counts['mailboxes']} Gmail mailboxes "
            f"(Firestore emulator, {app.settings.gmail.resync_concurrency} at a time)",
        )
    }


def run(tmp: Path) -> dict[str, Figure]:
    with local_services(secretmanager=False, dovecot=False, base_dir=tmp / "svc") as svc:
        os.environ.update(svc.env())
        with local_gmail(svc.project_id) as local:
            topic = f"events-{uuid.uuid4().hex[:8]}"
            os.environ.update(
                {**local_backends_env(tmp, topic), "MAILINGEST_LOG_LEVEL": "WARNING", **local.env()}
            )
            app = build_app()
            app.admin.add_tenant(TENANT, "Bench", actor="bench")
            tail = EventTail(
                svc.project_id, topic, emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
            )
            tail.prepare()
            with serving_function("gmail_push", tmp / "gmail_push.log") as url:
                local.push_to(url)
                figures = steady_and_latency(local, app, tail)
                figures.update(burst(local, app, tail))
                figures.update(burst_throttled(local, app, tail))
                figures.update(resync(local, app))
            return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mi-gmail-bench-") as tmp:
        figures = run(Path(tmp))
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
