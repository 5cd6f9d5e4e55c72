"""IMAP and POP3 servers behind the ``MailSource`` port: TLS / STARTTLS / plain (loopback
only), one login seam for passwords, XOAUTH2 and OAUTHBEARER, a timeout on every socket
operation, and every vendor error mapped to ours in ``errors.py`` (wrong credentials →
AuthError; anything transient → ServiceUnavailable)."""

from shared.adapters.imap.connect import ConnectOptions, connect_imap, connect_pop3
from shared.adapters.imap.imap_source import ImapMailSource
from shared.adapters.imap.pop3_source import Pop3MailSource
from shared.adapters.imap.sources import ServerMailSources

__all__ = [
    "ConnectOptions",
    "ImapMailSource",
    "Pop3MailSource",
    "ServerMailSources",
    "connect_imap",
    "connect_pop3",
]
