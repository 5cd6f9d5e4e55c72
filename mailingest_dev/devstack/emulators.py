"""The Firestore and Pub/Sub emulators (run directly, no gcloud wrapper) and drongo, the
Secret Manager stand-in (recipes: handbook/local-services.md)."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from mailingest_dev.devstack.process import (
    DevstackError,
    ManagedProcess,
    service_port,
    wait_until,
)

PROJECT = "demo-test"


def _sdk_root() -> Path:
    gcloud = shutil.which("gcloud")
    if gcloud:
        return Path(os.path.realpath(gcloud)).parent.parent
    return Path("/usr/lib/google-cloud-sdk")


def _http_ok(url: str, expect: str | None = None) -> bool:
    try:
        response = httpx.get(url, timeout=1.0)
    except httpx.HTTPError:
        return False
    return expect is None or response.text.strip() == expect


@dataclass
class FirestoreEmulator:
    host: str
    process: ManagedProcess

    def reset(self, project: str = PROJECT, timeout_s: float = 30) -> None:
        """Delete every document of ``project``'s default database (emulator-only endpoint)."""
        url = f"http://{self.host}/emulator/v1/projects/{project}/databases/(default)/documents"
        httpx.delete(url, timeout=timeout_s).raise_for_status()

    def stop(self) -> None:
        self.process.stop()


@dataclass
class PubSubEmulator:
    host: str
    process: ManagedProcess

    def reset(self) -> None:
        """Delete every topic and subscription (undocumented, works on this emulator)."""
        httpx.post(f"http://{self.host}/reset", timeout=30).raise_for_status()

    def stop(self) -> None:
        self.process.stop()


@dataclass
class SecretManagerStandIn:
    endpoint: str
    process: ManagedProcess

    def stop(self) -> None:
        self.process.stop()


def _java_env() -> dict[str, str]:
    # A small serial heap starts faster and costs less memory on a 2-core test machine.
    return {**os.environ, "JAVA_TOOL_OPTIONS": "-Xss512k -XX:+UseSerialGC"}


def _sdk_missing(what: str, path: Path) -> DevstackError:
    return DevstackError(
        f"{what} not found at {path}: run `make install-system` "
        "(it comes with the Google Cloud SDK in the machine image)"
    )


def start_firestore(
    base_dir: Path, *, port: int | None = None, timeout_s: float = 60
) -> FirestoreEmulator:
    """The Firestore emulator's JVM on ``port`` (a free one by default), ready and warmed up."""
    jar = _sdk_root() / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
    if not jar.exists():
        raise _sdk_missing("Firestore emulator", jar)
    if shutil.which("java") is None:
        raise DevstackError("java not found: run `make install-system` (Java 17 is needed)")
    port = service_port(port, "Firestore emulator")
    proc = ManagedProcess(
        "firestore",
        [
            "java",
            "-Duser.language=en",
            "-cp",
            str(jar),
            "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
            "start",
            "--host=127.0.0.1",
            f"--port={port}",
        ],
        base_dir / "firestore.log",
        _java_env(),
    )
    emulator = FirestoreEmulator(f"127.0.0.1:{port}", proc)
    try:
        wait_until(
            lambda: _http_ok(f"http://127.0.0.1:{port}/", "Ok"), timeout_s, "Firestore", proc
        )
        # the first real request can take seconds: warm up with a long timeout
        emulator.reset(timeout_s=timeout_s)
    except BaseException:
        proc.stop()
        raise
    return emulator


def start_pubsub(
    base_dir: Path, *, port: int | None = None, timeout_s: float = 60
) -> PubSubEmulator:
    """The Pub/Sub emulator on ``port`` (a free one by default), ready."""
    binary = _sdk_root() / "platform/pubsub-emulator/bin/cloud-pubsub-emulator"
    if not binary.exists():
        raise _sdk_missing("Pub/Sub emulator", binary)
    if shutil.which("java") is None:
        raise DevstackError("java not found: run `make install-system` (Java 17 is needed)")
    port = service_port(port, "Pub/Sub emulator")
    proc = ManagedProcess(
        "pubsub",
        [str(binary), "--host=127.0.0.1", f"--port={port}"],
        base_dir / "pubsub.log",
        _java_env(),
    )
    try:
        wait_until(lambda: _http_ok(f"http://127.0.0.1:{port}/"), timeout_s, "Pub/Sub", proc)
    except BaseException:
        proc.stop()
        raise
    return PubSubEmulator(f"127.0.0.1:{port}", proc)


def start_secretmanager(
    base_dir: Path, *, port: int | None = None, timeout_s: float = 30
) -> SecretManagerStandIn:
    """drongo's Secret Manager REST server on ``port`` (a free one by default), ready."""
    # the venv's drongo, next to this interpreter, not whatever PATH finds
    drongo = Path(sys.executable).with_name("drongo")
    if not drongo.exists():
        raise DevstackError(f"drongo not found at {drongo}: run `make install`")
    port = service_port(port, "Secret Manager stand-in")
    proc = ManagedProcess(
        "secretmanager",
        [str(drongo), "server", "--host", "127.0.0.1", "--port", str(port)],
        base_dir / "drongo.log",
        dict(os.environ),
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _http_ok(endpoint + "/"), timeout_s, "Secret Manager stand-in", proc)
    except BaseException:
        proc.stop()
        raise
    return SecretManagerStandIn(endpoint, proc)
