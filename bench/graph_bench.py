"""Microsoft 365 path figures on real local parts (Firestore and Pub/Sub emulators, the Graph
and Microsoft identity stand-ins, graph_webhook and graph_worker under functions-framework):

- ``graph.webhook_ms_p50`` / ``_p99``: a burst of 1,000 notifications POSTed to the running
  webhook (validation of clientState, queueing, 202) — floor p99 < 500 ms, aim < 50 ms;
- ``graph.requests_per_message``: Graph HTTP requests per new message, one notification each
  (floor ≤ 2);
- ``graph.notification_to_event_ms_p50``: delivery into the stand-in → event read back;
- ``graph.connect_10000_old_requests`` / ``graph.connect_10000_old_s``: connecting a folder
  that holds 10,000 old messages (subscription, the first created-only delta round paged to
  its deltaLink): 0 events — floor ≤ 60 requests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.figures import Figure, figure, percentile
from mailingest_dev.devstack import local_services
from mailingest_dev.devstack.process import free_port
from mailingest_dev.local_functions import local_backends_env, serving_function
from mailingest_dev.local_graph import LocalGraph, local_graph
from shared.adapters.pubsub import EventTail
from shared.bootstrap import App, build_app, build_graph
from shared.ids import MailboxId, TenantId

TENANT = TenantId("bench")
MESSAGES = int(os.environ.get("BENCH_GRAPH_MESSAGES", "50"))
BURST = int(os.environ.get("BENCH_GRAPH_BURST", "1000"))
CONCURRENCY = int(os.environ.get("BENCH_GRAPH_CONCURRENCY", "10"))
OLD_MESSAGES = int(os.environ.get("BENCH_GRAPH_OLD_MESSAGES", "10000"))


def _raw(n: int) -> bytes:
    return (
        f"From: res@hotel.example\r\nMessage-ID: <gb-{n}-{uuid.uuid4().hex}@x>\r\n"
        f"Subject: Stop sale {n}\r\n\r\nStop sale from today.\r\n"
    ).encode()


def flow(local: LocalGraph, app: App, events: EventTail) -> dict[str, Figure]:
    user = "flow@bench.example"
    mailbox = local.connect(app, TENANT, MailboxId("flow"), user)
    build_graph(app).sync.connect(mailbox)
    before = local.graph.request_count()
    latencies = []
    for n in range(MESSAGES):
        started = time.perf_counter()
        local.graph.deliver(user, _raw(n))
        if len(list(events.iter(max_events=1, timeout_s=60))) != 1:
            raise SystemExit(f"message {n}: no event within 60 s")
        latencies.append((time.perf_counter() - started) * 1000)
    note = f"{MESSAGES} messages, one notification each: webhook → queue → worker"
    return {
        "graph.requests_per_message": figure(
            (local.graph.request_count() - before) / MESSAGES, "req/msg", note
        ),
        "graph.notification_to_event_ms_p50": figure(statistics.median(latencies), "ms", note),
    }


def connect_old(local: LocalGraph, app: App, events: EventTail) -> dict[str, Figure]:
    user = "old@bench.example"
    local.graph.add_user(user)
    received = datetime.now(UTC) - timedelta(days=60)
    for n in range(OLD_MESSAGES):
        local.graph.deliver(user, _raw(n), notify=False, received=received + timedelta(seconds=n))
    mailbox = local.connect(app, TENANT, MailboxId("old"), user)
    before = local.graph.request_count()
    started = time.perf_counter()
    build_graph(app).sync.connect(mailbox)
    elapsed = time.perf_counter() - started
    requests = local.graph.request_count() - before
    published = len(list(events.iter(timeout_s=5)))
    if published:
        raise SystemExit(f"connecting a folder of old mail published {published} events")
    note = f"connect a folder holding {OLD_MESSAGES:,} old messages: 0 events (floor ≤ 60 requests)"
    return {
        "graph.connect_10000_old_requests": figure(requests, "requests", note),
        "graph.connect_10000_old_s": figure(elapsed, "s", note),
    }


def webhook_burst(local: LocalGraph, app: App, webhook_url: str) -> dict[str, Figure]:
    user = "burst@bench.example"
    mailbox = local.connect(app, TENANT, MailboxId("burst"), user)
    sub_id = build_graph(app).sync.connect(mailbox)
    client_state = local.graph.subscriptions[sub_id].client_state  # what Graph echoes
    item = {
        "subscriptionId": sub_id,
        "clientState": client_state,
        "changeType": "created",
        "resource": f"Users/{user}/Messages/AAk",
        "tenantId": "bench",
    }
    body = json.dumps({"value": [item]}).encode()
    times: list[float] = []
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    with httpx.Client(timeout=30, limits=limits) as http:

        def post(_n: int) -> None:
            started = time.perf_counter()
            answer = http.post(
                webhook_url, content=body, headers={"Content-Type": "application/json"}
            )
            if answer.status_code != 202:
                raise SystemExit(f"webhook answered {answer.status_code}")
            times.append((time.perf_counter() - started) * 1000)

        post(-1)  # the first request builds the function's parts
        times.clear()
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            list(pool.map(post, range(BURST)))
    note = (
        f"{BURST} notifications, {CONCURRENCY} at a time (keep-alive), against the running "
        "graph_webhook (clientState check, queued on the emulator, 202)"
    )
    return {
        "graph.webhook_ms_p50": figure(statistics.median(times), "ms", note),
        "graph.webhook_ms_p99": figure(percentile(times, 0.99), "ms", note),
    }


def run(tmp: Path) -> dict[str, Figure]:
    with local_services(secretmanager=False, dovecot=False, base_dir=tmp / "svc") as svc:
        os.environ.update(svc.env())
        with local_graph(svc.project_id, tmp / "graph") as local:
            webhook_port = free_port()
            webhook_url = f"http://127.0.0.1:{webhook_port}/"
            topic = f"events-{uuid.uuid4().hex[:8]}"
            os.environ.update(
                {
                    **local_backends_env(tmp, topic),
                    "MAILINGEST_LOG_LEVEL": "WARNING",
                    **local.env(webhook_url),
                }
            )
            app = build_app()
            app.admin.add_tenant(TENANT, "Bench", actor="bench")
            events = EventTail(
                svc.project_id, topic, emulator_host=os.environ["PUBSUB_EMULATOR_HOST"]
            )
            events.prepare()
            with (
                serving_function("graph_webhook", tmp / "webhook.log", port=webhook_port),
                serving_function(
                    "graph_worker", tmp / "worker.log", signature="cloudevent"
                ) as worker_url,
            ):
                local.push_queue_to(worker_url)
                figures = connect_old(local, app, events)
                figures.update(flow(local, app, events))
                figures.update(webhook_burst(local, app, webhook_url))
            return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mi-graph-bench-") as tmp:
        figures = run(Path(tmp))
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
