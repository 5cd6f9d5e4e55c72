"""The mailbox overview's query: search, state and provider filters and the page, all from the
URL (a bad value shows everything rather than an error), and the page of rows it selects."""

from __future__ import annotations

from urllib.parse import parse_qs

from shared.web.overview import PAGE_SIZE, OverviewQuery, select


def test_the_query_comes_from_the_url_and_ignores_what_it_does_not_know() -> None:
    query = OverviewQuery.from_args(
        {"q": "  stop   sale ", "state": "turned_off", "provider": "pop3", "page": "3"}
    )
    assert query == OverviewQuery("stop sale", "turned_off", "pop3", 3)
    assert query.filtered
    odd = OverviewQuery.from_args({"state": "stale", "provider": "smtp", "page": "-1"})
    assert odd == OverviewQuery()
    assert not odd.filtered
    assert OverviewQuery.from_args({"page": "9" * 9}).page == 1


def test_links_keep_the_search_and_filters_and_change_the_page() -> None:
    query = OverviewQuery("hotel", "connected", "imap", 2)
    assert parse_qs(query.link("acme", page=3)) == {
        "tenant": ["acme"],
        "q": ["hotel"],
        "state": ["connected"],
        "provider": ["imap"],
        "page": ["3"],
    }
    assert parse_qs(query.link("acme", open="booking"))["open"] == ["booking"]
    assert "page" not in parse_qs(OverviewQuery().link("acme", page=1))


def test_rows_are_searched_filtered_and_paged() -> None:
    rows = list(range(200))
    text = {i: f"box-{i:03d} booking@agency{i}.example".casefold() for i in rows}
    state = {i: "turned_off" if i % 10 == 0 else "connected" for i in rows}
    provider = {i: ("imap", "pop3", "gmail", "graph")[i % 4] for i in rows}
    first = select(rows, OverviewQuery(), text, state, provider)
    assert (first.rows, first.total, first.matching, first.pages) == (
        rows[:PAGE_SIZE], 200, 200, 8
    )  # fmt: skip
    assert (first.first, first.last) == (1, PAGE_SIZE)
    last = select(rows, OverviewQuery(page=99), text, state, provider)
    assert (last.page, last.rows) == (8, rows[175:])  # past the end: the last page
    assert select(rows, OverviewQuery(q="BOX-150"), text, state, provider).rows == [150]
    off = select(rows, OverviewQuery(state="turned_off"), text, state, provider)
    assert off.rows == list(range(0, 200, 10))
    both = select(rows, OverviewQuery(state="turned_off", provider="pop3"), text, state, provider)
    assert both.rows == []
    assert both.matching == 0
    assert (both.first, both.last) == (0, 0)
    gmail = select(rows, OverviewQuery(provider="gmail"), text, state, provider)
    assert gmail.matching == 50
