"""Every string the console says has its Turkish: the strings the templates and the Python
of ``shared/web`` mark, extracted with Babel's extractors, are all in the Turkish catalogue,
none fuzzy, none empty, their placeholders the same, and none left over. The check itself
finds each of those faults in a catalogue made to have them."""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from mailingest_dev.messages import extracted, po_file, untranslated


def _turkish() -> Catalog:
    with po_file("tr").open("rb") as po:
        return read_po(po, locale="tr")


def test_every_string_of_the_console_has_a_turkish_translation() -> None:
    template = extracted()
    assert len(template) > 300  # the templates and the Python were both read
    assert untranslated(template, _turkish()) == {}


def test_strings_from_templates_and_from_python_are_both_extracted() -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted()}
    assert "Add a mailbox: who provides it?" in ids  # _add_flow.html
    assert "Sign-in needed" in ids  # state_words.py (N_)
    assert "%(num)s email today" in ids  # mailbox_status.py (ngettext)
    assert (
        "<strong>Sign-in needed:</strong> connect it with %(who)s to start collecting mail; "
        "it turns on by itself once connected." in ids
    )  # a trans block, trimmed


def test_the_check_finds_a_missing_a_fuzzy_an_empty_and_a_mismatched_translation() -> None:
    template = Catalog(locale="en")
    for msgid in ("Mailboxes", "Rules", "Events", "mailbox %(mailbox)s saved", "Audit"):
        template.add(msgid)
    turkish = Catalog(locale="tr")
    turkish.add("Mailboxes", "Posta kutuları")
    turkish.add("Rules", "Kurallar", flags=["fuzzy"])
    turkish.add("Events", "")
    turkish.add("mailbox %(mailbox)s saved", "%(kutu)s posta kutusu kaydedildi")
    turkish.add("Old words", "Eski sözler")
    assert untranslated(template, turkish) == {
        "missing": ["Audit"],
        "fuzzy": ["Rules"],
        "empty": ["Events"],
        "placeholders": ["mailbox %(mailbox)s saved"],
        "unused": ["Old words"],
    }
