"""Microsoft 365 end to end on real local parts: the Graph and Microsoft identity stand-ins
(tokens through MSAL), ``graph_webhook`` and ``graph_worker`` under functions-framework,
Firestore and Pub/Sub on their emulators. After each scenario the published event ids equal
the delivered messages exactly: 0 lost, 0 duplicated."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from mailingest_dev.local_functions import serving_function
from shared.bootstrap import build_graph
from shared.domain.models import MailboxState
from tests.integration.graph.conftest import DATA, MAILBOX, TENANT, GraphEnv

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_notification_to_event_through_webhook_queue_and_worker(graph: GraphEnv) -> None:
    log = graph.tmp / "worker.log"
    with serving_function("graph_worker", log, signature="cloudevent") as worker_url:
        graph.local.push_queue_to(worker_url)
        ids = [graph.deliver(n) for n in range(6)]
        got = graph.event_ids(6)
    assert sorted(got) == sorted(graph.expected(ids)), (graph.tmp / "worker.log").read_text()[
        -3000:
    ]


def _post(url: str, body: object) -> httpx.Response:
    return httpx.post(url, json=body, timeout=10)


def test_the_webhook_validates_checks_client_state_and_queues_once_per_mailbox(
    graph: GraphEnv,
) -> None:
    token = "Validation: Testing client application reachability 2b8f"
    echoed = httpx.post(graph.webhook_url, params={"validationToken": token}, timeout=10)
    assert (echoed.status_code, echoed.text) == (200, token)
    assert echoed.headers["content-type"].startswith("text/plain")
    sub = graph.subscription_id()
    recorded = json.loads((DATA / "notification_created.json").read_text())
    item = recorded["value"][0]
    forged = {**item, "subscriptionId": sub, "clientState": "not-the-client-state"}
    unknown = {**item, "subscriptionId": str(uuid.uuid4())}
    missing = {k: v for k, v in item.items() if k != "clientState"} | {"subscriptionId": sub}
    for body in ({"value": [forged]}, {"value": [unknown]}, {"value": [missing]}):
        assert _post(graph.webhook_url, body).status_code == 403
    assert httpx.post(graph.webhook_url, content=b"not json", timeout=10).status_code == 400
    assert _post(graph.webhook_url, {"value": "nope"}).status_code == 400
    huge = httpx.post(graph.webhook_url, content=b"x" * (1024 * 1024 + 1), timeout=10)
    assert huge.status_code == 413
    assert list(graph.queue.iter(timeout_s=2)) == []  # nothing refused was queued
    # three genuine notifications (and a forged one) in one request: one doorbell
    client_state = graph.local.graph.subscriptions[sub].client_state  # what Graph echoes
    genuine = {**item, "subscriptionId": sub, "clientState": client_state}
    accepted = _post(graph.webhook_url, {"value": [genuine, genuine, forged, genuine]})
    assert accepted.status_code == 202
    queued = [json.loads(d) for d, _a in graph.queue.iter(max_events=1, timeout_s=30)]
    queued += [json.loads(d) for d, _a in graph.queue.iter(timeout_s=2)]
    assert queued == [
        {"tenant_id": TENANT, "mailbox_id": MAILBOX, "subscription_id": sub, "lifecycle_event": ""}
    ]


def test_lifecycle_events_missed_notifications_and_an_expired_delta_token(
    graph: GraphEnv,
) -> None:
    worker = build_graph(graph.app).worker

    def bell(lifecycle: str = "") -> bytes:
        return json.dumps(
            {"tenant_id": TENANT, "mailbox_id": MAILBOX, "lifecycle_event": lifecycle}
        ).encode()

    first = [graph.deliver(n, notify=False) for n in range(3)]  # notifications lost
    assert worker.handle(bell("missed")) == "synced"
    old_sub = graph.subscription_id()
    graph.local.graph.remove_subscription(old_sub)
    assert worker.handle(bell("subscriptionRemoved")) == "synced"
    new_sub = graph.subscription_id()
    assert new_sub != old_sub
    assert new_sub in graph.local.graph.subscriptions
    before = graph.local.graph.subscriptions[new_sub].expires
    assert worker.handle(bell("reauthorizationRequired")) == "renewed"
    assert graph.local.graph.subscriptions[new_sub].expires >= before
    second = [graph.deliver(n, notify=False) for n in range(3, 6)]
    graph.local.graph.expire_delta_tokens()  # the stored delta link is now 410
    assert worker.handle(bell()) == "synced"
    third = [graph.deliver(n, notify=False) for n in range(6, 8)]
    assert worker.handle(bell()) == "synced"
    assert sorted(graph.event_ids(8)) == sorted(graph.expected(first + second + third))


def test_throttling_redelivers_and_a_busy_mailbox_is_retried(graph: GraphEnv) -> None:
    from datetime import timedelta

    from shared.errors import RetryableError, Throttled

    worker = build_graph(graph.app).worker
    doorbell = json.dumps({"tenant_id": TENANT, "mailbox_id": MAILBOX}).encode()
    ids = [graph.deliver(n, notify=False) for n in range(2)]
    graph.local.graph.throttle(1, retry_after_s=20)
    with pytest.raises(Throttled) as info:
        worker.handle(doorbell)  # the trigger's retry policy redelivers
    assert info.value.retry_after_s == 20
    lease = f"graph-sync/{graph.mailbox.key}"
    assert graph.app.state.try_acquire_lease(lease, "other-instance", timedelta(seconds=60))
    with pytest.raises(RetryableError):
        worker.handle(doorbell)
    graph.app.state.release_lease(lease, "other-instance")
    assert worker.handle(doorbell) == "synced"
    assert worker.handle(doorbell) == "synced"  # a duplicate doorbell adds nothing
    assert graph.event_ids(2) == graph.expected(ids)


def test_pending_is_what_the_delta_found_until_it_is_handed_off(graph: GraphEnv) -> None:
    """A sync stopped half-way (a download throttled beyond the adapter's retries) leaves the
    messages it found and did not hand off counted as pending, with when they were counted;
    the next sync hands them off and counts 0."""
    from shared.errors import Throttled
    from shared.service.health_view import state_word

    worker = build_graph(graph.app).worker
    doorbell = json.dumps({"tenant_id": TENANT, "mailbox_id": MAILBOX}).encode()
    ids = [graph.deliver(n, notify=False) for n in range(4)]
    graph.local.graph.throttle_path(ids[2], 50)  # beyond the adapter's retries
    with pytest.raises(Throttled):
        worker.handle(doorbell)
    now = datetime.now(UTC)
    health = graph.app.state.get_health(TENANT, MAILBOX, now)
    assert health.processed_24h == 2
    assert (health.pending, health.state) == (2, MailboxState.BACKOFF)
    assert health.pending_at is not None
    assert health.oldest_pending_at is not None
    assert state_word(graph.mailbox, health) == "backoff"
    graph.local.graph.throttle_path(ids[2], 0)
    assert worker.handle(doorbell) == "synced"
    health = graph.app.state.get_health(TENANT, MAILBOX, datetime.now(UTC))
    # the two handed off before are duplicates now: progress, not counted twice
    assert (health.pending, health.state, health.processed_24h) == (0, MailboxState.IDLE, 4)
    assert graph.event_ids(4) == graph.expected(ids)


def test_scheduled_renewal_and_safety_net_resync(graph: GraphEnv) -> None:
    from shared.service.renewal import Renewal

    renewal = Renewal(graph.app.state, None, graph.sync, concurrency=4)
    assert renewal.renew() == {"mailboxes": 1, "not_due": 1}
    ids = [graph.deliver(n, notify=False) for n in range(3)]
    assert renewal.resync() == {"mailboxes": 1, "synced": 1}
    assert graph.event_ids(3) == graph.expected(ids)
    cursor = graph.app.state.get_cursor(TENANT, MAILBOX)
    soon = int(datetime.now(UTC).timestamp() * 1000) + 3_600_000
    graph.app.state.compare_and_set_cursor(
        TENANT, MAILBOX, cursor.version, {**cursor.value, "subscription_expires_ms": soon}
    )
    assert renewal.renew() == {"mailboxes": 1, "renewed": 1}
    graph.local.graph.remove_subscription(graph.subscription_id())
    graph.app.state.compare_and_set_cursor(
        TENANT,
        MAILBOX,
        graph.app.state.get_cursor(TENANT, MAILBOX).version,
        {**graph.app.state.get_cursor(TENANT, MAILBOX).value, "subscription_expires_ms": soon},
    )
    assert renewal.renew() == {"mailboxes": 1, "recreated": 1}  # renew answered 404
    assert graph.subscription_id() in graph.local.graph.subscriptions


def test_disabling_deletes_the_subscription_and_enabling_creates_one(graph: GraphEnv) -> None:
    old = graph.subscription_id()
    graph.app.admin.set_enabled(TENANT, MAILBOX, False, actor="ops@acme.example")
    assert old not in graph.local.graph.subscriptions
    graph.app.admin.set_enabled(TENANT, MAILBOX, True, actor="ops@acme.example")
    new = graph.subscription_id()
    assert new != old
    assert new in graph.local.graph.subscriptions


@pytest.mark.parametrize(
    ("after", "expect"),
    [
        ("mark_seen", ("read", "inbox")),
        ("move", ("unread", "Processed")),
        ("delete", ("unread", "deleteditems")),
    ],
)
def test_after_processing_happens_after_the_hand_off(
    graph: GraphEnv, after: str, expect: tuple[str, str]
) -> None:
    from mailingest_dev.local_graph import GRAPH_WRITE_SCOPE
    from shared.domain.models import AfterProcessing

    user = f"writer-{after}@contoso.example"
    mailbox = graph.add_mailbox(after, user, scopes=(GRAPH_WRITE_SCOPE,))
    processed = graph.local.graph.add_folder(user, "Processed")
    update: dict[str, Any] = {"after_processing": AfterProcessing(after)}
    if after == "move":
        update["move_to"] = "Processed"  # a display name, resolved to the folder's id
    graph.app.state.put_mailbox(mailbox.model_copy(update=update))
    graph.sync.connect(mailbox)
    gid = graph.local.graph.deliver(user, graph.message(user, 1), notify=False)
    worker = build_graph(graph.app).worker
    assert worker.handle(json.dumps({"tenant_id": TENANT, "mailbox_id": after}).encode()) == (
        "synced"
    )
    assert graph.event_ids(1) == graph.ids_for(after, [gid])
    (message,) = [m for m in graph.local.graph.messages[user] if m.id == gid]
    folder = processed if expect[1] == "Processed" else graph.local.graph.folder_id(user, expect[1])
    assert ("read" if message.read else "unread", message.folder) == (expect[0], folder)
