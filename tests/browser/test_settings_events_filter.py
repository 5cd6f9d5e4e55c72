"""In headless Chromium: the admin filters "Recent events" by mailbox and label with the form
above the list, pages to the older events of that filter, corrects a label there and lands
back on the same older, filtered page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from shared.domain.recent_events import EventSummary
from shared.ids import MailboxId, TenantId
from shared.web.label_names import name as label_name
from tests.browser.conftest import Console
from tests.browser.test_settings_browser import _email, _no_script_ran, _seed_mailbox
from tests.integration.settings_fixtures import ACME

pytestmark = pytest.mark.integration


def _seed(console: Console, mailbox: str, label: str, count: int) -> None:
    start = datetime.now(UTC) + timedelta(minutes=5)  # newer than anything ingested now
    for n in range(count):
        console.app.state.put_event_summary(
            EventSummary(
                event_id=f"acme.{mailbox}.{n:040x}",
                tenant_id="acme",
                mailbox_id=mailbox,
                at=start + timedelta(minutes=n),
                label=label,
                subject=f"{mailbox} {label} {n}",
            )
        )


def test_an_admin_filters_recent_events_pages_and_corrects_a_label_on_the_older_page(
    console: Console,
) -> None:
    _seed_mailbox(console)
    _seed_mailbox(console, "stopsale")
    mailbox = console.app.state.get_mailbox(TenantId("acme"), MailboxId("booking"))
    result = console.app.pipeline.ingest(mailbox, "1/1", _email("Room list AQ-1", 1))
    label = result.label
    _seed(console, "booking", label, 50)  # newer: the ingested event is on the older page
    _seed(console, "stopsale", label, 3)
    page = console.open_as(ACME)
    console.section(page, "Events")
    events = page.locator("#events")
    expect(events.locator("tr[data-event]")).to_have_count(50)
    expect(events.locator('tr[data-event^="acme.stopsale."]')).not_to_have_count(0)  # unfiltered
    form = page.get_by_role("form", name="Filter recent events")
    form.locator("select[name=mailbox]").select_option("booking")
    form.locator("select[name=label]").select_option(label)
    form.get_by_role("button", name="Filter").click()
    page.wait_for_url("**mailbox=booking**")
    query = parse_qs(urlsplit(page.url).query)
    assert (query["mailbox"], query["label"]) == (["booking"], [label])
    expect(events).to_contain_text(f"of mailbox booking labelled {label_name(label)}")
    expect(events.locator("tr[data-event]")).to_have_count(50)
    expect(events.locator('tr[data-event^="acme.stopsale."]')).to_have_count(0)
    events.get_by_role("link", name="Older").click()
    row = events.locator(f'tr[data-event="{result.event_id}"]')
    expect(events.locator("tr[data-event]")).to_have_count(1)
    expect(row).to_be_visible()
    older = parse_qs(urlsplit(page.url).query)
    assert older.keys() >= {"before", "mailbox", "label"}
    console.screenshot(page, "filtered-older")

    corrected = "cancellation" if label != "cancellation" else "amendment"
    row.locator("select[name=label]").select_option(corrected)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        row.get_by_role("button", name="Correct").click()
    assert answer.value.status == 303
    expect(page.get_by_role("status")).to_contain_text(
        f"Label corrected from {label_name(label)} to {label_name(corrected)}"
    )
    back = parse_qs(urlsplit(page.url).query)
    for key in ("before", "mailbox", "label"):
        assert back[key] == older[key], key  # the same older, filtered page
    expect(events).to_contain_text("No older events that match the filter.")  # its label changed
    expect(form.locator("select[name=label]")).to_have_value(label)
    console.screenshot(page, "corrected-on-older-page")
    _no_script_ran(console, page)


def test_an_admin_goes_back_to_a_day_with_the_up_to_field(console: Console) -> None:
    _seed_mailbox(console)
    _seed(console, "booking", "booking", 3)  # from five minutes from now
    day = (datetime.now(UTC) - timedelta(days=3)).date()
    for n, when in enumerate(
        (datetime.combine(day, datetime.min.time(), UTC), datetime.now(UTC) - timedelta(days=5))
    ):
        console.app.state.put_event_summary(
            EventSummary(
                event_id=f"acme.booking.old{n}",
                tenant_id="acme",
                mailbox_id="booking",
                at=when + timedelta(hours=1),
                label="stopsale",
                subject=f"old {n}",
            )
        )
    page = console.open_as(ACME, query="&section=events")
    events = page.locator("#events")
    expect(events.locator("tr[data-event]")).to_have_count(5)
    form = page.get_by_role("form", name="Filter recent events")
    form.get_by_label("Up to (UTC)").fill(day.isoformat())
    form.get_by_role("button", name="Filter").click()
    page.wait_for_url("**until=**")
    assert parse_qs(urlsplit(page.url).query)["until"] == [day.isoformat()]
    expect(events).to_contain_text(f"up to {day} (UTC)")
    expect(events.locator("tr[data-event]")).to_have_count(2)  # that day's and the older one
    expect(events.locator('tr[data-event="acme.booking.old0"]')).to_be_visible()
    expect(form.get_by_label("Up to (UTC)")).to_have_value(day.isoformat())
    events.get_by_role("link", name="Newest").click()
    expect(events.locator("tr[data-event]")).to_have_count(5)
    console.screenshot(page, "up-to-a-day")
    _no_script_ran(console, page)
