"""Starting and stopping a mailbox's provider push when an admin enables or disables it:
Gmail's ``users.watch`` / ``users.stop``, a Graph subscription created / deleted. IMAP and
POP3 mailboxes have none (the watcher notices the change by itself). Nothing here publishes
an event: a Graph mailbox's first delta round is its first notification's, or the safety
net's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property

from shared.domain.models import Mailbox, Provider
from shared.service.gmail_sync import GmailSync
from shared.service.graph_sync import GraphSync

logger = logging.getLogger(__name__)


class ProviderPush:
    """Built lazily: the OAuth token service behind the syncs is wired only when needed."""

    def __init__(self, gmail: Callable[[], GmailSync], graph: Callable[[], GraphSync]) -> None:
        self._make_gmail = gmail
        self._make_graph = graph

    @cached_property
    def _gmail(self) -> GmailSync:
        return self._make_gmail()

    @cached_property
    def _graph(self) -> GraphSync:
        return self._make_graph()

    def start(self, mailbox: Mailbox) -> None:
        if mailbox.provider is Provider.GMAIL:
            self._gmail.start_watch(mailbox)
        elif mailbox.provider is Provider.GRAPH:
            self._graph.subscribe(mailbox)  # its first round: the next doorbell's

    def stop(self, mailbox: Mailbox) -> None:
        if mailbox.provider is Provider.GMAIL:
            self._gmail.stop_watch(mailbox)
        elif mailbox.provider is Provider.GRAPH:
            self._graph.disconnect(mailbox)
