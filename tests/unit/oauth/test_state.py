from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet

from mailingest_dev.clock import FakeClock
from shared.adapters.memory_state import InMemoryStateStore
from shared.errors import ValidationError
from shared.oauth.state import FlowState, StateSealer, pkce_pair

FLOW = FlowState("acme", "booking", "admin@acme.example", "google", "imap", "v" * 50, "n1")


def sealer(clock: FakeClock) -> StateSealer:
    return StateSealer(Fernet.generate_key().decode(), 600, clock, InMemoryStateStore(clock))


def test_pkce_pair_is_s256() -> None:
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128  # RFC 7636 §4.1
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert challenge == expected.decode()


def test_state_round_trips_once_and_hides_the_verifier() -> None:
    clock = FakeClock()
    s = sealer(clock)
    token = s.seal(FLOW)
    assert FLOW.code_verifier not in token
    assert s.open(token) == FLOW
    with pytest.raises(ValidationError, match="already used"):
        s.open(token)


def test_expired_state_is_refused() -> None:
    clock = FakeClock()
    s = sealer(clock)
    token = s.seal(FLOW)
    clock.advance(timedelta(minutes=11))
    with pytest.raises(ValidationError, match="expired"):
        s.open(token)


def test_state_sealed_with_another_key_is_refused() -> None:
    clock = FakeClock()
    with pytest.raises(ValidationError):
        sealer(clock).open(sealer(clock).seal(FLOW))
