"""``BlobStore`` on Cloud Storage: refs are ``gs://bucket/key``; puts are idempotent (same
key, same content); every call has a timeout."""

from __future__ import annotations

import threading
from typing import Any

from google.api_core import exceptions as gexc

from shared.adapters.memory_sinks import check_blob_key
from shared.errors import NotFound, PermanentError, ServiceUnavailable

TIMEOUT_S = 60.0


class GcsBlobStore:
    def __init__(self, bucket: str, client: Any | None = None) -> None:
        self._bucket_name = bucket
        self._client = client
        self._lock = threading.Lock()

    def _bucket(self) -> Any:
        with self._lock:
            if self._client is None:
                import google.cloud.storage as storage

                self._client = storage.Client()
            return self._client.bucket(self._bucket_name)

    def put_blob(self, key: str, data: bytes, content_type: str) -> str:
        check_blob_key(key)
        try:
            blob = self._bucket().blob(key)
            blob.upload_from_string(data, content_type=content_type, timeout=TIMEOUT_S)
        except (gexc.Forbidden, gexc.Unauthorized, gexc.BadRequest) as exc:
            raise PermanentError(f"gcs put {key}: {type(exc).__name__}") from None
        except (gexc.GoogleAPIError, OSError, ValueError) as exc:
            raise ServiceUnavailable(f"gcs put {key}: {type(exc).__name__}") from None
        return f"gs://{self._bucket_name}/{key}"

    def get_blob(self, ref: str) -> bytes:
        prefix = f"gs://{self._bucket_name}/"
        if not ref.startswith(prefix):
            raise NotFound(f"blob {ref} is not in bucket {self._bucket_name}")
        key = ref.removeprefix(prefix)
        try:
            data: bytes = self._bucket().blob(key).download_as_bytes(timeout=TIMEOUT_S)
        except gexc.NotFound:
            raise NotFound(f"blob {ref} not found") from None
        except (gexc.GoogleAPIError, OSError, ValueError) as exc:
            raise ServiceUnavailable(f"gcs get {key}: {type(exc).__name__}") from None
        return data
