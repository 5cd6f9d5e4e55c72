"""The settings console with 200 mailboxes, rendered server-side against the Firestore
emulator: the mailboxes' overview (its first page of rows, the health of all 200 for the
state filter) as an admin opens it, and the same with a mailbox's card open. The figure is
the median of renders taken in turns after warm-up renders; the store's document reads per render are
counted too (batched: no round trip per mailbox)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from bench.figures import Figure, figure
from mailingest_dev.devstack import local_services
from shared.adapters.firestore import FirestoreStateStore
from shared.adapters.memory_sinks import InMemorySecretStore
from shared.adapters.system_clock import SystemClock
from shared.domain.models import (
    AuthMethod,
    HealthUpdate,
    Mailbox,
    MailboxState,
    Provider,
    Tenant,
    TlsMode,
)
from shared.ids import MailboxId, TenantId
from shared.service.admin import Admin
from shared.web.settings_page import SettingsPage, Shown

PROJECT = "demo-bench-console"
TENANT = TenantId("agency")
ADMIN = "ops@agency.example"
MAILBOXES = 200
ROUNDS = 15
WARM_UP = 5
LIMIT_MS = 300.0


def _mailbox(i: int) -> Mailbox:
    provider = (Provider.IMAP, Provider.POP3, Provider.GMAIL, Provider.GRAPH)[i % 4]
    server = provider in (Provider.IMAP, Provider.POP3)
    return Mailbox(
        tenant_id=TENANT,
        id=MailboxId(f"box-{i:03d}"),
        provider=provider,
        address=f"box{i}@agency.example",
        purpose=("booking", "stopsale", "amendment")[i % 3],
        host="imap.agency.example" if server else None,
        tls=TlsMode.TLS,
        auth_method=AuthMethod.PASSWORD if server else AuthMethod.OAUTH2,
        secret_ref="unused" if server else None,
        enabled=i % 10 != 0,
    )


def _seed(state: FirestoreStateStore) -> None:
    state.put_tenant(Tenant(id=TENANT, name="Bench Agency", admins=(ADMIN,)))
    now = SystemClock().now()
    updates = []
    for i in range(MAILBOXES):
        mailbox = _mailbox(i)
        state.put_mailbox(mailbox)
        if i % 5:  # most have reported; a fifth are waiting for their first check
            state.try_acquire_lease(mailbox.key, "bench-watcher", timedelta(minutes=30))
            report = HealthUpdate(
                state=MailboxState.IDLE, last_sync_at=now, last_event_at=now, processed=i % 7
            )
            updates.append((TENANT, mailbox.id, report))
    state.update_health_many(updates, now)


def _medians_ms(page: SettingsPage, shown: list[Shown]) -> list[float]:
    """The median render time of each of ``shown``, measured in turns (so a machine busy for
    a while slows each alike) after warm-up renders (templates compiled, channels open, the
    emulator's JVM warm)."""
    for _ in range(WARM_UP):
        for each in shown:
            page.render(ADMIN, TENANT, each)
    times: list[list[float]] = [[] for _ in shown]
    for _ in range(ROUNDS):
        for i, each in enumerate(shown):
            started = time.perf_counter()
            html = page.render(ADMIN, TENANT, each)
            times[i].append((time.perf_counter() - started) * 1000)
            if "Showing 1–25 of 200" not in html:
                raise SystemExit("the overview did not list the 200 mailboxes")
    return [statistics.median(t) for t in times]


def console() -> dict[str, Figure]:
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    clock = SystemClock()
    state = FirestoreStateStore(firestore.Client(project=PROJECT, credentials=anonymous), clock)
    _seed(state)
    admin = Admin(state, InMemorySecretStore(), clock, allow_private_hosts=True)
    page = SettingsPage(state, admin, clock, oauth_start_url="/oauth_start", csrf_key="k" * 44)
    overview, opened = _medians_ms(page, [Shown(), Shown(open="box-007")])
    before = state.reads.total
    page.render(ADMIN, TENANT, Shown())
    reads = state.reads.total - before
    where = (
        f"Firestore emulator on loopback, {MAILBOXES} mailboxes (IMAP, POP3, Gmail, Microsoft 365), "
        f"median of {ROUNDS} renders after {WARM_UP} to warm up, {os.cpu_count()} cores at load "
        f"{os.getloadavg()[0]:.1f}"
    )
    return {
        "console.render_ms_200_mailboxes": figure(
            overview,
            "ms",
            f"the Mailboxes page (first 25 rows of 200); {where}; limit {LIMIT_MS:g}",
        ),
        "console.render_ms_200_mailboxes_card_open": figure(
            opened, "ms", f"the same with one mailbox's card open; {where}"
        ),
        "console.reads_per_render_200_mailboxes": figure(
            reads,
            "docs",
            "documents read for one render of the Mailboxes page (tenant, mailboxes, health "
            "and leases in batches): the billed reads, not round trips",
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        services = local_services(
            pubsub=False, secretmanager=False, dovecot=False, base_dir=Path(tmp) / "svc"
        )
        with services as svc:
            os.environ.update(svc.env())
            os.environ["GOOGLE_CLOUD_PROJECT"] = PROJECT
            figures = console()
    args.out.write_text(json.dumps(figures))
    for name, fig in figures.items():
        print(f"{name}: {fig['value']} {fig['unit']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
