"""The Firestore adapter: ``FirestoreStateStore`` (composed of per-concept parts in this
package) and its error boundary (``errors.mapped``)."""

from shared.adapters.firestore.store import FirestoreStateStore

__all__ = ["FirestoreStateStore"]
