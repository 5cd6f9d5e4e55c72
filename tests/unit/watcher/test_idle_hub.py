"""The IDLE hub on real sockets (socket pairs): a keep-alive is read and judged on the hub's
thread while the session's thread sleeps on; news, an error or a closed peer wake it; a
session that gives up waiting takes its socket back; many sessions wait at once."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from shared.adapters.imap.idle_hub import NOTHING, IdleHub, IdleNews


class _Session:
    """A reader as a session gives the hub one: reads what is there, judges it."""

    def __init__(self) -> None:
        self.ours, self.server = socket.socketpair()
        self.ours.setblocking(False)
        self.reads: list[tuple[str, bytes, bool]] = []

    def read(self, closed: bool) -> IdleNews:
        try:
            data = self.ours.recv(4096)
        except BlockingIOError:
            data = b""
        self.reads.append((threading.current_thread().name, data, closed))
        if b"BOOM" in data:
            raise ConnectionResetError("reset by peer")
        return IdleNews(rang=b"EXISTS" in data, closed=closed or (not data and not closed))

    def close(self) -> None:
        self.ours.close()
        self.server.close()


@pytest.fixture
def hub() -> IdleHub:
    return IdleHub()


@pytest.fixture
def session() -> Iterator[_Session]:
    s = _Session()
    yield s
    s.close()


def _wait_in_thread(
    hub: IdleHub, s: _Session, timeout: float
) -> tuple[threading.Thread, list[IdleNews | Exception]]:
    out: list[IdleNews | Exception] = []

    def run() -> None:
        try:
            out.append(hub.wait(s.ours.fileno(), s.read, timeout))
        except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
            out.append(exc)

    t = threading.Thread(target=run)
    t.start()
    return t, out


def test_nothing_happens_until_the_timeout(hub: IdleHub, session: _Session) -> None:
    assert hub.wait(session.ours.fileno(), session.read, 0.05) is NOTHING
    assert session.reads == []


def test_a_keepalive_is_read_on_the_hub_and_the_session_sleeps_on(
    hub: IdleHub, session: _Session
) -> None:
    done = threading.Event()

    def speak() -> None:
        session.server.sendall(b"* OK Still here\r\n")
        # then news, once the keep-alive was read: the wait must still have been going on
        for _ in range(200):
            if session.reads:
                break
            threading.Event().wait(0.01)
        session.server.sendall(b"* 3 EXISTS\r\n")
        done.set()

    threading.Thread(target=speak).start()
    news = hub.wait(session.ours.fileno(), session.read, 10)
    assert done.wait(10)
    assert news.rang is True
    assert [r[:2] for r in session.reads] == [
        ("idle-hub", b"* OK Still here\r\n"),
        ("idle-hub", b"* 3 EXISTS\r\n"),
    ]


def test_a_reader_error_is_raised_in_the_waiting_thread(hub: IdleHub, session: _Session) -> None:
    session.server.sendall(b"BOOM\r\n")
    with pytest.raises(ConnectionResetError, match="reset by peer"):
        hub.wait(session.ours.fileno(), session.read, 10)


def test_a_closed_peer_wakes_the_session(hub: IdleHub, session: _Session) -> None:
    thread, out = _wait_in_thread(hub, session, 10)
    session.server.shutdown(socket.SHUT_RDWR)
    thread.join(10)
    assert out == [IdleNews(closed=True)]
    assert session.reads[-1][2] is True  # the hub saw the hang-up itself


def test_after_a_timeout_the_socket_is_the_session_s_again(hub: IdleHub, session: _Session) -> None:
    assert hub.wait(session.ours.fileno(), session.read, 0.05) is NOTHING
    session.server.sendall(b"* 1 EXISTS\r\n")
    # not read by the hub: the session reads its own answers between waits
    assert session.ours.recv(100) == b"* 1 EXISTS\r\n"
    assert session.reads == []
    session.server.sendall(b"* 2 EXISTS\r\n")  # waiting again, the hub reads for it
    assert hub.wait(session.ours.fileno(), session.read, 10).rang is True


def test_many_sessions_wait_at_once_and_each_gets_its_own_news(hub: IdleHub) -> None:
    sessions = [_Session() for _ in range(200)]
    try:
        waits = [_wait_in_thread(hub, s, 30) for s in sessions]
        for s in sessions:
            s.server.sendall(b"* OK Still here\r\n")
        for i, s in enumerate(sessions):
            if i % 2 == 0:
                s.server.sendall(b"* 9 EXISTS\r\n")
            else:
                s.server.shutdown(socket.SHUT_RDWR)
        for thread, _ in waits:
            thread.join(30)
        results = [out[0] for _, out in waits]
        assert results == [
            IdleNews(rang=True) if i % 2 == 0 else IdleNews(closed=True)
            for i in range(len(sessions))
        ]
    finally:
        for s in sessions:
            s.close()


def test_news_of_two_wake_ups_add_up() -> None:
    rang, bye, closed = IdleNews(rang=True), IdleNews(bye=True), IdleNews(closed=True)
    assert rang | bye == IdleNews(rang=True, bye=True)
    assert NOTHING | closed == IdleNews(closed=True)
    assert bye | closed | rang == IdleNews(rang=True, bye=True, closed=True)
    assert NOTHING | NOTHING == NOTHING
    assert not (NOTHING | NOTHING).any
