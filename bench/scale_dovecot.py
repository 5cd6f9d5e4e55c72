"""A local Dovecot that holds thousands of IDLE sessions: the kernel limits it
needs raised, and the mailboxes spread over users, PER_USER each
(../shared/handbook/local-services.md)."""

from __future__ import annotations

import resource
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

# one Dovecot user's sessions share one inotify budget and one process owner
PER_USER = 100


def users_for(mailboxes: int, prefix: str = "scale") -> list[str]:
    """The Dovecot users ``mailboxes`` mailboxes are spread over; mailbox i is user i // PER_USER."""
    return [f"{prefix}{u:03d}@agency.example" for u in range(-(-mailboxes // PER_USER))]


def raise_kernel_limits(sessions: int) -> str:
    """Dovecot pushes IDLE through inotify: one instance per session, 128 per user by
    default; tasks and open files follow the sessions. Raised where the bench runs as root
    (kernel-wide settings); said otherwise."""
    wanted = {"max_user_instances": 65536, "max_user_watches": 1048576}
    said = []
    for name, value in wanted.items():
        path = Path("/proc/sys/fs/inotify") / name
        current = int(path.read_text())
        if current < value:
            try:
                path.write_text(str(value))
                said.append(f"{name} {current} -> {value}")
            except OSError:
                said.append(f"{name} stays {current} (not root)")
    # every watcher thread is a task and every Dovecot session a process: 10,000 of each pass
    # the default pid_max (32,768) with little room
    pid_max = Path("/proc/sys/kernel/pid_max")
    if int(pid_max.read_text()) < 4 * sessions + 10_000:
        try:
            pid_max.write_text(str(4 * sessions + 10_000))
            said.append(f"pid_max -> {4 * sessions + 10_000}")
        except OSError:
            said.append("pid_max stays (not root)")
    # a socket per mailbox in this process
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = sessions + 1000
    if soft < need <= hard or (hard == resource.RLIM_INFINITY and soft < need):
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
        said.append(f"open files {soft} -> {need}")
    return "; ".join(said) or "kernel limits already high enough"


def folder_of(i: int) -> str:
    """Each mailbox of a Dovecot user watches a folder of its own: a message rings one."""
    return f"F{i % PER_USER:03d}"


def make_folders(dovecot: Any, users: list[str], password: str, mailboxes: int) -> None:
    for u, user in enumerate(users):
        with IMAPClient("127.0.0.1", port=dovecot.imap_port, ssl=False, timeout=60) as c:
            c.login(user, password)
            for i in range(u * PER_USER, min(mailboxes, (u + 1) * PER_USER)):
                c.create_folder(folder_of(i))
