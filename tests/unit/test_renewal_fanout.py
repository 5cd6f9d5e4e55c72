"""The scheduled renewal and resync in shards: the dispatch puts every enabled push mailbox
on the task queue once, in shards of the configured size; a shard names its mailboxes as
tenant/mailbox and is read back or refused with a clear error; a shard's run skips what was
removed or disabled since the dispatch."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_sinks import InMemorySecretStore
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import AuthMethod, Mailbox, Provider, TlsMode
from shared.errors import ValidationError
from shared.ids import MailboxId, TenantId
from shared.service.mailbox_task import MailboxTask
from shared.service.renewal import Renewal, RenewalFanOut


class Queue:
    def __init__(self) -> None:
        self.tasks: list[MailboxTask] = []

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        task = MailboxTask.decode(data)
        assert attributes == {"task": task.task}
        self.tasks.append(task)
        return lambda: str(len(self.tasks))


def _mailbox(tenant: str, mid: str, provider: Provider, *, enabled: bool = True) -> Mailbox:
    if provider in (Provider.GMAIL, Provider.GRAPH):
        return Mailbox(
            tenant_id=TenantId(tenant),
            id=MailboxId(mid),
            provider=provider,
            address=f"{mid}@{tenant}.example",
            auth_method=AuthMethod.OAUTH2,
            enabled=enabled,
        )
    return Mailbox(
        tenant_id=TenantId(tenant),
        id=MailboxId(mid),
        provider=provider,
        address=f"{mid}@{tenant}.example",
        host="imap.example.com",
        tls=TlsMode.TLS,
        enabled=enabled,
    )


@pytest.fixture
def state() -> InMemoryStateStore:
    store = InMemoryStateStore(FakeClock())
    for i in range(7):
        store.put_mailbox(_mailbox("acme", f"g{i}", Provider.GMAIL))
    for i in range(3):
        store.put_mailbox(_mailbox("globex", f"o{i}", Provider.GRAPH))
    store.put_mailbox(_mailbox("acme", "imap", Provider.IMAP))  # the watcher's, not ours
    store.put_mailbox(_mailbox("acme", "off", Provider.GMAIL, enabled=False))
    return store


def test_every_enabled_push_mailbox_is_dispatched_once_in_shards(
    state: InMemoryStateStore,
) -> None:
    queue = Queue()
    counts = RenewalFanOut(state, queue, shard_mailboxes=4).dispatch("resync")
    assert counts == {"mailboxes": 10, "shards": 3}
    assert [len(t.mailboxes) for t in queue.tasks] == [4, 4, 2]
    named = [key for t in queue.tasks for key in t.mailboxes]
    assert len(named) == len(set(named)) == 10
    assert ("acme", "imap") not in named
    assert ("acme", "off") not in named
    assert {t.task for t in queue.tasks} == {"resync"}


def test_an_unknown_task_is_refused_before_anything_is_published(
    state: InMemoryStateStore,
) -> None:
    queue = Queue()
    with pytest.raises(ValidationError, match="renew, resync"):
        RenewalFanOut(state, queue, shard_mailboxes=4).dispatch("delete")
    assert queue.tasks == []


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not json", "JSON"),
        (b'{"task": "drop", "mailboxes": []}', "renew, resync"),
        (b'{"task": "renew", "mailboxes": "acme/g1"}', "list"),
        (b'{"task": "renew", "mailboxes": ["acme"]}', "tenant/mailbox"),
    ],
)
def test_a_task_that_cannot_be_read_says_why(data: bytes, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        MailboxTask.decode(data)


def test_a_task_reads_back_as_it_was_written() -> None:
    task = MailboxTask("renew", ((TenantId("acme"), MailboxId("g1")),))
    assert MailboxTask.decode(task.encode()) == task


def test_a_shard_skips_what_was_removed_or_disabled_since_the_dispatch(
    state: InMemoryStateStore,
) -> None:
    queue = Queue()
    RenewalFanOut(state, queue, shard_mailboxes=20).dispatch("renew")
    (task,) = queue.tasks
    state.delete_mailbox(TenantId("acme"), MailboxId("g0"))
    state.put_mailbox(_mailbox("acme", "g1", Provider.GMAIL, enabled=False))
    counts = Renewal(state, None, None).run(task)
    assert counts == {"mailboxes": 8, "not_configured": 8, "gone": 2}


def test_sync_now_of_a_push_mailbox_is_a_one_mailbox_task_rate_limited_and_audited(
    state: InMemoryStateStore,
) -> None:
    from shared.domain.models import Tenant
    from shared.service.admin import Admin

    state.put_tenant(Tenant(id=TenantId("acme"), name="Acme"))
    queue = Queue()
    admin = Admin(state, InMemorySecretStore(), FakeClock(), allow_private_hosts=True)
    with pytest.raises(ValidationError, match="by itself"):  # no task queue: not offered
        admin.request_sync(TenantId("acme"), MailboxId("g1"), actor="ops")
    admin.attach_tasks(queue)
    admin.request_sync(TenantId("acme"), MailboxId("g1"), actor="ops")
    assert queue.tasks == [MailboxTask("resync", ((TenantId("acme"), MailboxId("g1")),))]
    with pytest.raises(ValidationError, match="ask again in"):
        admin.request_sync(TenantId("acme"), MailboxId("g1"), actor="ops")
    assert len(queue.tasks) == 1
    (entry,) = [e for e in state.list_audit(TenantId("acme")) if e.action == "mailbox.sync"]
    assert entry.details == {"via": "task"}
    with pytest.raises(ValidationError, match="disabled"):
        admin.request_sync(TenantId("acme"), MailboxId("off"), actor="ops")
