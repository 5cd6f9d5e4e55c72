"""The admin's identity is IAP's signed assertion, verified with google-auth against a local
key endpoint standing in for Google's; the unsigned e-mail header is never trusted."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from shared.errors import ConfigError
from shared.web.identity import AdminIdentity
from tests.fakes.iap import IapStandIn

EMAIL = "ops@acme.example"


def test_a_signed_assertion_gives_the_admin(iap: IapStandIn) -> None:
    identity = AdminIdentity.from_env()
    assert identity.of(iap.headers("Ops@Acme.example")) == EMAIL


@pytest.mark.parametrize(
    "forge",
    [
        lambda iap: iap.headers(EMAIL, key=ec.generate_private_key(ec.SECP256R1())),
        lambda iap: iap.headers(EMAIL, aud="/projects/1/global/backendServices/other"),
        lambda iap: iap.headers(EMAIL, iss="https://accounts.google.com"),
        lambda iap: iap.headers(EMAIL, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
        lambda iap: {"X-Goog-IAP-JWT-Assertion": "not.a.jwt"},
        lambda iap: {"X-Goog-Authenticated-User-Email": f"accounts.google.com:{EMAIL}"},
        lambda iap: {},
    ],
    ids=["other-key", "other-audience", "other-issuer", "expired", "garbage", "unsigned", "none"],
)
def test_anything_but_a_valid_assertion_is_nobody(iap: IapStandIn, forge: object) -> None:
    identity = AdminIdentity.from_env()
    assert identity.of(forge(iap)) is None  # type: ignore[operator]


def test_the_dev_admin_works_only_with_local_backends() -> None:
    local = {
        "MAILINGEST_SETTINGS_DEV_ADMIN": "Dev@Agency.example",
        "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080",
        "MAILINGEST_SECRETS_BACKEND": "file",
    }
    assert AdminIdentity.from_env(local).of({}) == "dev@agency.example"
    cloud = {"MAILINGEST_SETTINGS_DEV_ADMIN": "dev@agency.example", "MAILINGEST_IAP_AUDIENCE": "x"}
    with pytest.raises(ConfigError, match="MAILINGEST_SETTINGS_DEV_ADMIN"):
        AdminIdentity.from_env(cloud)
    half = {**local, "MAILINGEST_SECRETS_BACKEND": "secretmanager"}
    with pytest.raises(ConfigError, match="MAILINGEST_SETTINGS_DEV_ADMIN"):
        AdminIdentity.from_env(half)


def test_without_an_audience_the_page_does_not_start() -> None:
    with pytest.raises(ConfigError, match="MAILINGEST_IAP_AUDIENCE"):
        AdminIdentity.from_env({})
