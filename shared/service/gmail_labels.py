"""Gmail label names resolved to ids. Gmail takes label **ids** (``INBOX``, ``Label_12``); a
name where an id belongs is refused with 400 "Invalid label" (providers.md; discovery
``users.watch`` / ``history.list`` ``labelId``). A mailbox's ``folder`` and ``move_to`` may be
names ("Bookings", a nested "Agency/Bookings"): they are looked up in ``users.labels.list``
and the ids kept beside the names (``Mailbox.folder_ids``)."""

from __future__ import annotations

from collections.abc import Mapping

from shared.domain.models import AfterProcessing, Mailbox
from shared.errors import ValidationError
from shared.ports import GmailApi


class UnknownLabel(ValidationError):
    """A label the account does not have: the push cannot start and nothing is synced."""


def label_names(mailbox: Mailbox) -> list[str]:
    """The labels a mailbox uses: the one watched, and where "move" puts processed mail."""
    names = [mailbox.folder or "INBOX"]
    if mailbox.after_processing is AfterProcessing.MOVE and mailbox.move_to:
        names.append(mailbox.move_to)
    return names


def resolve(mailbox: Mailbox, api: GmailApi, *, refresh: bool = False) -> dict[str, str]:
    """name -> id for every label the mailbox uses; ``users.labels.list`` only for names
    not resolved before (or all of them with ``refresh``). Raises ``UnknownLabel``."""
    names = label_names(mailbox)
    known = {} if refresh else dict(mailbox.folder_ids)
    missing = [n for n in names if n not in known]
    if missing:
        labels = api.labels()
        for name in missing:
            known[name] = _find(labels, name, mailbox.address)
    return {n: known[n] for n in names}


def _find(labels: Mapping[str, str], name: str, account: str) -> str:
    if name in labels:
        return name  # already an id
    for wanted in (name, name.casefold()):
        for label_id, label_name in labels.items():
            if label_name == wanted or label_name.casefold() == wanted:
                return label_id
    raise UnknownLabel(f"gmail label {name!r} does not exist in {account}")
