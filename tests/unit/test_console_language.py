"""The console's language: the one chosen on the page (its cookie) wins, else the browser's
Accept-Language by its q weights, else English; the language link comes back to the same
page; the Turkish catalogue is used, and English is the words as written."""

from __future__ import annotations

import pytest

from shared.web import i18n, label_names, language, state_words


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("tr-TR,tr;q=0.9,en-US;q=0.8,en;q=0.7", "tr"),
        ("en-US,en;q=0.9,tr;q=0.8", "en"),
        ("de-DE,de;q=0.9,tr;q=0.5,en;q=0.3", "tr"),  # the best one we speak
        ("en;q=0.4, tr;q=0.6", "tr"),  # by weight, not by order
        ("tr;q=0.5,en;q=0.5", "tr"),  # a tie: the order decides
        ("tr;q=0,en;q=0.1", "en"),  # q=0: not this one
        ("TR", "tr"),
        ("tr;q=nonsense,en;q=0.2", "en"),  # a weight that is not one counts as none
        ("de,fr;q=0.8", "en"),  # none we speak: English
        ("*", "en"),
        ("", "en"),
    ],
)
def test_accept_language_picks_the_best_language_we_speak(header: str, chosen: str) -> None:
    assert language.from_accept_language(header) == chosen
    assert language.choose(header, None) == chosen


def test_the_cookie_wins_over_accept_language_and_an_unknown_one_is_ignored() -> None:
    assert language.choose("en-US,en", "tr") == "tr"
    assert language.choose("tr-TR,tr", "en") == "en"
    assert language.choose("tr-TR,tr", "de") == "tr"
    assert language.choose("", "xx") == "en"


def test_the_cookie_keeps_the_choice_for_the_whole_site_for_a_year() -> None:
    header = language.cookie_header("tr")
    assert header.startswith(f"{language.COOKIE}=tr;")
    assert "Path=/" in header
    assert "SameSite=Lax" in header
    assert f"Max-Age={365 * 86400}" in header


def test_the_language_link_comes_back_to_the_same_page_without_the_notice() -> None:
    here = "tenant=acme&section=events&mailbox=booking&flash=abc&lang=en"
    link = language.switch_query(here, "acme", "tr")
    assert link == "tenant=acme&section=events&mailbox=booking&lang=tr"
    assert language.without_switch(link) == "tenant=acme&section=events&mailbox=booking"
    assert language.switch_query("", "acme", "en") == "tenant=acme&lang=en"


def test_words_are_said_in_the_language_of_the_block_and_english_outside() -> None:
    assert i18n._("Mailboxes") == "Mailboxes"
    with i18n.speaking("tr"):
        assert i18n.current() == "tr"
        assert i18n._("Mailboxes") == "Posta kutuları"
        assert i18n._("mailbox %(mailbox)s saved", mailbox="booking") == (
            "booking posta kutusu kaydedildi"
        )
        with i18n.speaking("en"):
            assert i18n._("Mailboxes") == "Mailboxes"
        assert i18n.ngettext("%(num)s email today", "%(num)s emails today", 2) == (
            "bugün %(num)s e-posta"
        )
    with i18n.speaking("xx"):  # an unknown language: English
        assert i18n.current() == "en"
        assert i18n._("Mailboxes") == "Mailboxes"
    assert i18n.current() == "en"


def test_english_plurals_follow_the_count() -> None:
    assert i18n.ngettext("%(num)s email today", "%(num)s emails today", 1) == "%(num)s email today"
    assert i18n.ngettext("%(num)s email today", "%(num)s emails today", 3) == "%(num)s emails today"


def test_the_states_read_in_natural_turkish() -> None:
    with i18n.speaking("tr"):
        said = {key: state_words.words(key).word for key in state_words.WORDS}
        names = {label: label_names.name(label) for label in ("booking", "stopsale")}
    assert said["connected"] == "Bağlandı"
    assert said["connecting"] == "Bağlanıyor…"
    assert said["sign_in_needed"] == "Oturum açılması gerekiyor"
    assert said["unreachable"] == "Sunucuya ulaşılamıyor"
    assert said["not_started"] == "Henüz başlamadı"
    assert names == {"booking": "rezervasyon", "stopsale": "satış durdurma"}
    assert state_words.words("connected").word == "Connected"  # outside: English
