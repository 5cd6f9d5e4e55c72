"""Scheduled (Cloud Scheduler, every 10 min): refresh OAuth tokens close to expiry and probe
grants that have been idle, so a revoked grant is noticed before mail is missed."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import functions_framework

from shared.domain.models import AuthMethod
from shared.entrypoints import Response, http_boundary
from shared.errors import MailIngestError

logger = logging.getLogger(__name__)
SOON = timedelta(minutes=15)


@functions_framework.http
@http_boundary
def refresh_tokens(request: Any) -> Response:
    from shared.bootstrap import build_app
    from shared.oauth.config import OAuthSettings
    from shared.oauth.wiring import build_oauth

    app = build_app()
    tokens = build_oauth(app, OAuthSettings.from_env()).tokens
    now = app.clock.now()
    counts = {"refreshed": 0, "reauth_required": 0, "failed": 0, "skipped": 0}
    for mailbox in app.state.list_mailboxes():
        if (
            mailbox.auth_method is not AuthMethod.OAUTH2
            or mailbox.oauth is None
            or not mailbox.enabled
        ):
            continue
        expires = mailbox.oauth.access_expires_at
        if expires is not None and expires - now > SOON:
            counts["skipped"] += 1
            continue
        try:
            tokens.refresh_now(mailbox)
            counts["refreshed"] += 1
        except MailIngestError as exc:
            key = "reauth_required" if type(exc).__name__ == "ReauthRequired" else "failed"
            counts[key] += 1
            logger.warning(
                "token refresh failed", extra={"mailbox_key": mailbox.key, "error": str(exc)[:200]}
            )
    return json.dumps(counts), 200, {"Content-Type": "application/json"}
