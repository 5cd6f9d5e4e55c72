"""The rules editor's form: the rule document it describes, and a refused rule's reasons put
next to the form fields they are about (the rule's ``conditions.subject_regex`` is the
form's ``subject_regex``)."""

from __future__ import annotations

import re

from shared.service.rules import RuleRefused
from shared.web.form_errors import GENERAL, RULE, FormRefused
from shared.web.i18n import N_, _

# a rule's field (as RuleRefused names it) -> the form field that holds it
_FORM_NAME = {
    "id": "rule_id",
    "name": "rule_name",
    "priority": "priority",
    "conditions": "sender_domains",  # "needs at least one condition": next to the first
    "actions.label": "label",
    "actions.skip": "skip",
}
# plainer words than the model's for what a person types
_PLAINER = {"id": N_("an id is 1 to 64 letters, digits, _ or -")}
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")
MAX_LIST_ITEMS = 50


def _list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()][:MAX_LIST_ITEMS]


def _priority(form: dict[str, str]) -> int:
    text = (form.get("priority") or "").strip()
    if not text:
        return 100
    if not _WHOLE_NUMBER.fullmatch(text):
        raise FormRefused({"priority": "enter a whole number"}, form=RULE)
    return int(text)


def rule_doc(form: dict[str, str]) -> dict[str, object]:
    """The rule the form describes (validated by the rules service when saved)."""
    return {
        "id": form.get("rule_id", ""),
        "name": form.get("rule_name", ""),
        "priority": _priority(form),
        "conditions": {
            "sender_domains": _list(form.get("sender_domains")),
            "sender_addresses": _list(form.get("sender_addresses")),
            "subject_keywords": _list(form.get("subject_keywords")),
            "body_keywords": _list(form.get("body_keywords")),
            "subject_regex": form.get("subject_regex") or None,
        },
        "actions": {
            "label": form.get("label") or None,
            "skip": form.get("skip") == "on",
        },
    }


def _form_name(where: str) -> str:
    if where in _FORM_NAME:
        return _FORM_NAME[where]
    if where.startswith("conditions."):
        return where.removeprefix("conditions.")
    return GENERAL


def refused(exc: RuleRefused) -> FormRefused:
    """The service's reasons, each next to its form field (the rest at the top)."""
    fields: dict[str, str] = {}
    for where, why in exc.problems.items():
        name, why = _form_name(where), _(_PLAINER[where]) if where in _PLAINER else why
        fields[name] = f"{fields[name]}; {why}" if name in fields else why
    return FormRefused(fields, form=RULE)
