"""Which language a request is answered in: the one chosen on the page (kept in a cookie)
wins; else the browser's ``Accept-Language`` (RFC 9110 §12.5.4: the tags in order of their
``q`` weight, ``q=0`` meaning "not this one"; a region such as ``tr-TR`` counts as its
language); else English."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from shared.web.i18n import DEFAULT, LOCALES

COOKIE = "console_lang"
COOKIE_MAX_AGE_S = 365 * 86400
MAX_HEADER = 1000  # characters of Accept-Language looked at (a longer one is not a browser's)


def _weight(params: list[str]) -> float:
    for param in params:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            return weight if 0.0 <= weight <= 1.0 else 0.0
    return 1.0


def from_accept_language(header: str) -> str:
    """The supported language the browser prefers most (English when it names none)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header[:MAX_HEADER].split(",")):
        tag, *params = item.split(";")
        primary = tag.strip().lower().split("-", 1)[0]
        weight = _weight(params)
        if primary in LOCALES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else DEFAULT


def choose(accept_language: str, cookie: str | None) -> str:
    """The language of the answer: the cookie's when it names a supported one."""
    if cookie in LOCALES:
        return cookie
    return from_accept_language(accept_language or "")


def cookie_header(locale: str) -> str:
    """The ``Set-Cookie`` value that keeps ``locale`` (a preference, not a secret: readable
    by the page's own requests only, sent on same-site navigation)."""
    return f"{COOKIE}={locale}; Path=/; Max-Age={COOKIE_MAX_AGE_S}; SameSite=Lax; HttpOnly"


SWITCH = "lang"  # the query parameter of the page's language links
_NOT_KEPT = frozenset({SWITCH, "flash"})  # a notice is shown once, not again in another language


def switch_query(here: str, tenant_id: str, locale: str) -> str:
    """The query of the link that shows this page (``here``: the query it was asked with)
    in ``locale``: the routes keep the choice in the cookie and come back to ``here``."""
    kept = [(k, v) for k, v in parse_qsl(here, keep_blank_values=True) if k not in _NOT_KEPT]
    if not any(k == "tenant" for k, _ in kept):
        kept.insert(0, ("tenant", tenant_id))
    return urlencode([*kept, (SWITCH, locale)])


def without_switch(query: str) -> str:
    """``query`` without the language link's parameter: where the switch comes back to."""
    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != SWITCH])
