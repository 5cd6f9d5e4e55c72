"""The always-on watcher: many IMAP (IDLE) and POP3 mailboxes in one process, shared between
replicas through Firestore leases."""

from shared.service.watcher.options import WatcherOptions
from shared.service.watcher.watcher import Watcher

__all__ = ["Watcher", "WatcherOptions"]
