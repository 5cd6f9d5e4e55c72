"""Adapters: the real and in-memory implementations of shared.ports."""
