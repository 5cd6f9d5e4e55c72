"""Firestore writes as billed, counted where every call of the client library ends: the
commit RPC (a create, set, update or delete, a batch, a transaction's commit — one write per
document in it). For the tests and benchmarks that hold a path to its cost."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Write:
    """One document written: ``kind`` is "set" or "delete"; ``collection`` the path of
    collection names without the document ids (``tenants/mailboxes/state``); ``document``
    the last id (``cursor``, ``health``, a claim's key)."""

    kind: str
    collection: str
    document: str


@dataclass
class WriteLog:
    writes: list[Write] = field(default_factory=list)
    commits: int = 0

    def clear(self) -> None:
        self.writes.clear()
        self.commits = 0

    def by_collection(self) -> Counter[str]:
        return Counter(w.collection for w in self.writes)

    def to(self, collection: str, document: str | None = None) -> list[Write]:
        return [
            w
            for w in self.writes
            if w.collection == collection and (document is None or w.document == document)
        ]


def _write(entry: Any) -> Write:
    name = entry.update.name if entry.update and entry.update.name else entry.delete
    kind = "set" if entry.update and entry.update.name else "delete"
    parts = str(name).split("/documents/", 1)[-1].split("/")
    return Write(kind, "/".join(parts[0::2]), parts[-1])


def log_writes(client: Any) -> WriteLog:
    """Record every document ``client`` (a ``google.cloud.firestore.Client``) writes from
    now on."""
    log = WriteLog()
    api = client._firestore_api  # the generated client every call of the library goes through
    commit = api.commit

    def logged(*args: Any, **kw: Any) -> Any:
        request = kw.get("request", args[0] if args else None)
        writes = getattr(request, "writes", None)
        if writes is None and isinstance(request, dict):
            writes = request.get("writes")
        log.writes.extend(_write(w) for w in writes or ())
        log.commits += 1
        return commit(*args, **kw)

    api.commit = logged
    return log
