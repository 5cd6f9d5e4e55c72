"""The push verifier: Google's certificates unreachable is a retryable outage (Pub/Sub
redelivers), not a refused token."""

from __future__ import annotations

import socket

import pytest

from shared.errors import AuthError, ServiceUnavailable
from shared.web.push_auth import PushAuthSettings, PushVerifier


def test_unreachable_certificates_are_service_unavailable_and_no_token_is_auth_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/certs"
        verifier = PushVerifier(PushAuthSettings("aud", "sa@x.iam.gserviceaccount.com", dead))
        with pytest.raises(AuthError):
            verifier.verify(None)
        with pytest.raises(ServiceUnavailable):
            verifier.verify("Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.c2ln")
