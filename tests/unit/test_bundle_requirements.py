"""What the functions and the watcher image install (requirements.txt) is what their code
imports: a CLI-only or test-only package (the operator's table, schema validation in tests)
is not in every bundle, and nothing the shipped code imports is missing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.source_tree import parse

# each runtime requirement and the module its shipped code imports it by
IMPORTED_AS = {
    "functions-framework": "functions_framework",
    "google-cloud-pubsub": "google.cloud.pubsub_v1",
    "google-cloud-firestore": "google.cloud.firestore",
    "google-cloud-secret-manager": "google.cloud.secretmanager",
    "google-cloud-storage": "google.cloud.storage",
    "google-api-python-client": "googleapiclient",
    "google-auth": "google.auth",
    "google-auth-httplib2": "google_auth_httplib2",
    "msal": "msal",
    "httpx": "httpx",
    "imapclient": "imapclient",
    "pydantic": "pydantic",
    "tenacity": "tenacity",
    "jinja2": "jinja2",
    "babel": "babel",
    "cryptography": "cryptography",
    "lxml": "lxml",
    "pypdf": "pypdf",
    "charset-normalizer": "charset_normalizer",
    "tnefparse": "tnefparse",
    "google-re2": "re2",
    "py3langid": "py3langid",
}


def _requirements() -> set[str]:
    names = set()
    for line in Path("requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(re.split(r"[=<>\[ ;]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def _shipped_imports() -> set[str]:
    """Every module the shipped code imports (function-level imports too), the CLI aside."""
    found: set[str] = set()
    for root in ("shared", "functions", "containers"):
        for path in Path(root).rglob("*.py"):
            if "cli" in path.parts:
                continue
            for node in ast.walk(parse(path.read_text())):
                if isinstance(node, ast.Import):
                    found |= {alias.name for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
                    found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_every_runtime_requirement_is_imported_by_the_shipped_code() -> None:
    assert _requirements() == set(IMPORTED_AS)
    imported = _shipped_imports()
    unused = [
        name
        for name, module in IMPORTED_AS.items()
        if not any(m == module or m.startswith(module + ".") for m in imported)
    ]
    assert unused == []


def test_cli_and_test_only_packages_stay_out_of_the_bundles() -> None:
    assert {"rich", "jsonschema", "pytest"}.isdisjoint(_requirements())
