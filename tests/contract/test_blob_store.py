"""One contract for every BlobStore: memory, a local directory, and Cloud Storage through the
official client against a local JSON-API stand-in."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.adapters.blobs import GcsBlobStore, LocalDirBlobStore
from shared.adapters.memory_sinks import InMemoryBlobStore
from shared.errors import NotFound, ServiceUnavailable, ValidationError
from tests.fakes.gcs_server import gcs_stand_in, official_client


@pytest.fixture(params=["memory", "local", "gcs"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryBlobStore()
    elif request.param == "local":
        yield LocalDirBlobStore(tmp_path / "local blobs")  # a space: refs are encoded URIs
    else:
        with gcs_stand_in() as endpoint:
            yield GcsBlobStore("raw-mime", client=official_client(endpoint))


def test_round_trip_and_idempotent_overwrite(store: Any) -> None:
    ref = store.put_blob("raw/acme/booking/e1.eml", b"From: a\r\n\r\nhi", "message/rfc822")
    assert store.get_blob(ref) == b"From: a\r\n\r\nhi"
    assert store.put_blob("raw/acme/booking/e1.eml", b"From: a\r\n\r\nhi", "message/rfc822") == ref
    assert store.get_blob(ref) == b"From: a\r\n\r\nhi"


def test_the_ref_of_a_key_is_known_without_a_call_and_reads_the_blob(store: Any) -> None:
    key = "raw/acme/booking/acme.booking.e2.eml"
    expected = store.ref_for(key)
    with pytest.raises(NotFound):
        store.get_blob(expected)  # nothing stored yet: ref_for stores nothing
    assert store.put_blob(key, b"From: b\r\n\r\nhi", "message/rfc822") == expected
    assert store.get_blob(store.ref_for(key)) == b"From: b\r\n\r\nhi"
    assert store.ref_for("raw/acme/booking/other.eml") != expected
    with pytest.raises(ValidationError):
        store.ref_for("../escape")


def test_a_compressed_blob_reads_back_as_it_was_put(store: Any) -> None:
    raw = b"From: a\r\nSubject: booking\r\n\r\n" + b"Arrival 12.08, DBL SV, AI.\r\n" * 500
    ref = store.put_blob("raw/acme/booking/c1.eml", raw, "message/rfc822", compress=True)
    assert store.get_blob(ref) == raw
    streamed = store.put_blob_stream(
        "raw/acme/booking/c2.eml", _chunks(3, 1024 * 1024), "message/rfc822", compress=True
    )
    assert store.get_blob(streamed) == b"".join(_chunks(3, 1024 * 1024))


def test_a_copy_reads_back_as_its_source_and_a_missing_source_is_not_found(store: Any) -> None:
    raw = b"From: a\r\n\r\n" + b"x" * 10_000
    ref = store.put_blob("raw/acme/booking/d1.eml", raw, "message/rfc822", compress=True)
    copy = store.copy_blob(ref, "dead/acme/booking/d1.eml")
    assert copy == store.ref_for("dead/acme/booking/d1.eml")
    assert store.get_blob(copy) == raw
    with pytest.raises(NotFound):
        store.copy_blob(ref.replace("d1", "absent"), "dead/acme/booking/absent.eml")


def test_missing_blob_is_not_found(store: Any) -> None:
    ref = store.put_blob("k/present", b"x", "text/plain")
    missing = ref.replace("present", "absent")
    with pytest.raises(NotFound):
        store.get_blob(missing)


def test_keys_with_every_allowed_character_round_trip(store: Any) -> None:
    key = "raw/acme/x+y=z@w_v-1.2.eml"
    assert store.get_blob(store.put_blob(key, b"odd", "message/rfc822")) == b"odd"


@pytest.mark.parametrize("key", ["../escape", "/abs", "a/../../b", "", "a//b"])
def test_keys_cannot_escape(store: Any, key: str) -> None:
    with pytest.raises(ValidationError):
        store.put_blob(key, b"x", "text/plain")


@pytest.mark.slow
def test_a_25_mb_blob_round_trips(store: Any) -> None:
    data = os.urandom(25 * 1024 * 1024)
    ref = store.put_blob("big/25mb.bin", data, "application/octet-stream")
    assert store.get_blob(ref) == data


def _chunks(count: int, size: int, fail: Exception | None = None) -> Iterator[bytes]:
    for i in range(count):
        if fail is not None and i == count // 2:
            raise fail
        yield bytes([i % 256]) * size


def test_a_stream_round_trips_without_being_joined(store: Any) -> None:
    """A message over the size limit goes to the blob store in pieces."""
    ref = store.put_blob_stream("raw/acme/big.eml", _chunks(9, 1024 * 1024), "message/rfc822")
    assert store.get_blob(ref) == b"".join(_chunks(9, 1024 * 1024))


def test_a_stream_that_fails_stores_nothing_and_its_error_leaves_unchanged(store: Any) -> None:
    lost = ServiceUnavailable("IMAP acme/booking: connection to the mail server lost")
    with pytest.raises(ServiceUnavailable) as raised:
        store.put_blob_stream("k/failed", _chunks(10, 1024 * 1024, lost), "message/rfc822")
    assert raised.value is lost
    missing = store.put_blob("k/present", b"x", "text/plain").replace("present", "failed")
    with pytest.raises(NotFound):
        store.get_blob(missing)


def test_a_gcs_stream_is_sent_in_bounded_chunks() -> None:
    from shared.adapters.blobs.gcs import STREAM_CHUNK

    stats: dict[str, int] = {}
    with gcs_stand_in(stats=stats) as endpoint:
        store = GcsBlobStore("raw-mime", client=official_client(endpoint))
        ref = store.put_blob_stream("raw/big.eml", _chunks(12, 1024 * 1024), "message/rfc822")
        assert len(store.get_blob(ref)) == 12 * 1024 * 1024
    assert 0 < stats["largest_put"] <= STREAM_CHUNK  # 12 MiB went as 3 requests of 4 MiB


def test_gcs_keeps_a_compressed_blob_gzipped_and_any_reader_of_its_ref_gets_the_original() -> None:
    """Stored with Content-Encoding: gzip, billed compressed; a reader that does not ask for
    gzip is served the original by the service (cloud.google.com/storage/docs/transcoding)."""
    raw = b"From: a\r\nSubject: booking\r\n\r\n" + b"Arrival 12.08, DBL SV, AI.\r\n" * 500
    with gcs_stand_in() as endpoint:
        client = official_client(endpoint)
        store = GcsBlobStore("raw-mime", client=client)
        store.put_blob("raw/acme/booking/g1.eml", raw, "message/rfc822", compress=True)
        blob = client.bucket("raw-mime").get_blob("raw/acme/booking/g1.eml")
        assert blob.content_encoding == "gzip"
        assert blob.content_type == "message/rfc822"
        assert blob.size < len(raw) // 4
        stored = blob.download_as_bytes(raw_download=True)
        assert gzip.decompress(stored) == raw
        url = f"{endpoint}/download/storage/v1/b/raw-mime/o/raw%2Facme%2Fbooking%2Fg1.eml"
        plain = httpx.get(url, params={"alt": "media"}, headers={"Accept-Encoding": "identity"})
        assert plain.content == raw


_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from shared.adapters.blobs import LocalDirBlobStore
from shared.errors import ServiceUnavailable
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
store = LocalDirBlobStore(Path(sys.argv[1]))
try:
    store.put_blob("raw/big.eml", b"x" * 100_000, "message/rfc822")
except ServiceUnavailable as exc:
    print("ServiceUnavailable:", exc)
"""


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_file(tmp_path: Path) -> None:
    # RLIMIT_FSIZE makes writes past 4 KB fail with EFBIG, as a full disk fails with ENOSPC
    root = tmp_path / "blobs"
    proc = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "ServiceUnavailable: blob store: cannot write raw/big.eml" in proc.stdout, proc.stderr
    assert [p for p in root.rglob("*") if p.is_file()] == []


def test_an_unreachable_gcs_is_service_unavailable_within_the_timeout() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        client = official_client(f"http://127.0.0.1:{s.getsockname()[1]}")
        store = GcsBlobStore("raw-mime", client=client, timeout_s=2)
        with pytest.raises(ServiceUnavailable):
            store.put_blob("raw/a.eml", b"x", "message/rfc822")
        with pytest.raises(ServiceUnavailable):
            store.get_blob("gs://raw-mime/raw/a.eml")
