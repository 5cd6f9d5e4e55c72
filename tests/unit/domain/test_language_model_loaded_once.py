"""The language model is built once per process, however many threads ask for it first at
once (a replica's first mail in many mailboxes): the others wait for it."""

from __future__ import annotations

import threading
import time
from typing import Any

import py3langid.langid as langid  # type: ignore[import-untyped]
import pytest

from shared.domain.classification import language_id


def test_threads_asking_first_at_once_build_the_model_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[float] = []
    load = langid.LanguageIdentifier.from_model_file

    def slow_load(*args: Any, **kw: Any) -> Any:
        built.append(time.monotonic())
        time.sleep(0.2)  # a slow first load: the window the other threads arrive in
        return load(*args, **kw)

    monkeypatch.setattr(langid.LanguageIdentifier, "from_model_file", slow_load)
    language_id._built.cache_clear()
    try:
        start = threading.Barrier(8)
        scopes: list[object] = []

        def ask() -> None:
            start.wait()
            scopes.append(language_id.identify("Wir bestätigen Ihre Reservierung für August"))

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(built) == 1
        assert len(scopes) == 8
        assert len({repr(s) for s in scopes}) == 1
    finally:
        monkeypatch.undo()
        language_id._built.cache_clear()  # the next test builds the real one again
