"""Real local services on loopback for tests and ``make run``: the Firestore and Pub/Sub
emulators, a Secret Manager stand-in (drongo) and Dovecot (IMAP, POP3, IDLE, XOAUTH2).

Ports are picked free at start so two runs never collide; each service runs in its own
process group and ``stop()`` kills exactly that group (recipes: handbook/local-services.md).
"""

from mailingest_dev.devstack.dovecot import Dovecot, start_dovecot
from mailingest_dev.devstack.emulators import (
    FirestoreEmulator,
    PubSubEmulator,
    SecretManagerStandIn,
    start_firestore,
    start_pubsub,
    start_secretmanager,
)
from mailingest_dev.devstack.process import DevstackError
from mailingest_dev.devstack.stack import SERVICES, LocalServices, local_services

__all__ = [
    "SERVICES",
    "DevstackError",
    "Dovecot",
    "FirestoreEmulator",
    "LocalServices",
    "PubSubEmulator",
    "SecretManagerStandIn",
    "local_services",
    "start_dovecot",
    "start_firestore",
    "start_pubsub",
    "start_secretmanager",
]
