"""The console's languages: English (the words written in the code and the templates) and
Turkish (``shared/web/locales/tr/LC_MESSAGES/messages.po``). The catalogue is kept as a ``.po``
file and compiled in memory the first time a language is used (no generated file to forget);
a fuzzy or empty translation is not used, and a test fails when a string has none.

The language of the request being answered is a context variable (``speaking``), set by the
routes for one request: the page, its Python-built words (states, hints, notices, refusals)
and the JSON the page refreshes from all read it. Code marks a string with ``_`` where it is
said, or ``N_`` where it sits in a table and is said later (``_`` at the place of use)."""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("en", "tr")
DEFAULT = "en"
NAMES = {"en": "English", "tr": "Türkçe"}  # each in its own language (the switch shows them)
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("console_locale", default=DEFAULT)


def catalogue_path(locale: str) -> str:
    """Where the ``.po`` file of ``locale`` is (inside the package)."""
    return f"locales/{locale}/LC_MESSAGES/{DOMAIN}.po"


@cache
def translations(locale: str) -> gettext_module.NullTranslations:
    """``locale``'s translations, compiled from its ``.po`` once (English: the words as
    written)."""
    if locale not in LOCALES or locale == DEFAULT:
        return gettext_module.NullTranslations()
    with files("shared.web").joinpath(catalogue_path(locale)).open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def current() -> str:
    """The language of the request being answered (English outside of one)."""
    return _current.get()


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """Answer in ``locale`` inside the block (an unknown one: English)."""
    token = _current.set(locale if locale in LOCALES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """``message`` in the current language (as written when it has no translation)."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def _(message: str, /, **values: object) -> str:
    """``message`` in the current language, its ``%(name)s`` filled with ``values``."""
    text = gettext(message)
    return text % values if values else text


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue; it is translated where it is said (``_``)."""
    return message
