"""The ``mailingest`` command as a user runs it, against the emulators and the Secret Manager
stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from shared.domain.event import event_schema

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def cli(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_help_lists_the_commands() -> None:
    out = cli("--help").stdout
    for command in (
        "tenants",
        "mailboxes",
        "events",
        "parse",
        "classify",
        "replay",
        "watch",
        "run",
        "health",
        "resync",
        "audit",
    ):
        assert command in out


def test_parse_prints_one_valid_event_per_file() -> None:
    files = [
        str(CORPUS / "001-booking-hotel-onay-tr-plain-qp.eml"),
        str(CORPUS / "011-stopsale-hotel-tr-plain-8bit.eml"),
    ]
    result = cli("parse", *files)
    assert result.returncode == 0, result.stderr
    decoder = json.JSONDecoder()
    text, events = result.stdout, []
    while text.strip():
        event, end = decoder.raw_decode(text.strip())
        events.append(event)
        text = text.strip()[end:]
    assert [e["classification"]["label"] for e in events] == ["booking", "stopsale"]
    for event in events:
        event.pop("source_file")
        jsonschema.validate(event, event_schema())


def test_classify_prints_a_table() -> None:
    result = cli("classify", str(CORPUS / "023-cancellation-hotel-tr-plain.eml"))
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.strip().splitlines()
    assert header.startswith("FILE")
    assert "cancellation" in row


def test_missing_file_is_a_clear_error() -> None:
    result = cli("parse", "/nonexistent.eml")
    assert result.returncode == 1
    assert "No such file" in result.stderr


@pytest.mark.integration
def test_tenants_and_mailboxes_round_trip_without_leaking_the_password(
    local_services: Any, firestore_client: Any
) -> None:
    env = {
        "MAILINGEST_SECRETS_BACKEND": "secretmanager",
        "MAILINGEST_BLOBS_BACKEND": "memory",
        "MAILINGEST_EVENTS_BACKEND": "memory",
    }
    assert cli("tenants", "add", "acme", "--name", "Acme Travel", env=env).returncode == 0
    assert "acme\tAcme Travel" in cli("tenants", "list", env=env).stdout
    password = "pw-Secret-9x7"
    added = cli(
        "mailboxes",
        "add",
        "acme",
        "booking",
        "--address",
        "booking@acme.example",
        "--host",
        "imap.acme.example",
        "--folder",
        "Bookings",
        stdin=password + "\n",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    listed = cli("mailboxes", "list", "acme", env=env).stdout
    assert "acme/booking\timap\tbooking@acme.example\tBookings\tenabled" in listed
    shown = json.loads(cli("mailboxes", "show", "acme", "booking", env=env).stdout)
    assert shown["mailbox"]["secret_ref"] == "mailingest-t4-acme-m7-booking-password"
    assert shown["health"]["stale"] is True  # never synced
    assert password not in json.dumps(shown)
    docs = [d.to_dict() for d in firestore_client.collection_group("mailboxes").stream()]
    assert password not in json.dumps(docs, default=str)
    assert cli("mailboxes", "disable", "acme", "booking", env=env).returncode == 0
    assert "disabled" in cli("mailboxes", "list", env=env).stdout
    bad = cli("mailboxes", "show", "acme", "nope", env=env)
    assert bad.returncode == 1
    assert "not found" in bad.stderr
    # the operator's views
    (row,) = [json.loads(line) for line in cli("health", "--json", env=env).stdout.splitlines()]
    assert (row["tenant"], row["mailbox"], row["state"]) == ("acme", "booking", "disabled")
    table = cli("health", "--tenant", "acme", env=env)
    assert table.returncode == 0
    assert "booking" in table.stdout
    assert "1 mailboxes" in table.stdout
    trail = cli("audit", "acme", env=env).stdout.splitlines()
    assert [line.split("\t")[2] for line in trail] == [
        "mailbox.disable",
        "mailbox.put",
        "tenant.create",
    ]
    assert password not in "\n".join(trail)
    imap = cli("resync", "acme", "booking", env=env)
    assert imap.returncode == 2
    assert "watcher" in imap.stdout
