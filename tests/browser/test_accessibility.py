"""Every screen of the console passes an automated accessibility audit (axe-core, from the
npm registry, run in the page): no serious or critical finding on the WCAG 2.1 A / AA rules
and axe's best practices — the sections, the steps of adding a mailbox, the overview with
200 mailboxes and a mailbox's card, in English and in Turkish; and a mailbox is added with
the keyboard alone, the focus visible on every element it passes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from shared.ids import MailboxId, TenantId
from tests.browser.axe import serious_violations
from tests.browser.conftest import Console
from tests.browser.test_console_layout import SECTIONS, _two_hundred
from tests.integration.settings_fixtures import ACME

pytestmark = pytest.mark.integration


def _audited(page: Page, what: str, found: dict[str, list[dict[str, object]]]) -> None:
    page.wait_for_load_state("load")
    violations = serious_violations(page)
    if violations:
        found[what] = violations


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_screen_has_no_serious_accessibility_finding(console: Console, lang: str) -> None:
    page = console.open_as(ACME, lang=lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)  # what a screen reader speaks
    found: dict[str, list[dict[str, object]]] = {}
    _audited(page, "mailboxes-empty", found)
    for section in SECTIONS:
        console.section(page, section, lang)
        _audited(page, section.lower(), found)
    for step in ("", "gmail", "microsoft", "imap", "pop3"):
        console.show(page, query=f"&add={step}" if step else "&add=")
        _audited(page, f"add-{step or 'choose'}", found)
    _two_hundred(console)
    console.show(page)
    _audited(page, "overview-200", found)
    console.open_card(page, "box-001")
    _audited(page, "card", found)
    assert found == {}, found


def test_the_audit_finds_what_it_is_there_to_find(console: Console) -> None:
    """The check can fail: a field without a label and an image without a text are found."""
    page = console.open_as(ACME)
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<input type="text"><img src="data:,"></main></body></html>'
    )
    rules = {v["id"] for v in serious_violations(page)}
    assert {"label", "image-alt"} <= rules, rules


def _tab_to(page: Page, matches: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies the JS predicate ``matches`` (given the
    element), checking each focused element shows it has the focus (an outline or a ring)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """(matches) => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
                    || style.boxShadow !== "none";
                return {hit: new Function("el", "return " + matches)(el), ring,
                        what: el.outerHTML.slice(0, 120)};
            }""",
            matches,
        )
        assert focused["ring"], f"no visible focus on {focused['what']}"
        if focused["hit"]:
            return
    raise AssertionError(f"{matches}: not reached with {limit} presses of Tab")


def test_an_imap_mailbox_is_added_with_the_keyboard_alone(console: Console, dovecot: Any) -> None:
    user, password = f"k{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(user, password)
    page = console.open_as(ACME)
    _tab_to(page, "el.textContent.trim() === 'Add a mailbox'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "el.textContent.includes('Other mail server (IMAP)')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for name, value in (
        ("mailbox", "keys"),
        ("address", "keys@acme.example"),
        ("host", dovecot.host),
        ("port", str(dovecot.imaps_port)),
        ("username", user),
        ("password", password),
    ):
        _tab_to(page, f"el.name === '{name}'")
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Save'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("mailbox keys saved")
    stored = console.app.state.get_mailbox(TenantId("acme"), MailboxId("keys"))
    assert (stored.host, stored.username) == (dovecot.host, user)
