"""What a mailbox card shows beside its settings: when its token and its push (Gmail watch,
Graph subscription) expire, in UTC and how far away, and — when Google or Microsoft no longer
accepts the connection — the alert with the button that connects it again (the same
``oauth_start`` link as the Connect buttons, for the mailbox's provider and mode)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from shared.domain.models import AuthMethod, Health, Mailbox, MailboxState, Provider
from shared.web import formats
from shared.web.i18n import _

PROVIDER_NAMES = {"google": "Google", "microsoft": "Microsoft"}
_API = {Provider.GMAIL: ("google", "gmail"), Provider.GRAPH: ("microsoft", "graph")}
# where a Gmail / Graph sync keeps its push's expiry (epoch ms) in the mailbox's cursor
PUSH_EXPIRY = {Provider.GMAIL: "watch_expiration_ms", Provider.GRAPH: "subscription_expires_ms"}


@dataclass(frozen=True)
class Reconnect:
    provider: str  # "Google" | "Microsoft"
    url: str  # oauth_start for the mailbox; "" for an app-only grant (no consent page)
    message: str

    def to_json(self) -> dict[str, str]:
        return {"provider": self.provider, "url": self.url, "message": self.message}


def _oauth_of(mailbox: Mailbox) -> tuple[str, str] | None:
    """(provider, mode) of the mailbox's OAuth connection; None when it has none."""
    if mailbox.provider in _API:
        return _API[mailbox.provider]
    if mailbox.auth_method is not AuthMethod.OAUTH2 or mailbox.oauth is None:
        return None
    return mailbox.oauth.provider.value, mailbox.provider.value


def _refused(mailbox: Mailbox, health: Health) -> bool:
    """The provider refused the grant (marked on it, or the last state said so)."""
    marked = mailbox.oauth is not None and mailbox.oauth.reauth_required_at is not None
    return marked or health.state in (MailboxState.REAUTH_REQUIRED, MailboxState.AUTH_ERROR)


def reconnect(mailbox: Mailbox, health: Health, oauth_start_url: str) -> Reconnect | None:
    """The reconnect alert of an enabled OAuth mailbox whose grant is refused, else None."""
    oauth = _oauth_of(mailbox)
    if oauth is None or not mailbox.enabled or not _refused(mailbox, health):
        return None
    provider, mode = oauth
    name = PROVIDER_NAMES[provider]
    if mailbox.oauth is not None and mailbox.oauth.app_only:
        message = _(
            "%(provider)s no longer accepts the connection: an administrator of the directory "
            "grants the consent again (mailingest connect-app-only)",
            provider=name,
        )
        return Reconnect(name, "", message)
    link = {"tenant": mailbox.tenant_id, "mailbox": mailbox.id, "mode": mode}
    url = f"{oauth_start_url}?{urlencode({**link, 'provider': provider})}"
    message = _("%(provider)s no longer accepts the connection — reconnect", provider=name)
    return Reconnect(name, url, message)


def expiry(when: datetime | None, now: datetime) -> str:
    """``2026-12-01 14:05 UTC (in 52 min)`` / ``… (expired 3 h ago)``; "unknown" for None
    (in the page's language)."""
    if when is None:
        return _("unknown")
    return f"{formats.moment(when)} UTC ({formats.in_time(when, now)})"


def push_expires_at(mailbox: Mailbox, cursor: dict[str, Any]) -> datetime | None:
    """When the Gmail watch / Graph subscription lapses (renewed before), if started."""
    key = PUSH_EXPIRY.get(mailbox.provider)
    value = cursor.get(key) if key else None
    if not isinstance(value, int) or value <= 0:
        return None
    return datetime.fromtimestamp(value / 1000, UTC)
