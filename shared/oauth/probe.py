"""The scheduled probe of OAuth grants (``functions/refresh_tokens``).

An access token refreshed here would only live in this process, so the job's point is the
refresh token: each grant is refreshed once per ``every`` (6 h by default) so that

- a revoked or expired grant (``invalid_grant``) is noticed — ``reauth_required``, audit,
  alert — before mail is missed, also for mailboxes whose watcher holds a long IDLE session
  or that see no mail;
- refresh tokens do not lapse for disuse (Google: unused for 6 months; Microsoft: 90 days of
  inactivity) — developers.google.com/identity/protocols/oauth2#expiration,
  learn.microsoft.com/entra/identity-platform/refresh-tokens.

Grants are spread evenly over the runs by a hash of the mailbox key, so nothing needs to be
written per probe (a write to the mailbox document would restart its watcher connection).
Grants already flagged ``reauth_required`` are not probed again until reconnected.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from shared.domain.models import AuthMethod, Mailbox
from shared.errors import MailIngestError, ReauthRequired
from shared.oauth.clients import ClientRejected
from shared.oauth.tokens import TokenService
from shared.ports import Clock, MailboxStore

logger = logging.getLogger(__name__)
WORKERS = 4  # token calls in flight at once: modest against the providers' rate limits


def due(key: str, now: datetime, every: timedelta, run_interval: timedelta) -> bool:
    """True for exactly one run in each ``every`` for a given key, when runs come every
    ``run_interval`` (the scheduler's cadence); keys are spread evenly over the runs."""
    slots = max(1, int(every / run_interval))
    run = int(now.timestamp() // run_interval.total_seconds())
    return zlib.crc32(key.encode()) % slots == run % slots


def probe_grants(
    state: MailboxStore,
    tokens: TokenService,
    clock: Clock,
    *,
    every: timedelta,
    run_interval: timedelta,
    everything: bool = False,
) -> dict[str, int]:
    """Probe the grants due in this run (all of them with ``everything``); returns counts."""
    now = clock.now()
    counts: Counter[str] = Counter()
    todo: list[Mailbox] = []
    for mailbox in state.list_mailboxes():
        grant = mailbox.oauth
        if mailbox.auth_method is not AuthMethod.OAUTH2 or grant is None or not mailbox.enabled:
            continue
        if grant.reauth_required_at is not None:
            counts["awaiting_reconnect"] += 1
        elif everything or due(mailbox.key, now, every, run_interval):
            todo.append(mailbox)
        else:
            counts["skipped"] += 1
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="probe") as pool:
        for outcome in pool.map(lambda m: _probe(tokens, m), todo):
            counts[outcome] += 1
    result = {k: counts.get(k, 0) for k in ("refreshed", "reauth_required", "failed")}
    result.update(skipped=counts["skipped"], awaiting_reconnect=counts["awaiting_reconnect"])
    logger.info("OAuth grants probed", extra={"counts": result})
    return result


def _probe(tokens: TokenService, mailbox: Mailbox) -> str:
    try:
        tokens.refresh_now(mailbox)
    except ReauthRequired:
        return "reauth_required"  # the token service flagged, audited and alerted
    except ClientRejected as exc:
        logger.error(
            "OAuth client refused by the provider",
            extra={"mailbox_key": mailbox.key, "error": str(exc)[:200]},
        )
        return "failed"
    except MailIngestError as exc:
        logger.warning(
            "token refresh failed", extra={"mailbox_key": mailbox.key, "error": str(exc)[:200]}
        )
        return "failed"
    return "refreshed"
