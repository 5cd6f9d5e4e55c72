"""What the console shows of each mailbox, read for all of a tenant's mailboxes at once: the
mailbox list, their health in one batched read and which of them a watcher holds in another
(three round trips at 200 mailboxes as at 2). A card's extras (the push's expiry, from the
sync's cursor) are read only for the card that is open."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from urllib.parse import urlencode

from shared.domain.models import API_PROVIDERS, SERVER_PROVIDERS, Health, Mailbox, Provider
from shared.ids import MailboxId
from shared.ports import CursorStore, HealthStore, MailboxStore
from shared.service.health_view import not_started, unwatched
from shared.web import mailbox_card, mailbox_edit, mailbox_status, state_words
from shared.web.i18n import _
from shared.web.state_words import StateWords


class ViewRecords(MailboxStore, CursorStore, HealthStore, Protocol):
    def leases_held(self, names: Sequence[str]) -> set[str]: ...


@dataclass(frozen=True)
class MailboxView:
    mailbox: Mailbox
    health: Health
    stale: bool
    words: StateWords
    oauth_start: str  # the connect flow's start (the Connect buttons link to it)
    reconnect: mailbox_card.Reconnect | None = None  # the provider refused the grant
    token_expires: str = ""  # "<UTC time> (in 52 min)" for an OAuth mailbox
    push_expires: str = ""  # the Gmail watch / Graph subscription's expiry ("": no push)
    unwatched: bool = False  # an IMAP/POP3 mailbox nothing checks now

    @property
    def status(self) -> str:
        """The dot's colour class: connected | warning | error | not_started | disabled."""
        return self.words.colour

    def _connect(self, mode: str, provider: str) -> str:
        m = self.mailbox
        query = {"tenant": m.tenant_id, "mailbox": m.id, "mode": mode, "provider": provider}
        return f"{self.oauth_start}?{urlencode(query)}"

    @property
    def _server_mode(self) -> str:
        return "pop3" if self.mailbox.provider is Provider.POP3 else "imap"

    @property
    def connect_google(self) -> str:
        """Google's sign-in for this mailbox's server (IMAP or POP3)."""
        return self._connect(self._server_mode, "google")

    @property
    def connect_microsoft(self) -> str:
        return self._connect(self._server_mode, "microsoft")

    @property
    def connect_gmail_api(self) -> str:
        return self._connect("gmail", "google")

    @property
    def connect_graph(self) -> str:
        return self._connect("graph", "microsoft")

    @property
    def api_based(self) -> bool:
        """Gmail API / Microsoft 365: none of the IMAP-only controls mean anything for it."""
        return self.mailbox.provider in API_PROVIDERS

    @property
    def editable(self) -> bool:
        """The add-or-change form edits it (Gmail API / Graph: the Connect buttons)."""
        return self.mailbox.provider in mailbox_edit.EDITABLE

    @property
    def search_text(self) -> str:
        m = self.mailbox
        return f"{m.id} {m.purpose} {m.address} {m.host or ''}".casefold()


def _watched_keys(mailboxes: list[Mailbox], healths: dict[MailboxId, Health]) -> set[str]:
    """The leases that say something: of enabled IMAP/POP3 mailboxes that have reported."""
    return {
        m.key
        for m in mailboxes
        if m.enabled and m.provider in SERVER_PROVIDERS and not not_started(healths[m.id])
    }


def build(
    records: ViewRecords,
    mailboxes: list[Mailbox],
    now: datetime,
    *,
    idle_refresh_s: int,
    oauth_start_url: str,
) -> list[MailboxView]:
    """The views of ``mailboxes`` (of one tenant): two batched reads, whatever their number,
    made at the same time (the leases of every enabled IMAP / POP3 mailbox are read; only
    those of the ones that have reported count)."""
    if not mailboxes:
        return []
    tenant_id = mailboxes[0].tenant_id
    servers = [m.key for m in mailboxes if m.enabled and m.provider in SERVER_PROVIDERS]
    with ThreadPoolExecutor(max_workers=1) as pool:
        leases = pool.submit(records.leases_held, servers) if servers else None
        healths = records.get_health_many(tenant_id, [m.id for m in mailboxes], now)
        held = leases.result() if leases is not None else set()
    keys = _watched_keys(mailboxes, healths)
    return [
        _view(m, healths[m.id], held, keys, now, idle_refresh_s, oauth_start_url) for m in mailboxes
    ]


def _view(
    m: Mailbox,
    health: Health,
    held: set[str],
    looked_at: set[str],
    now: datetime,
    idle_refresh_s: int,
    oauth: str,
) -> MailboxView:
    held_here = held if m.key in looked_at else None
    is_stale = mailbox_status.stale(health, m, now, idle_refresh_s, held_here)
    nobody = unwatched(m, health, held_here)
    key = state_words.key_of(m, health, stale=is_stale, unwatched=nobody)
    token = m.oauth.access_expires_at if m.oauth else None
    return MailboxView(
        mailbox=m,
        health=health,
        stale=is_stale,
        words=state_words.words(key),
        unwatched=nobody,
        oauth_start=oauth,
        reconnect=mailbox_card.reconnect(m, health, oauth),
        token_expires=mailbox_card.expiry(token, now) if m.oauth else "",
    )


def with_push(records: CursorStore, view: MailboxView, now: datetime) -> MailboxView:
    """The view with its push's expiry (one read: the sync's cursor) for an open card."""
    m = view.mailbox
    if m.provider not in mailbox_card.PUSH_EXPIRY:
        return view
    lapses = mailbox_card.push_expires_at(m, records.get_cursor(m.tenant_id, m.id).value)
    push = mailbox_card.expiry(lapses, now) if lapses else _("not started yet")
    return replace(view, push_expires=push)
