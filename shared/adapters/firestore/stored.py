"""What this release reads of a document a newer release may have written: during a rolling
deploy the old replicas still run, and a field they do not know — at the top or inside a
nested part (a mailbox's ``oauth`` grant) — is left out, never a reason to lose the record.
The models refuse unknown fields in what people type (``extra="forbid"``), not in what a
newer version of us stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, get_args

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def stored(model: type[M], data: Mapping[str, Any] | None) -> M:
    """``model`` from a stored document, fields this release does not know left out."""
    return model.model_validate(known_only(model, data or {}))


def known_only(model: type[BaseModel], data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key in data:
            out[key] = _known(field.annotation, data[key])
    return out


def _known(annotation: Any, value: Any) -> Any:
    """A nested model's value with its unknown fields left out (``X | None``, ``list[X]``
    included); any other value as it is."""
    if isinstance(value, Mapping):
        model = _model_in(annotation)
        return known_only(model, value) if model is not None else value
    if isinstance(value, list):
        model = next((m for arg in get_args(annotation) if (m := _model_in(arg))), None)
        if model is not None:
            return [known_only(model, v) if isinstance(v, Mapping) else v for v in value]
    return value


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model ``annotation`` is, or is optionally (``X | None``)."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
