"""The local services together: started in parallel (the JVMs take seconds each) and on
demand, stopped exactly as started, also on errors, Ctrl-C and SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from pathlib import Path
from typing import Any

from mailingest_dev.devstack.dovecot import Dovecot, start_dovecot
from mailingest_dev.devstack.emulators import (
    PROJECT,
    FirestoreEmulator,
    PubSubEmulator,
    SecretManagerStandIn,
    start_firestore,
    start_pubsub,
    start_secretmanager,
)
from mailingest_dev.devstack.process import DevstackError, sigterm_raises_keyboard_interrupt

logger = logging.getLogger(__name__)

SERVICES = ("firestore", "pubsub", "secretmanager", "dovecot")
_STARTERS: dict[str, Callable[[Path], Any]] = {
    "firestore": start_firestore,
    "pubsub": start_pubsub,
    "secretmanager": start_secretmanager,
    "dovecot": start_dovecot,
}


class LocalServices:
    """The services of one run, each in ``base_dir/<name>``, started when first asked for.

    ``start(*names)`` launches in the background and returns at once; ``ensure(*names)``
    waits until they are ready (or raises the reason they could not start, every time it is
    asked). ``stop()`` stops whatever was started, including starts still under way.
    """

    def __init__(self, base_dir: Path, project_id: str = PROJECT) -> None:
        self.base_dir = base_dir
        self.project_id = project_id
        self.firestore: FirestoreEmulator | None = None
        self.pubsub: PubSubEmulator | None = None
        self.secretmanager: SecretManagerStandIn | None = None
        self.dovecot: Dovecot | None = None
        self._gcloud_config = base_dir / "gcloud"
        self._gcloud_config.mkdir(parents=True, exist_ok=True)
        self._futures: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._pool = ThreadPoolExecutor(max_workers=len(SERVICES), thread_name_prefix="devstack")

    def start(self, *names: str) -> None:
        """Begin starting ``names`` (not yet started ones) in the background."""
        unknown = set(names) - set(SERVICES)
        if unknown:
            raise ValueError(f"unknown services {sorted(unknown)}; known: {SERVICES}")
        with self._lock:
            if self._closed:
                raise DevstackError("these local services were stopped")
            for name in names:
                if name not in self._futures:
                    self._futures[name] = self._pool.submit(self._start_one, name)

    def _start_one(self, name: str) -> Any:
        service = _STARTERS[name](self.base_dir / name)
        setattr(self, name, service)
        return service

    def ensure(self, *names: str) -> None:
        """Start ``names`` if needed and wait until all are ready; one error names every failure."""
        self.start(*names)
        errors = []
        for name in names:
            try:
                self._futures[name].result()
            except Exception as exc:  # noqa: BLE001 - collected and reported together
                errors.append(f"{name}: {exc}")
        if errors:
            raise DevstackError("; ".join(errors))

    def env(self) -> dict[str, str]:
        """What clients of the started services need in their environment."""
        env = {
            "GOOGLE_CLOUD_PROJECT": self.project_id,
            "NO_GCE_CHECK": "true",  # lowercase: anything else still probes the metadata server
            "CLOUDSDK_CORE_CHECK_GCE_METADATA": "false",
            "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
            "CLOUDSDK_CONFIG": str(self._gcloud_config),
        }
        if self.firestore:
            env["FIRESTORE_EMULATOR_HOST"] = self.firestore.host
        if self.pubsub:
            env["PUBSUB_EMULATOR_HOST"] = self.pubsub.host
        if self.secretmanager:
            env["MAILINGEST_SECRETMANAGER_ENDPOINT"] = self.secretmanager.endpoint
        if self.dovecot:
            env["MAILINGEST_DEV_IMAP_HOST"] = self.dovecot.host
            env["MAILINGEST_DEV_IMAP_PORT"] = str(self.dovecot.imap_port)
            env["MAILINGEST_DEV_IMAPS_PORT"] = str(self.dovecot.imaps_port)
            env["MAILINGEST_DEV_POP3_PORT"] = str(self.dovecot.pop3_port)
            env["MAILINGEST_DEV_POP3S_PORT"] = str(self.dovecot.pop3s_port)
            env["MAILINGEST_DEV_CA_CERT"] = str(self.dovecot.ca_cert)
        return env

    def summary(self) -> str:
        """One line naming each started service and where it listens."""
        parts = []
        if self.firestore:
            parts.append(f"firestore {self.firestore.host}")
        if self.pubsub:
            parts.append(f"pubsub {self.pubsub.host}")
        if self.secretmanager:
            parts.append(f"secretmanager {self.secretmanager.endpoint}")
        if self.dovecot:
            d = self.dovecot
            parts.append(
                f"dovecot {d.host} imap {d.imap_port} imaps {d.imaps_port} "
                f"pop3 {d.pop3_port} pop3s {d.pop3s_port}"
            )
        return "; ".join(parts) or "no services"

    def stop(self) -> None:
        """Stop everything started (waiting for starts under way); safe to call twice."""
        with self._lock:
            self._closed = True
            futures = list(self._futures.values())
        # each start is bounded by its own readiness timeout
        wait_futures(futures)
        self._pool.shutdown(wait=True)
        for service in (self.dovecot, self.secretmanager, self.pubsub, self.firestore):
            if service is not None:
                try:
                    service.stop()
                except Exception:
                    logger.exception("could not stop %s", type(service).__name__)
        self.firestore = self.pubsub = self.secretmanager = self.dovecot = None


@contextlib.contextmanager
def local_services(
    *,
    firestore: bool = True,
    pubsub: bool = True,
    secretmanager: bool = True,
    dovecot: bool = True,
    base_dir: Path | None = None,
) -> Iterator[LocalServices]:
    """Start the requested services in parallel; stop them all on exit, however it comes."""
    wanted = [
        name
        for name, on in zip(SERVICES, (firestore, pubsub, secretmanager, dovecot), strict=True)
        if on
    ]
    with contextlib.ExitStack() as stack:
        stack.enter_context(sigterm_raises_keyboard_interrupt())
        if base_dir is None:
            base_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mi-")))
        base_dir.mkdir(parents=True, exist_ok=True)
        services = LocalServices(base_dir)
        stack.callback(services.stop)
        services.ensure(*wanted)
        yield services
