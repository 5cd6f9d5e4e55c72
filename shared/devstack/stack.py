"""Start the local services together (in parallel: the JVMs take seconds) and stop exactly
what was started, also on errors and on SIGTERM."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.devstack.dovecot import Dovecot, start_dovecot
from shared.devstack.emulators import (
    PROJECT,
    FirestoreEmulator,
    PubSubEmulator,
    SecretManagerStandIn,
    start_firestore,
    start_pubsub,
    start_secretmanager,
)


@dataclass
class LocalServices:
    base_dir: Path
    project_id: str = PROJECT
    firestore: FirestoreEmulator | None = None
    pubsub: PubSubEmulator | None = None
    secretmanager: SecretManagerStandIn | None = None
    dovecot: Dovecot | None = None
    _gcloud_config: Path = field(init=False)

    def __post_init__(self) -> None:
        self._gcloud_config = self.base_dir / "gcloud"
        self._gcloud_config.mkdir(parents=True, exist_ok=True)

    @property
    def firestore_host(self) -> str | None:
        return self.firestore.host if self.firestore else None

    @property
    def pubsub_host(self) -> str | None:
        return self.pubsub.host if self.pubsub else None

    @property
    def secretmanager_endpoint(self) -> str | None:
        return self.secretmanager.endpoint if self.secretmanager else None

    def env(self) -> dict[str, str]:
        """What clients of these services need in their environment."""
        env = {
            "GOOGLE_CLOUD_PROJECT": self.project_id,
            "NO_GCE_CHECK": "true",
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
            env["MAILINGEST_DEV_IMAP_PORT"] = str(self.dovecot.imap_port)
            env["MAILINGEST_DEV_IMAPS_PORT"] = str(self.dovecot.imaps_port)
            env["MAILINGEST_DEV_POP3_PORT"] = str(self.dovecot.pop3_port)
            env["MAILINGEST_DEV_POP3S_PORT"] = str(self.dovecot.pop3s_port)
            env["MAILINGEST_DEV_CA_CERT"] = str(self.dovecot.ca_cert)
        return env

    def stop(self) -> None:
        if self.dovecot is not None:
            with contextlib.suppress(Exception):
                self.dovecot.close()
        for service in (self.secretmanager, self.pubsub, self.firestore):
            if service is not None:
                with contextlib.suppress(Exception):
                    service.stop()


@contextlib.contextmanager
def local_services(
    *,
    firestore: bool = True,
    pubsub: bool = True,
    secretmanager: bool = True,
    dovecot: bool = True,
    base_dir: Path | None = None,
) -> Iterator[LocalServices]:
    """Start the requested services in parallel; stop them all on exit."""
    with contextlib.ExitStack() as stack:
        if base_dir is None:
            base_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mi-")))
        base_dir.mkdir(parents=True, exist_ok=True)
        services = LocalServices(base_dir=base_dir)
        stack.callback(services.stop)
        starters: dict[str, Callable[[], Any]] = {}
        if firestore:
            starters["firestore"] = lambda: start_firestore(base_dir / "firestore")
        if pubsub:
            starters["pubsub"] = lambda: start_pubsub(base_dir / "pubsub")
        if secretmanager:
            starters["secretmanager"] = lambda: start_secretmanager(base_dir / "secretmanager")
        if dovecot:
            starters["dovecot"] = lambda: start_dovecot(base_dir / "dovecot")
        with ThreadPoolExecutor(max_workers=max(1, len(starters))) as pool:
            futures = {name: pool.submit(fn) for name, fn in starters.items()}
            errors = []
            for name, future in futures.items():
                try:
                    setattr(services, name, future.result())
                except Exception as exc:  # noqa: BLE001 - collect all, report together
                    errors.append(f"{name}: {exc}")
        if errors:
            from shared.devstack.process import DevstackError

            raise DevstackError("; ".join(errors))
        yield services
