"""The local services really run and are stopped: the ground every integration test stands on."""

from __future__ import annotations

import http.server
import imaplib
import json
import os
import poplib
import ssl
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from shared.devstack import start_dovecot, start_pubsub
from shared.devstack.process import port_is_free

pytestmark = pytest.mark.integration


def _user(dovecot: Any) -> tuple[str, str]:
    name, password = f"u{uuid.uuid4().hex[:10]}@test.example", uuid.uuid4().hex
    dovecot.add_user(name, password)
    return name, password


def test_firestore_emulator_reads_back_what_was_written(firestore_client: Any) -> None:
    firestore_client.collection("probe").document("a").set({"n": 1})
    assert firestore_client.collection("probe").document("a").get().to_dict() == {"n": 1}


def test_pubsub_emulator_delivers_a_published_message(pubsub_emulator: str) -> None:
    from google.cloud import pubsub_v1

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
        secret={"replication": {"automatic": {}}},
    )
    client.add_secret_version(parent=f"projects/demo-test/secrets/{name}", payload={"data": b"v1"})
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


def test_dovecot_kill_sessions_drops_a_logged_in_client(dovecot: Any) -> None:
    user, password = _user(dovecot)
    client = imaplib.IMAP4(dovecot.host, dovecot.imap_port, timeout=10)
    try:
        client.login(user, password)
        client.select("INBOX")
        dovecot.kill_sessions(user)
        # the server says BYE and closes: the next command sees the connection gone
        with pytest.raises((imaplib.IMAP4.abort, OSError)):
            client.noop()
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
