"""axe-core, the accessibility checker, from the npm registry: one pinned version, its
tarball checked against the registry's published integrity (sha512) and kept in build/, the
script read into the page under test (``axe.run``)."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

VERSION = "4.10.3"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
# the registry's dist.integrity for this version (https://registry.npmjs.org/axe-core/4.10.3)
INTEGRITY = (
    "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/"
    "PbZhideTcEg=="
)
CACHE = Path(__file__).resolve().parents[2] / "build" / f"axe-core-{VERSION}.min.js"
# what is reported: "serious" and "critical" (axe's impact levels), on the WCAG 2.1 A / AA
# rules and axe's best practices
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_source() -> str:
    if not CACHE.exists():
        with urllib.request.urlopen(TARBALL, timeout=60) as answer:
            data = answer.read()
        digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        if digest != INTEGRITY:
            raise RuntimeError(f"axe-core {VERSION}: the tarball does not match its integrity")
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            member = tar.extractfile("package/axe.min.js")
            if member is None:
                raise RuntimeError(f"axe-core {VERSION}: no axe.min.js in the tarball")
            CACHE.parent.mkdir(parents=True, exist_ok=True)
            CACHE.write_bytes(member.read())
    return CACHE.read_text()


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical findings on the page as it is now: rule, impact, help and
    the first elements it names."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(
            axe_source() + "\n;0"
        )  # devtools evaluation: the page's CSP allows no inline script
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.slice(0, 3).map(n => n.html)}));
        }""",
        TAGS,
    )
    return found
