"""Use cases: ingest pipeline, syncs, mailbox admin. They take ports as arguments."""
