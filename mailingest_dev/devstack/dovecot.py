"""A private Dovecot (IMAP, IMAPS, POP3, POP3S on loopback) with its own config, users,
certificate and maildirs under one directory (recipe: handbook/local-services.md).

Dovecot runs in the foreground (``dovecot -F``) as our child in its own process group, so
stopping it is a ``killpg`` of a pid we know rather than trusting a pid file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from mailingest_dev.devstack.dovecot_config import (
    MAIL_UID,
    render_config,
    render_oauth2_ext,
    write_self_signed,
)
from mailingest_dev.devstack.process import (
    DevstackError,
    ManagedProcess,
    ensure_ports_free,
    free_port,
    wait_until,
)

__all__ = ["Dovecot", "start_dovecot", "write_self_signed"]

logger = logging.getLogger(__name__)

# doveadm kick's exit code when there was no session to kick ("no users kicked")
_NOTHING_KICKED = 68


def _imap_greets(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
        return s.recv(64).startswith(b"* OK")


def _missing() -> DevstackError:
    return DevstackError(
        "Dovecot not found: run `make install-system` (apt-get install dovecot-imapd dovecot-pop3d)"
    )


class Dovecot:
    """One Dovecot instance; ``start()`` / ``stop()`` / ``restart()`` keep ports and mail."""

    host = "127.0.0.1"

    def __init__(
        self,
        base_dir: Path,
        *,
        oauth2_introspection_url: str | None = None,
        max_connections: int | None = None,
    ) -> None:
        if shutil.which("dovecot") is None:
            raise _missing()
        self.dir = base_dir.resolve()
        # What Dovecot's unprivileged processes (auth as "dovecot", mail as uid 65534) must
        # reach lives in a short private directory straight under /tmp, not under base_dir:
        # every parent must stay traversable by others (pytest resets its temp root to 0700
        # whenever a pytest session starts, and logins then fail with "Temporary
        # authentication failure"), and a unix socket path may not exceed 108 bytes.
        self.data_dir = Path(tempfile.mkdtemp(prefix="mi-dovecot-", dir="/tmp"))
        self.ports = {name: free_port() for name in ("imap", "imaps", "pop3", "pop3s")}
        self._oauth2_url = oauth2_introspection_url
        self._max_connections = max_connections
        self._process: ManagedProcess | None = None
        try:
            self._prepare()
        except BaseException:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            raise

    # connection facts for clients
    @property
    def imap_port(self) -> int:
        return self.ports["imap"]

    @property
    def imaps_port(self) -> int:
        return self.ports["imaps"]

    @property
    def pop3_port(self) -> int:
        return self.ports["pop3"]

    @property
    def pop3s_port(self) -> int:
        return self.ports["pop3s"]

    @property
    def ca_cert(self) -> Path:
        """The self-signed certificate TLS clients must trust (it is its own CA)."""
        return self.dir / "ssl" / "server.pem"

    @property
    def conf_path(self) -> Path:
        return self.dir / "dovecot.conf"

    @property
    def log_path(self) -> Path:
        return self.dir / "dovecot.log"

    @property
    def pid(self) -> int | None:
        """The master's pid (also its process group id) while running."""
        return self._process.pid if self._process else None

    def _prepare(self) -> None:
        d, data = self.dir, self.data_dir
        (d / "ssl").mkdir(parents=True, exist_ok=True)
        for sub in ("run", "state", "mail", "users"):
            (data / sub).mkdir(mode=0o755, exist_ok=True)
        # mkdtemp makes 0700: Dovecot's auth user must reach the passwd-files
        data.chmod(0o755)
        os.chown(data / "mail", MAIL_UID, MAIL_UID)
        write_self_signed(d / "ssl" / "server.pem", d / "ssl" / "server.key")
        if self._oauth2_url:
            (data / "dovecot-oauth2.conf.ext").write_text(render_oauth2_ext(self._oauth2_url))
        self.conf_path.write_text(
            render_config(
                d,
                data,
                self.ports,
                oauth2=self._oauth2_url is not None,
                max_connections=self._max_connections,
            )
        )

    def start(self, timeout_s: float = 30) -> None:
        if self._process is not None:
            raise DevstackError("Dovecot is already running")
        if shutil.which("dovecot") is None:
            raise _missing()
        if not self.data_dir.is_dir():
            raise DevstackError("this Dovecot was stopped for good; start a new one")
        # a restart may find the old listeners still closing: give them a moment
        ensure_ports_free(list(self.ports.values()), "Dovecot", wait_s=5)
        self._process = ManagedProcess(
            "dovecot",
            ["dovecot", "-F", "-c", str(self.conf_path)],
            self.dir / "dovecot.stdout.log",
            dict(os.environ),
        )
        try:
            wait_until(lambda: _imap_greets(self.imap_port), timeout_s, "Dovecot", self._process)
        except BaseException:
            self._stop_process()  # keep the mail: this may be a restart
            raise
        logger.info("dovecot ready", extra={"service": "dovecot", "port": self.imap_port})

    def _stop_process(self) -> None:
        if self._process is not None:
            self._process.stop()
            self._process = None

    def stop(self) -> None:
        """Stop every Dovecot process and delete its users and mail (``restart`` keeps them)."""
        self._stop_process()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    close = stop  # older name, kept for callers that used it

    def restart(self) -> None:
        """Stop and start again on the same ports, keeping users and mail."""
        self._stop_process()
        self.start()

    def add_user(self, username: str, password: str) -> None:
        """A passwd-file user with an empty maildir; takes effect at once, also while running."""
        if any(c in username + password for c in ":\n\r"):
            raise ValueError("username and password may not contain ':' or newlines")
        if not username or "/" in username or username.startswith("."):
            raise ValueError("username may not be empty, contain '/' or start with '.'")
        path = self.data_dir / "users" / username
        path.write_text(f"{username}:{{PLAIN}}{password}\n")
        path.chmod(0o644)
        home = self.data_dir / "mail" / username
        for sub in ("cur", "new", "tmp"):
            (home / "Maildir" / sub).mkdir(parents=True, exist_ok=True)
        for p in (home, home / "Maildir", *(home / "Maildir").iterdir()):
            os.chown(p, MAIL_UID, MAIL_UID)

    def maildir(self, username: str) -> Path:
        return self.data_dir / "mail" / username / "Maildir"

    def fill_maildir(self, username: str, messages: Iterable[bytes]) -> int:
        """Put ``messages`` straight into the user's maildir as seen mail (``cur/``, flag S),
        as a mailbox that keeps everything on the server holds it: tens of thousands in
        seconds, where APPEND takes minutes. Dovecot indexes them at the next login."""
        cur = self.maildir(username) / "cur"
        stamp = int(time.time())
        count = 0
        for count, raw in enumerate(messages, start=1):
            path = cur / f"{stamp}.M{count}P{os.getpid()}.filled,S={len(raw)}:2,S"
            path.write_bytes(raw)
            os.chown(path, MAIL_UID, MAIL_UID)
        return count

    def doveadm(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``doveadm`` against this instance (its config, its sockets)."""
        try:
            return subprocess.run(
                ["doveadm", "-c", str(self.conf_path), *args],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        except FileNotFoundError:
            raise _missing() from None

    def kill_sessions(self, username: str) -> None:
        """Disconnect every session of ``username``, as a server-side drop would.

        ``doveadm kick`` finds the sessions through anvil and ends their processes; a client
        gets ``* BYE Server shutting down.`` and then the connection closes.
        """
        result = self.doveadm("kick", username)
        if result.returncode not in (0, _NOTHING_KICKED):
            raise DevstackError(f"doveadm kick failed: {result.stderr.strip()}")


def start_dovecot(
    base_dir: Path,
    *,
    oauth2_introspection_url: str | None = None,
    max_connections: int | None = None,
) -> Dovecot:
    """A running Dovecot with its data in ``base_dir`` (created if missing)."""
    dovecot = Dovecot(
        base_dir,
        oauth2_introspection_url=oauth2_introspection_url,
        max_connections=max_connections,
    )
    try:
        dovecot.start()
    except BaseException:
        with contextlib.suppress(Exception):
            dovecot.stop()
        raise
    return dovecot
