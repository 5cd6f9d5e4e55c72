"""Flash messages for Post/Redirect/Get: after a form is handled the page redirects (303) to
itself with ``flash=<token>``, a short notice signed for one admin and tenant that expires
after ``FLASH_TTL_S``. Only the server can make one, so a crafted link cannot put words on
the page; a bad or stale token shows nothing."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

FLASH_TTL_S = 600
MAX_NOTICE = 300


def _mac(key: bytes, admin: str, tenant_id: str, expires: int, text: str) -> str:
    message = f"flash\x00{admin.lower()}\x00{tenant_id}\x00{expires}\x00{text}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def sign(key: bytes, admin: str, tenant_id: str, text: str, now_s: float) -> str:
    text = text[:MAX_NOTICE]
    expires = int(now_s) + FLASH_TTL_S
    body = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return f"{expires}.{body}.{_mac(key, admin, tenant_id, expires, text)}"


def verify(key: bytes, admin: str, tenant_id: str, token: str, now_s: float) -> str:
    """The notice, or "" when the token is not one we made for this admin and tenant, or
    has expired."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 12:
        return ""
    try:
        text = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)).decode()
    except (binascii.Error, ValueError):
        return ""
    expires = int(parts[0])
    if not hmac.compare_digest(_mac(key, admin, tenant_id, expires, text), parts[2]):
        return ""
    return text if now_s <= expires else ""
