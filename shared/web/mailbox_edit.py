"""Editing a mailbox from its card: the add-or-change form filled with the mailbox's settings
(never its password: write-only), and the rules of an edit: the id stays what it was, and a
mailbox removed meanwhile is not created again by saving its edit."""

from __future__ import annotations

from shared.domain.models import SERVER_PROVIDERS, Mailbox
from shared.web.form_errors import FormRefused
from shared.web.i18n import _

EDITABLE = SERVER_PROVIDERS  # Gmail API / Graph: the Connect buttons


def form_values(mailbox: Mailbox) -> dict[str, str]:
    """The form's fields for ``mailbox``, as the form would post them."""
    values = {
        "editing": mailbox.id,
        "mailbox": mailbox.id,
        "purpose": mailbox.purpose,
        "address": mailbox.address,
        "provider": mailbox.provider.value,
        "host": mailbox.host or "",
        "port": str(mailbox.port) if mailbox.port else "",
        "tls": mailbox.tls.value,
        "auth_method": mailbox.auth_method.value,
        "username": mailbox.username or "",
        "folder": mailbox.folder,
        "poll_interval_s": str(mailbox.poll_interval_s),
        "after_processing": mailbox.after_processing.value,
        "move_to": mailbox.move_to or "",
    }
    if mailbox.idle:
        values["idle"] = "on"
    return values


def check(form: dict[str, str], existing: Mailbox | None) -> None:
    """An edit (``editing`` set) keeps its id and needs the mailbox to be there still."""
    editing = form.get("editing", "")
    if not editing:
        return
    if form.get("mailbox", "") != editing:
        raise FormRefused({"mailbox": _("the id cannot be changed while editing")})
    if existing is None:
        raise FormRefused(
            {
                "mailbox": _(
                    "mailbox %(mailbox)s no longer exists (removed meanwhile?): not saved",
                    mailbox=editing,
                )
            },
            status=404,
        )
