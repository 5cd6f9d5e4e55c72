"""The Firestore adapter: ``FirestoreStateStore`` and its error boundary."""

from shared.adapters.firestore.store import FirestoreStateStore

__all__ = ["FirestoreStateStore"]
