"""``BlobStore`` in a local directory (``make run``): refs are ``file://`` URIs; writes are
atomic (temp file + rename), so a full disk leaves no partial blob behind. Blobs are kept as
they were put, compressed or not: a developer's raw messages stay readable in any editor,
and a local disk is not billed by the byte."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from shared.adapters.atomic_write import atomic_write
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

    def put_blob(self, key: str, data: bytes, content_type: str, *, compress: bool = False) -> str:
        path = self._path(key)
        try:
            atomic_write(path, data)
        except OSError as exc:
            raise ServiceUnavailable(f"blob store: cannot write {key}: {exc.strerror}") from None
        return path.as_uri()

    def put_blob_stream(
        self, key: str, chunks: Iterable[bytes], content_type: str, *, compress: bool = False
    ) -> str:
        path = self._path(key)
        try:
            atomic_write(path, chunks)
        except OSError as exc:
            raise ServiceUnavailable(f"blob store: cannot write {key}: {exc.strerror}") from None
        return path.as_uri()

    def copy_blob(self, ref: str, key: str) -> str:
        data = self.get_blob(ref)
        return self.put_blob(key, data, "application/octet-stream")

    def ref_for(self, key: str) -> str:
        return self._path(key).as_uri()

    def get_blob(self, ref: str) -> bytes:
        # refs come from Path.as_uri(), which percent-encodes (RFC 8089): decode, not strip
        uri = urlsplit(ref)
        if uri.scheme != "file" or uri.netloc not in ("", "localhost"):
            raise NotFound(f"blob {ref} is not in this store")
        path = Path(unquote(uri.path)).resolve()
        if not path.is_relative_to(self._root):
            raise NotFound(f"blob {ref} is not in this store")
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFound(f"blob {ref} not found") from None
        except OSError as exc:
            raise ServiceUnavailable(f"blob store: cannot read {ref}: {exc.strerror}") from None
