"""Spreading mailboxes over replicas: even, sticky, the same on every replica."""

from __future__ import annotations

from collections import Counter

from shared.service.watcher.spread import Spread, assign

KEYS = [f"tenant{i % 37}/mailbox{i}" for i in range(3000)]


def moved(before: dict[str, str], after: dict[str, str]) -> int:
    return sum(before[k] != after[k] for k in before)


def test_every_key_goes_to_one_live_replica_and_loads_differ_by_at_most_one() -> None:
    owners = assign(KEYS, ["w1", "w2", "w3"])
    assert set(owners) == set(KEYS)
    loads = Counter(owners.values())
    assert set(loads) == {"w1", "w2", "w3"}
    assert max(loads.values()) - min(loads.values()) <= 1
    uneven = assign(KEYS[:10], ["w1", "w2", "w3"])
    assert sorted(Counter(uneven.values()).values()) == [3, 3, 4]


def test_every_replica_computes_the_same_spread_whatever_the_order_it_sees() -> None:
    assert assign(KEYS, ["w1", "w2", "w3"]) == assign(list(reversed(KEYS)), ["w3", "w1", "w2"])


def test_a_joining_replica_takes_about_its_share_and_nothing_else_moves() -> None:
    three = assign(KEYS, ["w1", "w2", "w3"])
    four = assign(KEYS, ["w1", "w2", "w3", "w4"])
    share = len(KEYS) / 4
    assert Counter(four.values())["w4"] == 750
    # every move is a move to the newcomer, give or take the few its capacity pushes on
    assert moved(three, four) <= share * 1.1
    to_newcomer = sum(three[k] != four[k] and four[k] == "w4" for k in KEYS)
    assert to_newcomer == 750
    assert moved(three, four) - to_newcomer <= share * 0.1


def test_a_leaving_replica_moves_its_own_mailboxes_and_few_others() -> None:
    three = assign(KEYS, ["w1", "w2", "w3"])
    two = assign(KEYS, ["w1", "w3"])
    its_own = [k for k in KEYS if three[k] == "w2"]
    assert all(two[k] in {"w1", "w3"} for k in its_own)
    assert moved(three, two) - len(its_own) <= len(KEYS) * 0.02


def test_a_restarted_replica_gets_its_own_mailboxes_back() -> None:
    """The worker id is hashed, not the incarnation: a rolling restart ends where it began."""
    before = assign(KEYS, ["w1", "w2", "w3"])
    during = assign(KEYS, ["w1", "w3"])
    after = assign(KEYS, ["w1", "w2", "w3"])
    assert moved(before, during) > 0
    assert after == before


def test_no_replica_no_owner() -> None:
    assert assign(KEYS, []) == {}


def test_spread_gives_this_replica_its_share_and_follows_changes() -> None:
    spread = Spread("w2")
    mine = spread.mine(KEYS, ["w1", "w2", "w3"])
    assert mine == {k for k, w in assign(KEYS, ["w1", "w2", "w3"]).items() if w == "w2"}
    alone = spread.mine(KEYS, ["w2"])
    assert alone == set(KEYS)
    fewer = spread.mine(KEYS[:100], ["w2"])
    assert fewer == set(KEYS[:100])
