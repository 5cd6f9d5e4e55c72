"""The console's message catalogue, kept up to date: every string the templates and the
Python code of ``shared/web`` mark (``_``, ``N_``, ``ngettext``, ``{% trans %}``) extracted with
Babel's extractors, and each language's ``.po`` updated to it (new strings added untranslated,
strings no longer used dropped). ``make messages`` runs it; a test compares the same
extraction with the Turkish catalogue.

    python -m mailingest_dev.messages          update every language's .po
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from shared.web.i18n import DEFAULT, DOMAIN, LOCALES, catalogue_path

WEB = Path(__file__).resolve().parents[1] / "shared" / "web"
METHODS = [
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
# as the page's Environment is set up: newstyle gettext, trans blocks trimmed
OPTIONS = {"**/templates/**.html": {"trimmed": "true", "newstyle_gettext": "true"}}


def extracted() -> Catalog:
    """Every marked string of ``shared/web`` (its templates and its Python), with where."""
    template = Catalog(project="MindOps Mail Ingest console", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(WEB), METHODS, OPTIONS, strip_comment_tags=True
    ):
        template.add(
            message,
            None,
            [(f"shared/web/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def untranslated(template: Catalog, catalog: Catalog) -> dict[str, list[str]]:
    """What ``catalog`` lacks for ``template``: strings it does not have (``missing``), has
    marked fuzzy (``fuzzy``) or left empty (``empty``), whose ``%(name)s`` placeholders do not
    match (``placeholders``), and strings it has that nothing uses any more (``unused``)."""
    wanted = {_key(m.id) for m in template if m.id}
    have = {_key(m.id): m for m in catalog if m.id}
    problems = {
        "missing": sorted(wanted - have.keys()),
        "fuzzy": sorted(k for k, m in have.items() if m.fuzzy),
        "empty": sorted(k for k, m in have.items() if not _complete(m.string)),
        "placeholders": sorted(_key(m.id) for m, errors in catalog.check() if errors),
        "unused": sorted(have.keys() - wanted),
    }
    return {kind: found for kind, found in problems.items() if found}


def _key(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _complete(string: str | tuple[str, ...] | list[str] | None) -> bool:
    if isinstance(string, (tuple, list)):
        return bool(string) and all(string)
    return bool(string)


def po_file(locale: str) -> Path:
    return WEB / catalogue_path(locale)


def update(locale: str, template: Catalog) -> tuple[int, int]:
    """``locale``'s ``.po`` brought up to ``template``; (strings, untranslated) after."""
    path = po_file(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        with path.open("rb") as po:
            catalog = read_po(po, locale=locale, domain=DOMAIN)
    else:
        catalog = Catalog(locale=locale, domain=DOMAIN, project=template.project)
    template.creation_date = catalog.creation_date  # the header stays as it was: no churn
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()  # a string no longer used has no place in the file
    with path.open("wb") as po:
        write_po(po, catalog, width=100, include_lineno=False)
    missing = sum(1 for m in catalog if m.id and not m.string)
    return len([m for m in catalog if m.id]), missing


def main() -> int:
    template = extracted()
    for locale in LOCALES:
        if locale == DEFAULT:
            continue  # the strings are written in English
        strings, missing = update(locale, template)
        where = po_file(locale).relative_to(WEB.parents[1])
        print(f"{where}: {strings} strings, {missing} to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
