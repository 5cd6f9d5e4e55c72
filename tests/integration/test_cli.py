"""The ``mailingest`` command as a user runs it, against the emulators and the Secret Manager
stand-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
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
        "label",
        "templates",
        "connect-app-only",
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


def test_missing_file_is_a_clear_error_and_the_other_files_are_still_parsed(
    tmp_path: Path,
) -> None:
    """A file that fails is named and the rest still become events (exit 1 at the end); a
    mail with raw 8-bit bytes for an address is one of the rest, not a failure."""
    raw8 = tmp_path / "raw8.eml"
    raw8.write_bytes(
        b"From: " + "Réservations".encode("latin-1") + b"\r\nTo: b@acme.example\r\n"
        b"Subject: Stop sale\r\n\r\nSTOP SALE from 01.08\r\n"
    )
    result = cli("parse", "/nonexistent.eml", str(raw8))
    assert result.returncode == 1
    assert "No such file" in result.stderr
    event = json.loads(result.stdout)
    assert event["from"]["address"] == "Réservations"  # read, not an escape nobody can encode
    jsonschema.validate({k: v for k, v in event.items() if k != "source_file"}, event_schema())


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
    assert shown["mailbox"]["secret_ref"] == "mailingest-password-t4-acme-m7-booking"
    # no report from the watcher yet, just added: not started, not stale (as `health` says)
    assert (shown["health"]["shown_state"], shown["health"]["stale"]) == ("not started", False)
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
    disabled = cli("resync", "acme", "booking", env=env)
    assert disabled.returncode == 1
    assert "is disabled" in disabled.stderr
    assert cli("mailboxes", "enable", "acme", "booking", env=env).returncode == 0
    imap = cli("resync", "acme", "booking", env=env)
    assert imap.returncode == 0, imap.stderr
    assert "acme/booking: sync asked for" in imap.stdout
    trail = cli("audit", "acme", env=env).stdout.splitlines()
    assert [line.split("\t")[2] for line in trail][:2] == ["mailbox.sync", "mailbox.enable"]


@pytest.mark.integration
def test_a_microsoft_pop3_mailbox_is_added_for_oauth_without_a_password_and_a_link_to_sign_in(
    local_services: Any, firestore_client: Any
) -> None:
    """Microsoft 365 takes no password over POP3: ``--oauth`` asks for none, fills in the
    provider's server, saves the mailbox turned off until its first sign-in and prints where
    an admin signs in (the OAuth start on the settings host)."""
    env = {
        "MAILINGEST_SECRETS_BACKEND": "secretmanager",
        "MAILINGEST_BLOBS_BACKEND": "memory",
        "MAILINGEST_EVENTS_BACKEND": "memory",
    }
    assert cli("tenants", "add", "acme", "--name", "Acme Travel", env=env).returncode == 0
    added = cli(
        "mailboxes",
        "add",
        "acme",
        "stopsale",
        "--provider",
        "pop3",
        "--address",
        "stopsale@acme.example",
        "--oauth",
        "microsoft",
        env=env,
        stdin="",  # nothing to read: no password is asked
    )
    assert added.returncode == 0, added.stderr
    assert "oauth_start?tenant=acme&mailbox=stopsale&provider=microsoft&mode=pop3" in added.stdout
    shown = json.loads(cli("mailboxes", "show", "acme", "stopsale", env=env).stdout)["mailbox"]
    assert (shown["provider"], shown["host"], shown["auth_method"], shown["enabled"]) == (
        "pop3",
        "outlook.office365.com",
        "oauth2",
        False,
    )
    assert shown["secret_ref"] is None  # nothing stored until the sign-in
    no_host = cli(
        "mailboxes", "add", "acme", "x", "--address", "x@acme.example", stdin="pw\n", env=env
    )
    assert no_host.returncode == 1
    assert "--host is required" in no_host.stderr


@pytest.mark.integration
def test_label_teaches_a_template_and_templates_list_and_delete_it(
    firestore_client: Any, tmp_path: Path
) -> None:
    """Events ingested by the real pipeline (Firestore,
    raw MIME in a local blob directory), corrected with `mailingest label`."""
    from email.message import EmailMessage

    from mailingest_dev.clock import FakeClock
    from shared.adapters.blobs import LocalDirBlobStore
    from shared.adapters.firestore import FirestoreStateStore
    from shared.adapters.memory_sinks import InMemoryEventSink
    from shared.domain.models import Mailbox, Provider, Tenant, TlsMode
    from shared.ids import MailboxId, TenantId
    from shared.service.ingest import IngestOptions, IngestPipeline

    env = {
        "MAILINGEST_SECRETS_BACKEND": "memory",
        "MAILINGEST_EVENTS_BACKEND": "memory",
        "MAILINGEST_BLOBS_BACKEND": "local",
        "MAILINGEST_BLOB_DIR": str(tmp_path / "blobs"),
    }
    state = FirestoreStateStore(firestore_client, FakeClock())
    sink = InMemoryEventSink()
    pipeline = IngestPipeline(
        state,
        sink,
        LocalDirBlobStore(tmp_path / "blobs"),
        FakeClock(),
        holder="test",
        options=IngestOptions(rules_cache_s=0),  # corrections come from another process
    )
    for tenant in ("acme", "globex"):
        state.put_tenant(Tenant(id=TenantId(tenant), name=tenant))
    box = Mailbox(
        tenant_id=TenantId("acme"),
        id=MailboxId("booking"),
        provider=Provider.IMAP,
        address="booking@acme.example",
        host="127.0.0.1",
        tls=TlsMode.PLAIN,
        secret_ref="x",
    )
    state.put_mailbox(box)

    def ingest(uid: str, ref: str, name: str) -> tuple[str, dict[str, Any]]:
        msg = EmailMessage()
        msg["From"] = "Allotment Desk <allot@partner.example>"
        msg["Subject"] = f"Daily allotment report {ref}"
        msg.set_content(
            f"Allotment usage for {uid}.08.2026.\nBooking confirmed: Mr {name}, ref {ref}.\n"
        )
        result = pipeline.ingest(box, uid, msg.as_bytes())
        return result.event_id, json.loads(sink.messages[-1].data)["classification"]

    eid, first = ingest("11", "55120", "Smith")
    assert first["label"] == "booking"

    refused = cli("label", eid, "other", "--tenant", "globex", env=env)
    assert refused.returncode == 1
    assert "not found in tenant globex" in refused.stderr
    assert cli("label", eid, "spam", env=env).returncode == 2  # not a label: usage error
    unknown = cli("label", "no-such-event", "other", env=env)
    assert (unknown.returncode, "not an event id" in unknown.stderr) == (1, True)

    labelled = cli("label", eid, "other", env=env)
    assert labelled.returncode == 0, labelled.stderr
    assert "booking -> other" in labelled.stdout
    (row,) = [
        json.loads(line)
        for line in cli("templates", "list", "acme", "--json", env=env).stdout.splitlines()
    ]
    assert (row["sender"], row["label"]) == ("allot@partner.example", "other")
    assert f"template:{row['id']}" in labelled.stdout
    assert cli("templates", "list", "globex", env=env).stdout == ""
    trail = cli("audit", "acme", env=env).stdout.splitlines()
    assert [line.split("\t")[2] for line in trail] == ["template.correct"]
    assert "Smith" not in trail[0]

    _, later = ingest("19", "77312", "Kowalski")
    assert (later["label"], later["rules"][0]) == ("other", f"template:{row['id']}")

    not_theirs = cli("templates", "delete", "globex", row["id"], env=env)
    assert not_theirs.returncode == 1
    deleted = cli("templates", "delete", "acme", row["id"], env=env)
    assert deleted.returncode == 0, deleted.stderr
    assert cli("templates", "list", "acme", env=env).stdout == ""
    _, after = ingest("23", "80011", "Nowak")
    assert after["label"] == "booking"


@pytest.mark.integration
def test_health_and_mailboxes_show_agree_a_mailbox_without_a_report_is_not_started_until_late(
    local_services: Any, firestore_client: Any
) -> None:
    env = {"MAILINGEST_BLOBS_BACKEND": "memory", "MAILINGEST_EVENTS_BACKEND": "memory"}
    assert cli("tenants", "add", "acme", "--name", "Acme Travel", env=env).returncode == 0
    added = cli(
        "mailboxes",
        *("add", "acme", "booking", "--address", "b@acme.example", "--host", "imap.acme.example"),
        stdin="pw-Secret-9x7\n",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    (row,) = [json.loads(line) for line in cli("health", "--json", env=env).stdout.splitlines()]
    assert (row["state"], row["stale"], row["last_sync"]) == ("not started", False, "never")
    table = cli("health", "--tenant", "acme", env=env).stdout
    assert "not started" in table
    assert "STALE" not in table
    assert _shown_health(env) == ("not started", False)
    # added long ago and still no report: a warning (stale), still "not started"
    (doc,) = list(firestore_client.collection_group("mailboxes").stream())
    long_ago = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    doc.reference.update({"settings.created_at": long_ago})
    (row,) = [json.loads(line) for line in cli("health", "--json", env=env).stdout.splitlines()]
    assert (row["state"], row["stale"]) == ("not started", True)
    assert "STALE" in cli("health", "--tenant", "acme", env=env).stdout
    assert _shown_health(env) == ("not started", True)


def _shown_health(env: dict[str, str]) -> tuple[str, bool]:
    """``mailboxes show``'s word for acme/booking's state, and its stale flag."""
    shown = cli("mailboxes", "show", "acme", "booking", env=env)
    assert shown.returncode == 0, shown.stderr
    health = json.loads(shown.stdout)["health"]
    state: str = health["shown_state"]
    is_stale: bool = health["stale"]
    return state, is_stale
