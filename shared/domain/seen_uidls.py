"""POP3's memory of what was handed off, for mailboxes that leave everything on the server.

POP3 has no ordered ids (RFC 1939 §7: a UIDL is any string of up to 70 printable
characters), so its cursor is the set of UIDLs handed off that are still on the server. Kept
as a compact hash set: each UIDL as the first 8 bytes of its BLAKE2b digest, the set split
into ``SHARDS`` shards by the digest's first byte, each shard one sorted run of digests — a
store document holds ≈ 130,000 of them, so 16 shards hold ≈ 2,000,000 messages (the mailbox
of 200,000 messages takes ≈ 1.6 MB in all, ≈ 100 KB a shard).

A set of up to ``INLINE_MAX`` UIDLs (most mailboxes: those that delete what was downloaded,
and those that keep a few thousand) is kept in the cursor document itself, base64 in
``seen.inline`` (≈ 44 KB at the limit): a poll that hands off new mail then writes one
document and reads no shard. A larger set goes to the shards, all of them written the first
time (shards left from an earlier, larger set are stale).

The cursor itself stays small: the set's *fingerprint* (how many UIDLs, and the sum of their
full 128-bit digests modulo 2**128). A poll whose listing has the same fingerprint has nothing
new and nothing gone, and reads no shard at all. Two different sets share a fingerprint with
probability 2**-128; two UIDLs share an 8-byte digest (one message then taken for seen) with
probability ≈ n² / 2**65 — 1 in 10**9 for a mailbox of 200,000.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SHARDS = 16
INLINE_MAX = 4096  # UIDLs kept in the cursor document itself
DIGEST_BYTES = 8
FORMAT = "blake2b-8x16"  # digest size x shards: a cursor in another format is read afresh
_MOD = 1 << 128


@dataclass(frozen=True)
class UidlKey:
    digest: bytes  # what the shard keeps
    full: int  # the 128-bit digest the fingerprint sums

    @property
    def shard(self) -> int:
        return self.digest[0] % SHARDS


def key_of(uidl: str) -> UidlKey:
    h = hashlib.blake2b(uidl.encode("utf-8", "surrogateescape"), digest_size=16).digest()
    return UidlKey(h[:DIGEST_BYTES], int.from_bytes(h, "big"))


@dataclass(frozen=True)
class Fingerprint:
    count: int
    total: int

    @classmethod
    def of(cls, keys: Iterable[UidlKey]) -> Fingerprint:
        count = total = 0
        for k in keys:
            count += 1
            total += k.full
        return cls(count, total % _MOD)

    def to_value(self) -> dict[str, Any]:
        return {"format": FORMAT, "count": self.count, "sum": f"{self.total:032x}"}

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> Fingerprint | None:
        """None when the cursor holds no fingerprint of this format."""
        seen = value.get("seen")
        if not isinstance(seen, Mapping) or seen.get("format") != FORMAT:
            return None
        try:
            return cls(int(seen["count"]), int(str(seen["sum"]), 16))
        except (KeyError, TypeError, ValueError):
            return None


def pack(digests: Iterable[bytes]) -> bytes:
    """One shard as stored: its digests sorted and joined."""
    return b"".join(sorted(digests))


def unpack(blob: bytes) -> set[bytes]:
    if len(blob) % DIGEST_BYTES:
        raise ValueError(f"a shard of {len(blob)} bytes is not a run of {DIGEST_BYTES}-byte keys")
    return {blob[i : i + DIGEST_BYTES] for i in range(0, len(blob), DIGEST_BYTES)}


def inline_digests(value: Mapping[str, Any]) -> set[bytes] | None:
    """The digests a cursor keeps in itself (``seen.inline``), or None when its set is in
    the shards. A torn value raises ``ValueError``."""
    seen = value.get("seen")
    inline = seen.get("inline") if isinstance(seen, Mapping) else None
    if not isinstance(inline, str):
        return None
    try:
        return unpack(base64.b64decode(inline, validate=True))
    except binascii.Error as exc:
        raise ValueError(f"the cursor's inline seen set is not base64: {exc}") from None


def legacy_digests(value: Mapping[str, Any]) -> set[bytes] | None:
    """The digests of a cursor that still lists its UIDLs (``seen_uidls``), or None."""
    uidls = value.get("seen_uidls")
    if not isinstance(uidls, list):
        return None
    return {key_of(str(u)).digest for u in uidls}


class SeenSet:
    """The seen set of one poll: what the store held, less what left the server, plus what
    this poll hands off; knows which shards changed since they were last written."""

    def __init__(
        self, digests: Iterable[bytes], listing: Mapping[str, UidlKey], *, all_dirty: bool
    ) -> None:
        self._keys = {k.digest: k for k in listing.values()}
        self._shards: list[set[bytes]] = [set() for _ in range(SHARDS)]
        self._dirty: set[int] = set(range(SHARDS)) if all_dirty else set()
        self._count = self._total = 0
        for d in digests:
            key = self._keys.get(d)
            if key is None:  # no longer on the server: dropped, its shard rewritten
                self._dirty.add(d[0] % SHARDS)
            elif d not in self._shards[key.shard]:
                self._shards[key.shard].add(d)
                self._count += 1
                self._total += key.full

    def __contains__(self, key: UidlKey) -> bool:
        return key.digest in self._shards[key.shard]

    def __len__(self) -> int:
        return self._count

    def add(self, key: UidlKey) -> None:
        shard = self._shards[key.shard]
        if key.digest not in shard:
            shard.add(key.digest)
            self._dirty.add(key.shard)
            self._count += 1
            self._total += key.full

    @property
    def changed(self) -> bool:
        return bool(self._dirty)

    def fingerprint(self) -> Fingerprint:
        return Fingerprint(self._count, self._total % _MOD)

    def inline(self) -> str:
        """The whole set as the cursor keeps it in itself (``INLINE_MAX`` at most)."""
        return base64.b64encode(pack(d for shard in self._shards for d in shard)).decode()

    def all_dirty(self) -> None:
        """Every shard to be written with the next write (the set leaves the cursor)."""
        self._dirty = set(range(SHARDS))

    def dirty_shards(self) -> dict[int, bytes]:
        """The shards changed since the last ``written()``, as stored."""
        return {i: pack(self._shards[i]) for i in sorted(self._dirty)}

    def written(self) -> None:
        self._dirty.clear()
