"""Tenant and mailbox administration: the use cases behind the CLI and the settings page.

Passwords go to the secret store; the mailbox document keeps only the secret's name.
Every change is audited (without secret values).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any, Protocol

from shared.domain.models import (
    API_PROVIDERS,
    SERVER_PROVIDERS,
    AuthMethod,
    Mailbox,
    Provider,
    Tenant,
)
from shared.errors import MailIngestError, NotFound, ValidationError
from shared.host_policy import Resolver, check_host_for_save, system_resolver
from shared.ids import MailboxId, TenantId
from shared.observability import register_secret
from shared.ports import (
    AuditLog,
    Clock,
    LeaseStore,
    MailboxStore,
    PushSubscriptions,
    SecretStore,
    TaskQueue,
    TenantStore,
)
from shared.secret_names import (
    PasswordSecret,
    RefreshTokenSecret,
    own_secret,
    password_secret_name,
    refresh_secret_name,
)
from shared.service.audit import AuditTrail
from shared.service.credentials import forget_secret
from shared.service.mailbox_task import MailboxTask

logger = logging.getLogger(__name__)
# "Sync now" once a minute at most per mailbox (each one is a new session with its server)
SYNC_AGAIN_AFTER = timedelta(seconds=60)
_PASSWORD_METHODS = (AuthMethod.PASSWORD, AuthMethod.APP_PASSWORD)


class AdminRecords(TenantStore, MailboxStore, LeaseStore, AuditLog, Protocol):
    """What administration changes and reads: tenants and mailboxes, the "Sync now" leases,
    the audit log."""


class Admin:
    def __init__(
        self,
        state: AdminRecords,
        secrets: SecretStore,
        clock: Clock,
        *,
        allow_private_hosts: bool,
        resolver: Resolver = system_resolver,
    ) -> None:
        """``allow_private_hosts``: the settings' (MAILINGEST_ALLOW_PRIVATE_HOSTS, host_policy)."""
        self._state = state
        self._secrets = secrets
        self._clock = clock
        self._trail = AuditTrail(state, clock)
        self._allow_private = allow_private_hosts
        self._resolver = resolver
        self._push: PushSubscriptions | None = None
        self._tasks: TaskQueue | None = None

    def attach_push(self, push: PushSubscriptions) -> None:
        """Enabling / disabling a Gmail or Graph mailbox then starts / stops its push."""
        self._push = push

    @property
    def syncs_push_mailboxes(self) -> bool:
        """Whether "Sync now" is offered for Gmail and Microsoft 365 mailboxes too."""
        return self._tasks is not None

    def attach_tasks(self, tasks: TaskQueue) -> None:
        """ "Sync now" of a Gmail or Graph mailbox then goes out as a one-mailbox task to
        ``mailbox_tasks``, which holds the token access the page's identity lacks."""
        self._tasks = tasks

    def add_tenant(
        self, tenant_id: str, name: str, *, actor: str, admins: tuple[str, ...] = ()
    ) -> Tenant:
        tenant = Tenant(
            id=TenantId(tenant_id),
            name=name,
            created_at=self._clock.now(),
            admins=tuple(a.strip().lower() for a in admins),
        )
        self._state.put_tenant(tenant)
        details = {"name": name, "admins": list(tenant.admins)}
        self._trail.record(tenant.id, actor, "tenant.create", tenant.id, details)
        return tenant

    def add_mailbox(self, mailbox: Mailbox, *, password: str | None, actor: str) -> Mailbox:
        """Create or update a mailbox; a password (if given) becomes a new secret version."""
        self._state.get_tenant(mailbox.tenant_id)  # NotFound for an unknown tenant
        if mailbox.auth_method in _PASSWORD_METHODS and mailbox.provider not in (
            Provider.IMAP,
            Provider.POP3,
        ):
            raise ValidationError(f"mailbox {mailbox.key}: passwords are for IMAP and POP3 only")
        self._check_server(mailbox)
        now = self._clock.now()
        updates: dict[str, Any] = {"updated_at": now, "created_at": mailbox.created_at or now}
        dropped, forget = False, None
        if mailbox.auth_method is AuthMethod.OAUTH2:
            # the grant comes from the stored document, never from the caller
            grant, dropped, forget = self._kept_grant(mailbox, now)
            updates.update(grant)
        if mailbox.auth_method in _PASSWORD_METHODS:
            if password:
                register_secret(password)
                name = password_secret_name(mailbox.tenant_id, mailbox.id)
                self._secrets.put_secret(name, password)
                updates["secret_ref"] = name
            else:
                # the stored password is kept only for the server and login it was given for
                # (never sent to a new host); the stored document decides, not the caller
                updates["secret_ref"] = self._kept_password(mailbox)
        stored = mailbox.model_copy(update=updates)
        self._state.put_mailbox(stored)
        forget_secret(self._secrets, forget)
        details = stored.model_dump(mode="json", exclude={"oauth"})
        details["password_changed"] = bool(password)
        if dropped:
            details["oauth"] = "reconnect required: the server or login changed"
        self._trail.record(stored.tenant_id, actor, "mailbox.put", stored.key, details)
        return stored

    def add_awaiting_sign_in(self, mailbox: Mailbox, *, actor: str) -> Mailbox:
        """A new mailbox that logs in with OAuth — Gmail API, Microsoft 365, or an IMAP / POP3
        server of Google or Microsoft (XOAUTH2; Microsoft 365 takes no password there) —
        stored turned off and without a grant: its first sign-in (the connect flow) gives it
        one and turns it on. Refused for a mailbox that exists (that one is connected or
        reconnected from its card)."""
        if mailbox.provider in SERVER_PROVIDERS and not mailbox.host:
            raise ValidationError(f"mailbox {mailbox.key}: an IMAP or POP3 server is needed")
        self._check_server(mailbox)
        self._state.get_tenant(mailbox.tenant_id)  # NotFound for an unknown tenant
        if self._existing(mailbox) is not None:
            raise ValidationError(f"mailbox {mailbox.key} exists already")
        now = self._clock.now()
        stored = mailbox.model_copy(
            update={
                "auth_method": AuthMethod.OAUTH2,
                "oauth": None,
                "secret_ref": None,
                "enabled": False,
                "created_at": now,
                "updated_at": now,
            }
        )
        self._state.put_mailbox(stored)
        details = stored.model_dump(mode="json", exclude={"oauth"})
        self._trail.record(stored.tenant_id, actor, "mailbox.put", stored.key, details)
        return stored

    def _check_server(self, mailbox: Mailbox) -> None:
        """SSRF, before anything is written: an IMAP / POP3 server must be one we may reach."""
        if mailbox.provider in SERVER_PROVIDERS:
            check_host_for_save(
                mailbox.host,
                mailbox.effective_port(),
                allow_private=self._allow_private,
                resolver=self._resolver,
            )

    def _kept_grant(
        self, mailbox: Mailbox, now: datetime
    ) -> tuple[dict[str, Any], bool, PasswordSecret | RefreshTokenSecret | None]:
        """An OAuth mailbox's grant and refresh-token secret, as stored. An access token is
        only ever sent to the server and login it was granted for: when the provider, host,
        port, TLS mode or login changed, the grant is marked refused (every process stops
        using it: the card asks for a reconnect) and its refresh token is forgotten. Returns
        the updates, whether the grant was dropped, and the secret then to delete."""
        existing = self._existing(mailbox)
        if existing is None or existing.auth_method is not AuthMethod.OAUTH2 or not existing.oauth:
            raise ValidationError(
                f"mailbox {mailbox.key}: OAuth 2.0 is connected with the Connect buttons"
            )
        grant, secret = existing.oauth, existing.secret_ref
        if existing.server_binding() == mailbox.server_binding():
            return {"oauth": grant, "secret_ref": secret}, False, None
        refused = grant.model_copy(update={"reauth_required_at": grant.reauth_required_at or now})
        forget = own_secret(mailbox.tenant_id, mailbox.id, secret)
        return {"oauth": refused, "secret_ref": None}, True, forget

    def _existing(self, mailbox: Mailbox) -> Mailbox | None:
        try:
            return self._state.get_mailbox(mailbox.tenant_id, mailbox.id)
        except NotFound:
            return None

    def _kept_password(self, mailbox: Mailbox) -> str:
        existing = self._existing(mailbox)
        if existing is None or existing.auth_method not in _PASSWORD_METHODS:
            raise ValidationError(f"mailbox {mailbox.key}: a password is required")
        if not existing.secret_ref:
            raise ValidationError(f"mailbox {mailbox.key}: a password is required")
        if existing.server_binding() != mailbox.server_binding():
            raise ValidationError(
                f"mailbox {mailbox.key}: the server, port, TLS mode, login or provider changed: "
                "enter the password again"
            )
        return existing.secret_ref

    def set_enabled(
        self, tenant_id: TenantId, mailbox_id: MailboxId, enabled: bool, *, actor: str
    ) -> Mailbox:
        mailbox = self._state.get_mailbox(tenant_id, mailbox_id)
        updated = mailbox.model_copy(update={"enabled": enabled, "updated_at": self._clock.now()})
        self._state.put_mailbox(updated)
        action = "mailbox.enable" if enabled else "mailbox.disable"
        details: dict[str, Any] = {}
        if self._push is not None and mailbox.provider in API_PROVIDERS:
            try:
                (self._push.start if enabled else self._push.stop)(updated)
                details["push"] = "started" if enabled else "stopped"
            except MailIngestError as exc:  # the renew job / expiry settles it later
                logger.warning("push not changed", extra={"error": str(exc)[:200]})
                details["push"] = "pending"
        self._trail.record(tenant_id, actor, action, mailbox.key, details)
        return updated

    def request_sync(self, tenant_id: TenantId, mailbox_id: MailboxId, *, actor: str) -> Mailbox:
        """The settings page's "Sync now". An IMAP or POP3 mailbox's watcher sees the change
        (its listener) and starts the session again: a catch-up from the cursor (nothing is
        published twice) or a POP3 poll now rather than at the end of the poll interval. A
        Gmail API or Microsoft 365 mailbox's sync is put on the task topic for
        ``mailbox_tasks`` (when a task queue is attached; else ValidationError: it syncs on
        every push and in the 15-min safety net). Rate-limited and audited alike."""
        mailbox = self._state.get_mailbox(tenant_id, mailbox_id)
        if mailbox.provider not in SERVER_PROVIDERS and self._tasks is None:
            raise ValidationError(
                f"mailbox {mailbox.key} syncs on every push and every 15 min by itself"
            )
        if not mailbox.enabled:
            raise ValidationError(f"mailbox {mailbox.key} is disabled: enable it to sync it")
        now = self._clock.now()
        last = mailbox.sync_requested_at
        # each one is a new connection: clicks in a row must not trip the server's limits.
        # The stored time answers most repeats; requests at the same moment (several tabs,
        # a double submit) race on a lease written in a transaction, and one of them wins
        recent = last is not None and now - last < SYNC_AGAIN_AFTER
        if recent or not self._first_to_ask(mailbox, actor):
            since = last if recent and last is not None else now
            wait_s = int((since + SYNC_AGAIN_AFTER - now).total_seconds()) + 1
            raise ValidationError(
                f"mailbox {mailbox.key}: a sync was asked for moments ago; "
                f"ask again in {wait_s} s if it is still needed"
            )
        details: dict[str, Any] = {}
        if mailbox.provider not in SERVER_PROVIDERS and self._tasks is not None:
            task = MailboxTask("resync", ((mailbox.tenant_id, mailbox.id),))
            self._tasks.submit(task.encode(), "", {"task": task.task})()
            details["via"] = "task"
        updated = mailbox.model_copy(update={"sync_requested_at": now, "updated_at": now})
        self._state.put_mailbox(updated)
        self._trail.record(tenant_id, actor, "mailbox.sync", mailbox.key, details)
        return updated

    def _first_to_ask(self, mailbox: Mailbox, actor: str) -> bool:
        """Requests at the same moment (several tabs, a double submit) each read no recent
        sync: they race on a lease written in a transaction, and one of them wins."""
        holder = f"{actor}#{secrets.token_hex(6)}"
        name = f"sync-now/{mailbox.key}"
        return self._state.try_acquire_lease(name, holder, SYNC_AGAIN_AFTER) is not None

    def remove_mailbox(self, tenant_id: TenantId, mailbox_id: MailboxId, *, actor: str) -> None:
        """Stop its push (Gmail watch, Graph subscription), delete the mailbox with its cursor
        and health, and destroy its stored password / refresh token."""
        mailbox = self._state.get_mailbox(tenant_id, mailbox_id)
        details: dict[str, Any] = {"provider": mailbox.provider.value}
        if self._push is not None and mailbox.provider in API_PROVIDERS:
            try:
                self._push.stop(mailbox)
            except MailIngestError as exc:  # it lapses by itself (7 days at most)
                logger.warning("push not stopped", extra={"error": str(exc)[:200]})
                details["push"] = "lapses"
        self._state.delete_mailbox(tenant_id, mailbox_id)
        # both of its names, whichever it used (a name that is not its own is never touched)
        names: tuple[PasswordSecret | RefreshTokenSecret, ...] = (
            password_secret_name(tenant_id, mailbox_id),
            refresh_secret_name(tenant_id, mailbox_id),
        )
        for name in names:
            with contextlib.suppress(NotFound):
                self._secrets.delete_secret(name)
        self._trail.record(tenant_id, actor, "mailbox.remove", mailbox.key, details)
