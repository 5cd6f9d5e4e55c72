"""The Graph paths against the strict stand-in (Graph as Microsoft documents it), on the
Firestore and Pub/Sub emulators: connecting without ``latest``, created-only rounds, the
lifetime limit, one subscription per mailbox, folders by name, after-processing refused.
After each, the published event ids equal the new messages exactly and nothing extra was
subscribed or downloaded."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mailingest_dev.local_graph import GRAPH_WRITE_SCOPE
from shared.bootstrap import build_graph
from shared.domain.models import AfterProcessing
from shared.errors import FolderNotFound, ServiceUnavailable
from shared.ids import MailboxId
from tests.integration.graph.conftest import TENANT, GraphEnv

pytestmark = [pytest.mark.integration, pytest.mark.slow]
OLD = datetime.now(UTC) - timedelta(days=30)


def subscriptions_of(graph: GraphEnv, user: str) -> list[str]:
    return [s.id for s in graph.local.graph.subscriptions.values() if s.user == user]


def test_connect_publishes_no_old_mail_and_mail_arriving_meanwhile_once(graph: GraphEnv) -> None:
    user = "old@contoso.example"
    mailbox = graph.add_mailbox("old", user)
    standin = graph.local.graph
    for n in range(40):
        standin.deliver(user, graph.message(user, n), notify=False, received=OLD)
    arriving: list[str] = []

    def during_connect(method: str, path: str) -> None:
        if path.endswith("/messages/delta") and not arriving:
            arriving.extend(standin.deliver(user, graph.message(user, 100 + n)) for n in range(2))

    standin.on_request = during_connect
    before = standin.request_count()
    graph.sync.connect(mailbox)
    standin.on_request = None
    requests = standin.request_count() - before
    later = standin.deliver(user, graph.message(user, 200), notify=False)
    graph.sync.sync(mailbox)
    assert sorted(graph.event_ids(3)) == sorted(graph.ids_for("old", [*arriving, later]))
    assert standin.downloads() == 3
    cursor = graph.app.state.get_cursor(TENANT, MailboxId("old")).value
    assert subscriptions_of(graph, user) == [cursor["subscription_id"]]
    assert requests <= 10


def test_reads_flags_moves_and_our_mark_read_download_nothing(graph: GraphEnv) -> None:
    user = "reader@contoso.example"
    mailbox = graph.add_mailbox("reads", user, scopes=(GRAPH_WRITE_SCOPE,))
    mailbox = mailbox.model_copy(update={"after_processing": AfterProcessing.MARK_SEEN})
    graph.app.state.put_mailbox(mailbox)
    standin = graph.local.graph
    old = standin.deliver(user, graph.message(user, 0), notify=False, received=OLD)
    graph.sync.connect(mailbox)
    ids = [standin.deliver(user, graph.message(user, n), notify=False) for n in range(1, 4)]
    graph.sync.sync(mailbox)  # publishes 3 and marks them read (3 updates)
    downloads = standin.downloads()
    standin.user_changes(user, old, read=True, flagged=True)
    standin.user_changes(user, ids[0], read=False, flagged=True)
    graph.sync.sync(mailbox)
    graph.sync.sync(mailbox)
    assert standin.downloads() == downloads == 3
    assert sorted(graph.event_ids(3)) == sorted(graph.ids_for("reads", ids))
    assert all(m.read for m in standin.messages[user] if m.id in ids[1:])


@pytest.mark.parametrize("limit", [4230, 1440])
def test_the_subscription_lifetime_stays_under_the_limit(graph: GraphEnv, limit: int) -> None:
    from shared.service.renewal import Renewal

    user = f"life{limit}@contoso.example"
    graph.local.graph.max_lifetime_minutes = limit
    mailbox = graph.add_mailbox(f"life{limit}", user)
    sub_id = graph.sync.connect(mailbox)
    horizon = datetime.now(UTC) + timedelta(minutes=limit)
    expires = graph.local.graph.subscriptions[sub_id].expires
    assert datetime.fromisoformat(expires.replace("Z", "+00:00")) <= horizon
    cursor = graph.app.state.get_cursor(TENANT, mailbox.id)
    soon = int(datetime.now(UTC).timestamp() * 1000) + 60_000
    graph.app.state.compare_and_set_cursor(
        TENANT, mailbox.id, cursor.version, {**cursor.value, "subscription_expires_ms": soon}
    )
    result = Renewal(graph.app.state, None, graph.sync, concurrency=2).renew()
    assert result.get("renewed") == 1
    assert "failed" not in result
    assert subscriptions_of(graph, user) == [sub_id]


def test_renewal_removes_extra_subscriptions_of_a_mailbox(graph: GraphEnv) -> None:
    from mailingest_dev.standins.graph_api import Subscription
    from shared.service.renewal import Renewal

    standin = graph.local.graph
    keep = graph.subscription_id()
    live = standin.subscriptions[keep]
    for n in range(2):  # left behind by an earlier release's renewals
        extra = f"00000000-0000-4000-8000-00000000000{n}"
        standin.subscriptions[extra] = Subscription(
            extra,
            live.user,
            live.folder,
            live.resource,
            live.notification_url,
            live.lifecycle_url,
            "stale",
            live.expires,
        )
    other = graph.add_mailbox("other", "other@contoso.example")
    other_sub = graph.sync.connect(other)
    assert len(subscriptions_of(graph, live.user)) == 3
    Renewal(graph.app.state, None, graph.sync, concurrency=2).renew()
    assert subscriptions_of(graph, live.user) == [keep]
    assert subscriptions_of(graph, "other@contoso.example") == [other_sub]


def test_folders_by_display_name_and_an_unknown_one_named(graph: GraphEnv) -> None:
    user = "folders@contoso.example"
    standin = graph.local.graph
    standin.add_user(user)
    standin.add_folder(user, "Bookings")
    standin.add_folder(user, "Rezervasyonlar")
    nested = standin.add_folder(user, "Bookings", parent="inbox")
    mailbox = graph.add_mailbox("nested", user, folder="Inbox/Bookings")
    graph.sync.connect(mailbox)
    inside = standin.deliver(user, graph.message(user, 1), notify=False, folder=nested)
    standin.deliver(user, graph.message(user, 2), notify=False)  # the Inbox: not watched
    graph.sync.sync(mailbox)
    assert graph.event_ids(1) == graph.ids_for("nested", [inside])
    value = graph.app.state.get_cursor(TENANT, mailbox.id).value
    assert (value["folder_name"], value["folder_id"]) == ("Inbox/Bookings", nested)
    turkish = graph.add_mailbox("turkish", "tr@contoso.example", folder="Rezervasyonlar")
    standin.add_folder("tr@contoso.example", "Rezervasyonlar")
    graph.sync.connect(turkish)
    unknown = graph.add_mailbox("unknown", "nowhere@contoso.example", folder="Nowhere")
    with pytest.raises(FolderNotFound, match="Nowhere"):
        graph.sync.connect(unknown)
    health = graph.app.state.get_health(TENANT, unknown.id, datetime.now(UTC))
    assert "Nowhere" in str(health.last_error)
    assert subscriptions_of(graph, "nowhere@contoso.example") == []


def test_a_refused_mark_read_leaves_the_message_published_and_the_cursor_moved(
    graph: GraphEnv,
) -> None:
    user = "readonly@contoso.example"  # Mail.Read only
    mailbox = graph.add_mailbox("readonly", user)
    mailbox = mailbox.model_copy(update={"after_processing": AfterProcessing.MARK_SEEN})
    graph.app.state.put_mailbox(mailbox)
    graph.sync.connect(mailbox)
    standin = graph.local.graph
    ids = [standin.deliver(user, graph.message(user, n), notify=False) for n in range(2)]
    assert graph.sync.sync(mailbox).new_messages == 2
    assert graph.sync.sync(mailbox).new_messages == 0  # the cursor moved on
    assert sorted(graph.event_ids(2)) == sorted(graph.ids_for("readonly", ids))
    assert not any(m.read for m in standin.messages[user])
    health = graph.app.state.get_health(TENANT, mailbox.id, datetime.now(UTC))
    assert "after processing (mark_seen) failed" in str(health.last_error)
    assert standin.downloads() == 2


class _CursorWriteFails:
    """The store, failing the write that starts a connect's cursor (after the subscription
    was created at Graph): the connect fails where it would leave a subscription behind."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def compare_and_set_cursor(
        self, tenant_id: Any, mailbox_id: Any, version: Any, value: Any
    ) -> Any:
        if "subscription_id" in value:
            raise ServiceUnavailable("the store is down (test)")
        return self._inner.compare_and_set_cursor(tenant_id, mailbox_id, version, value)


def test_a_connect_that_fails_deletes_the_subscription_it_created(graph: GraphEnv) -> None:
    user = "fails@contoso.example"
    mailbox = graph.add_mailbox("fails", user)
    failing = dataclasses.replace(graph.app, state=_CursorWriteFails(graph.app.state))
    sync = build_graph(failing).sync
    created = len(graph.local.graph.requests)
    with pytest.raises(ServiceUnavailable):
        sync.connect(mailbox)
    requests = graph.local.graph.requests[created:]
    made = [r for r in requests if r.startswith("POST ") and r.endswith("/subscriptions")]
    assert made  # a subscription was created at Graph ...
    assert subscriptions_of(graph, user) == []  # ... and deleted when the connect failed
    graph.sync.connect(mailbox)  # the store is back: one subscription, no leftover
    assert len(subscriptions_of(graph, user)) == 1
