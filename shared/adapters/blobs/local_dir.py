"""``BlobStore`` in a local directory (``make run``): refs are ``file://`` URIs; writes are
atomic (temp file + rename), so a full disk leaves no partial blob behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from shared.adapters.memory_sinks import check_blob_key
from shared.errors import NotFound, ServiceUnavailable, ValidationError


class LocalDirBlobStore:
    def __init__(self, root: Path) -> None:
        self._root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        check_blob_key(key)
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root):
            raise ValidationError(f"blob key {key!r} escapes the store")
        return path

    def put_blob(self, key: str, data: bytes, content_type: str) -> str:
        path = self._path(key)
        tmp: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise ServiceUnavailable(f"blob store: cannot write {key}: {exc.strerror}") from None
        return path.as_uri()

    def get_blob(self, ref: str) -> bytes:
        if not ref.startswith("file://"):
            raise NotFound(f"blob {ref} is not in this store")
        path = Path(ref.removeprefix("file://")).resolve()
        if not path.is_relative_to(self._root):
            raise NotFound(f"blob {ref} is not in this store")
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"blob {ref} not found") from None
        except OSError as exc:
            raise ServiceUnavailable(f"blob store: cannot read {ref}: {exc.strerror}") from None
