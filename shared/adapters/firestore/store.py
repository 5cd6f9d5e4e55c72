"""``StateStore`` on Firestore: one class composed of the per-concept parts.

Document layout (prefix = the optional collection prefix):

- ``{prefix}tenants/{t}``                          Tenant
- ``{prefix}tenants/{t}/mailboxes/{m}``            ``{"settings": Mailbox, "tenant_id": t}``
- ``{prefix}tenants/{t}/mailboxes/{m}/state/cursor``  Cursor (compare-and-set)
- ``{prefix}tenants/{t}/mailboxes/{m}/state/health``  latest values + hourly buckets
- ``{prefix}tenants/{t}/audit/{auto}``             AuditEntry
- ``{prefix}tenants/{t}/rules/{id}``               rule document
- ``{prefix}tenants/{t}/templates/{id}``           template example (masked tokens, label)
- ``{prefix}tenants/{t}/events/{event id}``        recent event summary (TTL on ``expires_at``)
- ``{prefix}leases/{name}``                        Lease (TTL on ``expires_at``)
- ``{prefix}replicas/{holder}``                   Member heartbeat (TTL on ``expires_at``)
- ``{prefix}dedupe/{key}``                         claim (TTL on ``expires_at``)
- ``{prefix}dead_letters/{id}``                    DeadLetter
- ``{prefix}graph_subscriptions/{subscription id}`` its owner and clientState's SHA-256

Every call is bounded by ``timeout_s`` including retries (then ServiceUnavailable); every
vendor exception is translated in ``errors.mapped``. Times written (lease expiry, claim age)
come from ``clock``: replicas need roughly synchronized clocks, which Cloud Run gives.
"""

from __future__ import annotations

from google.cloud import firestore

from shared.adapters.firestore.audit import FirestoreAudit
from shared.adapters.firestore.client import DEFAULT_TIMEOUT_S, FirestoreDb, ReadCounter
from shared.adapters.firestore.cursors import FirestoreCursors
from shared.adapters.firestore.dead_letters import FirestoreDeadLetters
from shared.adapters.firestore.dedupe import FirestoreDedupe
from shared.adapters.firestore.graph_subscriptions import FirestoreGraphSubscriptions
from shared.adapters.firestore.health import FirestoreHealth
from shared.adapters.firestore.leases import FirestoreLeases
from shared.adapters.firestore.mailbox_feed import FirestoreMailboxFeed
from shared.adapters.firestore.mailboxes import FirestoreMailboxes
from shared.adapters.firestore.recent_events import FirestoreRecentEvents
from shared.adapters.firestore.rules import FirestoreRules
from shared.adapters.firestore.templates import FirestoreTemplates
from shared.adapters.firestore.tenants import FirestoreTenants
from shared.ports import Clock


class FirestoreStateStore(
    FirestoreTenants,
    FirestoreMailboxes,
    FirestoreMailboxFeed,
    FirestoreCursors,
    FirestoreLeases,
    FirestoreDedupe,
    FirestoreHealth,
    FirestoreAudit,
    FirestoreDeadLetters,
    FirestoreRules,
    FirestoreTemplates,
    FirestoreRecentEvents,
    FirestoreGraphSubscriptions,
):
    def __init__(
        self,
        client: firestore.Client,
        clock: Clock,
        prefix: str = "",
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        super().__init__(FirestoreDb(client, clock, prefix, timeout_s))

    @property
    def reads(self) -> ReadCounter:
        """Documents read so far, by operation (``make bench``: store reads per minute)."""
        return self._db.reads
