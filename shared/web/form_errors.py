"""A refused mailbox form: the reasons per field (shown next to it) and what was typed (shown
again, never a password). Pydantic error locations become the form's field names."""

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


class FormRefused(ValidationError):
    """The mailbox form broke a rule; ``fields`` maps a form field (or GENERAL) to why."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("; ".join(self.fields.values()))

    @property
    def general(self) -> str:
        return self.fields.get(GENERAL, "")


@dataclass(frozen=True)
class Refill:
    """The mailbox form shown again: what was typed and, if refused, why."""

    typed: dict[str, str] = field(default_factory=dict)
    refused: FormRefused | None = None


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
    return {k: str(v)[:MAX_TYPED] for k, v in form.items() if k not in WRITE_ONLY}
