"""OAuth 2.0 for Google and Microsoft mailboxes: the connect flow (PKCE, sealed state), the
token service (cached access tokens, shared refreshes, rotation, revoked grants) and the
credential provider the watcher logs in with (XOAUTH2)."""
