"""In-memory event sink, secret store and blob store: recording fakes for tests and offline
runs, with the same contract as the real adapters (``tests/contract``)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from shared.adapters.gzip_codec import gunzip, gzip_bytes
from shared.errors import (
    MailIngestError,
    MessageTooLarge,
    NotFound,
    SinkUnavailable,
    ValidationError,
)

SECRET_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")  # what Secret Manager accepts
# Pub/Sub's message size limit (cloud.google.com/pubsub/quotas#resource_limits)
MAX_EVENT_BYTES = 10 * 1000 * 1000
BLOB_KEY = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.?(?:/|$))[A-Za-z0-9._@/+=-]{1,1024}$")


def check_secret_name(name: str) -> None:
    if not SECRET_NAME.fullmatch(name):
        raise ValidationError(f"invalid secret name {name!r}: use 1-255 of A-Z a-z 0-9 _ -")


def check_event_size(data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> None:
    """The limit applies to the whole publish request (the client refuses a larger one):
    count the key and attributes too, with a conservative allowance for the protobuf
    framing and the topic path, so what the memory sink accepts, Pub/Sub accepts."""
    size = len(data) + len(ordering_key.encode()) + 1024
    size += sum(len(k.encode()) + len(v.encode()) + 16 for k, v in attributes.items())
    if size > MAX_EVENT_BYTES:
        raise MessageTooLarge(f"event of {len(data)} bytes exceeds Pub/Sub's 10 MB limit")


def check_blob_key(key: str) -> None:
    if not BLOB_KEY.fullmatch(key) or "//" in key:
        raise ValidationError(f"invalid blob key {key!r}")


@dataclass(frozen=True)
class PublishedMessage:
    data: bytes
    ordering_key: str
    attributes: dict[str, str] = field(default_factory=dict)
    message_id: str = ""


class InMemoryEventSink:
    """Records every published event in ``messages``; ``fail_next`` makes the next
    publishes raise (e.g. ``ServiceUnavailable``) without recording them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.messages: list[PublishedMessage] = []
        self._failures: list[MailIngestError] = []
        self._paused: set[str] = set()

    def fail_next(self, error: MailIngestError, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([error] * times)

    def publish(self, data: bytes, ordering_key: str, attributes: Mapping[str, str]) -> str:
        check_event_size(data, ordering_key, attributes)
        with self._lock:
            if self._failures:
                raise self._failures.pop(0)
            message_id = str(len(self.messages) + 1)
            self.messages.append(PublishedMessage(data, ordering_key, dict(attributes), message_id))
            return message_id

    def submit(
        self, data: bytes, ordering_key: str, attributes: Mapping[str, str]
    ) -> Callable[[], str]:
        """Recorded at once, in the order submitted; a failure (``fail_next``) is raised by
        the call returned, as the ack would raise it, and pauses the key until ``resume``."""
        check_event_size(data, ordering_key, attributes)
        with self._lock:
            paused = ordering_key in self._paused
        try:
            if paused:
                raise SinkUnavailable(f"ordering key {ordering_key} is paused")
            message_id = self.publish(data, ordering_key, attributes)
        except MailIngestError as exc:
            with self._lock:
                self._paused.add(ordering_key)  # as Pub/Sub's client: until resume
            error = exc

            def failed() -> str:
                raise error

            return failed
        return lambda: message_id

    def resume(self, ordering_key: str) -> None:
        with self._lock:
            self._paused.discard(ordering_key)


class InMemorySecretStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: dict[str, list[str]] = {}

    def __repr__(self) -> str:
        return f"InMemorySecretStore({len(self._versions)} secrets)"

    def put_secret(self, name: str, value: str) -> str:
        check_secret_name(name)
        with self._lock:
            versions = self._versions.setdefault(name, [])
            versions.append(value)
            return f"{name}/versions/{len(versions)}"

    def get_secret(self, name: str) -> str:
        check_secret_name(name)
        with self._lock:
            versions = self._versions.get(name)
            if not versions:
                raise NotFound(f"secret {name} not found")
            return versions[-1]

    def destroy_versions_before(self, name: str, version: str) -> int:
        check_secret_name(name)
        with self._lock:
            versions = self._versions.get(name)
            if not versions:
                raise NotFound(f"secret {name} not found")
            return destroy_before(versions, version_number(version))

    def delete_secret(self, name: str) -> None:
        check_secret_name(name)
        with self._lock:
            if self._versions.pop(name, None) is None:
                raise NotFound(f"secret {name} not found")


DESTROYED = "\x00destroyed"  # a destroyed version's place (numbers of later ones stay)


def version_number(version: str) -> int:
    """``.../versions/7`` -> 7."""
    return int(version.rsplit("/", 1)[-1])


def destroy_before(versions: list[str], number: int) -> int:
    """Mark versions 1..number-1 destroyed in place; returns how many were not yet."""
    destroyed = 0
    for i in range(min(number - 1, len(versions))):
        if versions[i] != DESTROYED:
            versions[i] = DESTROYED
            destroyed += 1
    return destroyed


class InMemoryBlobStore:
    """Compressed blobs are held compressed, as Cloud Storage holds them: ``stored_bytes``
    is what a bucket would bill."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blobs: dict[str, tuple[bytes, bool]] = {}  # key -> (as stored, gzip)

    def put_blob(self, key: str, data: bytes, content_type: str, *, compress: bool = False) -> str:
        check_blob_key(key)
        stored = gzip_bytes(data) if compress else bytes(data)
        with self._lock:
            self._blobs[key] = (stored, compress)
        return self.ref_for(key)

    def put_blob_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, *, compress: bool = False
    ) -> str:
        check_blob_key(key)
        data = b"".join(chunks)  # in memory by definition; consumed before anything is stored
        return self.put_blob(key, data, content_type, compress=compress)

    def copy_blob(self, ref: str, key: str) -> str:
        check_blob_key(key)
        with self._lock:
            try:
                self._blobs[key] = self._blobs[ref.removeprefix("mem://")]
            except KeyError:
                raise NotFound(f"blob {ref} not found") from None
        return self.ref_for(key)

    def ref_for(self, key: str) -> str:
        check_blob_key(key)
        return f"mem://{key}"

    def stored_bytes(self, ref: str) -> int:
        """The size as stored (compressed where asked)."""
        with self._lock:
            return len(self._blobs[ref.removeprefix("mem://")][0])

    def get_blob(self, ref: str) -> bytes:
        key = ref.removeprefix("mem://")
        with self._lock:
            try:
                stored, compressed = self._blobs[key]
            except KeyError:
                raise NotFound(f"blob {ref} not found") from None
        return gunzip(stored) if compressed else stored
