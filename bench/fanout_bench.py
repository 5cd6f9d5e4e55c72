"""The scheduled resync at 100,000 mailboxes, fanned out (Firestore and Pub/Sub emulators,
the Gmail API stand-in):

- the dispatch ``renew_watches`` runs, measured whole: list MAILBOXES enabled Gmail mailboxes
  (SHARD of them real stand-in accounts, the rest simulated: settings only, never synced
  here) and publish one task per shard of ``MAILINGEST_TASK_SHARD_MAILBOXES``;
- one shard as ``mailbox_tasks`` works it: SHARD real mailboxes resynced, nothing new;
- ``gmail.resync_100000_s``: the dispatch plus the shards in rounds of the function's
  ``max_instances`` (infra/functions.tf), the platform running a round's shards at once —
  the one part of the run that grows with the mailboxes is the dispatch's listing."""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import hcl2

from bench.figures import Figure, figure
from mailingest_dev.devstack import local_services
from mailingest_dev.local_functions import local_backends_env
from mailingest_dev.local_gmail import local_gmail
from shared.adapters.pubsub import ensure_topic
from shared.bootstrap import build_app, build_gmail, build_renewal, build_renewal_fanout
from shared.domain.models import AuthMethod, Mailbox, Provider
from shared.ids import MailboxId, TenantId
from shared.service.mailbox_task import MailboxTask

MAILBOXES = int(os.environ.get("BENCH_FANOUT_MAILBOXES", "100000"))
SHARD = 100
TENANT = TenantId("fanout")
INFRA = Path(__file__).resolve().parent.parent / "infra"


def max_instances() -> int:
    """``mailbox_tasks``'s max_instances as deployed (infra/functions.tf)."""
    tf = hcl2.loads((INFRA / "functions.tf").read_text())
    for block in tf.get("locals", []):
        if "all_functions" in block:
            return int(block["all_functions"]["mailbox_tasks"]["max_instances"])
    raise SystemExit("mailbox_tasks is not in infra/functions.tf")


def fanout(tmp: Path) -> dict[str, Figure]:
    with local_services(secretmanager=False, dovecot=False, base_dir=tmp / "svc") as svc:
        os.environ.update(svc.env())
        with local_gmail(svc.project_id) as local:
            tasks = f"tasks-{uuid.uuid4().hex[:8]}"
            os.environ.update(
                {
                    **local_backends_env(tmp, f"events-{uuid.uuid4().hex[:8]}"),
                    **local.env(),
                    "MAILINGEST_LOG_LEVEL": "WARNING",
                    "MAILINGEST_TASKS_TOPIC": tasks,
                    "MAILINGEST_TASK_SHARD_MAILBOXES": str(SHARD),
                }
            )
            app = build_app()
            app.admin.add_tenant(TENANT, "Fan-out", actor="bench")
            gmail = build_gmail(app)
            real = []
            for n in range(SHARD):
                mailbox = local.connect(app, TENANT, MailboxId(f"a{n:06d}"), f"a{n}@bench.example")
                gmail.sync.start_watch(mailbox)
                real.append((mailbox.tenant_id, mailbox.id))

            def simulated(n: int) -> None:
                app.state.put_mailbox(
                    Mailbox(
                        tenant_id=TENANT,
                        id=MailboxId(f"s{n:06d}"),
                        provider=Provider.GMAIL,
                        address=f"s{n}@bench.example",
                        auth_method=AuthMethod.OAUTH2,
                    )
                )

            with ThreadPoolExecutor(16) as pool:
                list(pool.map(simulated, range(MAILBOXES - SHARD)))
            ensure_topic(svc.project_id, tasks)
            started = time.perf_counter()
            dispatched = build_renewal_fanout(app).dispatch("resync")
            dispatch_s = time.perf_counter() - started
            if dispatched != {"mailboxes": MAILBOXES, "shards": math.ceil(MAILBOXES / SHARD)}:
                raise SystemExit(f"dispatch: {dispatched}")
            started = time.perf_counter()
            counts = build_renewal(app).run(MailboxTask("resync", tuple(real)))
            shard_s = time.perf_counter() - started
            if counts != {"mailboxes": SHARD, "synced": SHARD}:
                raise SystemExit(f"shard: {counts}")
    rounds = math.ceil(dispatched["shards"] / max_instances())
    total = dispatch_s + rounds * shard_s
    what = f"{MAILBOXES:,} Gmail mailboxes"
    return {
        f"gmail.resync_dispatch_{MAILBOXES}_s": figure(
            dispatch_s, "s", what + f": listed, {dispatched['shards']} shards published"
        ),
        "gmail.resync_shard_s": figure(
            shard_s, "s", f"one shard: {SHARD} mailboxes resynced, nothing new (emulator)"
        ),
        f"gmail.resync_{MAILBOXES}_s": figure(
            total,
            "s",
            what + f": the dispatch + {rounds} rounds of {max_instances()} shards at once "
            "(mailbox_tasks' max_instances)",
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mi-fanout-bench-") as tmp:
        figures = fanout(Path(tmp))
    args.out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
