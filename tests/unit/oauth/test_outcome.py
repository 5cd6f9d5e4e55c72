"""What the connect flow tells the admin back on the settings page: plain words, signed for
that admin and tenant, never the provider's free text."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from shared.oauth import outcome
from shared.oauth.outcome import SettingsLink
from shared.web import flash

KEY = b"k" * 32
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_connected_names_the_account_and_the_token_expiry() -> None:
    text = outcome.connected("booking", "google", "b@acme.example", NOW)
    assert text == (
        "Mailbox booking is connected with Google as b@acme.example. Its access token "
        "expires 2026-12-01 09:30 UTC and is renewed automatically."
    )
    pending = outcome.connected("ops", "microsoft", "o@contoso.example", None, "push_pending")
    assert "Microsoft" in pending
    assert "expires" not in pending
    assert "could not be started yet" in pending


def test_a_refusal_is_explained_and_says_nothing_changed() -> None:
    text = outcome.refused("booking", "google", "access_denied")
    assert text == (
        "Mailbox booking was not connected with Google: the sign-in was cancelled or access "
        "was not allowed. Nothing was changed."
    )
    assert "an administrator of your organisation" in outcome.refused(
        "o", "microsoft", "consent_required"
    )
    # a provider's own code is shown as a code; anything else is not repeated at all
    assert "the provider answered temporarily_unavailable" in outcome.refused(
        "b", "google", "temporarily_unavailable"
    )
    odd = outcome.refused("b", "google", "<script>alert(1)</script> call +1 555")
    assert "script" not in odd
    assert "555" not in odd
    assert odd.endswith("it did not succeed. Nothing was changed.")


def test_the_way_back_carries_the_outcome_and_a_notice_signed_for_that_admin() -> None:
    link = SettingsLink(
        "https://settings.example/",
        lambda admin, tenant, text: flash.sign(KEY, admin, tenant, text, NOW.timestamp()),
    )
    url = link.to("Admin@Acme.example", {"tenant": "acme", "result": "connected"}, "Done.")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith("https://settings.example/?")
    assert query["result"] == "connected"
    token = query["flash"]
    assert flash.verify(KEY, "admin@acme.example", "acme", token, NOW.timestamp()) == "Done."
    assert flash.verify(KEY, "mallory@acme.example", "acme", token, NOW.timestamp()) == ""
    assert flash.verify(KEY, "admin@acme.example", "globex", token, NOW.timestamp()) == ""
    unsigned = SettingsLink("https://settings.example/").to("a@b.example", {"tenant": "t"}, "x")
    assert "flash" not in unsigned
