"""Which tenant an admin may act on: the one rule every page and the OAuth flow share."""

from __future__ import annotations

from shared.domain.models import Tenant
from shared.errors import AuthError, NotFound
from shared.ids import TenantId
from shared.ports import TenantStore

NOT_ADMIN = "not an admin of this tenant"
SIGN_IN = "sign in first"


def admin_tenant(state: TenantStore, tenant_id: str, admin: str | None) -> Tenant:
    """The tenant, when ``admin`` is one of its admins; AuthError otherwise. A tenant that
    does not exist (or an id that is not one) is refused in the same words as one the admin
    does not belong to: tenant ids cannot be found out from outside."""
    if not admin:
        raise AuthError(SIGN_IN)
    try:
        tenant = state.get_tenant(TenantId(tenant_id))
    except (NotFound, ValueError):
        raise AuthError(NOT_ADMIN) from None
    if admin.strip().lower() not in tenant.admins:
        raise AuthError(NOT_ADMIN)
    return tenant
