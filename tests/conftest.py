"""Shared fixtures: the real local services, per-test isolation of the environment, and a
clean Firestore / Pub/Sub per test.

Services start once per session, only when a test asks for one (unit tests start nothing);
on that first need every service the collected tests will ask for starts in parallel. A
service that cannot start **fails** each test that needs it with the reason — never a skip:
CI must fail when Dovecot or an emulator is missing.

    local_services (session)       all four services; its env() is applied to each test
                                   that takes it as an argument
    firestore_client               a firestore.Client on the emulator, database emptied
    pubsub_emulator                "host:port", topics and subscriptions wiped,
                                   PUBSUB_EMULATOR_HOST set
    secretmanager_endpoint         drongo's URL, MAILINGEST_SECRETMANAGER_ENDPOINT set
    dovecot (session)              mailingest_dev.devstack.Dovecot; use a unique user per test
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from mailingest_dev.devstack import SERVICES, DevstackError, Dovecot, LocalServices
from mailingest_dev.devstack.process import sigterm_raises_keyboard_interrupt
from tests.fakes.iap import IapStandIn, iap_stand_in

if TYPE_CHECKING:
    from google.cloud import firestore

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"

# which services each fixture needs (to start them together on the first need)
_NEEDS: dict[str, tuple[str, ...]] = {
    "local_services": SERVICES,
    "firestore_client": ("firestore",),
    "pubsub_emulator": ("pubsub",),
    "secretmanager_endpoint": ("secretmanager",),
    "dovecot": ("dovecot",),
}
# tests are marked by their folder: everything outside tests/unit talks to a real local
# service (or a browser) and is `integration`; tests/unit may not ask for a service
SERVICE_FOLDERS = ("integration", "contract", "browser", "e2e")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).resolve().parent
    misplaced = []
    for item in items:
        try:
            folder = Path(str(item.path)).resolve().relative_to(root).parts[0]
        except ValueError:  # a test outside tests/ (an inner pytest run of a test)
            continue
        if folder in SERVICE_FOLDERS:
            item.add_marker(pytest.mark.integration)
        elif folder == "unit" and set(getattr(item, "fixturenames", ())) & set(_NEEDS):
            misplaced.append(item.nodeid)
    if misplaced:
        raise pytest.UsageError(
            "unit tests start no service; move these to tests/integration: " + ", ".join(misplaced)
        )


# the local mail servers listen on loopback: allowed here, refused in production
# (shared/host_policy.py; tests of the production rule pass allow_private_hosts=False)
_BASE_ENV = {
    "GOOGLE_CLOUD_PROJECT": "demo-test",
    "NO_GCE_CHECK": "true",
    "MAILINGEST_ALLOW_PRIVATE_HOSTS": "true",
}


@pytest.fixture(autouse=True)
def _isolated_environ(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test sees its own os.environ, restored afterwards."""
    saved = dict(os.environ)
    os.environ.update(_BASE_ENV)
    os.environ["CLOUDSDK_CORE_CHECK_GCE_METADATA"] = "false"
    if "local_services" in request.fixturenames:
        # session-scoped fixtures are set up before this one: the services are running
        services: LocalServices = request.getfixturevalue("local_services")
        os.environ.update(services.env())
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _Pool:
    """The session's services, started on the first need and remembered if they failed."""

    def __init__(self, services: LocalServices, session_wants: set[str]) -> None:
        self.services = services
        self._session_wants = session_wants

    def need(self, names: Iterable[str]) -> LocalServices:
        names = tuple(names)
        # start what the rest of the session will need too, without waiting for it
        self.services.start(*sorted(self._session_wants | set(names)))
        try:
            self.services.ensure(*names)
        except DevstackError as exc:
            reason = str(exc)
        else:
            return self.services
        pytest.fail(f"local services could not start: {reason}", pytrace=False)

    def env_for(self, *keys: str) -> None:
        env = self.services.env()
        os.environ.update({k: env[k] for k in keys})
        os.environ.update(_BASE_ENV)
        os.environ["CLOUDSDK_CONFIG"] = env["CLOUDSDK_CONFIG"]


@pytest.fixture(scope="session")
def _service_pool(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[_Pool]:
    wants = {
        service
        for item in request.session.items
        for name in getattr(item, "fixturenames", ())
        for service in _NEEDS.get(name, ())
    }
    services = LocalServices(tmp_path_factory.mktemp("services"))
    # SIGTERM to pytest unwinds like Ctrl-C, so the finally below stops every service
    with sigterm_raises_keyboard_interrupt():
        try:
            yield _Pool(services, wants)
        finally:
            services.stop()


@pytest.fixture(scope="session")
def local_services(_service_pool: _Pool) -> LocalServices:
    """All four services; a test taking this argument also gets their environment."""
    return _service_pool.need(SERVICES)


@pytest.fixture(scope="session")
def dovecot(_service_pool: _Pool) -> Dovecot:
    services = _service_pool.need(["dovecot"])
    assert services.dovecot is not None
    return services.dovecot


@pytest.fixture
def firestore_client(_service_pool: _Pool) -> firestore.Client:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import firestore

    services = _service_pool.need(["firestore"])
    assert services.firestore is not None
    services.firestore.reset(services.project_id)
    _service_pool.env_for("FIRESTORE_EMULATOR_HOST")
    credentials = AnonymousCredentials()
    return firestore.Client(project=services.project_id, credentials=credentials)


@pytest.fixture
def pubsub_emulator(_service_pool: _Pool) -> str:
    services = _service_pool.need(["pubsub"])
    assert services.pubsub is not None
    services.pubsub.reset()
    _service_pool.env_for("PUBSUB_EMULATOR_HOST")
    return services.pubsub.host


@pytest.fixture
def secretmanager_endpoint(_service_pool: _Pool) -> str:
    services = _service_pool.need(["secretmanager"])
    assert services.secretmanager is not None
    _service_pool.env_for("MAILINGEST_SECRETMANAGER_ENDPOINT")
    return services.secretmanager.endpoint


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS_DIR


@pytest.fixture(scope="session")
def _iap_server() -> Iterator[IapStandIn]:
    with iap_stand_in() as iap:
        yield iap


@pytest.fixture
def iap(_iap_server: IapStandIn) -> IapStandIn:
    """Identity-Aware Proxy's signing on loopback; its audience and key URL in the environment."""
    os.environ.update(_iap_server.env())
    return _iap_server
