"""Requests to the Gmail stand-in checked against Gmail's discovery document, the one bundled
with google-api-python-client (``googleapiclient/discovery_cache/documents/gmail.v1.json``):
the HTTP method and path (``resources.*.methods.*.httpMethod`` / ``flatPath``), the query
parameter names (the method's ``parameters`` plus the document's global ``parameters``),
``enum`` values, integer and boolean values, and the ``maxResults`` bounds its descriptions
state ("The maximum allowed value for this field is 500"). A request that does not fit is
refused with Google's JSON error (developers.google.com/gmail/api/guides/handle-errors).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from googleapiclient import discovery_cache

# "The maximum allowed value for this field is 500." (history.list, messages.list maxResults)
_MAXIMUM = re.compile(r"maximum allowed value for this field is (\d+)")


@dataclass(frozen=True)
class Method:
    id: str  # "gmail.users.history.list"
    http_method: str
    pattern: re.Pattern[str]
    parameters: Mapping[str, Mapping[str, Any]]
    scopes: frozenset[str]


@dataclass(frozen=True)
class Refusal:
    code: int
    message: str
    reason: str
    status: str


def google_error(code: int, message: str, reason: str, status: str) -> dict[str, Any]:
    """Google's JSON error body (developers.google.com/gmail/api/guides/handle-errors)."""
    detail = {"message": message, "domain": "global", "reason": reason}
    return {"error": {"code": code, "message": message, "errors": [detail], "status": status}}


def invalid(message: str) -> Refusal:
    return Refusal(400, message, "invalidArgument", "INVALID_ARGUMENT")


@cache
def document() -> dict[str, Any]:
    doc = discovery_cache.get_static_doc("gmail", "v1")
    if doc is None:  # pragma: no cover - the library ships it
        raise RuntimeError("google-api-python-client has no bundled gmail v1 discovery document")
    parsed: dict[str, Any] = json.loads(doc)
    return parsed


def _methods(resources: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for resource in resources.values():
        yield from resource.get("methods", {}).values()
        yield from _methods(resource.get("resources", {}))


def _pattern(flat_path: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{\+?([A-Za-z]+)\\\}", r"(?P<\1>[^/]+)", re.escape(flat_path))
    return re.compile(f"^/{regex}$")


@cache
def methods() -> tuple[Method, ...]:
    doc = document()
    return tuple(
        Method(
            id=str(m["id"]),
            http_method=str(m["httpMethod"]),
            pattern=_pattern(str(m.get("flatPath") or m["path"])),
            parameters=m.get("parameters", {}),
            scopes=frozenset(m.get("scopes", [])),
        )
        for m in _methods(doc["resources"])
    )


def match(http_method: str, path: str) -> tuple[Method, dict[str, str]] | Refusal:
    """The documented method for this request, with its path parameters."""
    found = False
    for method in methods():
        hit = method.pattern.match(path)
        if hit is None:
            continue
        found = True
        if method.http_method == http_method:
            return method, hit.groupdict()
    if found:
        return Refusal(405, "Method Not Allowed", "methodNotAllowed", "METHOD_NOT_ALLOWED")
    return Refusal(404, "Not Found", "notFound", "NOT_FOUND")


def check_query(method: Method, query: Mapping[str, list[str]]) -> Refusal | None:
    """Every query parameter known, of its type, within its enum and bounds."""
    globals_ = document()["parameters"]
    for name, values in query.items():
        spec = method.parameters.get(name) or globals_.get(name)
        if spec is None or spec.get("location") == "path":
            return invalid(
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query '
                f"parameter. Field '{name}' could not be found in request message."
            )
        if len(values) > 1 and not spec.get("repeated"):
            return invalid(f"Parameter {name} given more than once")
        for value in values:
            problem = _check_value(name, spec, value)
            if problem is not None:
                return problem
    for name, spec in method.parameters.items():
        # a query parameter whose description starts "Required." (history.list startHistoryId)
        required = str(spec.get("description", "")).startswith("Required.")
        if spec.get("location") == "query" and required and name not in query:
            return invalid(f"Missing required parameter: {name}")
    return None


def _check_value(name: str, spec: Mapping[str, Any], value: str) -> Refusal | None:
    enum = spec.get("enum")
    if enum is not None and value not in enum:
        return invalid(f"Invalid value at '{name}' ({value}): must be one of {', '.join(enum)}")
    kind = spec.get("type")
    if kind == "integer" or spec.get("format") in ("uint64", "int64"):
        if not value.isdigit():
            return invalid(f"Invalid value at '{name}' ({value}): not an unsigned integer")
        bound = _MAXIMUM.search(str(spec.get("description", "")))
        if bound is not None and int(value) > int(bound.group(1)):
            return invalid(
                f"Invalid value at '{name}' ({value}): the maximum allowed is {bound.group(1)}"
            )
    if kind == "boolean" and value not in ("true", "false"):
        return invalid(f"Invalid value at '{name}' ({value}): not a boolean")
    return None


def check_scopes(method: Method, granted: frozenset[str]) -> Refusal | None:
    """A token whose scopes are none of the method's ``scopes`` gets 403."""
    if granted & method.scopes:
        return None
    return Refusal(
        403,
        "Request had insufficient authentication scopes.",
        "insufficientPermissions",
        "PERMISSION_DENIED",
    )
