"""The services' one audit writer: stamped by the clock, details copied, logged without them."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.domain.models import AuditEntry
from shared.ids import TenantId
from shared.service.audit import AuditTrail

ACME = TenantId("acme")


def test_an_entry_is_stamped_now_keeps_its_details_and_logs_without_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    clock = FakeClock()
    state = InMemoryStateStore(clock)
    trail = AuditTrail(state, clock)
    details: dict[str, object] = {"name": "Acme Travel Ltd"}
    clock.advance(timedelta(minutes=3))
    trail.record(ACME, "ops@acme.example", "tenant.create", "acme", details)
    details["name"] = "changed afterwards"
    assert state.list_audit(ACME) == [
        AuditEntry(
            tenant_id=ACME,
            actor="ops@acme.example",
            action="tenant.create",
            target="acme",
            at=clock.now(),
            details={"name": "Acme Travel Ltd"},
        )
    ]
    (logged,) = [r for r in caplog.records if r.getMessage() == "audit"]
    assert (logged.action, logged.target, logged.actor) == (  # type: ignore[attr-defined]
        "tenant.create",
        "acme",
        "ops@acme.example",
    )
    assert "Acme Travel" not in caplog.text
    assert not hasattr(logged, "details")
