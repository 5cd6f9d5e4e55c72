"""``MailSources`` for IMAP and POP3 servers: connect, log in, wrap the session."""

from __future__ import annotations

from shared.adapters.imap.connect import ConnectOptions, connect_imap, connect_pop3
from shared.adapters.imap.imap_source import ImapMailSource
from shared.adapters.imap.pop3_source import Pop3MailSource
from shared.domain.models import Mailbox, Provider
from shared.ports import LoginCredentials, MailSource


class ServerMailSources:
    def __init__(self, options: ConnectOptions) -> None:
        self._options = options
        self._max_bytes = options.max_message_bytes

    def open(self, mailbox: Mailbox, credentials: LoginCredentials) -> MailSource:
        if mailbox.provider is Provider.POP3:
            conn = connect_pop3(mailbox, credentials, self._options)
            return Pop3MailSource(conn, mailbox, self._max_bytes)
        client = connect_imap(mailbox, credentials, self._options)
        return ImapMailSource(client, mailbox, self._max_bytes)
