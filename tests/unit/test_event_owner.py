"""An event id names its tenant and mailbox exactly (how a correction finds the event's raw
MIME), and nothing else passes for an event id."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.ids import MailboxId, TenantId, event_id, event_owner, raw_blob_key, valid_id

ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,62}", fullmatch=True)


@given(tenant=ids, mailbox=ids, provider_id=st.text(max_size=80))
def test_an_event_id_names_its_tenant_and_mailbox(
    tenant: str, mailbox: str, provider_id: str
) -> None:
    assert valid_id(tenant)
    assert valid_id(mailbox)
    eid = event_id(TenantId(tenant), MailboxId(mailbox), provider_id)
    assert event_owner(eid) == (tenant, mailbox)
    assert raw_blob_key(TenantId(tenant), MailboxId(mailbox), eid) == (
        f"raw/{tenant}/{mailbox}/{eid}.eml"
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "acme",
        "acme.booking",
        "acme.booking.abc",
        "acme.booking." + "0" * 39,
        "acme.booking." + "G" * 40,
        "acme.booking.x." + "0" * 40,
        "Acme.booking." + "0" * 40,
        "../x.booking." + "0" * 40,
        "acme.booking." + "0" * 40 + "/../../etc",
    ],
)
def test_anything_else_is_not_an_event_id(text: str) -> None:
    assert event_owner(text) is None
