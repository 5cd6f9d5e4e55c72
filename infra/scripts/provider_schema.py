"""The Terraform providers' schemas, offline: built from the CDK for Terraform bindings on the
npm registry (``@cdktf/provider-google``, ``@cdktf/provider-archive``), which are generated
from the providers' own schemas. ``terraform init`` cannot download providers on machines
without internet, so this is how ``make lint`` checks ``infra/`` against the real argument
names (recipe: handbook local-services.md).

Each resource's generated TypeScript travels as the inline source map of its ``index.js``.
From it: the Terraform type (``tfResourceType``), every argument and nested block with
``isBlock`` (``synthesizeHclAttributes`` and the ``…ToHclTerraform`` functions), and which
are required (``readonly name: T`` vs ``readonly name?: T`` in the config interfaces).

Usage: ``python infra/scripts/provider_schema.py PACKAGE@VERSION [--cache DIR]`` prints the
path of the schema JSON (built once per version, cached).
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

CACHE = Path("build/provider-schema")
_MAP = re.compile(r"sourceMappingURL=data:application/json;base64,(\S+)")
_TYPE = re.compile(r'tfResourceType = "([^"]+)"')
_IFACE = re.compile(r"export interface (\w+)(?: extends [\w.]+)? \{(.*?)\n\}", re.S)
_FIELD = re.compile(r"^\s+readonly (\w+)(\??):", re.M)
_FN = re.compile(r"export function (\w+)ToHclTerraform\(struct\?: ([^)]*)\): any \{(.*?)\n\}", re.S)
_MAIN = re.compile(r"protected synthesizeHclAttributes\(\).*?const attrs = \{(.*?)\n    \};", re.S)
_ATTR = re.compile(r"^\s+(\w+): \{\n\s+value: (.*?),\n\s+isBlock: (true|false),", re.M | re.S)
_CAMEL = re.compile(r"(?:struct!\.|this\._)(\w+)")
_NESTED = re.compile(r"(\w+)ToHclTerraform\b")
_COMPUTED = re.compile(r"// (\w+) - computed: true,")


def ts_source(index_js: Path) -> str:
    found = _MAP.search(index_js.read_text())
    if not found:
        return ""
    return str(json.loads(base64.b64decode(found.group(1)))["sourcesContent"][0])


def _interfaces(src: str) -> dict[str, dict[str, bool]]:
    """interface name -> {camelCase field: required}"""
    return {
        name: {f: opt != "?" for f, opt in _FIELD.findall(body)}
        for name, body in _IFACE.findall(src)
    }


def _attrs(body: str) -> list[tuple[str, str, bool, str | None]]:
    """(terraform name, camelCase name, is block, nested function) of an ``attrs`` literal."""
    out = []
    for tf_name, value, is_block in _ATTR.findall(body):
        camel = _CAMEL.search(value)
        nested = [n for n in _NESTED.findall(value) if not n.startswith("cdktf.")]
        fn = next((n for n in nested if n[0].islower() and "." not in n), None)
        out.append((tf_name, camel.group(1) if camel else tf_name, is_block == "true", fn))
    return out


def _node(
    attrs: list[tuple[str, str, bool, str | None]],
    required: dict[str, bool],
    functions: dict[str, tuple[str, str]],
    interfaces: dict[str, dict[str, bool]],
    depth: int = 0,
) -> dict[str, Any]:
    node: dict[str, Any] = {"attributes": {}, "blocks": {}}
    for tf_name, camel, is_block, fn in attrs:
        needed = required.get(camel, False)
        if is_block and fn and fn in functions and depth < 12:
            iface, body = functions[fn]
            child = _node(_attrs(body), interfaces.get(iface, {}), functions, interfaces, depth + 1)
            child["required"] = needed
            node["blocks"][tf_name] = child
        elif is_block:
            node["blocks"][tf_name] = {
                "attributes": {},
                "blocks": {},
                "required": needed,
                "open": True,
            }
        else:
            node["attributes"][tf_name] = needed
    return node


def resource_schema(src: str) -> tuple[str, dict[str, Any]] | None:
    tf_type = _TYPE.search(src)
    main = _MAIN.search(src)
    if not tf_type or not main:
        return None
    interfaces = _interfaces(src)
    functions = {}
    for name, signature, body in _FN.findall(src):
        candidates = [
            t.strip()
            for t in signature.split("|")
            if "OutputReference" not in t and "IResolvable" not in t and "[]" not in t
        ]
        functions[name[0].lower() + name[1:]] = (candidates[0] if candidates else "", body)
    config = next((n for n in interfaces if n.endswith("Config") and n[0].isupper()), "")
    configs = [n for n in interfaces if n.endswith("Config")]
    # the resource's own config interface is the one the constructor takes: the shortest
    config = min(configs, key=len) if configs else config
    node = _node(_attrs(main.group(1)), interfaces.get(config, {}), functions, interfaces)
    # attributes the provider computes (readable, not settable): for references
    node["computed"] = sorted(set(_COMPUTED.findall(src)))
    return tf_type.group(1), node


def build(package_dir: Path) -> dict[str, Any]:
    schema: dict[str, Any] = {"resource": {}, "data": {}}
    for index in sorted((package_dir / "lib").glob("*/index.js")):
        found = resource_schema(ts_source(index))
        if found is None:
            continue
        kind = "data" if index.parent.name.startswith("data-") else "resource"
        schema[kind][found[0]] = found[1]
    meta = json.loads((package_dir / "package.json").read_text())
    schema["provider_version"] = meta.get("cdktf", {}).get("provider", {}).get("version")
    return schema


def schema_for(spec: str, cache: Path = CACHE) -> Path:
    """``@cdktf/provider-google@16.12.1`` -> path of its schema JSON (built once)."""
    out = cache / (spec.replace("/", "_").replace("@", "") + ".json")
    if out.exists():
        return out
    npm_dir = cache / "npm" / spec.replace("/", "_").replace("@", "")
    package = npm_dir / "node_modules" / spec.rsplit("@", 1)[0]
    if not package.exists():
        npm_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - npm from PATH with fixed arguments
            [  # noqa: S607
                "npm",
                "install",
                "--ignore-scripts",
                "--legacy-peer-deps",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--prefix",
                str(npm_dir),
                spec,
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(build(package)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    print(schema_for(args.spec, args.cache))
    return 0


if __name__ == "__main__":
    sys.exit(main())
