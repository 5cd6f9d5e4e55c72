"""Check ``infra/`` against the providers' schemas offline (``make lint``): every resource and
data-source type exists, every argument and nested block (``dynamic`` blocks too) has a name
the provider knows, required arguments and blocks are there, and ``resource.name.attr``
references name real attributes — for the lowest and the highest provider version that
``versions.tf`` allows. Schemas come from ``provider_schema.py`` (npm, cached in build/).

It cannot see value validation (conflicting or exactly-one-of arguments) or API-side errors;
``make validate-infra`` runs ``terraform validate`` where providers can be downloaded.

Usage: ``python infra/scripts/check_terraform.py [INFRA_DIR]``; exit 1 with one line per
problem.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import hcl2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from provider_schema import schema_for

# the lowest and the highest bindings the constraints in versions.tf allow:
# google ~> 6.10 (6.10.0 .. 6.50.0, the last 6.x), archive ~> 2.6 (2.6.0 .. 2.7.1)
PACKAGES = {
    "google": ("@cdktf/provider-google@14.9.0", "@cdktf/provider-google@16.12.1"),
    "archive": ("@cdktf/provider-archive@10.2.0", "@cdktf/provider-archive@11.0.1"),
}
META = {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}
_REF = re.compile(r"\b((?:data\.)?(?:google|archive)_\w+)\.(\w+)(?:\[[^\]]*\])?\.(\w+)")


def _unquote(key: str) -> str:
    return key.strip('"')


def _check_body(body: dict[str, Any], node: dict[str, Any], where: str, out: list[str]) -> None:
    if node.get("open"):
        return
    present: set[str] = set()
    for raw_key, value in body.items():
        key = _unquote(raw_key)
        if key.startswith("__") or key in META:
            continue
        if key == "dynamic":
            present |= _check_dynamic(value, node, where, out)
            continue
        present.add(key)
        if key in node["blocks"]:
            _check_blocks(value, node["blocks"][key], f"{where}.{key}", out)
        elif key not in node["attributes"]:
            out.append(f"{where}: unknown {_kind(value)} {key!r}")
    _check_required(node, present, where, out)


def _kind(value: Any) -> str:
    return (
        "block" if isinstance(value, list) and value and "__is_block__" in value[0] else "argument"
    )


def _check_blocks(value: Any, node: dict[str, Any], where: str, out: list[str]) -> None:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            _check_body(item, node, where, out)


def _check_dynamic(value: Any, node: dict[str, Any], where: str, out: list[str]) -> set[str]:
    names = set()
    for dyn in value:
        for label, spec in dyn.items():
            name = _unquote(label)
            names.add(name)
            child = node["blocks"].get(name)
            if child is None:
                out.append(f"{where}: unknown block {name!r} (dynamic)")
            else:
                _check_blocks(spec.get("content", []), child, f"{where}.{name}", out)
    return names


def _check_required(node: dict[str, Any], present: set[str], where: str, out: list[str]) -> None:
    for name, required in node["attributes"].items():
        if required and name not in present:
            out.append(f"{where}: required argument {name!r} missing")
    for name, child in node["blocks"].items():
        if child.get("required") and name not in present:
            out.append(f"{where}: required block {name!r} missing")


def _schema(
    provider_schemas: list[dict[str, Any]], kind: str, tf_type: str
) -> dict[str, Any] | None:
    for schema in provider_schemas:
        if tf_type in schema[kind]:
            found: dict[str, Any] = schema[kind][tf_type]
            return found
    return None


def check(infra: Path, schemas: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    for path in sorted(infra.rglob("*.tf")):
        doc = hcl2.load(path.open())
        rel = path.relative_to(infra)
        for kind in ("resource", "data"):
            for entry in doc.get(kind, []):
                for raw_type, named in entry.items():
                    tf_type = _unquote(raw_type)
                    node = _schema(schemas, kind, tf_type)
                    for raw_name, body in named.items():
                        prefix = "data." if kind == "data" else ""
                        where = f"{rel}: {prefix}{tf_type}.{_unquote(raw_name)}"
                        if node is None:
                            problems.append(f"{where}: unknown {kind} type {tf_type!r}")
                            continue
                        _check_body(body, node, where, problems)
        problems.extend(_references(path, rel, schemas))
    return problems


def _references(path: Path, rel: Path, schemas: list[dict[str, Any]]) -> list[str]:
    out = []
    for line_no, line in enumerate(path.read_text().splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        for tf_type, _name, attr in _REF.findall(line):
            kind = "data" if tf_type.startswith("data.") else "resource"
            node = _schema(schemas, kind, tf_type.removeprefix("data."))
            if node is None or node.get("open"):
                continue
            known = node["attributes"].keys() | node["blocks"].keys() | set(node["computed"])
            if attr not in known:
                out.append(f"{rel}:{line_no}: {tf_type} has no attribute {attr!r}")
    return out


def load_schemas(version_index: int) -> list[dict[str, Any]]:
    return [json.loads(schema_for(specs[version_index]).read_text()) for specs in PACKAGES.values()]


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    infra = Path(args[0]) if args else Path("infra")
    failed = False
    for index, label in ((0, "lowest"), (1, "highest")):
        schemas = load_schemas(index)
        versions = ", ".join(str(s.get("provider_version")) for s in schemas)
        problems = check(infra, schemas)
        for problem in problems:
            print(f"[{label}: {versions}] {problem}")
        failed = failed or bool(problems)
        if not problems:
            print(f"infra/ matches the provider schemas ({label}: {versions})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
