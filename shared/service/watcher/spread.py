"""Which replica watches which mailbox: rendezvous hashing with bounded loads.

Every replica computes the same assignment from the same inputs (the enabled mailboxes and
the live replicas' worker ids), so no coordinator is needed; member leases settle the short
moments when two replicas' views differ.

- **Even**: loads differ by at most one mailbox.
- **Sticky**: a mailbox goes to the first replica in its own rendezvous order that still has
  room, and that order does not depend on the other mailboxes or replicas — so when a replica
  joins, only the mailboxes that rank it first (about 1/N, plus the few its capacity pushes
  on) move to it, and when one leaves, essentially only its own mailboxes move. The worker id,
  not the incarnation, is hashed: a restarted replica gets its own mailboxes back.

(Thaler & Ravishankar, "Using name-based mappings to increase hit rates", 1998; Mirrokni,
Thorup & Zadimoghaddam, "Consistent hashing with bounded loads", 2018.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence


def _score(worker: str, key: str) -> int:
    digest = hashlib.blake2b(f"{worker}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _order(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")


def assign(keys: Iterable[str], workers: Sequence[str]) -> dict[str, str]:
    """The worker for each key. Keys are placed in an order that depends only on the key, each
    on its highest-scoring worker with room left."""
    members = sorted(set(workers))
    ordered = sorted(set(keys), key=lambda k: (_order(k), k))
    if not members:
        return {}
    # loads end exactly at base or base + 1: only ``extra`` replicas may pass base
    base, extra = divmod(len(ordered), len(members))
    load = dict.fromkeys(members, 0)
    over = 0  # replicas already at base + 1
    owner: dict[str, str] = {}
    for key in ordered:
        ranked = sorted(members, key=lambda w: _score(w, key), reverse=True)
        chosen = next(w for w in ranked if load[w] < base or (load[w] == base and over < extra))
        over += load[chosen] == base
        load[chosen] += 1
        owner[key] = chosen
    return owner


class Spread:
    """This replica's share, recomputed only when the mailboxes or the live replicas change
    (``assign`` over 10,000 mailboxes takes tens of milliseconds: not on every reload)."""

    def __init__(self, worker: str) -> None:
        self._worker = worker
        self._inputs: tuple[frozenset[str], tuple[str, ...]] | None = None
        self._mine: frozenset[str] = frozenset()

    def mine(self, keys: Iterable[str], workers: Sequence[str]) -> frozenset[str]:
        inputs = (frozenset(keys), tuple(sorted(set(workers))))
        if inputs != self._inputs:
            owners = assign(inputs[0], inputs[1])
            self._mine = frozenset(k for k, w in owners.items() if w == self._worker)
            self._inputs = inputs
        return self._mine
