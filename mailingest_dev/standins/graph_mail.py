"""The mail side of the Graph stand-in: one user's folders and messages, and the rounds of
``messages/delta`` over a folder, held to what Microsoft documents
(``microsoftgraph/microsoft-graph-docs-contrib``):

- ``mailFolders('{x}')`` / ``mailFolders/{x}`` take a folder id or a well-known name;
  anything else is 404 ``ErrorItemNotFound`` (``api-reference/v1.0/resources/mailfolder.md``,
  "Well-known folder names"). Display names are found by listing ``mailFolders`` (top level)
  and ``childFolders``.
- Delta returns created, updated **and** ``@removed`` items unless the first request of a
  round has ``changeType`` (``api-reference/v1.0/api/message-delta.md``, "Query
  parameters"); ``changeType`` and ``$filter`` (only ``receivedDateTime ge|gt {v}``) go in the
  first request and are carried in the token of the next/delta links — the stand-in keeps
  them with the token, as Graph encodes them into it. A read, flag or move is a change.
- ``$deltatoken=latest`` is documented for directory objects and OneDrive, not messages
  (``concepts/delta-query-overview.md``): here it starts a full initial round.
- Pages of ``Prefer: odata.maxpagesize`` items (``concepts/delta-query-messages.md``,
  "Optional request header"); delta documents no default, so the stand-in takes the
  smallest one Graph uses for messages, 10 (``api-reference/v1.0/api/user-list-messages.md``).
  ``$filter`` rounds return at most 5,000 messages (``delta-query-messages.md``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

WELL_KNOWN = (
    "msgfolderroot",
    "inbox",
    "archive",
    "deleteditems",
    "drafts",
    "sentitems",
    "junkemail",
    "outbox",
    "conversationhistory",
    "scheduled",
    "clutter",
)
TOP_LEVEL = {"inbox": "Inbox", "archive": "Archive", "deleteditems": "Deleted Items"}
TOP_LEVEL |= {"drafts": "Drafts", "sentitems": "Sent Items", "junkemail": "Junk Email"}
TOP_LEVEL |= {"outbox": "Outbox", "conversationhistory": "Conversation History"}
DEFAULT_PAGE = 10
FILTERED_ROUND_MAX = 5_000
CHANGE_TYPES = ("created", "updated", "deleted")
DELTA_OPTIONS = {"$select", "$top", "$expand", "$filter", "$orderby", "changeType"}


class GraphRefusal(Exception):
    """An error answer: status, Graph error code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found() -> GraphRefusal:
    return GraphRefusal(
        404, "ErrorItemNotFound", "The specified object was not found in the store."
    )


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _folder_id() -> str:
    return "AQMkADAwATM0MDAAMS1" + secrets.token_urlsafe(18)


@dataclass
class Folder:
    id: str
    display_name: str
    parent_id: str
    well_known: str = ""

    def body(self, box: Mailbox) -> dict[str, Any]:
        inside = [m for m in box.messages if m.folder == self.id]
        return {
            "id": self.id,
            "displayName": self.display_name,
            "parentFolderId": self.parent_id,
            "childFolderCount": len([f for f in box.folders.values() if f.parent_id == self.id]),
            "unreadItemCount": len([m for m in inside if not m.read]),
            "totalItemCount": len(inside),
            "isHidden": False,
        }


@dataclass
class Message:
    id: str
    raw: bytes
    received: datetime
    seq: int  # when it entered its folder
    folder: str  # the folder's id
    changed: int = 0  # the last update (read, flag, categories)
    read: bool = False
    flagged: bool = False


@dataclass(frozen=True)
class Round:
    """What a delta token stands for: the folder, the options of the round's first request
    and the change sequence it ends at."""

    folder: str
    change_type: str | None
    since: tuple[str, datetime] | None  # ("ge" | "gt", receivedDateTime)
    seq: int | None  # None: the initial round


@dataclass
class Mailbox:
    folders: dict[str, Folder] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    removed: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, id, folder id)

    def __post_init__(self) -> None:
        root = Folder(_folder_id(), "Top of Information Store", "", "msgfolderroot")
        self.folders[root.id] = root
        for name, display in TOP_LEVEL.items():
            folder = Folder(_folder_id(), display, root.id, name)
            self.folders[folder.id] = folder

    def folder(self, ref: str) -> Folder:
        """By id or well-known name (case-insensitive); a display name is not found."""
        if ref in self.folders:
            return self.folders[ref]
        for folder in self.folders.values():
            if folder.well_known and folder.well_known == ref.lower():
                return folder
        raise not_found()

    def add_folder(self, display_name: str, parent: str = "msgfolderroot") -> str:
        folder = Folder(_folder_id(), display_name, self.folder(parent).id)
        self.folders[folder.id] = folder
        return folder.id

    def children(self, parent: str) -> list[Folder]:
        parent_id = self.folder(parent).id
        return [f for f in self.folders.values() if f.parent_id == parent_id]

    def message(self, message_id: str) -> Message:
        for message in self.messages:
            if message.id == message_id:
                return message
        raise not_found()


def parse_round(folder: str, query: dict[str, str]) -> Round:
    """A round's first request; 400 for what message delta does not support."""
    unknown = set(query) - DELTA_OPTIONS
    if unknown:
        raise GraphRefusal(
            400, "BadRequest", f"Query option '{sorted(unknown)[0]}' is not supported for delta."
        )
    change_type = query.get("changeType")
    if change_type is not None and change_type not in CHANGE_TYPES:
        raise GraphRefusal(400, "BadRequest", f"Invalid changeType '{change_type}'.")
    since = None
    if "$filter" in query:
        words = query["$filter"].split()
        if len(words) != 3 or words[0] != "receivedDateTime" or words[1] not in ("ge", "gt"):
            raise GraphRefusal(
                400,
                "ErrorInvalidUrlQueryFilter",
                "The only supported filter is receivedDateTime ge|gt {value}.",
            )
        try:
            value = datetime.fromisoformat(words[2].replace("Z", "+00:00"))
        except ValueError:
            raise GraphRefusal(400, "BadRequest", "Invalid receivedDateTime.") from None
        since = (words[1], value if value.tzinfo else value.replace(tzinfo=UTC))
    return Round(folder, change_type, since, None)


def _in_window(round_: Round, message: Message) -> bool:
    if round_.since is None:
        return True
    op, value = round_.since
    return message.received >= value if op == "ge" else message.received > value


def round_items(box: Mailbox, round_: Round) -> list[dict[str, Any]]:
    """The items of a round that starts at ``round_`` (the next round starts where this
    one was computed)."""
    wanted = round_.change_type
    items: list[dict[str, Any]] = []
    for m in sorted(box.messages, key=lambda m: m.received):
        if m.folder != round_.folder or not _in_window(round_, m):
            continue
        created = round_.seq is None or m.seq > round_.seq
        updated = not created and round_.seq is not None and m.changed > round_.seq
        if (created and wanted in (None, "created")) or (updated and wanted in (None, "updated")):
            items.append(_item(m))
    if round_.seq is not None and wanted in (None, "deleted"):
        for seq, message_id, folder in box.removed:
            if folder == round_.folder and seq > round_.seq:
                items.append(
                    {
                        "@odata.type": "#microsoft.graph.message",
                        "id": message_id,
                        "@removed": {"reason": "deleted"},
                    }
                )
    if round_.since is not None and round_.seq is None:
        items = items[-FILTERED_ROUND_MAX:]  # the newest, as $orderby=receivedDateTime desc
    return items


def _item(message: Message) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.message",
        "@odata.etag": f'W/"CQAAABYAAAARn2vdzPFAR4Kn5FDeBuGH{max(message.seq, message.changed)}"',
        "id": message.id,
        "receivedDateTime": iso(message.received),
    }


def page_size(headers: Any, query: dict[str, str]) -> int:
    """``Prefer: odata.maxpagesize={n}`` (message-delta.md, "Request headers"), else 10."""
    for part in str(headers.get("Prefer", "") or "").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "odata.maxpagesize" and value.strip().isdigit():
            return max(1, int(value))
    if query.get("$top", "").isdigit():
        return max(1, int(query["$top"]))
    return DEFAULT_PAGE
