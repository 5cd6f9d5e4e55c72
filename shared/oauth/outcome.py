"""What the connect flow tells the admin back on the settings page, in plain words. The
callback's redirect carries the outcome as query parameters (``result``, ``error``,
``address``, ``warning``) and, signed for that admin and tenant, as a notice the page shows
(``flash``: the page's own Post/Redirect/Get notices, so a crafted link cannot put words on
the page). Never a token, a code or a secret name."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

# (admin, tenant, text) -> the ``flash`` parameter the settings page verifies
NoticeSigner = Callable[[str, str, str], str]

PROVIDERS = {"google": "Google", "microsoft": "Microsoft"}
UNCHANGED = "Nothing was changed."
_WHY = {
    "access_denied": "the sign-in was cancelled or access was not allowed",
    "invalid_grant": "the sign-in had expired or was already used; please try again",
    "invalid_client": "the provider refused this service's app registration "
    "(the operators have been alerted)",
    "unauthorized_client": "the provider refused this service's app registration "
    "(the operators have been alerted)",
    "invalid_scope": "the provider refused the permissions asked for",
    "consent_required": "an administrator of your organisation has to approve the app first",
    "interaction_required": "the provider needs you to sign in again",
    "email_not_verified": "the Google account's e-mail address is not verified",
    "no_refresh_token": "the provider gave no lasting access; remove the app's access in "
    "the account's security settings and connect again",
    "mailbox_gone": "the mailbox was removed while you were signing in",
    "code_refused": "the provider refused to complete the sign-in",
}
_CODE = re.compile(r"[a-z_]{1,40}")


def connected(
    mailbox_id: str, provider: str, address: str, expires_at: datetime | None, warning: str = ""
) -> str:
    name = PROVIDERS.get(provider, provider)
    text = f"Mailbox {mailbox_id} is connected with {name} as {address}."
    if expires_at is not None:
        text += (
            f" Its access token expires {expires_at.strftime('%Y-%m-%d %H:%M')} UTC and is "
            "renewed automatically."
        )
    if warning == "push_pending":
        text += " New-mail notifications could not be started yet; they are retried by themselves."
    return text


def refused(mailbox_id: str, provider: str, error: str) -> str:
    name = PROVIDERS.get(provider, provider)
    why = _WHY.get(error)
    if why is None:  # a provider's own code: shown only when it looks like one
        why = f"the provider answered {error}" if _CODE.fullmatch(error) else "it did not succeed"
    return f"Mailbox {mailbox_id} was not connected with {name}: {why}. {UNCHANGED}"


@dataclass(frozen=True)
class SettingsLink:
    """Where the callback sends the admin back: the settings page with the outcome."""

    url: str
    sign: NoticeSigner | None = None

    def to(self, admin: str, params: Mapping[str, str], notice: str) -> str:
        query = dict(params)
        if self.sign is not None:
            query["flash"] = self.sign(admin, query["tenant"], notice)
        return f"{self.url}?{urlencode(query)}"
