"""OAuth 2.0 for Google and Microsoft mailboxes: the connect flow (PKCE, sealed state), the
token service (cached access tokens, shared refreshes, rotation, revoked grants), the
credential provider the watcher logs in with (XOAUTH2 / OAUTHBEARER) and the scheduled probe
of idle grants."""
