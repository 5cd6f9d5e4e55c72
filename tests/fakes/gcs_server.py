"""A local stand-in for the Cloud Storage JSON API, answering the requests the official
client sends for upload (multipart and resumable), media download, server-side copy and 404,
in the shapes documented at cloud.google.com/storage/docs/json_api (object resource,
x-goog-hash), with decompressive transcoding as cloud.google.com/storage/docs/transcoding
describes it."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.server
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlparse

import google.cloud.storage as storage
import google_crc32c
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials

from mailingest_dev.standins.serve import SHUTDOWN_POLL_S


@dataclass(frozen=True)
class _Object:
    data: bytes  # as stored: gzip bytes when ``encoding`` is "gzip"
    ctype: str
    encoding: str | None = None  # the object's contentEncoding metadata


class _Store:
    def __init__(self, forbidden: set[str]) -> None:
        # object-name prefixes whose uploads are refused with 403, as for a service account
        # without storage.objects.create on them (the caller may change the set while serving)
        self.forbidden = forbidden
        self.objects: dict[tuple[str, str], _Object] = {}
        self.sessions: dict[str, tuple[str, str, str, str | None]] = {}
        self.received: dict[str, bytearray] = {}  # resumable uploads sent in chunks
        self.stats = {"largest_put": 0}  # the largest request body of a resumable upload
        self.lock = threading.Lock()


def _crc32c_b64(data: bytes) -> str:
    """The object's CRC32C, big-endian, base64: how the JSON API reports it."""
    value: int = google_crc32c.value(data)
    return base64.b64encode(value.to_bytes(4, "big")).decode()


def _resource(bucket: str, name: str, obj: _Object) -> dict[str, str]:
    data, ctype = obj.data, obj.ctype
    extra = {"contentEncoding": obj.encoding} if obj.encoding else {}
    return {
        **extra,
        "kind": "storage#object",
        "id": f"{bucket}/{name}/1",
        "name": name,
        "bucket": bucket,
        "generation": "1",
        "metageneration": "1",
        "contentType": ctype,
        "size": str(len(data)),
        "md5Hash": base64.b64encode(hashlib.md5(data).digest()).decode(),
        "crc32c": _crc32c_b64(data),
    }


def _split_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], bytes, str]:
    """multipart/related: JSON metadata part, then the media part (byte-exact)."""
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    chunks = body.split(b"--" + boundary)
    parts = [c for c in chunks[1:] if not c.startswith(b"--")]
    _meta_head, meta_body = parts[0].split(b"\r\n\r\n", 1)
    media_head, media_body = parts[1].split(b"\r\n\r\n", 1)
    ctype = "application/octet-stream"
    for line in media_head.decode().splitlines():
        if line.lower().startswith("content-type:"):
            ctype = line.split(":", 1)[1].strip()
    return json.loads(meta_body), media_body.removesuffix(b"\r\n"), ctype


def _handler(store: _Store) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(
            self, code: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, code: int, obj: object, headers: dict[str, str] | None = None) -> None:
            self._send(code, json.dumps(obj).encode(), "application/json", headers)

        def _not_found(self) -> None:
            self._json(
                404,
                {
                    "error": {
                        "code": 404,
                        "message": "No such object",
                        "errors": [{"reason": "notFound"}],
                    }
                },
            )

        def _forbidden(self, bucket: str, name: str) -> bool:
            with store.lock:
                refused = any(name.startswith(p) for p in store.forbidden)
            if refused:
                message = (
                    f"caller does not have storage.objects.create access to "
                    f"the Google Cloud Storage object {bucket}/{name}."
                )
                self._json(
                    403,
                    {
                        "error": {
                            "code": 403,
                            "message": message,
                            "errors": [
                                {"message": message, "domain": "global", "reason": "forbidden"}
                            ],
                        }
                    },
                )
            return refused

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def do_POST(self) -> None:
            url = urlparse(self.path)
            q = parse_qs(url.query)
            parts = url.path.split("/")  # /upload/storage/v1/b/{bucket}/o
            bucket = unquote(parts[5])
            body = self._body()
            kind = q.get("uploadType", [""])[0]
            if "/copyTo/" in url.path:
                self._copy(parts)
            elif kind == "multipart":
                meta, data, ctype = _split_multipart(self.headers["Content-Type"], body)
                if self._forbidden(bucket, meta["name"]):
                    return
                obj = _Object(data, ctype, meta.get("contentEncoding"))
                with store.lock:
                    store.objects[(bucket, meta["name"])] = obj
                self._json(200, _resource(bucket, meta["name"], obj))
            elif kind == "media":
                name = q["name"][0]
                if self._forbidden(bucket, name):
                    return
                obj = _Object(body, self.headers["Content-Type"])
                with store.lock:
                    store.objects[(bucket, name)] = obj
                self._json(200, _resource(bucket, name, obj))
            elif kind == "resumable":
                meta = json.loads(body or b"{}")
                name = meta.get("name") or q["name"][0]
                if self._forbidden(bucket, name):
                    return
                upload_id = uuid.uuid4().hex
                ctype = self.headers.get("X-Upload-Content-Type", "application/octet-stream")
                with store.lock:
                    store.sessions[upload_id] = (bucket, name, ctype, meta.get("contentEncoding"))
                host = self.headers["Host"]
                location = f"http://{host}{url.path}?uploadType=resumable&upload_id={upload_id}"
                self._send(200, b"", "text/plain", {"Location": location})
            else:
                self._json(400, {"error": {"code": 400, "message": "bad uploadType"}})

        def do_PUT(self) -> None:
            q = parse_qs(urlparse(self.path).query)
            upload_id = q.get("upload_id", [""])[0]
            data = self._body()
            with store.lock:
                store.stats["largest_put"] = max(store.stats["largest_put"], len(data))
                session = store.sessions.get(upload_id)
                # chunked: "bytes 0-N/*" until the last one names the total (or "bytes */T")
                content_range = self.headers.get("Content-Range", "")
                if session is not None and content_range:
                    got = store.received.setdefault(upload_id, bytearray())
                    got.extend(data)
                    if content_range.endswith("/*"):
                        self._send(308, b"", "text/plain", {"Range": f"bytes=0-{len(got) - 1}"})
                        return
                    data = bytes(store.received.pop(upload_id))
                store.sessions.pop(upload_id, None)
            if session is None:
                self._not_found()
                return
            bucket, name, ctype, encoding = session
            obj = _Object(data, ctype, encoding)
            with store.lock:
                store.objects[(bucket, name)] = obj
            self._json(200, _resource(bucket, name, obj))

        def _copy(self, parts: list[str]) -> None:
            """objects.copy: /storage/v1/b/{b}/o/{name}/copyTo/b/{b2}/o/{name2}; the copy
            keeps the source's data and metadata (json_api/v1/objects/copy)."""
            bucket, name = unquote(parts[4]), unquote(parts[6])
            dest_bucket, dest_name = unquote(parts[9]), unquote(parts[11])
            with store.lock:
                source = store.objects.get((bucket, name))
            if source is None:
                self._not_found()
                return
            if self._forbidden(dest_bucket, dest_name):
                return
            with store.lock:
                store.objects[(dest_bucket, dest_name)] = source
            self._json(200, _resource(dest_bucket, dest_name, source))

        def do_DELETE(self) -> None:
            # a cancelled resumable upload (BlobWriter.terminate): nothing is stored
            upload_id = parse_qs(urlparse(self.path).query).get("upload_id", [""])[0]
            with store.lock:
                store.sessions.pop(upload_id, None)
                store.received.pop(upload_id, None)
            self._send(499, b"", "text/plain")

        def do_GET(self) -> None:
            url = urlparse(self.path)
            parts = url.path.split("/")
            # /download/storage/v1/b/{bucket}/o/{name} or /storage/v1/b/{bucket}/o/{name}
            offset = 1 if parts[1] == "download" else 0
            bucket = unquote(parts[4 + offset])
            name = unquote("/".join(parts[6 + offset :]))
            with store.lock:
                found = store.objects.get((bucket, name))
            if found is None:
                self._not_found()
                return
            if "alt=media" in url.query:
                self._media(found)
            else:
                self._json(200, _resource(bucket, name, found))

        def _media(self, obj: _Object) -> None:
            """The object's data. A gzip-encoded object is served as stored, with
            ``Content-Encoding: gzip``, to a request that accepts gzip; to any other it is
            served decompressed, without Content-Encoding and without the stored hashes,
            which describe the compressed bytes (storage/docs/transcoding)."""
            crc = _crc32c_b64(obj.data)
            md5 = base64.b64encode(hashlib.md5(obj.data).digest()).decode()
            headers = {"x-goog-hash": f"crc32c={crc},md5={md5}", "x-goog-generation": "1"}
            headers["x-goog-stored-content-length"] = str(len(obj.data))
            if obj.encoding is None:
                self._send(200, obj.data, obj.ctype, headers)
                return
            headers["x-goog-stored-content-encoding"] = obj.encoding
            accepted = self.headers.get("Accept-Encoding", "").lower()
            if "gzip" in [a.split(";")[0].strip() for a in accepted.split(",")]:
                headers["Content-Encoding"] = obj.encoding
                self._send(200, obj.data, obj.ctype, headers)
            else:
                del headers["x-goog-hash"]
                self._send_chunked(gzip.decompress(obj.data), obj.ctype, headers)

        def _send_chunked(self, body: bytes, ctype: str, headers: dict[str, str]) -> None:
            """No Content-Length: a transcoded object's size is not known in advance."""
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Transfer-Encoding", "chunked")
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            for i in range(0, len(body), 65536):
                piece = body[i : i + 65536]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")

    return Handler


@contextmanager
def gcs_stand_in(
    forbidden: set[str] | None = None, stats: dict[str, int] | None = None
) -> Iterator[str]:
    """Serve on a free loopback port; yields the endpoint URL. Uploads of names starting with
    a prefix in ``forbidden`` are answered 403 (the set is read at every upload). ``stats``
    (if given) is kept up to date: ``largest_put``, the largest resumable-upload request."""
    store = _Store(forbidden if forbidden is not None else set())
    if stats is not None:
        stats.setdefault("largest_put", 0)
        store.stats = stats
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(store))
    thread = threading.Thread(target=server.serve_forever, args=(SHUTDOWN_POLL_S,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def official_client(endpoint: str) -> Any:
    """The official client, without credentials, on a loopback endpoint."""
    return storage.Client(
        project="demo-test",
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=endpoint),
    )


__all__ = ["gcs_stand_in", "official_client", "quote"]
