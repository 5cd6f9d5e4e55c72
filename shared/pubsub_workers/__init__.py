"""Boundaries for Pub/Sub-triggered functions (Eventarc delivers a message as a CloudEvent):
read the message, call a use case, and decide between acknowledging (return) and
redelivery (raise a retryable error)."""
