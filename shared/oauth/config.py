"""OAuth settings: defined and read from the environment in ``shared.config`` (the one
reader of the environment); re-exported here for the OAuth package."""

from __future__ import annotations

from shared.config import (
    GOOGLE_AUTH_URI,
    GOOGLE_TOKEN_URI,
    MICROSOFT_AUTHORITY,
    OAuthSettings,
)

__all__ = ["GOOGLE_AUTH_URI", "GOOGLE_TOKEN_URI", "MICROSOFT_AUTHORITY", "OAuthSettings"]
