"""The watcher's login seam (``shared.ports.CredentialProvider``): passwords from the secret
store; OAuth providers plug in through ``CompositeCredentialProvider``."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from shared.domain.models import AuthMethod, Mailbox
from shared.errors import AuthError, MailIngestError, NotFound
from shared.observability import register_secret
from shared.ports import CredentialProvider, LoginCredentials, SecretStore
from shared.secret_names import PasswordSecret, RefreshTokenSecret, owned_password

logger = logging.getLogger(__name__)


def forget_secret(secrets: SecretStore, name: PasswordSecret | RefreshTokenSecret | None) -> None:
    """Delete a password or refresh token nobody reads any more. Best effort: nothing points
    at it now, so a failure is logged, not raised."""
    if not name:
        return
    try:
        secrets.delete_secret(name)
    except MailIngestError as exc:
        logger.warning("old secret not deleted", extra={"error": str(exc)[:200]})


class PasswordCredentialProvider:
    def __init__(self, secrets: SecretStore) -> None:
        self._secrets = secrets

    def credentials_for(self, mailbox: Mailbox) -> LoginCredentials:
        if not mailbox.secret_ref:
            raise AuthError(f"mailbox {mailbox.key} has no stored password")
        name = owned_password(mailbox.tenant_id, mailbox.id, mailbox.secret_ref)
        try:
            password = self._secrets.get_secret(name)
        except NotFound:
            raise AuthError(f"the password secret of {mailbox.key} is missing") from None
        register_secret(password)
        return LoginCredentials(mailbox.login, password, "password")

    def invalidate(self, mailbox: Mailbox) -> None:
        """Nothing cached: the next connect reads the latest secret version."""


class CompositeCredentialProvider:
    """Routes by ``mailbox.auth_method``."""

    def __init__(self, providers: Mapping[AuthMethod, CredentialProvider]) -> None:
        self._providers = dict(providers)

    def _for(self, mailbox: Mailbox) -> CredentialProvider:
        try:
            return self._providers[mailbox.auth_method]
        except KeyError:
            raise AuthError(
                f"no credential provider for {mailbox.auth_method} ({mailbox.key})"
            ) from None

    def credentials_for(self, mailbox: Mailbox) -> LoginCredentials:
        return self._for(mailbox).credentials_for(mailbox)

    def invalidate(self, mailbox: Mailbox) -> None:
        self._for(mailbox).invalidate(mailbox)
