"""The ``state`` parameter: sealed (Fernet: encrypted and authenticated), short-lived, bound
to tenant + mailbox + admin, and carrying the PKCE verifier so it never sits in a store.
Replays are refused by claiming its nonce once (RFC 6749 §10.12, RFC 7636)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken

from shared.errors import ValidationError
from shared.ports import ClaimOutcome, Clock, DedupeStore


@dataclass(frozen=True)
class FlowState:
    tenant_id: str
    mailbox_id: str
    admin: str
    provider: str  # google | microsoft
    mode: str  # gmail | imap | pop3 | graph
    code_verifier: str
    nonce: str


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) — RFC 7636 §4.1, §4.2."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


class StateSealer:
    def __init__(self, key: str, ttl_s: int, clock: Clock, claims: DedupeStore) -> None:
        self._fernet = Fernet(key.encode())
        self._ttl = ttl_s
        self._clock = clock
        self._claims = claims

    def seal(self, state: FlowState) -> str:
        payload = json.dumps(asdict(state)).encode()
        now = int(self._clock.now().timestamp())
        return self._fernet.encrypt_at_time(payload, now).decode("ascii")

    def open(self, token: str) -> FlowState:
        """Verify and consume: a bad, expired or already used state raises ValidationError."""
        now = int(self._clock.now().timestamp())
        try:
            payload = self._fernet.decrypt_at_time(token.encode("ascii"), self._ttl, now)
            state = FlowState(**json.loads(payload))
        except (InvalidToken, ValueError, TypeError, UnicodeEncodeError):
            raise ValidationError(
                "this sign-in is not valid or has expired (invalid OAuth state): "
                "start again from the settings page"
            ) from None
        outcome = self._claims.claim(
            f"oauth-state.{state.nonce}",
            "oauth",
            ttl=timedelta(seconds=self._ttl * 2),
            in_flight_timeout=timedelta(days=1),
        )
        if outcome is not ClaimOutcome.CLAIMED:
            raise ValidationError(
                "this sign-in was already used (OAuth state already used): "
                "start again from the settings page"
            )
        self._claims.complete_claim(f"oauth-state.{state.nonce}", "oauth")
        return state
