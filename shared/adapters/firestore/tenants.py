"""Tenants: ``tenants/{tenant}`` holds the Tenant model (JSON mode, so it round-trips)."""

from __future__ import annotations

from shared.adapters.firestore.client import FirestorePart
from shared.adapters.firestore.errors import mapped
from shared.adapters.firestore.stored import stored
from shared.domain.models import Tenant
from shared.errors import NotFound
from shared.ids import TenantId


class FirestoreTenants(FirestorePart):
    def put_tenant(self, tenant: Tenant) -> None:
        with mapped("put tenant"):
            self._db.tenant(tenant.id).set(tenant.model_dump(mode="json"), **self._db.call())

    def get_tenant(self, tenant_id: TenantId) -> Tenant:
        snap = self._db.get(self._db.tenant(tenant_id), "get tenant")
        if not snap.exists:
            raise NotFound(f"tenant {tenant_id} not found")
        return stored(Tenant, snap.to_dict())

    def list_tenants(self) -> list[Tenant]:
        docs = [s.to_dict() for s in self._db.stream(self._db.top("tenants"), "list tenants")]
        return sorted((stored(Tenant, d) for d in docs), key=lambda t: t.id)
