"""IMAP and POP3 connections: TLS / STARTTLS / plain (loopback only), one login seam for
passwords, XOAUTH2 and OAUTHBEARER, a timeout on every socket operation, and server errors
mapped to ours (wrong credentials → AuthError; anything transient → ServiceUnavailable)."""

from shared.adapters.imap.connect import ConnectOptions, connect_imap, connect_pop3

__all__ = ["ConnectOptions", "connect_imap", "connect_pop3"]
