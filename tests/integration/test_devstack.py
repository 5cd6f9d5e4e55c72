"""The local services really run and are stopped: the ground every integration test stands on."""

from __future__ import annotations

import http.server
import imaplib
import json
import os
import poplib
import signal
import ssl
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from mailingest_dev.devstack import LocalServices, local_services, start_dovecot, start_pubsub
from mailingest_dev.devstack.process import group_pids, port_is_free

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def _user(dovecot: Any) -> tuple[str, str]:
    name, password = f"u{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(name, password)
    return name, password


def test_firestore_emulator_reads_back_what_was_written(firestore_client: Any) -> None:
    firestore_client.collection("probe").document("a").set({"n": 1})
    assert firestore_client.collection("probe").document("a").get().to_dict() == {"n": 1}


def test_firestore_reset_empties_the_database(
    firestore_client: Any, local_services: LocalServices
) -> None:
    firestore_client.collection("probe").document("a").set({"n": 1})
    assert local_services.firestore is not None
    local_services.firestore.reset()
    assert not firestore_client.collection("probe").document("a").get().exists


def test_pubsub_reset_wipes_topics(pubsub_emulator: str, local_services: LocalServices) -> None:
    import google.cloud.pubsub_v1 as pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    publisher.create_topic(name=publisher.topic_path("demo-test", "doomed-topic"))
    assert local_services.pubsub is not None
    local_services.pubsub.reset()
    assert list(publisher.list_topics(project="projects/demo-test")) == []


def test_pubsub_emulator_delivers_a_published_message(pubsub_emulator: str) -> None:
    import google.cloud.pubsub_v1 as pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    subscriber = pubsub_v1.SubscriberClient()
    topic = publisher.topic_path("demo-test", "probe-topic")
    sub = subscriber.subscription_path("demo-test", "probe-sub")
    publisher.create_topic(name=topic)
    subscriber.create_subscription(name=sub, topic=topic)
    publisher.publish(topic, b"hello", k="v").result(timeout=10)
    response = subscriber.pull(subscription=sub, max_messages=1, timeout=10)
    (received,) = response.received_messages
    assert received.message.data == b"hello"
    assert received.message.attributes["k"] == "v"


def test_secret_manager_stand_in_round_trips_a_secret(secretmanager_endpoint: str) -> None:
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import secretmanager

    client = secretmanager.SecretManagerServiceClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=secretmanager_endpoint),
    )
    name = f"probe-{uuid.uuid4().hex[:8]}"
    client.create_secret(
        parent="projects/demo-test",
        secret_id=name,
        secret=secretmanager.Secret(replication={"automatic": {}}),
    )
    client.add_secret_version(
        parent=f"projects/demo-test/secrets/{name}", payload=secretmanager.SecretPayload(data=b"v1")
    )
    got = client.access_secret_version(name=f"projects/demo-test/secrets/{name}/versions/latest")
    assert got.payload.data == b"v1"


def test_dovecot_imap_append_select_and_tls(dovecot: Any) -> None:
    user, password = _user(dovecot)
    with IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10) as client:
        client.login(user, password)
        client.append("INBOX", b"Subject: probe\r\n\r\nhello\r\n")
        assert client.select_folder("INBOX")[b"EXISTS"] == 1
    context = ssl.create_default_context(cafile=str(dovecot.ca_cert))
    with IMAPClient(
        "127.0.0.1", port=dovecot.imaps_port, ssl=True, ssl_context=context, timeout=10
    ) as client:
        client.login(user, password)
        assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == 1


def test_dovecot_restart_keeps_ports_users_and_mail(dovecot: Any) -> None:
    user, password = _user(dovecot)
    with IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10) as client:
        client.login(user, password)
        client.append("INBOX", b"Subject: kept\r\n\r\nhello\r\n")
    ports, old_pid = dict(dovecot.ports), dovecot.pid
    dovecot.restart()
    assert dovecot.ports == ports
    assert dovecot.pid != old_pid
    assert group_pids(old_pid) == []
    with IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10) as client:
        client.login(user, password)
        assert client.select_folder("INBOX")[b"EXISTS"] == 1


def test_dovecot_pop3s_with_the_ca_cert(dovecot: Any) -> None:
    user, password = _user(dovecot)
    context = ssl.create_default_context(cafile=str(dovecot.ca_cert))
    pop = poplib.POP3_SSL("localhost", dovecot.pop3s_port, context=context, timeout=10)
    try:
        pop.user(user)
        pop.pass_(password)
        assert pop.stat() == (0, 0)
    finally:
        pop.quit()


def test_dovecot_refuses_a_wrong_password(dovecot: Any) -> None:
    user, _ = _user(dovecot)
    with (
        IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10) as client,
        pytest.raises(LoginError),
    ):
        client.login(user, "wrong-password")


def test_dovecot_pop3_uidl_is_stable(dovecot: Any) -> None:
    user, password = _user(dovecot)
    with IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10) as client:
        client.login(user, password)
        client.append("INBOX", b"Subject: one\r\n\r\n1\r\n")
    uidls = []
    for _ in range(2):
        pop = poplib.POP3(dovecot.host, dovecot.pop3_port, timeout=10)
        pop.user(user)
        pop.pass_(password)
        uidls.append(pop.uidl()[1])
        pop.quit()
    assert len(uidls[0]) == 1
    assert uidls[0] == uidls[1]


def _noop_until_dropped(client: imaplib.IMAP4, attempts: int) -> None:
    for _ in range(attempts):
        client.noop()
        time.sleep(0.1)


def test_dovecot_kill_sessions_drops_a_logged_in_client(dovecot: Any) -> None:
    user, password = _user(dovecot)
    client = imaplib.IMAP4(dovecot.host, dovecot.imap_port, timeout=10)
    try:
        client.login(user, password)
        client.select("INBOX")
        dovecot.kill_sessions(user)
        # the server says BYE and closes (doveadm kick signals the session and returns: on a
        # busy machine one more command may still be answered): a command soon sees it gone
        with pytest.raises((imaplib.IMAP4.abort, OSError)):
            _noop_until_dropped(client, attempts=50)
    finally:
        client.shutdown()


class _Introspection(http.server.BaseHTTPRequestHandler):
    valid: ClassVar[dict[str, str]] = {"good-token-1234": "alice@test.example"}

    def do_GET(self) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        user = self.valid.get(token)
        body = {"active": True, "username": user} if user else {"active": False}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def introspection() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Introspection)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/introspect"
    server.shutdown()
    server.server_close()


def test_dovecot_variant_with_oauth2_and_everything_stops(
    tmp_path: Path, introspection: str
) -> None:
    dovecot = start_dovecot(tmp_path / "oauth-dovecot", oauth2_introspection_url=introspection)
    try:
        with IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10) as c:
            c.oauth2_login("alice@test.example", "good-token-1234")  # XOAUTH2
            assert c.select_folder("INBOX")[b"EXISTS"] == 0
        # imapclient's oauth2_login(mech="OAUTHBEARER") sends the XOAUTH2 string; the RFC 7628
        # form (gs2 header "n,a=user,") is oauthbearer_login
        with IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10) as c:
            c.oauthbearer_login("alice@test.example", "good-token-1234")
            assert c.select_folder("INBOX")[b"EXISTS"] == 0
        with (
            IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=10) as c,
            pytest.raises(LoginError),
        ):
            c.oauth2_login("alice@test.example", "revoked-token-999")
        pid = dovecot.pid
        assert pid is not None
    finally:
        dovecot.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert port_is_free(dovecot.imap_port)


def test_an_emulator_is_stopped_with_its_whole_process_group(tmp_path: Path) -> None:
    emulator = start_pubsub(tmp_path / "pubsub")
    pgid = emulator.process.pid
    emulator.stop()
    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)
    assert port_is_free(int(emulator.host.rsplit(":", 1)[1]))


def _listening(services: LocalServices) -> list[int]:
    ports = []
    if services.secretmanager:
        ports.append(int(services.secretmanager.endpoint.rsplit(":", 1)[1]))
    if services.dovecot:
        ports.extend(services.dovecot.ports.values())
    return ports


def test_local_services_stops_everything_it_started_also_on_an_error(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def use_then_fail() -> None:
        with local_services(firestore=False, pubsub=False, base_dir=tmp_path) as svc:
            assert svc.dovecot is not None
            assert svc.dovecot.pid is not None
            assert svc.secretmanager is not None
            seen["groups"] = [svc.dovecot.pid, svc.secretmanager.process.pid]
            seen["ports"] = _listening(svc)
            seen["running"] = [bool(group_pids(g)) for g in seen["groups"]]
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        use_then_fail()
    assert seen["running"] == [True, True]
    assert [group_pids(g) for g in seen["groups"]] == [[], []]
    assert all(port_is_free(p) for p in seen["ports"])


def test_up_command_writes_the_env_file_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env_file = tmp_path / "dev.env"
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mailingest_dev.devstack",
            "up",
            "--env-file",
            str(env_file),
            "--services",
            "secretmanager,dovecot",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as owner:
        try:
            assert owner.stdout is not None
            # printed once the env file is written; EOF if startup failed (bounded by the
            # services' own readiness timeouts)
            summary = owner.stdout.readline()
            assert summary.startswith("up: ")
            env = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
            assert f"imap {env['MAILINGEST_DEV_IMAP_PORT']} " in summary
            endpoint = env["MAILINGEST_SECRETMANAGER_ENDPOINT"]
            httpx.get(endpoint, timeout=10)  # answers (any status)
            imap_port = int(env["MAILINGEST_DEV_IMAP_PORT"])
            with IMAPClient("127.0.0.1", port=imap_port, ssl=False, timeout=10) as c:
                assert c.capabilities()
            owner.send_signal(signal.SIGINT)
            assert owner.wait(timeout=60) == 0
            assert "stopped" in owner.stdout.read()
        finally:
            if owner.poll() is None:
                owner.kill()
                owner.wait(timeout=10)
    assert port_is_free(imap_port)
    assert port_is_free(int(endpoint.rsplit(":", 1)[1]))


def test_sigterm_to_an_owner_without_its_own_handler_stops_its_services(tmp_path: Path) -> None:
    script = """
        import sys, time
        from pathlib import Path
        from mailingest_dev.devstack import local_services
        with local_services(firestore=False, pubsub=False, secretmanager=False,
                            base_dir=Path(sys.argv[1])) as svc:
            print(svc.dovecot.pid, svc.dovecot.imap_port, flush=True)
            time.sleep(120)
    """
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as owner:
        try:
            assert owner.stdout is not None
            pid, port = (int(x) for x in owner.stdout.readline().split())
            assert group_pids(pid)
            owner.terminate()
            owner.wait(timeout=60)
        finally:
            if owner.poll() is None:
                owner.kill()
                owner.wait(timeout=10)
    assert group_pids(pid) == []
    assert port_is_free(port)
