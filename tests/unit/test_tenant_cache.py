"""The pipeline's per-tenant cache (rules, template examples): read once per ttl, per
tenant, afresh after ``forget``, and a failed read is not cached."""

from __future__ import annotations

import pytest

from shared.errors import ServiceUnavailable
from shared.ids import TenantId
from shared.service.tenant_cache import TenantCache

A, B = TenantId("acme"), TenantId("globex")


class Loader:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.fail = False

    def __call__(self, tenant: TenantId) -> str:
        self.calls.append(tenant)
        if self.fail:
            raise ServiceUnavailable("firestore down")
        return f"{tenant}#{len(self.calls)}"


def test_values_are_kept_per_tenant_for_the_ttl_then_read_again() -> None:
    now = [100.0]
    load = Loader()
    cache = TenantCache(load, 30.0, monotonic=lambda: now[0])
    assert cache.get(A) == "acme#1"
    assert cache.get(B) == "globex#2"
    now[0] += 29.0
    assert (cache.get(A), cache.get(B)) == ("acme#1", "globex#2")
    now[0] += 1.0
    assert cache.get(A) == "acme#3"
    assert load.calls == ["acme", "globex", "acme"]


def test_forget_reads_one_tenant_afresh() -> None:
    load = Loader()
    cache = TenantCache(load, 30.0, monotonic=lambda: 0.0)
    cache.get(A)
    cache.get(B)
    cache.forget(A)
    assert (cache.get(A), cache.get(B)) == ("acme#3", "globex#2")


def test_a_failed_read_is_not_cached() -> None:
    load = Loader()
    cache = TenantCache(load, 30.0, monotonic=lambda: 0.0)
    load.fail = True
    with pytest.raises(ServiceUnavailable):
        cache.get(A)
    load.fail = False
    assert cache.get(A) == "acme#2"
