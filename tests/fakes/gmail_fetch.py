"""One Gmail ``get_raw`` in a fresh process that reports its peak memory (as
``tests.fakes.lying_server.fetch_in_child`` does for IMAP and POP3), so that what a fetch
reads is judged by the process's high-water mark."""

from __future__ import annotations

import multiprocessing
import resource
from typing import Any

from tests.fakes.lying_server import ChildFetch


def _fetch(endpoint: str, token: str, ids: list[str], max_message_bytes: int, out: Any) -> None:
    from shared.adapters.gmail import GoogleGmailApi
    from shared.errors import MailIngestError
    from shared.ports import GmailMessage

    client = GoogleGmailApi(
        token, endpoint=endpoint, timeout_s=60, max_message_bytes=max_message_bytes
    )
    try:
        client.profile()  # the client built and connected before the mark is taken
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        got = client.get_raw(ids)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except MailIngestError as exc:
        out.put(ChildFetch(str(exc), [], 0))
        return
    finally:
        client.close()
    errors = [str(m) for m in got if not isinstance(m, GmailMessage)]
    fetched = [len(m.raw) for m in got if isinstance(m, GmailMessage)]
    out.put(ChildFetch(errors[0] if errors else None, fetched, after - before))


def fetch_in_child(endpoint: str, token: str, ids: list[str], max_message_bytes: int) -> ChildFetch:
    """``get_raw(ids)`` of one Gmail client in a fresh process (spawned: nothing inherited)."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=_fetch, args=(endpoint, token, ids, max_message_bytes, out))
    child.start()
    try:
        result: ChildFetch = out.get(timeout=110)
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()
    return result
