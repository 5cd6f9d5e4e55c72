"""MindOps Mail Ingest: every new email in a tenant's mailbox becomes one parsed, classified event.

Layout (ports and adapters):

- ``shared.domain``: pure values and logic (models, MIME parsing, classification, the event).
- ``shared.ports``: the interfaces the service layer needs (state, events, secrets, blobs, clock).
- ``shared.service``: use cases (ingest pipeline, mailbox admin, syncs) taking ports as arguments.
- ``shared.adapters``: Firestore, Pub/Sub, Secret Manager, Cloud Storage, IMAP, POP3 and local ones.
- ``shared.bootstrap``: the one composition root.
"""
