"""The provider scenarios: one list, run against two kinds of backend — the local stand-ins
(in ``make test``) and real accounts (``make live``, the ``live`` marker). A backend is a
connected mailbox of one provider (Gmail API or Microsoft 365 through Graph) with the service's
own code on the app side (the sync, the watch or subscription, the renewal) and, on the
account side, what a sender or the user does (a mail arrives, an old one is read and flagged).

Every scenario starts with two old mails already in the watched label / folder, which is
given by its name (``Bookings`` on the stand-ins, ``MAILINGEST_LIVE_*_FOLDER`` live)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Protocol

BURST = 50


class Backend(Protocol):
    name: str  # gmail-standin, graph-live…
    old: list[str]  # the provider ids of the mails there before the connect

    def connect(self) -> None:
        """Start the watch / subscription on the label or folder named, as a connect does."""

    def add_mail(self, subject: str) -> str:
        """A new mail arrives in the watched label / folder; its provider id."""

    def touch(self, message_id: str) -> None:
        """The user reads and flags (stars) a mail."""

    def doorbell(self) -> None:
        """What a push or a notification makes happen: one sync of the mailbox."""

    def published(self) -> list[str]:
        """The subjects of the events published for the mailbox so far."""

    def renew(self) -> bool:
        """Make the push look due and run the renewal job's step; True when it was renewed
        to a later expiry."""

    def push_active(self) -> bool:
        """A watch / subscription exists at the provider."""

    def disconnect(self) -> None:
        """Stop the push, as disabling or removing the mailbox does."""


def _subject(tag: str) -> str:
    return f"mailingest {tag} {secrets.token_hex(4)}"


def _until(backend: Backend, wanted: int, wait_s: float = 60) -> list[str]:
    """Ring until ``wanted`` events were published (a real provider lists a new mail a
    little later), then once more: nothing else may come."""
    deadline = time.monotonic() + wait_s
    while len(backend.published()) < wanted and time.monotonic() < deadline:
        backend.doorbell()
        if len(backend.published()) < wanted:
            time.sleep(1)
    backend.doorbell()
    return backend.published()


def connect_with_old_mail_publishes_nothing(backend: Backend) -> None:
    backend.connect()
    assert backend.push_active()
    assert _until(backend, 0, wait_s=0) == []


def a_new_mail_arrives_once(backend: Backend) -> None:
    backend.connect()
    subject = _subject("new")
    backend.add_mail(subject)
    assert _until(backend, 1) == [subject]
    backend.doorbell()  # a repeated doorbell finds nothing new
    assert backend.published() == [subject]


def reading_or_flagging_old_mail_publishes_nothing(backend: Backend) -> None:
    backend.connect()
    for message_id in backend.old:
        backend.touch(message_id)
    assert _until(backend, 0, wait_s=0) == []


def a_burst_arrives_once_each(backend: Backend) -> None:
    backend.connect()
    subjects = [_subject(f"burst {i}") for i in range(BURST)]
    for subject in subjects:
        backend.add_mail(subject)
    assert sorted(_until(backend, BURST, wait_s=180)) == sorted(subjects)


def renewal_keeps_the_push(backend: Backend) -> None:
    backend.connect()
    assert backend.renew()
    assert backend.push_active()


def disconnect_leaves_no_push(backend: Backend) -> None:
    backend.connect()
    assert backend.push_active()
    backend.disconnect()
    assert not backend.push_active()


SCENARIOS: list[Callable[[Backend], None]] = [
    connect_with_old_mail_publishes_nothing,
    a_new_mail_arrives_once,
    reading_or_flagging_old_mail_publishes_nothing,
    a_burst_arrives_once_each,
    renewal_keeps_the_push,
    disconnect_leaves_no_push,
]
