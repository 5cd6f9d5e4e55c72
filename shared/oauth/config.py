"""OAuth settings, read from the environment by ``OAuthSettings.from_env``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from shared.errors import ConfigError

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an endpoint, not a secret
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com/organizations"


@dataclass(frozen=True)
class OAuthSettings:
    redirect_uri: str
    settings_url: str
    google_client_id: str | None = None
    google_client_secret: str | None = field(default=None, repr=False)
    google_auth_uri: str = GOOGLE_AUTH_URI
    google_token_uri: str = GOOGLE_TOKEN_URI
    microsoft_client_id: str | None = None
    microsoft_client_secret: str | None = field(default=None, repr=False)
    microsoft_authority: str = MICROSOFT_AUTHORITY
    state_key: str = field(default="", repr=False)  # Fernet key sealing the state parameter
    state_ttl_s: int = 600
    tls_ca_file: str | None = None  # extra CA for the identity endpoints (tests only)
    probe_every_s: int = 6 * 3600  # refresh_tokens probes each grant this often
    probe_run_interval_s: int = 600  # the scheduler's cadence for refresh_tokens

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OAuthSettings:
        e = dict(os.environ if env is None else env)
        problems = [
            f"{name}: required"
            for name in (
                "MAILINGEST_OAUTH_REDIRECT_URI",
                "MAILINGEST_SETTINGS_URL",
                "MAILINGEST_OAUTH_STATE_KEY",
            )
            if not e.get(name)
        ]
        every = _seconds(e, "MAILINGEST_OAUTH_PROBE_EVERY_S", 6 * 3600, problems)
        run = _seconds(e, "MAILINGEST_OAUTH_PROBE_RUN_S", 600, problems)
        if problems:
            raise ConfigError(problems)
        return cls(
            redirect_uri=e["MAILINGEST_OAUTH_REDIRECT_URI"],
            settings_url=e["MAILINGEST_SETTINGS_URL"],
            google_client_id=e.get("MAILINGEST_GOOGLE_CLIENT_ID") or None,
            google_client_secret=e.get("MAILINGEST_GOOGLE_CLIENT_SECRET") or None,
            google_auth_uri=e.get("MAILINGEST_GOOGLE_AUTH_URI") or GOOGLE_AUTH_URI,
            google_token_uri=e.get("MAILINGEST_GOOGLE_TOKEN_URI") or GOOGLE_TOKEN_URI,
            microsoft_client_id=e.get("MAILINGEST_MICROSOFT_CLIENT_ID") or None,
            microsoft_client_secret=e.get("MAILINGEST_MICROSOFT_CLIENT_SECRET") or None,
            microsoft_authority=e.get("MAILINGEST_MICROSOFT_AUTHORITY") or MICROSOFT_AUTHORITY,
            state_key=e["MAILINGEST_OAUTH_STATE_KEY"],
            tls_ca_file=e.get("MAILINGEST_OAUTH_CA_FILE") or None,
            probe_every_s=every,
            probe_run_interval_s=run,
        )


def _seconds(env: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 60 <= int(raw) <= 30 * 86400:
        problems.append(f"{name}: seconds between 60 and 2592000, not {raw!r}")
        return default
    return int(raw)
