"""Gmail API adapter (``shared.ports.GmailApi``)."""

from shared.adapters.gmail.api import GoogleGmailApi, map_http_error

__all__ = ["GoogleGmailApi", "map_http_error"]
