"""A refused form: the reasons per field (shown next to it) and what was typed (shown again,
never a password). Which form: ``MAILBOX`` (add or change), ``RULE``, ``TRY`` (a rule's "Try
it") or ``CARD`` (a mailbox card's buttons, ``target`` the mailbox). Pydantic error
locations become the form's field names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError as PydanticValidationError

from shared.errors import ValidationError

GENERAL = ""  # the key of a reason that belongs to no single field (shown at the top)
WRITE_ONLY = frozenset({"password", "csrf"})  # never echoed into the page
# a model field whose form field has another name
_FORM_NAME = {"id": "mailbox"}
# a reason about several fields (the model's consistency rules, the admin service's) goes
# next to the field its words name first; none: at the top
_NAMED_BY = (
    ("password", "password"),
    ("needs a host", "host"),
    ("mail server", "host"),
    ("loopback", "tls"),
    ("move_to", "move_to"),
    ("pop3 can only", "after_processing"),
)
MAX_TYPED = 500  # characters of one typed value shown again
LONG_TYPED = frozenset({"email"})  # a pasted email is shown again whole (the body is bounded)
MAILBOX, RULE, TRY, CARD = "mailbox", "rule", "try", "card"


class FormRefused(ValidationError):
    """A form broke a rule; ``fields`` maps a form field (or GENERAL) to why. ``status``:
    422, or 404 when what the form acts on is gone (the page says so; nothing was done)."""

    def __init__(
        self, fields: Mapping[str, str], *, form: str = MAILBOX, target: str = "", status: int = 422
    ) -> None:
        self.fields = dict(fields)
        self.form, self.target, self.status = form, target, status
        super().__init__("; ".join(self.fields.values()))

    @property
    def general(self) -> str:
        return self.fields.get(GENERAL, "")


@dataclass(frozen=True)
class Refill:
    """A form shown again: what was typed into it and, if refused, why."""

    typed: dict[str, str] = field(default_factory=dict)
    refused: FormRefused | None = None
    form: str = MAILBOX

    @property
    def which(self) -> str:
        """The form the typed values and reasons belong to."""
        return self.refused.form if self.refused else self.form

    def typed_in(self, form: str) -> dict[str, str]:
        return self.typed if self.which == form else {}

    def errors_in(self, form: str) -> dict[str, str]:
        return self.refused.fields if self.refused and self.which == form else {}


def from_pydantic(exc: PydanticValidationError) -> FormRefused:
    fields: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc") or ()
        message = str(error["msg"]).removeprefix("Value error, ")
        name = _FORM_NAME.get(str(loc[0]), str(loc[0])) if loc else _field_named(message)
        fields[name] = f"{fields[name]}; {message}" if name in fields else message
    return FormRefused(fields)


def _field_named(message: str) -> str:
    lowered = message.lower()
    return next((name for words, name in _NAMED_BY if words in lowered), GENERAL)


def from_message(message: str) -> FormRefused:
    """One of our own refusals (the admin service's): next to the field it names, if any."""
    return FormRefused({_field_named(message): message})


def typed_values(form: Mapping[str, str]) -> dict[str, str]:
    """The values to show again in the form: everything but the write-only fields."""
    return {
        k: str(v) if k in LONG_TYPED else str(v)[:MAX_TYPED]
        for k, v in form.items()
        if k not in WRITE_ONLY
    }
