"""The mailbox forms' fields made into a mailbox, validated before anything is stored: the
add-or-change form of a password / app-password IMAP or POP3 mailbox, and the add flow's
Gmail / Microsoft 365 step (a name, an address and a purpose: the rest comes with the
sign-in). A refusal names the form field it is about (``form_errors.FormRefused``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from pydantic import ValidationError as PydanticValidationError

from shared.domain.models import (
    SERVER_PROVIDERS,
    AfterProcessing,
    AuthMethod,
    Mailbox,
    Provider,
    TlsMode,
)
from shared.ids import MailboxId, TenantId
from shared.web import form_errors, mailbox_edit
from shared.web.i18n import _

_E = TypeVar("_E", bound=StrEnum)


def _number(form: dict[str, str], name: str, default: int | None) -> int | None:
    """A whole number typed into the form (empty: ``default``)."""
    text = (form.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 9:
        raise form_errors.FormRefused({name: "enter a whole number"})
    return int(text)


def _choice(kind: type[_E], form: dict[str, str], name: str, default: str) -> _E:
    """One of the options of a select box (anything else is a forged form)."""
    try:
        return kind(form.get(name) or default)
    except ValueError:
        options = ", ".join(k.value for k in kind)
        raise form_errors.FormRefused(
            {name: _("choose one of: %(options)s", options=options)}
        ) from None


def signed_in_mailbox(
    tenant_id: TenantId, mailbox_id: MailboxId, provider: Provider, form: dict[str, str]
) -> Mailbox:
    """The add flow's Gmail / Microsoft 365 mailbox, turned off until its first sign-in."""
    try:
        return Mailbox(
            tenant_id=tenant_id,
            id=mailbox_id,
            provider=provider,
            address=form.get("address", ""),
            purpose=form.get("purpose", "booking") or "booking",
            auth_method=AuthMethod.OAUTH2,
            enabled=False,
        )
    except PydanticValidationError as exc:
        raise form_errors.from_pydantic(exc) from None


def server_mailbox(tenant_id: TenantId, form: dict[str, str], existing: Mailbox | None) -> Mailbox:
    """The password / app-password IMAP or POP3 mailbox the add-or-change form describes,
    validated (nothing stored); ``existing``: the stored mailbox of that id, if any (its
    sign-in and secret are kept where they still apply)."""
    if form.get("provider", "imap") not in SERVER_PROVIDERS:
        raise form_errors.FormRefused(
            {
                "provider": _(
                    "this form is for IMAP or POP3 with a password; "
                    "connect Gmail or Microsoft 365 with the Connect buttons"
                )
            }
        )
    mailbox_edit.check(form, existing)
    auth = _choice(AuthMethod, form, "auth_method", "password")
    # the form has no OAuth fields: editing an OAuth mailbox keeps its connection (grant
    # and refresh-token secret) unless the admin switches it to a password and gives one
    keep_oauth = (
        existing is not None
        and existing.auth_method is AuthMethod.OAUTH2
        and (auth is AuthMethod.OAUTH2 or not form.get("password"))
    )
    if keep_oauth:
        auth = AuthMethod.OAUTH2
    elif auth is AuthMethod.OAUTH2:
        raise form_errors.FormRefused(
            {"auth_method": _("OAuth 2.0 is connected with the Connect buttons on its card")}
        )
    keep_secret = existing is not None and (
        keep_oauth or existing.auth_method is not AuthMethod.OAUTH2
    )
    try:
        mailbox = Mailbox(
            tenant_id=tenant_id,
            id=MailboxId(form.get("mailbox", "")),
            provider=Provider(form.get("provider", "imap")),
            address=form.get("address", ""),
            purpose=form.get("purpose", "booking") or "booking",
            host=form.get("host") or None,
            port=_number(form, "port", None),
            tls=_choice(TlsMode, form, "tls", "tls"),
            auth_method=auth,
            username=form.get("username") or None,
            secret_ref=existing.secret_ref if existing and keep_secret else None,
            oauth=existing.oauth if existing and keep_oauth else None,
            enabled=existing.enabled if existing else True,
            folder=form.get("folder") or "INBOX",
            idle=form.get("idle") == "on",
            poll_interval_s=_number(form, "poll_interval_s", 60),
            after_processing=_choice(AfterProcessing, form, "after_processing", "leave"),
            move_to=form.get("move_to") or None,
            created_at=existing.created_at if existing else None,
        )
    except PydanticValidationError as exc:
        raise form_errors.from_pydantic(exc) from None
    except ValueError as exc:  # the mailbox id
        raise form_errors.FormRefused({"mailbox": str(exc)}) from None
    return mailbox
