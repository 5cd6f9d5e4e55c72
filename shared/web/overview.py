"""The mailbox overview: the query that searches, filters and pages it (all in the URL, so a
view can be bookmarked and the server renders only one page of rows) and the page of rows it
selects. Pure: the rows come in, already read in one batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar
from urllib.parse import urlencode

from shared.domain.models import Provider
from shared.web.state_words import FILTERS

PAGE_SIZE = 25
MAX_SEARCH = 100
PROVIDERS = tuple(p.value for p in Provider)


@dataclass(frozen=True)
class OverviewQuery:
    """``q`` (words in the name, address or purpose), ``state`` (one of
    ``state_words.FILTERS``), ``provider`` and ``page`` (from 1); anything unknown is ignored
    (a stale bookmark shows everything rather than an error)."""

    q: str = ""
    state: str = ""
    provider: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> OverviewQuery:
        state = args.get("state", "")
        provider = args.get("provider", "")
        page_text = args.get("page", "1")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_SEARCH],
            state=state if state in FILTERS else "",
            provider=provider if provider in PROVIDERS else "",
            page=int(page_text) if page_text.isdigit() and 0 < len(page_text) < 6 else 1,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.state or self.provider)

    def link(self, tenant_id: str, **changes: object) -> str:
        """The query string of this view on another ``page``, with more parameters
        (``open="booking"``)."""
        page = changes.get("page", self.page)
        moved = replace(self, page=page if isinstance(page, int) else self.page)
        params: dict[str, object] = {"tenant": tenant_id}
        kept = ("q", "state", "provider")
        params.update({k: getattr(moved, k) for k in kept if getattr(moved, k)})
        if moved.page > 1:
            params["page"] = moved.page
        params.update({k: v for k, v in changes.items() if k not in _FIELDS and v})
        return urlencode(params)


_FIELDS = frozenset({"page"})
R = TypeVar("R")


@dataclass(frozen=True)
class OverviewPage(Generic[R]):
    rows: list[R]
    total: int  # every mailbox of the tenant
    matching: int  # those the search and filters select
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def select(
    rows: Sequence[R],
    query: OverviewQuery,
    text_of: Mapping[int, str],
    state_of: Mapping[int, str],
    provider_of: Mapping[int, str],
) -> OverviewPage[R]:
    """One page of ``rows`` (by position: ``text_of``/``state_of``/``provider_of`` say what
    each row is searched and filtered by)."""
    words = query.q.casefold().split()
    chosen = [
        row
        for i, row in enumerate(rows)
        if all(w in text_of[i] for w in words)
        and (not query.state or state_of[i] == query.state)
        and (not query.provider or provider_of[i] == query.provider)
    ]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(query.page, pages)
    start = (page - 1) * PAGE_SIZE
    return OverviewPage(chosen[start : start + PAGE_SIZE], len(rows), len(chosen), page, pages)
