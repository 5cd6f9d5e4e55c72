"""Three watcher replicas on Dovecot — mailboxes spread evenly and stickily,
a SIGKILLed replica's share taken over, a restarted replica given its own share back, a
rolling restart of all — with a stream of messages throughout, none lost, none twice (but
for an event the SIGKILLed replica published and had not recorded: sent again, same event
id, as docs/events.md says)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

import pytest
from imapclient import IMAPClient

from shared.ids import MailboxId
from shared.service.watcher.lease_keeper import worker_of
from shared.service.watcher.spread import assign
from tests.fakes.raw_subscription import RawSubscription
from tests.integration.watcher.conftest import Rig, message, wait_for
from tests.integration.watcher.replicas import Replicas, copies_beyond_the_window

FOLDERS = [f"Desk{i}" for i in range(9)]
A, B, C = "replica-a", "replica-b", "replica-c"


class Stream:
    """Appends a message to the next folder every ``every_s`` until stopped."""

    def __init__(self, rig: Rig, every_s: float = 0.3) -> None:
        self.sent: list[str] = []
        self._rig, self._every = rig, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Stream:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        n = 0
        while not self._stop.wait(self._every) and n < 1000:  # bounded
            subject = f"{FOLDERS[n % len(FOLDERS)]}-{n:04d}"
            self._rig.append(message(subject), folder=FOLDERS[n % len(FOLDERS)])
            self.sent.append(subject)
            n += 1


def holders(rig: Rig) -> dict[str, str]:
    return {lease.name: lease.holder for lease in rig.state.list_leases()}


def settled(rig: Rig, expected: dict[str, str]) -> bool:
    """Every mailbox held by exactly the incarnation expected of it."""
    return holders(rig) == expected


@pytest.mark.slow
def test_three_replicas_spread_take_over_and_restart_losing_and_duplicating_nothing(
    rig: Rig, pubsub_emulator: str, tmp_path: Path
) -> None:
    with IMAPClient("127.0.0.1", port=rig.dovecot.imap_port, ssl=False, timeout=10) as imap:
        imap.login(rig.user, rig.password)
        for folder in FOLDERS:
            imap.create_folder(folder)
    secrets: dict[str, str] = {}
    keys = []
    for i, folder in enumerate(FOLDERS):
        mailbox = rig.add_mailbox(id=MailboxId(f"desk{i}"), folder=folder)
        assert mailbox.secret_ref is not None
        secrets[mailbox.secret_ref] = rig.password
        keys.append(mailbox.key)
    topic = f"events-{uuid.uuid4().hex[:6]}"
    raw = RawSubscription("demo-test", topic)  # every copy, duplicates included
    replicas = Replicas(topic, secrets, tmp_path)

    def expect(*incarnations: str) -> dict[str, str]:
        by_worker = {worker_of(h): h for h in incarnations}
        return {k: by_worker[w] for k, w in assign(keys, list(by_worker)).items()}

    try:
        for holder in (f"{A}#1", f"{B}#1", f"{C}#1"):
            replicas.start(holder)
        three = expect(f"{A}#1", f"{B}#1", f"{C}#1")
        wait_for(lambda: settled(rig, three), what="the mailboxes spread 3 / 3 / 3")
        assert sorted(list(three.values()).count(h) for h in set(three.values())) == [3, 3, 3]
        with Stream(rig) as stream:
            wait_for(lambda: len(raw.pull(until=6, timeout_s=1)) >= 6, what="events flowing")
            # SIGKILL: B's three mailboxes go to A and C; A's and C's own stay where they were
            killed_at = replicas.kill(f"{B}#1")
            survivors = expect(f"{A}#1", f"{C}#1")
            assert all(survivors[k] == three[k] for k in keys if three[k] != f"{B}#1")
            wait_for(
                lambda: settled(rig, survivors),
                timeout=90,
                what="B's mailboxes taken over after its heartbeat lapsed (TTL 3 s)",
            )
            # B restarted (a new incarnation of the same worker): it gets its own share back
            replicas.start(f"{B}#2")
            back = expect(f"{A}#1", f"{B}#2", f"{C}#1")
            assert {k for k, h in back.items() if h == f"{B}#2"} == {
                k for k, h in three.items() if h == f"{B}#1"
            }
            wait_for(lambda: settled(rig, back), timeout=90, what="B's share handed back")
            # a rolling restart of the other two, as a deploy does it: SIGTERM, then a new one
            for worker in (A, C):
                assert replicas.stop(f"{worker}#1") == 0
                replicas.start(f"{worker}#2")
            final = expect(f"{A}#2", f"{B}#2", f"{C}#2")
            wait_for(lambda: settled(rig, final), timeout=90, what="the rolling restart")
            time.sleep(2)  # a few more messages on the settled replicas
        raw.pull(until=len(stream.sent), timeout_s=120)
        raw.pull(timeout_s=3)  # any twice?
        received = [json.loads(data)["subject"] for data, _ in raw.received]
        assert len(stream.sent) >= 30
        assert sorted(set(received)) == sorted(stream.sent)  # nothing lost
        # nothing twice, but for what the kill may leave (docs/events.md): an event B had
        # published and not yet recorded when it died, sent again with its event id
        assert copies_beyond_the_window(raw, [killed_at]) == []
    finally:
        replicas.close()
    assert rig.state.list_leases() == []  # SIGTERM released every lease
    assert rig.state.live_members() == []  # and every replica left
