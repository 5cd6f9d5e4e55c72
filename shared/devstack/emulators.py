"""The Firestore and Pub/Sub emulators (run directly, no gcloud wrapper) and drongo."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from shared.devstack.process import DevstackError, ManagedProcess, free_port, wait_until

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

    def reset(self, project: str = PROJECT) -> None:
        url = f"http://{self.host}/emulator/v1/projects/{project}/databases/(default)/documents"
        httpx.delete(url, timeout=30).raise_for_status()

    def stop(self) -> None:
        self.process.stop()


@dataclass
class PubSubEmulator:
    host: str
    process: ManagedProcess

    def reset(self) -> None:
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
    return {**os.environ, "JAVA_TOOL_OPTIONS": "-Xss512k -XX:+UseSerialGC"}


def start_firestore(base_dir: Path, timeout_s: float = 60) -> FirestoreEmulator:
    jar = _sdk_root() / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
    if not jar.exists():
        raise DevstackError(f"Firestore emulator not found at {jar}: install the Google Cloud SDK")
    if shutil.which("java") is None:
        raise DevstackError("java not found: the Firestore emulator needs Java 17")
    port = free_port()
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
        emulator.reset()
    except BaseException:
        proc.stop()
        raise
    return emulator


def start_pubsub(base_dir: Path, timeout_s: float = 60) -> PubSubEmulator:
    binary = _sdk_root() / "platform/pubsub-emulator/bin/cloud-pubsub-emulator"
    if not binary.exists():
        raise DevstackError(f"Pub/Sub emulator not found at {binary}: install the Google Cloud SDK")
    port = free_port()
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


def start_secretmanager(base_dir: Path, timeout_s: float = 30) -> SecretManagerStandIn:
    drongo = Path(sys.executable).with_name("drongo")
    if not drongo.exists():
        raise DevstackError(f"drongo not found at {drongo}: run `make install`")
    port = free_port()
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
