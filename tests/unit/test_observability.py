"""A known secret, logged through every path, never reaches the output."""

from __future__ import annotations

import io
import json
import logging

import pytest

from shared.observability import (
    REDACTED,
    JsonFormatter,
    configure_logging,
    log_labels,
    redact,
    register_secret,
)

SECRET = "s3cr3t-Pa55w0rd-7f1e"
TOKEN = "ya29.a0AfH6SMBx-test-access-token-value"


@pytest.fixture
def captured() -> io.StringIO:
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    yield stream
    for handler in list(logging.getLogger().handlers):
        if getattr(handler, "_mailingest", False):
            logging.getLogger().removeHandler(handler)


def test_registered_secret_never_reaches_output_through_any_path(captured: io.StringIO) -> None:
    register_secret(SECRET)
    log = logging.getLogger("test.secret")
    log.info("message %s", SECRET)
    log.info(f"f-string {SECRET}")  # noqa: G004 - the point is to try every path
    log.warning("extra field", extra={"detail": {"nested": [SECRET]}})
    log.error("repr of a dict %r", {"pw": SECRET})
    try:
        raise RuntimeError(f"login failed for password {SECRET}")
    except RuntimeError:
        log.exception("exception text and traceback")
    log.info("stack", stack_info=True)
    out = captured.getvalue()
    assert out.count("\n") == 6
    assert SECRET not in out
    assert out.count(REDACTED) >= 6


def test_credential_shapes_are_redacted_without_registration(captured: io.StringIO) -> None:
    log = logging.getLogger("test.shapes")
    log.info("Authorization: Bearer %s", TOKEN)
    log.info("POST body code=4/0AbCdEf-ghijk&client_secret=GOCSPX-abcdef123")
    log.info('json {"refresh_token": "1//0gXYZ-refresh-value", "expires_in": 3599}')
    log.info("user=alice\x01auth=Bearer %s\x01\x01", TOKEN)
    out = captured.getvalue()
    for leaked in (TOKEN, "4/0AbCdEf-ghijk", "GOCSPX-abcdef123", "1//0gXYZ-refresh-value"):
        assert leaked not in out
    assert '"expires_in\\": 3599' in out or "3599" in out  # ordinary numbers survive


def test_json_lines_carry_cloud_logging_fields_and_labels(captured: io.StringIO) -> None:
    log = logging.getLogger("test.labels")
    with log_labels(tenant="acme", mailbox="booking"):
        log.warning("hello %s", "world", extra={"event_id": "e1", "provider": "imap"})
    entry = json.loads(captured.getvalue())
    assert entry["severity"] == "WARNING"
    assert entry["message"] == "hello world"
    assert entry["event_id"] == "e1"
    assert entry["logging.googleapis.com/labels"] == {
        "tenant": "acme",
        "mailbox": "booking",
        "provider": "imap",
    }


def test_labels_do_not_leak_outside_their_block(captured: io.StringIO) -> None:
    log = logging.getLogger("test.labels2")
    with log_labels(tenant="acme"):
        pass
    log.info("after")
    assert "logging.googleapis.com/labels" not in json.loads(captured.getvalue())


def test_short_values_are_not_registered() -> None:
    register_secret("abc")
    assert redact("abc and more") == "abc and more"


def test_formatter_survives_a_bad_format_string() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d apples", ("many",), None)
    entry = json.loads(JsonFormatter().format(record))
    assert "unformattable" in entry["message"]
