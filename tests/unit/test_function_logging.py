"""Every deployable entry point logs as the watcher does from its first line: one JSON object
per record for Cloud Logging, redacted, at MAILINGEST_LOG_LEVEL — configured when the
platform loads the module, before any request (nothing else is built then)."""

from __future__ import annotations

import json
import logging
import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.observability import register_secret

# the watcher's container (containers/watcher) configures its own (shared.watcher_main)
ENTRY_POINTS = sorted(p.parent.name for p in Path("functions").glob("*/main.py"))
TOKEN = "ya29.a0-function-logging-test-token"


@pytest.fixture
def fresh_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_every_function_is_listed() -> None:
    assert ENTRY_POINTS == [
        "gmail_push",
        "graph_webhook",
        "graph_worker",
        "mailbox_tasks",
        "oauth",
        "refresh_tokens",
        "renew_watches",
        "settings",
    ]


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_loading_an_entry_point_configures_json_logging_with_redaction(
    name: str, fresh_root: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAILINGEST_LOG_LEVEL", "WARNING")
    for handler in list(logging.getLogger().handlers):
        logging.getLogger().removeHandler(handler)
    runpy.run_path(f"functions/{name}/main.py", run_name=f"loaded_{name}")
    register_secret(TOKEN)
    log = logging.getLogger(f"functions.{name}")
    log.info("below the level")
    log.warning("to be redelivered", extra={"error": f"refused {TOKEN}"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["severity"], x["message"]) for x in lines] == [("WARNING", "to be redelivered")]
    assert TOKEN not in lines[0]["error"]
