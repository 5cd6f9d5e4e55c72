"""Gmail API adapter (``shared.ports.GmailApi``)."""

from shared.adapters.gmail.api import GoogleGmailApi, TokenGmailApis
from shared.adapters.gmail.errors import map_http_error

__all__ = ["GoogleGmailApi", "TokenGmailApis", "map_http_error"]
