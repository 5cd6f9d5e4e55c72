"""Gmail API adapter (``shared.ports.GmailApi``)."""

from shared.adapters.gmail.api import GoogleGmailApi, TokenGmailApis, map_http_error

__all__ = ["GoogleGmailApi", "TokenGmailApis", "map_http_error"]
