"""``make smoke`` against a deployed project, with gcloud's answers recorded: each check says
ok, FAIL or skip on one line, and any failure makes the run fail. (Its local run, against
``make run``'s system, is in ``tests/e2e/test_make_run.py``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailingest_dev.smoke import run_checks

DEPLOYED: dict[str, Any] = {
    "project": "mindops-mail-dev",
    "region": "europe-west1",
    "events_topic": "mail-events",
    "functions": {
        "graph_worker": {
            "function": "mailingest-dev-graph-worker",
            "trigger_topic": "projects/mindops-mail-dev/topics/mailingest-dev-graph-notifications",
        },
        "refresh_tokens": {"function": "mailingest-dev-refresh-tokens"},
    },
    "scheduler_jobs": ["mailingest-dev-refresh-tokens", "mailingest-dev-resync"],
    "firestore_indexes": True,
    "watcher": {"service": "mailingest-dev-watcher"},
}


class RecordedGcloud:
    """gcloud's JSON for each describe/list, keyed by the command's words."""

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.calls: list[list[str]] = []

    def __call__(self, args: list[str]) -> Any:
        self.calls.append(args)
        key = " ".join(a for a in args if not a.startswith("--"))
        if key not in self.answers:
            raise RuntimeError(f"ERROR: (gcloud) NOT_FOUND: {key}")
        return self.answers[key]


def _healthy() -> dict[str, Any]:
    topic = DEPLOYED["functions"]["graph_worker"]["trigger_topic"]
    return {
        "functions describe mailingest-dev-graph-worker": {
            "state": "ACTIVE",
            "eventTrigger": {"pubsubTopic": topic},
        },
        "functions describe mailingest-dev-refresh-tokens": {"state": "ACTIVE"},
        "scheduler jobs describe mailingest-dev-refresh-tokens": {
            "state": "ENABLED",
            "status": {},
            "lastAttemptTime": "2026-12-01T10:00:00Z",
        },
        "scheduler jobs describe mailingest-dev-resync": {"state": "ENABLED"},
        "firestore indexes composite list": [{"name": "i1", "state": "READY"}],
        "run services describe mailingest-dev-watcher": {
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}
        },
    }


def _run(answers: dict[str, Any]) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = run_checks(DEPLOYED, run_gcloud=RecordedGcloud(answers), env={}, say=lines.append)
    return code, lines


def test_a_healthy_project_passes_with_one_line_per_check() -> None:
    code, lines = _run(_healthy())
    assert code == 0, lines
    assert lines == [
        "ok    function graph_worker: ACTIVE, triggered by "
        "projects/mindops-mail-dev/topics/mailingest-dev-graph-notifications",
        "ok    function refresh_tokens: ACTIVE",
        "skip  Pub/Sub: no topic or subscription described",
        "ok    scheduler job mailingest-dev-refresh-tokens: last ran fine at 2026-12-01T10:00:00Z",
        "ok    scheduler job mailingest-dev-resync: enabled, not run yet",
        "ok    Firestore indexes: 1 READY",
        "ok    watcher: serving (Ready)",
        "skip  one message in, its event out: no test mailbox "
        "(SMOKE_IMAP_HOST, SMOKE_IMAP_USER, SMOKE_IMAP_PASSWORD)",
        "passed: every check",
    ]


def test_each_kind_of_trouble_fails_the_run_and_says_what() -> None:
    answers = _healthy()
    answers["functions describe mailingest-dev-graph-worker"]["eventTrigger"] = {
        "pubsubTopic": "projects/mindops-mail-dev/topics/elsewhere"
    }
    del answers["functions describe mailingest-dev-refresh-tokens"]
    answers["scheduler jobs describe mailingest-dev-resync"]["status"] = {
        "code": 7,
        "message": "PERMISSION_DENIED",
    }
    answers["firestore indexes composite list"].append({"name": "i2", "state": "CREATING"})
    answers["run services describe mailingest-dev-watcher"]["status"]["conditions"][0] = {
        "type": "Ready",
        "status": "False",
        "message": "Revision failed",
    }
    code, lines = _run(answers)
    assert code == 1
    failed = [line for line in lines if line.startswith("FAIL ")]
    assert failed == [
        "FAIL  function graph_worker: triggered by projects/mindops-mail-dev/topics/elsewhere, "
        "not projects/mindops-mail-dev/topics/mailingest-dev-graph-notifications",
        "FAIL  function refresh_tokens: RuntimeError: ERROR: (gcloud) NOT_FOUND: "
        "functions describe mailingest-dev-refresh-tokens",
        "FAIL  scheduler job mailingest-dev-resync: last run failed: PERMISSION_DENIED",
        "FAIL  Firestore indexes: not READY: i2",
        "FAIL  watcher: Revision failed",
    ]
    assert lines[-1] == "FAILED: 5 check(s)"


def test_the_deployed_description_names_every_topic_subscription_and_function() -> None:
    """``terraform output smoke`` is what make smoke checks after a deploy: a topic,
    subscription or function added to infra/ without it would go unchecked."""
    import hcl2

    infra = Path(__file__).resolve().parents[2] / "infra"

    def resources(kind: str) -> set[str]:
        found = set()
        for path in infra.glob("*.tf"):
            for block in hcl2.loads(path.read_text()).get("resource", []):
                found |= {n.strip('"') for n in block.get(f'"{kind}"', {})}
        return found

    outputs = hcl2.loads((infra / "outputs.tf").read_text())["output"]
    smoke = next(o['"smoke"'] for o in outputs if '"smoke"' in o)["value"]
    text = str(smoke)
    for topic in resources("google_pubsub_topic"):
        assert f"google_pubsub_topic.{topic}.id" in text, topic
    for subscription in resources("google_pubsub_subscription"):
        assert f"google_pubsub_subscription.{subscription}" in text, subscription
    assert "for k, f in module.functions" in smoke["functions"]
    assert "google_cloud_scheduler_job.jobs" in smoke["scheduler_jobs"]
    assert "google_cloud_run_v2_service.watcher" in str(smoke["watcher"])
