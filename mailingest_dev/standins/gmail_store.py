"""What the Gmail stand-in keeps per account: messages, labels and the history Gmail writes.

- Labels are ids. System labels keep their names as ids (``INBOX``, ``UNREAD``, ``TRASH`` …);
  a user label has an id such as ``Label_12`` and a display name
  (developers.google.com/gmail/api/guides/labels). A name where an id belongs is refused
  with 400 "Invalid label: {name}" — what Gmail answers.
- History (developers.google.com/gmail/api/guides/sync; discovery ``schemas.History``): every
  change gets a new, larger history id and a record of one type — ``messagesAdded``,
  ``labelsAdded`` or ``labelsRemoved`` (with the ``labelIds`` changed), each carrying the
  message's labels as they were then. ``messages.insert``, ``modify``, ``batchModify`` and
  ``trash`` write it; history older than the account's retention is gone (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# developers.google.com/gmail/api/guides/labels ("Reserved labels"): system label ids
SYSTEM_LABELS = (
    "INBOX",
    "SPAM",
    "TRASH",
    "UNREAD",
    "STARRED",
    "IMPORTANT",
    "SENT",
    "DRAFT",
    "CHAT",
    "CATEGORY_PERSONAL",
    "CATEGORY_SOCIAL",
    "CATEGORY_PROMOTIONS",
    "CATEGORY_UPDATES",
    "CATEGORY_FORUMS",
)
HISTORY_TYPES = {
    "messageAdded": "messagesAdded",
    "labelAdded": "labelsAdded",
    "labelRemoved": "labelsRemoved",
}


class InvalidLabel(ValueError):
    """A label id the account does not have (Gmail: 400 "Invalid label: {id}")."""


@dataclass
class StoredMessage:
    id: str
    raw: bytes
    internal_date_ms: int
    labels: set[str]
    history_id: int
    filler: int = 0  # bytes of text lines appended as the message is sent (gmail_message)
    stated_size: int | None = None  # its sizeEstimate when not the true size (a wrong one)


@dataclass(frozen=True)
class Record:
    id: int
    kind: str  # messageAdded | labelAdded | labelRemoved
    message_id: str
    labels_then: tuple[str, ...]  # the message's labels after this change
    changed: tuple[str, ...] = ()  # labelAdded / labelRemoved: the labels changed

    def matches(self, label: str | None) -> bool:
        """history.list ``labelId``: "Only return messages with a label matching the ID"."""
        return label is None or label in self.labels_then or label in self.changed

    def as_json(self) -> dict[str, Any]:
        message = {"id": self.message_id, "threadId": self.message_id}
        entry: dict[str, Any] = {"message": {**message, "labelIds": list(self.labels_then)}}
        if self.kind != "messageAdded":
            entry["labelIds"] = list(self.changed)
        return {"id": str(self.id), "messages": [message], HISTORY_TYPES[self.kind]: [entry]}


@dataclass
class Account:
    email: str
    messages: dict[str, StoredMessage] = field(default_factory=dict)
    history: list[Record] = field(default_factory=list)
    history_id: int = 1000
    oldest_history_id: int = 1000  # a start id below this is "too old": 404
    watch: dict[str, Any] | None = None
    user_labels: dict[str, str] = field(default_factory=dict)  # id -> display name
    # scopes of the access tokens issued for this account elsewhere (a local OAuth server)
    scopes: frozenset[str] = frozenset({"https://mail.google.com/"})

    def label_ids(self) -> set[str]:
        return set(SYSTEM_LABELS) | set(self.user_labels)

    def check_labels(self, labels: list[str] | tuple[str, ...] | set[str]) -> None:
        for label in labels:
            if label not in self.label_ids():
                raise InvalidLabel(f"Invalid label: {label}")

    def add_label(self, name: str) -> str:
        label_id = f"Label_{len(self.user_labels) + 1}"
        self.user_labels[label_id] = name
        return label_id

    def labels_json(self) -> list[dict[str, str]]:
        system = [{"id": s, "name": s, "type": "system"} for s in SYSTEM_LABELS]
        user = [{"id": i, "name": n, "type": "user"} for i, n in self.user_labels.items()]
        return system + user

    def add_message(self, message: StoredMessage) -> int:
        self.history_id += 1
        message.history_id = self.history_id
        self.messages[message.id] = message
        self.history.append(
            Record(self.history_id, "messageAdded", message.id, tuple(sorted(message.labels)))
        )
        return self.history_id

    def change_labels(self, message: StoredMessage, add: set[str], remove: set[str]) -> list[int]:
        """Apply a label change; one history record per type that changed something."""
        added, removed = add - message.labels, (remove - add) & message.labels
        message.labels = (message.labels | added) - removed
        written: list[int] = []
        for kind, changed in (("labelAdded", added), ("labelRemoved", removed)):
            if changed:
                self.history_id += 1
                message.history_id = self.history_id
                self.history.append(
                    Record(
                        self.history_id,
                        kind,
                        message.id,
                        tuple(sorted(message.labels)),
                        tuple(sorted(changed)),
                    )
                )
                written.append(self.history_id)
        return written

    def watched(self, labels: set[str]) -> bool:
        """Whether a change touching ``labels`` is notified to the watch (users.watch
        ``labelIds`` with ``labelFilterBehavior`` include / exclude)."""
        if self.watch is None:
            return False
        wanted = set(self.watch.get("labelIds") or [])
        if not wanted:
            return True
        if self.watch.get("labelFilterBehavior", "include") == "exclude":
            return not labels <= wanted
        return bool(wanted & labels)
