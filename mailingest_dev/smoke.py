"""``make smoke``: is a running system whole? One line per check, a non-zero exit on any
failure. The same checks run after a deploy against the project (``terraform output -json
smoke`` describes it; gcloud and the client libraries with the operator's credentials) and
against ``make run``'s local system (which writes the same description to
``.local/smoke.json``: its functions, the emulators, its Dovecot), so the smoke test cannot
rot: ``tests/e2e/test_make_run.py`` runs it against every local run.

What a description holds (each check runs when its part is there, says ``skip`` otherwise):

- ``functions``: name -> ``{"url", "probe"}`` (an HTTP call: ``graph-validation`` — Graph's
  validation handshake answered with its token, ``iap`` — the page answers only through
  Identity-Aware Proxy, ``page`` — 200, ``answers`` — any answer below 500) or
  ``{"function"}`` (internal ingress: a deployed function is ACTIVE; ``trigger_topic``: its
  Eventarc trigger is on that topic);
- ``topics``, ``subscriptions`` (path -> ``{"topic", "push_endpoint"}``): they exist, on
  their topic, pushing where they should;
- ``scheduler_jobs``: each exists, is enabled, and its last run (if any yet) succeeded;
- ``firestore_indexes``: every composite index is READY;
- ``watcher``: ``{"url"}`` (its ``/healthz``) or ``{"service"}`` (the Cloud Run service is
  Ready);
- ``message``: one mail appended over IMAP to a watched mailbox comes back as its event on
  the events topic within a minute (locally the demo mailbox; deployed, a test mailbox named
  by ``SMOKE_IMAP_HOST``, ``SMOKE_IMAP_USER``, ``SMOKE_IMAP_PASSWORD`` and optionally
  ``SMOKE_IMAP_PORT``, ``SMOKE_IMAP_FOLDER``).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

MESSAGE_WAIT_S = 60.0
HTTP_TIMEOUT_S = 20.0
Gcloud = Callable[[list[str]], Any]  # gcloud arguments -> its parsed --format=json output


@dataclass(frozen=True)
class Result:
    status: str  # ok, FAIL, skip
    check: str
    detail: str = ""

    def line(self) -> str:
        tail = f": {self.detail}" if self.detail else ""
        return f"{self.status:<5} {self.check}{tail}"


def ok(check: str, detail: str = "") -> Result:
    return Result("ok", check, detail)


def fail(check: str, detail: str) -> Result:
    return Result("FAIL", check, detail)


def skip(check: str, detail: str) -> Result:
    return Result("skip", check, detail)


# -- talking to the system --------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer to look at, not to follow


def http(method: str, url: str, body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request; redirects are not followed."""
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 - http(s) only
    if body is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT_S) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers), answer.read()


def gcloud(args: list[str]) -> Any:
    """gcloud with the operator's credentials; its JSON output."""
    done = subprocess.run(  # noqa: S603 - gcloud with our arguments
        ["gcloud", *args, "--format=json"],  # noqa: S607 - the operator's gcloud on PATH
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "gcloud failed")
    return json.loads(done.stdout or "null")


# -- the checks -------------------------------------------------------------------------------


def check_functions(d: Mapping[str, Any], run_gcloud: Gcloud) -> Iterator[Result]:
    for name, spec in sorted(d.get("functions", {}).items()):
        check = f"function {name}"
        try:
            if spec.get("url"):
                yield _probe(check, spec["url"], spec.get("probe") or "answers")
            else:
                yield _function_state(check, d, spec, run_gcloud)
        except (OSError, RuntimeError, ValueError) as exc:
            yield fail(check, f"{type(exc).__name__}: {exc}")


def _probe(check: str, url: str, probe: str) -> Result:
    if probe == "graph-validation":
        token = f"smoke-{secrets.token_hex(8)}"
        status, headers, body = http("POST", f"{url}?validationToken={token}", b"")
        kind = headers.get("Content-Type", "")
        if status == 200 and body.decode(errors="replace") == token and "text/plain" in kind:
            return ok(check, "answers Graph's validation handshake")
        return fail(check, f"validation handshake answered {status} {kind!r}")
    if probe == "iap":
        status, headers, _ = http("GET", url)
        where = headers.get("Location", "")
        if status in (401, 403) or (status == 302 and "accounts.google.com" in where):
            return ok(check, f"answers only through Identity-Aware Proxy ({status})")
        return fail(check, f"answered {status} without an IAP sign-in")
    if probe == "page":
        status, _, _ = http("GET", url)
    else:
        status, _, _ = http("POST", url, b"{}")
    wanted_ok = status == 200 if probe == "page" else status < 500
    return ok(check, f"answers ({status})") if wanted_ok else fail(check, f"answered {status}")


def _function_state(
    check: str, d: Mapping[str, Any], spec: Mapping[str, Any], run_gcloud: Gcloud
) -> Result:
    found = run_gcloud(
        ["functions", "describe", spec["function"], "--gen2", *_where(d, "--region")]
    )
    state = found.get("state")
    if state != "ACTIVE":
        return fail(check, f"state {state}")
    wanted = spec.get("trigger_topic") or ""
    topic = (found.get("eventTrigger") or {}).get("pubsubTopic")
    if wanted and topic != wanted:
        return fail(check, f"triggered by {topic}, not {wanted}")
    return ok(check, "ACTIVE" + (f", triggered by {topic}" if wanted else ""))


def _where(d: Mapping[str, Any], region_flag: str) -> list[str]:
    return [f"{region_flag}={d['region']}", f"--project={d['project']}"]


def check_pubsub(d: Mapping[str, Any]) -> Iterator[Result]:
    if not d.get("topics") and not d.get("subscriptions"):
        yield skip("Pub/Sub", "no topic or subscription described")
        return
    from google.api_core import exceptions as gexc
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    for topic in d.get("topics", []):
        try:
            publisher.get_topic(request={"topic": topic}, timeout=HTTP_TIMEOUT_S)
            yield ok(f"topic {topic}")
        except gexc.GoogleAPIError as exc:
            yield fail(f"topic {topic}", type(exc).__name__)
    subscriber = pubsub_v1.SubscriberClient()
    with subscriber:
        for path, spec in sorted(d.get("subscriptions", {}).items()):
            check = f"subscription {path}"
            try:
                found = subscriber.get_subscription(
                    request={"subscription": path}, timeout=HTTP_TIMEOUT_S
                )
            except gexc.GoogleAPIError as exc:
                yield fail(check, type(exc).__name__)
                continue
            push = found.push_config.push_endpoint or ""
            if found.topic != spec["topic"]:
                yield fail(check, f"on {found.topic}, not {spec['topic']}")
            elif push != (spec.get("push_endpoint") or ""):
                yield fail(check, f"pushes to {push or '(pull)'}, not {spec['push_endpoint']}")
            else:
                yield ok(check, f"pushes to {push}" if push else "pull")


def check_scheduler(d: Mapping[str, Any], run_gcloud: Gcloud) -> Iterator[Result]:
    jobs = d.get("scheduler_jobs", [])
    if not jobs:
        yield skip("scheduler jobs", "none here")
    for job in jobs:
        check = f"scheduler job {job}"
        try:
            found = run_gcloud(["scheduler", "jobs", "describe", job, *_where(d, "--location")])
        except RuntimeError as exc:
            yield fail(check, str(exc))
            continue
        status = found.get("status") or {}
        if found.get("state") != "ENABLED":
            yield fail(check, f"state {found.get('state')}")
        elif status.get("code", 0):
            yield fail(check, f"last run failed: {status.get('message') or status['code']}")
        elif not found.get("lastAttemptTime"):
            yield ok(check, "enabled, not run yet")
        else:
            yield ok(check, f"last ran fine at {found['lastAttemptTime']}")


def check_indexes(d: Mapping[str, Any], run_gcloud: Gcloud) -> Iterator[Result]:
    if not d.get("firestore_indexes"):
        yield skip("Firestore indexes", "the emulator builds none")
        return
    try:
        found = run_gcloud(
            ["firestore", "indexes", "composite", "list", f"--project={d['project']}"]
        )
    except RuntimeError as exc:
        yield fail("Firestore indexes", str(exc))
        return
    waiting = [i.get("name", "?") for i in found or [] if i.get("state") != "READY"]
    if not found:
        yield fail("Firestore indexes", "none found")
    elif waiting:
        yield fail("Firestore indexes", f"not READY: {', '.join(waiting)}")
    else:
        yield ok("Firestore indexes", f"{len(found)} READY")


def check_watcher(d: Mapping[str, Any], run_gcloud: Gcloud) -> Iterator[Result]:
    spec = d.get("watcher") or {}
    try:
        if "url" in spec:
            status, _, _ = http("GET", spec["url"])
            yield (
                ok("watcher", "/healthz 200")
                if status == 200
                else fail("watcher", f"/healthz {status}")
            )
            return
        found = run_gcloud(["run", "services", "describe", spec["service"], *_where(d, "--region")])
    except (OSError, RuntimeError, KeyError) as exc:
        yield fail("watcher", f"{type(exc).__name__}: {exc}")
        return
    ready = [c for c in found.get("status", {}).get("conditions", []) if c.get("type") == "Ready"]
    if ready and ready[0].get("status") == "True":
        yield ok("watcher", "serving (Ready)")
    else:
        yield fail("watcher", ready[0].get("message", "not Ready") if ready else "no Ready state")


def check_message(d: Mapping[str, Any], env: Mapping[str, str]) -> Iterator[Result]:
    check = "one message in, its event out"
    imap = d.get("message") or _imap_from(env)
    if not imap:
        yield skip(check, "no test mailbox (SMOKE_IMAP_HOST, SMOKE_IMAP_USER, SMOKE_IMAP_PASSWORD)")
        return
    from imapclient import IMAPClient

    from shared.adapters.pubsub import EventTail

    subject = f"smoke {secrets.token_hex(6)}"
    tail = EventTail(d["project"], d["events_topic"], emulator_host=d.get("pubsub_emulator"))
    started = time.monotonic()
    try:
        tail.prepare()  # a private subscription, made before the mail goes in
        tls = imap.get("tls", "tls") == "tls"
        with IMAPClient(imap["host"], port=int(imap["port"]), ssl=tls, timeout=30) as client:
            client.login(imap["user"], imap["password"])
            client.append(imap.get("folder", "INBOX"), _mail(subject, imap["user"]))
        for data, _ in tail.iter(timeout_s=MESSAGE_WAIT_S):
            if json.loads(data).get("subject") == subject:
                yield ok(check, f"in {time.monotonic() - started:.1f} s")
                return
    except Exception as exc:  # noqa: BLE001 - any failure of the round trip is the answer
        yield fail(check, f"{type(exc).__name__}: {str(exc)[:200]}")
        return
    yield fail(check, f"no event within {MESSAGE_WAIT_S:.0f} s")


def _imap_from(env: Mapping[str, str]) -> dict[str, str] | None:
    if not all(env.get(f"SMOKE_IMAP_{k}") for k in ("HOST", "USER", "PASSWORD")):
        return None
    return {
        "host": env["SMOKE_IMAP_HOST"],
        "port": env.get("SMOKE_IMAP_PORT", "993"),
        "user": env["SMOKE_IMAP_USER"],
        "password": env["SMOKE_IMAP_PASSWORD"],
        "folder": env.get("SMOKE_IMAP_FOLDER", "INBOX"),
        "tls": "tls",
    }


def _mail(subject: str, to: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = "smoke@mindops.example"
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{secrets.token_hex(12)}@smoke.mindops.example>"
    mail.set_content("A smoke test's message: it checks one mail becomes one event.\n")
    return mail.as_bytes()


def run_checks(
    d: Mapping[str, Any],
    *,
    run_gcloud: Gcloud = gcloud,
    env: Mapping[str, str] | None = None,
    say: Callable[[str], None] = print,
) -> int:
    """Every check, one line each; 1 when any failed."""
    env = os.environ if env is None else env
    if d.get("pubsub_emulator"):
        os.environ["PUBSUB_EMULATOR_HOST"] = d["pubsub_emulator"]
    failed = 0
    for results in (
        check_functions(d, run_gcloud),
        check_pubsub(d),
        check_scheduler(d, run_gcloud),
        check_indexes(d, run_gcloud),
        check_watcher(d, run_gcloud),
        check_message(d, env),
    ):
        for result in results:
            say(result.line())
            failed += result.status == "FAIL"
    say(f"FAILED: {failed} check(s)" if failed else "passed: every check")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make smoke", description=__doc__.split("\n")[0])
    parser.add_argument("description", type=Path, help="the system's description (JSON)")
    args = parser.parse_args(argv)
    return run_checks(json.loads(args.description.read_text()))


if __name__ == "__main__":
    sys.exit(main())
