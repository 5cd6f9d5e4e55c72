"""Which grants the scheduled job probes, and what it does with each outcome."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import ClientRejected, ServiceUnavailable
from shared.oauth.probe import due, probe_grants
from shared.oauth.tokens import REAUTH_LOG
from tests.unit.oauth.test_tokens import World

EVERY, RUN = timedelta(hours=6), timedelta(minutes=10)


def test_each_grant_is_due_exactly_once_per_period_and_the_load_is_spread() -> None:
    keys = [f"t{i}/m{i}" for i in range(360)]
    start = datetime(2026, 3, 1, tzinfo=UTC)
    runs = [start + i * RUN for i in range(36)]  # six hours of runs
    per_key = {k: sum(due(k, at, EVERY, RUN) for at in runs) for k in keys}
    assert set(per_key.values()) == {1}
    per_run = [sum(due(k, at, EVERY, RUN) for k in keys) for at in runs]
    assert max(per_run) < 30  # 10 on average; no run takes them all


def test_probe_refreshes_due_grants_and_skips_flagged_ones_without_a_call() -> None:
    w = World()
    tokens = w.service()
    counts = probe_grants(w.state, tokens, w.clock, every=EVERY, run_interval=RUN, everything=True)
    assert counts["refreshed"] == 1
    assert w.provider.calls == ["rt-0"]
    w.provider.valid.clear()
    counts = probe_grants(w.state, tokens, w.clock, every=EVERY, run_interval=RUN, everything=True)
    assert counts["reauth_required"] == 1
    calls = len(w.provider.calls)
    again = probe_grants(
        w.state, w.service(), w.clock, every=EVERY, run_interval=RUN, everything=True
    )
    assert again["awaiting_reconnect"] == 1
    assert again["reauth_required"] == 0
    assert len(w.provider.calls) == calls


def test_probe_counts_failures_and_skips_grants_not_due() -> None:
    w = World()
    w.provider.fail_with = ServiceUnavailable("down")
    counts = probe_grants(
        w.state, w.service(), w.clock, every=EVERY, run_interval=RUN, everything=True
    )
    assert counts["failed"] == 1
    not_due = next(
        w.clock.now() + i * RUN
        for i in range(36)
        if not due(w.mailbox.key, w.clock.now() + i * RUN, EVERY, RUN)
    )
    w.clock.advance(not_due - w.clock.now())
    counts = probe_grants(w.state, w.service(), w.clock, every=EVERY, run_interval=RUN)
    assert counts["skipped"] == 1
    assert counts["failed"] == 0


def test_our_client_refused_alerts_the_operator_and_leaves_the_grant(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """invalid_client / unauthorized_client: our OAuth client, not the tenant's grant."""
    caplog.set_level(logging.INFO)
    w = World()
    w.provider.fail_with = ClientRejected("microsoft refused our OAuth client (invalid_client)")
    counts = probe_grants(
        w.state, w.service(), w.clock, every=EVERY, run_interval=RUN, everything=True
    )
    assert counts["failed"] == 1
    alerts = [r for r in caplog.records if r.getMessage() == "OAuth client refused by the provider"]
    assert [a.levelno for a in alerts] == [logging.ERROR]  # infra: oauth_client_refused
    assert w.mailbox.oauth is not None
    assert w.mailbox.oauth.reauth_required_at is None
    assert REAUTH_LOG not in caplog.text
    assert w.state.list_audit(w.mailbox.tenant_id) == []
    w.provider.fail_with = None  # the operator fixed the client: the grant still works
    counts = probe_grants(
        w.state, w.service(), w.clock, every=EVERY, run_interval=RUN, everything=True
    )
    assert counts["refreshed"] == 1
