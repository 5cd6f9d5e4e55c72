"""``BlobStore`` on Cloud Storage: refs are ``gs://bucket/key``; puts are idempotent (same
key, same content); every call is bounded in time, retries included.

A compressed blob is stored gzip-compressed with ``Content-Encoding: gzip``: Cloud Storage
bills the compressed size and serves the original bytes to any reader that does not ask for
gzip (decompressive transcoding, cloud.google.com/storage/docs/transcoding); this client asks
for gzip and decompresses, checking the stored checksum on the compressed bytes."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import google.cloud.storage as storage
from google.api_core import exceptions as gexc
from google.auth import exceptions as auth_exc
from google.cloud.storage.exceptions import DataCorruption, InvalidResponse
from google.cloud.storage.retry import DEFAULT_RETRY

from shared.adapters.gzip_codec import gzip_bytes, gzip_chunks
from shared.adapters.memory_sinks import check_blob_key
from shared.errors import NotFound, PermanentError, ServiceUnavailable

TIMEOUT_S = 60.0
STREAM_CHUNK = 4 * 1024 * 1024  # a multiple of 256 KiB, as resumable uploads require


@contextlib.contextmanager
def _put_errors(key: str) -> Iterator[None]:
    try:
        yield
    except (gexc.Forbidden, gexc.Unauthorized, gexc.BadRequest, gexc.NotFound) as exc:
        # NotFound on upload means the bucket does not exist: configuration, not a blip
        raise PermanentError(f"gcs put {key}: {type(exc).__name__}") from None
    except (
        gexc.GoogleAPIError,
        auth_exc.GoogleAuthError,
        InvalidResponse,
        OSError,
        ValueError,
    ) as exc:
        raise ServiceUnavailable(f"gcs put {key}: {type(exc).__name__}") from None


class GcsBlobStore:
    def __init__(
        self, bucket: str, client: Any | None = None, *, timeout_s: float = TIMEOUT_S
    ) -> None:
        self._bucket_name = bucket
        self._client = client
        self._timeout = timeout_s
        self._lock = threading.Lock()

    def _bucket(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = storage.Client()
            return self._client.bucket(self._bucket_name)

    def _retry(self) -> Any:
        # The library's default retry runs for up to 120 s on top of each request's
        # timeout; cap the whole call so a dead endpoint fails within our bound. Uploads
        # are retried too: a key always holds the same content, so a repeat is harmless
        # (cloud.google.com/storage/docs/retry-strategy#idempotency).
        return DEFAULT_RETRY.with_timeout(self._timeout)

    def put_blob(self, key: str, data: bytes, content_type: str, *, compress: bool = False) -> str:
        check_blob_key(key)
        if compress:
            data = gzip_bytes(data)
        with _put_errors(key):
            blob = self._bucket().blob(key)
            if compress:
                blob.content_encoding = "gzip"
            blob.upload_from_string(
                data, content_type=content_type, timeout=self._timeout, retry=self._retry()
            )
        return self.ref_for(key)

    def put_blob_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, *, compress: bool = False
    ) -> str:
        """A resumable upload fed chunk by chunk: at most ``STREAM_CHUNK`` bytes are held
        (cloud.google.com/storage/docs/performing-resumable-uploads). The object exists only
        once the last chunk is sent; on any error the upload session is cancelled."""
        check_blob_key(key)
        if compress:
            chunks = gzip_chunks(chunks)
        writer: Any = None
        try:
            with _put_errors(key):
                blob = self._bucket().blob(key)
                if compress:
                    blob.content_encoding = "gzip"
                writer = blob.open(
                    "wb",
                    chunk_size=STREAM_CHUNK,
                    ignore_flush=True,
                    content_type=content_type,
                    timeout=self._timeout,
                    retry=self._retry(),
                )
            for chunk in chunks:  # the caller's errors (a source failing) leave unchanged
                with _put_errors(key):
                    writer.write(chunk)
            with _put_errors(key):
                writer.close()
        except BaseException:
            if writer is not None and not writer.closed:
                with contextlib.suppress(Exception):  # best effort: sessions expire anyway
                    writer.terminate()
            raise
        return self.ref_for(key)

    def ref_for(self, key: str) -> str:
        check_blob_key(key)
        return f"gs://{self._bucket_name}/{key}"

    def _key_of(self, ref: str) -> str:
        prefix = f"gs://{self._bucket_name}/"
        if not ref.startswith(prefix):
            raise NotFound(f"blob {ref} is not in bucket {self._bucket_name}")
        return ref.removeprefix(prefix)

    def copy_blob(self, ref: str, key: str) -> str:
        """A server-side copy (json_api/v1/objects/copy): the bytes as stored and the
        metadata (content type and encoding) go along, nothing passes through here."""
        source = self._key_of(ref)
        check_blob_key(key)
        with _put_errors(key):
            bucket = self._bucket()
            try:
                bucket.copy_blob(
                    bucket.blob(source),
                    bucket,
                    key,
                    timeout=self._timeout,
                    retry=self._retry(),
                )
            except gexc.NotFound:
                raise NotFound(f"blob {ref} not found") from None
        return self.ref_for(key)

    def get_blob(self, ref: str) -> bytes:
        key = self._key_of(ref)
        try:
            data: bytes = (
                self._bucket()
                .blob(key)
                .download_as_bytes(timeout=self._timeout, retry=self._retry())
            )
        except gexc.NotFound:
            raise NotFound(f"blob {ref} not found") from None
        except (gexc.Forbidden, gexc.Unauthorized) as exc:
            raise PermanentError(f"gcs get {key}: {type(exc).__name__}") from None
        except DataCorruption:
            # the library verified crc32c/md5 (x-goog-hash) and they differ: a bad transfer
            raise ServiceUnavailable(f"gcs get {key}: checksum mismatch") from None
        except (
            gexc.GoogleAPIError,
            auth_exc.GoogleAuthError,
            InvalidResponse,
            OSError,
            ValueError,
        ) as exc:
            raise ServiceUnavailable(f"gcs get {key}: {type(exc).__name__}") from None
        return data
