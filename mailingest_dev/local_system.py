"""The whole system on one machine, for ``make run``: real emulators and Dovecot, the watcher
container and the HTTP functions as child processes, sample mail delivered over IMAP, and one
line printed per event read back from the Pub/Sub emulator."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from imapclient import IMAPClient

from mailingest_dev.devstack import LocalServices
from mailingest_dev.devstack.process import free_port, wait_for_listener
from mailingest_dev.local_gmail import GMAIL_SUBSCRIPTION, GMAIL_TOPIC, LocalGmail, local_gmail
from mailingest_dev.local_graph import QUEUE_SUBSCRIPTION, QUEUE_TOPIC, LocalGraph, local_graph
from mailingest_dev.supervised import Supervisor
from shared.adapters.pubsub import EventTail
from shared.bootstrap import App, build_app, build_event_tail, build_gmail, build_graph
from shared.cli.output import format_event_line
from shared.config import Settings
from shared.domain.models import Mailbox, Provider, TlsMode
from shared.ids import MailboxId, TenantId

DEMO_TENANT = TenantId("demo-agency")
DEMO_MAILBOX = MailboxId("booking")
DEMO_USER = "booking@demo.agency"
DEMO_ADMIN = "admin@demo.agency"
# HTTP functions started under functions-framework: (folder, target, signature type)
HTTP_FUNCTIONS = (
    ("settings", "settings", "http"),
    ("oauth", "oauth_start", "http"),
    ("oauth", "oauth_callback", "http"),
    ("gmail_push", "gmail_push", "http"),
    ("graph_webhook", "graph_webhook", "http"),
    ("graph_worker", "graph_worker", "cloudevent"),
    ("renew_watches", "renew_watches", "http"),
    ("mailbox_tasks", "mailbox_tasks", "cloudevent"),
)
TASKS_SUBSCRIPTION = "mailbox-tasks-local"
DEMO_GRAPH_MAILBOX = MailboxId("m365-stopsale")
DEMO_GRAPH_USER = "stopsale@demo-agency.example"
DEMO_GMAIL_MAILBOX = MailboxId("gmail-booking")
DEMO_GMAIL_USER = "bookings@demo-agency.example"


def _say(text: str) -> None:
    print(text, flush=True)


class NoSampleEmails(Exception):
    """The sample folder is missing or holds no ``.eml`` file: delivering nothing would look
    like a working system that sees no mail."""


def sample_emails(folder: Path) -> list[Path]:
    """The ``.eml`` files to deliver, in name order; a missing or empty folder is an error."""
    if not folder.is_dir():
        raise NoSampleEmails(f"sample email folder {folder} does not exist")
    files = sorted(folder.glob("*.eml"))
    if not files:
        raise NoSampleEmails(f"sample email folder {folder} holds no .eml files")
    return files


class LocalSystem:
    def __init__(self, corpus: Path | None, state_dir: Path) -> None:
        self.corpus = corpus
        self._samples = sample_emails(corpus) if corpus is not None else []
        self.state_dir = state_dir.resolve()
        self._children = Supervisor(_say)
        self._stop = threading.Event()
        self._children_stopped = False
        self._events = 0
        self._reader: EventTail | None = None
        self._urls: dict[str, str] = {}
        self._watcher_port = 0

    def run(self, *, exit_after: int = 0, timeout_s: float = 0) -> int:
        from mailingest_dev.devstack import local_services

        if self.state_dir.exists():
            shutil.rmtree(self.state_dir)
        self.state_dir.mkdir(parents=True)
        previous = signal.signal(signal.SIGTERM, self._on_signal)
        try:
            with local_services(base_dir=self.state_dir / "services") as svc:
                os.environ.update(svc.env())
                with (
                    local_gmail(svc.project_id) as gmail,
                    local_graph(svc.project_id, self.state_dir / "graph") as graph,
                ):
                    try:
                        self._serve(svc, gmail, graph, exit_after, timeout_s)
                    except KeyboardInterrupt:
                        _say("\nstopping…")
                    finally:
                        # the children first, while the services and stand-ins they talk to
                        # still answer: a watcher releasing its leases, or a function in the
                        # middle of a request, against a stopped emulator waits out its
                        # retries, past the 10 s a child is given after SIGTERM
                        self._stop_children()
        except KeyboardInterrupt:
            _say("\nstopping…")
        finally:
            self._stop_children()  # what was started before a failure, if anything
            signal.signal(signal.SIGTERM, previous)
        _say(f"stopped; {self._events} events seen")
        return 0

    def _serve(
        self,
        svc: LocalServices,
        gmail: LocalGmail,
        graph: LocalGraph,
        exit_after: int,
        timeout_s: float,
    ) -> None:
        """Everything up, the samples delivered, events shown until it is time to stop."""
        self._urls = {target: f"http://127.0.0.1:{free_port()}/" for _, target, _ in HTTP_FUNCTIONS}
        webhook = self._urls["graph_webhook"]
        env = self._environment({**svc.env(), **gmail.env(), **graph.env(webhook)})
        os.environ.update(env)
        self._write_env_file(env)
        app = build_app(Settings.from_env())
        self._prepare(app, svc)
        self._start_children(env)
        self._prepare_gmail(app, gmail)
        self._prepare_graph(app, graph)
        self._prepare_tasks(app)
        self._write_smoke_description(app)
        tail = threading.Thread(target=self._tail, args=(app,), daemon=True)
        tail.start()
        if self.corpus is not None:
            self._deliver(gmail, graph)
        self._wait(exit_after, timeout_s)

    # -- setup --------------------------------------------------------------------------

    def _environment(self, services_env: dict[str, str]) -> dict[str, str]:
        key = Fernet.generate_key().decode()
        return {
            **services_env,
            "MAILINGEST_STATE_BACKEND": "firestore",
            "MAILINGEST_EVENTS_BACKEND": "pubsub",
            "MAILINGEST_SECRETS_BACKEND": "file",
            "MAILINGEST_SECRETS_FILE": str(self.state_dir / "secrets.enc"),
            "MAILINGEST_SECRETS_KEY": key,
            "MAILINGEST_BLOBS_BACKEND": "local",
            "MAILINGEST_BLOB_DIR": str(self.state_dir / "blobs"),
            "MAILINGEST_LOG_LEVEL": "WARNING",
            # the local Dovecot listens on loopback (shared/host_policy.py; never in the cloud)
            "MAILINGEST_ALLOW_PRIVATE_HOSTS": "true",
            # OAuth connect flow: the settings page's Connect buttons go through the local
            # Google and Microsoft stand-ins' consent pages and back (see docs/oauth.md)
            "MAILINGEST_OAUTH_STATE_KEY": Fernet.generate_key().decode(),
            "MAILINGEST_OAUTH_REDIRECT_URI": self._urls["oauth_callback"],
            "MAILINGEST_SETTINGS_URL": self._urls["settings"],
        }

    def _write_env_file(self, env: dict[str, str]) -> None:
        path = self.state_dir / "local.env"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.writelines(f"{k}={v}\n" for k, v in sorted(env.items()))

    def _prepare(self, app: App, svc: LocalServices) -> None:
        from shared.adapters.pubsub import ensure_topic

        dovecot = svc.dovecot
        if dovecot is None:  # local_services starts it
            raise RuntimeError("Dovecot is not running")
        password = secrets.token_urlsafe(18)
        dovecot.add_user(DEMO_USER, password)
        project, topic = app.settings.project_id, app.settings.events_topic
        ensure_topic(project, topic)
        self._reader = build_event_tail(app.settings)  # private: shares no message with others
        self._reader.prepare()
        app.admin.add_tenant(DEMO_TENANT, "Demo Agency", actor="make-run", admins=(DEMO_ADMIN,))
        mailbox = Mailbox(
            tenant_id=DEMO_TENANT,
            id=DEMO_MAILBOX,
            provider=Provider.IMAP,
            address=DEMO_USER,
            purpose="booking",
            host="127.0.0.1",
            port=dovecot.imap_port,
            tls=TlsMode.PLAIN,
        )
        app.admin.add_mailbox(mailbox, password=password, actor="make-run")
        self._dovecot_login = (dovecot.imap_port, password)
        _say(
            f"local system up — Firestore {os.environ['FIRESTORE_EMULATOR_HOST']}, "
            f"Pub/Sub {os.environ['PUBSUB_EMULATOR_HOST']}, Dovecot IMAP 127.0.0.1:"
            f"{dovecot.imap_port} (user {DEMO_USER}); env for other terminals: "
            f"{self.state_dir / 'local.env'}"
        )

    def _start_children(self, env: dict[str, str]) -> None:
        logs = self.state_dir / "logs"
        logs.mkdir()
        child_env = {**os.environ, **env, "MAILINGEST_LOG_LEVEL": "INFO"}
        self._watcher_port = free_port()  # its /healthz, as Cloud Run's PORT
        self._children.spawn(
            "the watcher",
            [sys.executable, "-m", "shared.cli.main", "watch"],
            {**child_env, "PORT": str(self._watcher_port)},
            logs / "watcher.log",
        )
        _say(f"watcher started (log: {logs / 'watcher.log'})")
        ff = Path(sys.executable).with_name("functions-framework")
        urls = self._urls
        child_env["MAILINGEST_OAUTH_START_URL"] = urls["oauth_start"]
        child_env["MAILINGEST_SETTINGS_DEV_ADMIN"] = DEMO_ADMIN  # no IAP locally
        for folder, target, signature in HTTP_FUNCTIONS:
            source = Path("functions") / folder / "main.py"
            if not source.exists():
                continue
            self._children.spawn(
                f"function {target}",
                [
                    str(ff),
                    f"--target={target}",
                    f"--source={source}",
                    f"--signature-type={signature}",
                    "--host=127.0.0.1",
                    f"--port={urlsplit(urls[target]).port}",
                ],
                child_env,
                logs / f"{target}.log",
            )
            suffix = f"?tenant={DEMO_TENANT}" if target == "settings" else ""
            _say(f"function {target}: {urls[target]}{suffix}")

    def _write_smoke_description(self, app: App) -> None:
        """What ``make smoke`` checks of this system (mailingest_dev/smoke.py): the same
        shape as ``terraform output -json smoke``, with the emulators and local URLs."""
        import json

        project, urls = app.settings.project_id, self._urls
        probes = {
            "settings": "page",
            "graph_webhook": "graph-validation",
        }
        port, password = self._dovecot_login
        topic = f"projects/{project}/topics/"
        description = {
            "project": project,
            "region": "local",
            "pubsub_emulator": os.environ["PUBSUB_EMULATOR_HOST"],
            "events_topic": app.settings.events_topic,
            "functions": {
                target: {
                    "url": url + (f"?tenant={DEMO_TENANT}" if target == "settings" else ""),
                    "probe": probes.get(target, "answers"),
                }
                for target, url in urls.items()
            },
            "topics": [
                topic + t
                for t in (
                    app.settings.events_topic,
                    GMAIL_TOPIC,
                    QUEUE_TOPIC,
                    app.settings.tasks_topic,
                )
            ],
            "subscriptions": {
                f"projects/{project}/subscriptions/{GMAIL_SUBSCRIPTION}": {
                    "topic": topic + GMAIL_TOPIC,
                    "push_endpoint": urls["gmail_push"],
                },
                f"projects/{project}/subscriptions/{QUEUE_SUBSCRIPTION}": {
                    "topic": topic + QUEUE_TOPIC,
                    "push_endpoint": urls["graph_worker"],
                },
                f"projects/{project}/subscriptions/{TASKS_SUBSCRIPTION}": {
                    "topic": topic + app.settings.tasks_topic,
                    "push_endpoint": urls["mailbox_tasks"],
                },
            },
            "scheduler_jobs": [],
            "firestore_indexes": False,
            "watcher": {"url": f"http://127.0.0.1:{self._watcher_port}/healthz"},
            "message": {
                "host": "127.0.0.1",
                "port": str(port),
                "user": DEMO_USER,
                "password": password,
                "tls": "plain",
            },
        }
        path = self.state_dir / "smoke.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(description, f, indent=2)

    # -- flow ---------------------------------------------------------------------------

    def _prepare_gmail(self, app: App, gmail: LocalGmail) -> None:
        """The demo Gmail API mailbox: its push subscription rings the local gmail_push."""
        url = self._urls["gmail_push"]
        wait_for_listener(url)
        gmail.push_to(url)
        mailbox = gmail.connect(app, DEMO_TENANT, DEMO_GMAIL_MAILBOX, DEMO_GMAIL_USER)
        build_gmail(app).sync.start_watch(mailbox)
        _say(f"Gmail API stand-in {gmail.gmail.base_url} (account {DEMO_GMAIL_USER}), watched")

    def _prepare_graph(self, app: App, graph: LocalGraph) -> None:
        """The demo Microsoft 365 mailbox: Graph stand-in → graph_webhook → queue →
        graph_worker (the queue's push subscription)."""
        wait_for_listener(self._urls["graph_webhook"])
        wait_for_listener(self._urls["graph_worker"])
        graph.push_queue_to(self._urls["graph_worker"])
        mailbox = graph.connect(app, DEMO_TENANT, DEMO_GRAPH_MAILBOX, DEMO_GRAPH_USER)
        build_graph(app).sync.connect(mailbox)
        _say(f"Graph stand-in {graph.graph.base_url} (mailbox {DEMO_GRAPH_USER}), subscribed")

    def _prepare_tasks(self, app: App) -> None:
        """The scheduled renewal's task topic, pushed to the local mailbox_tasks (there is no
        scheduler here: POST {"task": "resync"} to renew_watches runs the safety net)."""
        from shared.adapters.pubsub import ensure_push_subscription, ensure_topic

        project, topic = app.settings.project_id, app.settings.tasks_topic
        wait_for_listener(self._urls["mailbox_tasks"])
        ensure_topic(project, topic)
        ensure_push_subscription(project, topic, TASKS_SUBSCRIPTION, self._urls["mailbox_tasks"])
        _say(f'safety net: POST {{"task": "resync"}} to {self._urls["renew_watches"]}')

    def _deliver(self, gmail: LocalGmail, graph: LocalGraph) -> None:
        files = self._samples
        port, password = self._dovecot_login
        _say(f"delivering {len(files)} sample emails from {self.corpus} over IMAP APPEND…")
        with IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10) as imap:
            imap.login(DEMO_USER, password)
            for path in files:
                imap.append("INBOX", path.read_bytes())
        _say(f"delivering the same {len(files)} to the Gmail stand-in (one push each)…")
        for path in files:
            gmail.gmail.insert(DEMO_GMAIL_USER, path.read_bytes())
        _say(f"delivering the same {len(files)} to the Graph stand-in (one notification each)…")
        for path in files:
            graph.graph.deliver(DEMO_GRAPH_USER, path.read_bytes())

    def _tail(self, app: App) -> None:
        import json

        if self._reader is None:  # made by _prepare
            raise RuntimeError("the event tail runs after _prepare")
        for data, _attrs in self._reader.iter(stop=self._stop):
            self._events += 1
            _say(format_event_line(json.loads(data)))

    def _wait(self, exit_after: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s if timeout_s else None
        _say("events (Ctrl-C to stop):")
        while not self._stop.is_set():
            if exit_after and self._events >= exit_after:
                return
            if deadline is not None and time.monotonic() > deadline:
                return
            # a part that dies is started again, as the platform does in production
            self._children.check()
            self._stop.wait(0.2)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    def _stop_children(self) -> None:
        """Once: the event tail, then every child (SIGTERM, SIGKILL after 10 s)."""
        self._stop.set()
        if not self._children_stopped:
            self._children_stopped = True
            self._children.stop()
