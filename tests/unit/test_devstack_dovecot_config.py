"""The generated Dovecot configuration, checked by Dovecot's own parser (``doveconf``), and
the instance's files; nothing is started."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509

from mailingest_dev.devstack import DevstackError, Dovecot
from mailingest_dev.devstack.dovecot_config import MAIL_UID

MakeDovecot = Callable[..., Dovecot]


@pytest.fixture
def make_dovecot(tmp_path: Path) -> Iterator[MakeDovecot]:
    made: list[Dovecot] = []

    def make(**kw: object) -> Dovecot:
        d = Dovecot(tmp_path / f"dv{len(made)}", **kw)  # type: ignore[arg-type]
        made.append(d)
        return d

    yield make
    for d in made:
        d.stop()


def doveconf(d: Dovecot, *args: str) -> str:
    assert shutil.which("doveconf"), "doveconf missing: run `make install-system`"
    result = subprocess.run(
        ["doveconf", "-c", str(d.conf_path), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    return result.stdout


def setting(d: Dovecot, name: str) -> str:
    return doveconf(d, "-h", name).strip()


def test_four_listeners_on_loopback_with_distinct_free_ports(make_dovecot: MakeDovecot) -> None:
    d = make_dovecot()
    ports = [d.imap_port, d.imaps_port, d.pop3_port, d.pop3s_port]
    assert len(set(ports)) == 4
    imap_login = doveconf(d, "service/imap-login")
    pop3_login = doveconf(d, "service/pop3-login")
    for port in (d.imap_port, d.imaps_port):
        assert f"port = {port}" in imap_login
    for port in (d.pop3_port, d.pop3s_port):
        assert f"port = {port}" in pop3_login
    assert "0.0.0.0" not in imap_login + pop3_login
    assert setting(d, "listen") == "127.0.0.1"


def test_settings_that_tests_rely_on(make_dovecot: MakeDovecot) -> None:
    d = make_dovecot()
    assert setting(d, "auth_failure_delay") == "0"
    assert doveconf(d, "-f", "protocol=pop3", "-h", "pop3_uidl_format").strip() == "%08Xu%08Xv"
    assert setting(d, "auth_mechanisms") == "plain login"
    assert setting(d, "instance_name") == f"mailingest-{d.imap_port}"
    # sockets in a short directory: unix socket paths are limited to 108 bytes
    assert len(setting(d, "base_dir")) < 60
    # default limits unless a benchmark asks for more
    assert setting(d, "mail_max_userip_connections") == "10"


def test_oauth2_variant_adds_the_mechanisms_and_the_introspection_passdb(
    make_dovecot: MakeDovecot,
) -> None:
    d = make_dovecot(oauth2_introspection_url="http://127.0.0.1:9/introspect")
    assert setting(d, "auth_mechanisms") == "plain login xoauth2 oauthbearer"
    config = doveconf(d, "-n")
    assert "driver = oauth2" in config
    ext = (d.data_dir / "dovecot-oauth2.conf.ext").read_text()
    assert "introspection_url = http://127.0.0.1:9/introspect" in ext
    assert "introspection_mode = auth" in ext


def test_max_connections_raises_the_limits(make_dovecot: MakeDovecot) -> None:
    d = make_dovecot(max_connections=5000)
    assert setting(d, "mail_max_userip_connections") == "5000"
    assert int(setting(d, "default_client_limit")) >= 5000
    assert setting(d, "imap_hibernate_timeout") == "0"  # never hibernated (see the config)
    assert "process_limit = 5100" in doveconf(d, "service/imap")
    login = doveconf(d, "service/imap-login")
    assert "service_count = 0" in login


def test_certificate_names_localhost_and_loopback_and_key_is_private(
    make_dovecot: MakeDovecot,
) -> None:
    d = make_dovecot()
    cert = x509.load_pem_x509_certificate(d.ca_cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    assert (d.dir / "ssl" / "server.key").stat().st_mode & 0o077 == 0


def test_add_user_makes_a_maildir_owned_by_the_mail_user(make_dovecot: MakeDovecot) -> None:
    d = make_dovecot()
    d.add_user("alice@test.example", "pw-1")
    maildir = d.maildir("alice@test.example")
    for sub in ("cur", "new", "tmp"):
        assert (maildir / sub).stat().st_uid == MAIL_UID
    assert (d.data_dir / "users" / "alice@test.example").read_text() == (
        "alice@test.example:{PLAIN}pw-1\n"
    )
    # Dovecot's unprivileged auth and mail processes must reach it
    assert d.data_dir.stat().st_mode & 0o005 == 0o005


@pytest.mark.parametrize(
    ("user", "password"), [("a:b", "pw"), ("alice", "p:w"), ("alice", "pw\nx"), ("../x", "pw")]
)
def test_add_user_refuses_what_would_corrupt_the_passwd_file(
    make_dovecot: MakeDovecot, user: str, password: str
) -> None:
    d = make_dovecot()
    with pytest.raises(ValueError):
        d.add_user(user, password)


def test_stop_removes_the_private_data_and_start_then_refuses(make_dovecot: MakeDovecot) -> None:
    d = make_dovecot()
    d.add_user("bob", "pw")
    d.stop()
    assert not d.data_dir.exists()
    with pytest.raises(DevstackError, match="stopped"):
        d.start()


def test_missing_dovecot_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(DevstackError, match=r"Dovecot not found: run `make install-system`"):
        Dovecot(tmp_path / "dv")
