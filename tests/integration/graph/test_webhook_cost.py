"""What an unauthenticated request can cost the webhook, counted: secret reads through a
counting wrapper of the secret store, Firestore documents through the store's own read
counter, on the emulators, the webhook under functions-framework's test client."""

from __future__ import annotations

import dataclasses
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from functions_framework import create_app

from shared.adapters.firestore import FirestoreStateStore
from shared.bootstrap import build_app, build_graph_webhook
from shared.ports import SecretStore
from shared.secret_names import SecretName
from shared.web.graph_webhook import MAX_NOTIFICATIONS
from tests.integration.graph.conftest import DATA, MAILBOX, TENANT, GraphEnv

pytestmark = [pytest.mark.integration, pytest.mark.slow]
SOURCE = str(Path(__file__).resolve().parents[3] / "functions" / "graph_webhook" / "main.py")


class CountingSecrets:
    """A ``SecretStore`` that counts what passes through it to the real one."""

    def __init__(self, inner: SecretStore) -> None:
        self.inner = inner
        self.reads = 0

    def put_secret(self, name: SecretName, value: str) -> str:
        return self.inner.put_secret(name, value)

    def get_secret(self, name: SecretName) -> str:
        self.reads += 1
        return self.inner.get_secret(name)

    def destroy_versions_before(self, name: SecretName, version: str) -> int:
        return self.inner.destroy_versions_before(name, version)

    def delete_secret(self, name: SecretName) -> None:
        self.inner.delete_secret(name)


def _webhook(graph: GraphEnv) -> tuple[Any, CountingSecrets, FirestoreStateStore]:
    """The function's test client, its endpoint built from this process's environment (the
    emulators) around a counting secret store."""
    app = build_app()
    secrets = CountingSecrets(app.secrets)
    app = dataclasses.replace(app, secrets=secrets)
    assert isinstance(app.state, FirestoreStateStore)
    client = create_app("graph_webhook", SOURCE).test_client()
    (main,) = [m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == SOURCE]
    main._endpoint = build_graph_webhook(app)  # type: ignore[attr-defined]
    return client, secrets, app.state


def _item(sub_id: str, client_state: str) -> dict[str, Any]:
    recorded = json.loads((DATA / "notification_created.json").read_text())
    return {**recorded["value"][0], "subscriptionId": sub_id, "clientState": client_state}


def test_a_forged_request_costs_no_secret_read_and_at_most_one_lookup(graph: GraphEnv) -> None:
    client, secrets, state = _webhook(graph)
    forged = [_item(str(uuid.uuid4()), "guess") for _ in range(150)]  # under the body cap
    before = state.reads.total
    answer = client.post("/", json={"value": forged})
    assert answer.status_code == 403
    assert secrets.reads == 0
    assert state.reads.total - before == 1  # the first unknown id ends the checks
    # a 1 MB body of 13,000 forged ids: refused by its declared length, nothing read
    flood = json.dumps({"value": [_item(str(uuid.uuid4()), "g") for _ in range(13_000)]})
    assert len(flood) > 1024 * 1024
    before = state.reads.total
    answer = client.post("/", data=flood, content_type="application/json")
    assert answer.status_code == 413
    assert (secrets.reads, state.reads.total - before) == (0, 0)
    assert list(graph.queue.iter(timeout_s=2)) == []  # nothing refused was queued


def test_genuine_notifications_cost_no_secret_read_and_one_lookup_per_subscription(
    graph: GraphEnv,
) -> None:
    client, secrets, state = _webhook(graph)
    sub = graph.subscription_id()
    genuine = _item(sub, graph.local.graph.subscriptions[sub].client_state)
    before = state.reads.total
    for _ in range(3):
        assert client.post("/", json={"value": [genuine, genuine]}).status_code == 202
    assert secrets.reads == 0
    assert state.reads.total - before == 1  # cached after the first
    # a genuine one after the cap is not looked at; a batch over it is not a 4xx loop
    filler = [_item(sub, "wrong")] * MAX_NOTIFICATIONS
    assert client.post("/", json={"value": [*filler, genuine]}).status_code == 403
    queued = [json.loads(d) for d, _a in graph.queue.iter(max_events=3, timeout_s=30)]
    queued += [json.loads(d) for d, _a in graph.queue.iter(timeout_s=2)]
    assert {(q["tenant_id"], q["mailbox_id"]) for q in queued} == {(TENANT, MAILBOX)}
    assert len(queued) == 3


def test_a_subscription_made_before_the_owner_documents_is_made_again_by_the_renewal(
    graph: GraphEnv,
) -> None:
    client, _secrets, state = _webhook(graph)
    old = graph.subscription_id()
    old_state = graph.local.graph.subscriptions[old].client_state
    state.delete_graph_subscription(old)  # as a subscription made before the change has none
    assert client.post("/", json={"value": [_item(old, old_state)]}).status_code == 403
    assert graph.sync.renew_if_due(graph.mailbox) == "recreated"
    new = graph.subscription_id()
    assert new != old
    assert old not in graph.local.graph.subscriptions  # the old one deleted at Graph
    new_state = graph.local.graph.subscriptions[new].client_state
    assert client.post("/", json={"value": [_item(new, new_state)]}).status_code == 202
    assert graph.sync.renew_if_due(graph.mailbox) == "not_due"
