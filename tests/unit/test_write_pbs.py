"""The claims' and summaries' writes built directly as protobufs serialize exactly as the
Firestore library's ``create`` / ``set`` of the same document; what the direct encoding
does not take goes through the library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from google.api_core.datetime_helpers import DatetimeWithNanoseconds
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.firestore_v1.base_batch import BaseBatch
from google.cloud.firestore_v1.types import write as write_types

from shared.adapters.firestore.write_pbs import add_create, add_set

NOW = datetime(2026, 12, 8, 9, 30, 15, 123456, tzinfo=UTC)
CLAIM = {
    "status": "pending",
    "holder": "watcher-7",
    "claimed_at": NOW,
    "expires_at": NOW + timedelta(days=30),
    "lease": "acme/booking",
    "tenant": "acme",
    "event_id": "e" * 40,
    "write_id": "f" * 32,
}
SUMMARY = {
    "event_id": "e" * 40,
    "tenant_id": "acme",
    "mailbox_id": "booking",
    "label": "booking",
    "subject": "Rezervasyon Onayı — Ayşe Yılmaz",
    "received_at": NOW.astimezone(timezone(timedelta(hours=3))),
    "confident": True,
    "score": 0.93,
    "ms": 12,
    "missing": None,
    "fields": {"voucher": "MY-2025-04817", "nights": 3, "guests": ["A", "B"], "empty": {}},
    "tags": [],
    "rows": [{"a": 1}, [2, 3], None],
    "raw": b"\x00\x01",
    "dotted.key": "as is",
    "naive": datetime(2026, 1, 2, 3, 4, 5),  # the library reads it as UTC
}


def client() -> firestore.Client:
    anonymous = AnonymousCredentials()
    return firestore.Client(project="demo-test", credentials=anonymous)


def serialized(batch: BaseBatch) -> list[bytes]:
    return [write_types.Write.pb(w).SerializeToString(deterministic=True) for w in batch._write_pbs]


@pytest.mark.parametrize("document", [CLAIM, SUMMARY, {}], ids=["claim", "summary", "empty"])
def test_a_create_and_a_set_serialize_as_the_librarys(document: dict[str, Any]) -> None:
    db = client()
    ref = db.collection("tenants").document("acme").collection("events").document("e1")
    ours, theirs = db.batch(), db.batch()
    add_create(ours, ref, document)
    theirs.create(ref, document)
    add_set(ours, ref, document)
    theirs.set(ref, document)
    assert serialized(ours) == serialized(theirs)
    assert ours._document_references == theirs._document_references


@pytest.mark.parametrize(
    "value",
    [
        firestore.SERVER_TIMESTAMP,
        DatetimeWithNanoseconds(2026, 12, 8, nanosecond=5, tzinfo=UTC),
        {"a", "b"},
        {1: "not a string key"},
    ],
    ids=["sentinel", "nanoseconds", "a set", "int key"],
)
def test_what_the_direct_encoding_does_not_take_goes_through_the_library(value: Any) -> None:
    db = client()
    ref = db.collection("dedupe").document("k")
    document = {**CLAIM, "odd": {"inner": value}}
    ours, theirs = db.batch(), db.batch()
    try:
        theirs.set(ref, document)
    except Exception as exc:  # noqa: BLE001 - the library refuses it: so must we
        with pytest.raises(type(exc)):
            add_set(ours, ref, document)
        return
    add_set(ours, ref, document)
    assert serialized(ours) == serialized(theirs)
