"""Adding a mailbox, step by step: choose the provider, then the way to connect it (the
recommended one first), then the fields that way needs, with the provider's known server
filled in, then Test connection and Save. The steps live in the URL (``add=<kind>``,
``method=<method>``); this module knows only the data behind them (the words are in the
templates). Providers' servers: Gmail https://support.google.com/mail/answer/7126229,
Microsoft 365 https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/pop3-and-imap4."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

KINDS = ("gmail", "microsoft", "imap", "pop3")
OAUTH = "oauth"  # sign in with the provider (Gmail API / Microsoft Graph)
SERVER = "server"  # log in to the mail server with a password or an app password
# the OAuth provider and the mailbox provider an OAuth mailbox starts as
OAUTH_OF = {"gmail": ("google", "gmail"), "microsoft": ("microsoft", "graph")}


@dataclass(frozen=True)
class Preset:
    """The server fields filled in for a kind (the admin can change each)."""

    provider: str  # imap | pop3
    host: str
    port: int
    tls: str
    auth_method: str

    def values(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "host": self.host,
            "port": str(self.port),
            "tls": self.tls,
            "auth_method": self.auth_method,
            "idle": "on",
        }


PRESETS = {
    "gmail": Preset("imap", "imap.gmail.com", 993, "tls", "app_password"),
    "microsoft": Preset("imap", "outlook.office365.com", 993, "tls", "password"),
    "imap": Preset("imap", "", 993, "tls", "password"),
    "pop3": Preset("pop3", "", 995, "tls", "password"),
}


@dataclass(frozen=True)
class Step:
    """Where the flow is: ``kind`` "" (choose the provider), ``method`` "" (choose how to
    connect: Gmail and Microsoft 365 only), else the fields of ``method``."""

    kind: str = ""
    method: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Step | None:
        """The step the query asks for; None when no mailbox is being added."""
        if "add" not in args:
            return None
        kind = args.get("add", "")
        if kind not in KINDS:
            return cls()
        method = args.get("method", "")
        if kind not in OAUTH_OF:
            method = SERVER  # IMAP and POP3: only a server login
        return cls(kind, method if method in (OAUTH, SERVER) else "")

    @property
    def preset(self) -> Preset | None:
        return PRESETS.get(self.kind)
