"""A known secret, logged through every path, never reaches the output."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

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
def captured() -> Iterator[io.StringIO]:
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


def test_the_secret_registry_is_bounded_and_forgets_oldest_first() -> None:
    from shared.observability import _SecretRegistry

    registry = _SecretRegistry(max_values=1_000)
    values = [f"tok-{i:08d}-abcdef" for i in range(5_000)]
    for value in values:
        registry.add(value)
    assert len(registry) == 1_000
    line = f"a {values[0]} b {values[-1]} c"
    # the newest is still redacted; the oldest left to make room
    assert registry.scrub(line) == f"a {values[0]} b {REDACTED} c"


def test_short_lived_values_leave_the_registry_when_their_lifetime_ends() -> None:
    from shared.observability import _SecretRegistry

    registry = _SecretRegistry()
    registry.add("expired-access-token-1", ttl_s=-1)
    for i in range(1_100):  # a sweep runs every 1,024 additions
        registry.add(f"password-number-{i:05d}")
    assert registry.scrub("expired-access-token-1") == "expired-access-token-1"
    assert registry.scrub("x password-number-00007 y") == f"x {REDACTED} y"
    assert len(registry) == 1_100


def test_many_secrets_sharing_a_prefix_and_overlapping_values_are_all_redacted() -> None:
    from shared.observability import _SecretRegistry

    registry = _SecretRegistry()
    registry.add("ya29.shared-prefix-A")
    registry.add("ya29.shared-prefix-AB-longer")
    registry.add("ya29.shared-prefix-B")
    text = "ya29.shared-prefix-AB-longer,ya29.shared-prefix-A;ya29.shared-prefix-B."
    assert registry.scrub(text) == f"{REDACTED},{REDACTED};{REDACTED}."
    assert registry.scrub("ya29.shared") == "ya29.shared"


def test_a_registered_secret_is_redacted_among_ten_thousand(captured: io.StringIO) -> None:
    for i in range(10_000):
        register_secret(f"refreshed-access-token-{i:06d}-zz", ttl_s=3600)
    logging.getLogger("test.many").info("sent refreshed-access-token-004242-zz to the server")
    out = captured.getvalue()
    assert "refreshed-access-token-004242-zz" not in out
    assert REDACTED in out


def test_oauth_error_codes_stay_readable_while_real_codes_are_redacted() -> None:
    assert redact("token endpoint refused: code=invalid_client") == (
        "token endpoint refused: code=invalid_client"
    )
    assert redact('{"error": "unauthorized_client"}') == '{"error": "unauthorized_client"}'
    assert redact("callback code=invalid_client_x9") == f"callback code={REDACTED}"
    assert redact("callback code=4/0AbCdEf-real-code") == f"callback code={REDACTED}"


def test_a_password_equal_to_another_tenants_id_leaves_its_identifiers_readable(
    captured: io.StringIO,
) -> None:
    """acme's password "demo-agency" is demo-agency's tenant id: that tenant's identifier
    fields and labels stay readable, while the password is still removed from free text."""
    register_secret("demo-agency")
    log = logging.getLogger("test.identifiers")
    with log_labels(tenant="demo-agency", mailbox="booking"):
        log.warning(
            "login refused with demo-agency",
            extra={"mailbox_key": "demo-agency/booking", "error": "pass demo-agency refused"},
        )
    line = json.loads(captured.getvalue())
    assert line["mailbox_key"] == "demo-agency/booking"
    assert line["logging.googleapis.com/labels"] == {"tenant": "demo-agency", "mailbox": "booking"}
    assert "demo-agency" not in line["message"]
    assert "demo-agency" not in line["error"]
    # a credential's shape is removed even from an identifier field
    log.warning("shape", extra={"target": "imap://u:x@h?token=abcdef123"})
    assert "abcdef123" not in captured.getvalue().splitlines()[-1]
