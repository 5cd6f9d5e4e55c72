"""The transport under google-api-python-client: what it and google-auth-httplib2 call on an
``httplib2.Http`` — ``request(uri, method, body, headers, redirections, connection_type)``
returning ``(httplib2.Response, bytes)`` — over httpx, reading every answer as a stream and
never more than its cap. httplib2 itself reads a whole answer into memory (a batch of ten
``format=raw`` messages is up to ten of Gmail's 50 MB messages, a third larger as
base64url), so a mail server, or anything answering for it, could exhaust ours.

- The cap is ``cap_bytes`` unless a caller narrows or widens it for one call (``capped``);
  an answer longer than its cap raises ``AnswerTooLarge`` with the bytes read up to it: the
  rest is never read (the connection is dropped with the response).
- ``Accept-Encoding: identity``: the cap counts what is held, so no compressed answer is
  inflated past it; an answer encoded anyway is refused.
- httpx's errors leave as what httplib2 raises for the same failure (``TimeoutError``,
  ``ConnectionError``), so ``shared.adapters.gmail.errors.mapped`` and the library's own
  handling see what they always saw.

One instance per client, used by one thread at a time (as ``httplib2.Http``).
"""

from __future__ import annotations

import io
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache

import httplib2
import httpx

from shared.errors import ValidationError

CHUNK = 64 * 1024  # read size: what may be held past nothing, never past the cap
_NOT_FORWARDED = frozenset({"content-length", "host", "accept-encoding"})


class AnswerTooLarge(ValidationError):
    """An answer went past its cap; ``held`` is what was read up to it (at most ``cap``)."""

    def __init__(self, cap: int, held: bytes) -> None:
        super().__init__(f"gmail answer over {cap} bytes: not read past them")
        self.cap = cap
        self.held = held


class CappedHttp:
    """``httplib2.Http``'s ``request`` over httpx, every answer read to at most its cap."""

    def __init__(self, *, cap_bytes: int, timeout_s: float) -> None:
        self.cap_bytes = cap_bytes
        self.timeout = timeout_s  # google_auth_httplib2.AuthorizedHttp.timeout reads it
        self._client: httpx.Client | None = None

    @contextmanager
    def capped(self, cap_bytes: int) -> Iterator[None]:
        """Calls inside the block read at most ``cap_bytes`` of each answer."""
        before, self.cap_bytes = self.cap_bytes, cap_bytes
        try:
            yield
        finally:
            self.cap_bytes = before

    def close(self) -> None:
        """Close the pooled connections; a later request opens new ones (as httplib2's)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout),
                max_redirects=httplib2.DEFAULT_MAX_REDIRECTS,
                verify=_tls(),
            )
        return self._client

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        redirections: int = httplib2.DEFAULT_MAX_REDIRECTS,
        connection_type: object = None,
    ) -> tuple[httplib2.Response, bytes]:
        sent = {k: v for k, v in (headers or {}).items() if k.lower() not in _NOT_FORWARDED}
        sent["Accept-Encoding"] = "identity"
        content = body.encode() if isinstance(body, str) else body
        cap = self.cap_bytes
        try:
            with self._http().stream(
                method, uri, content=content, headers=sent, follow_redirects=redirections > 0
            ) as response:
                encoding = response.headers.get("content-encoding", "identity").lower()
                if encoding not in ("identity", ""):
                    raise ConnectionError(f"answer encoded ({encoding}) though identity was asked")
                read = _read_capped(response, cap)
        except httpx.TimeoutException as exc:
            raise TimeoutError(f"gmail: {type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            raise ConnectionError(f"gmail: {type(exc).__name__}") from None
        info: dict[str, str] = {k.lower(): v for k, v in response.headers.items()}
        info["status"] = str(response.status_code)
        answer = httplib2.Response(info)
        answer.reason = response.reason_phrase
        return answer, read


@cache
def _tls() -> ssl.SSLContext:
    """httpx's default TLS context, made once: making it loads the CA bundle (tens of
    milliseconds), and a client is made per mailbox and sync."""
    return httpx.create_ssl_context()


def _read_capped(response: httpx.Response, cap: int) -> bytes:
    """The whole answer when it is at most ``cap`` bytes; else ``AnswerTooLarge`` with its
    first ``cap`` bytes, nothing after them read."""
    held = io.BytesIO()
    for piece in response.iter_raw(chunk_size=CHUNK):
        room = cap - held.tell()
        if len(piece) > room:
            held.write(piece[:room])
            raise AnswerTooLarge(cap, held.getvalue())
        held.write(piece)
    return held.getvalue()
