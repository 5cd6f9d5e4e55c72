"""The docs cannot drift from the code: every test they cite exists, the configuration page
lists exactly the variables the code reads, and every `mailingest` command the README shows
exists with the flags it shows."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

from shared.cli.main import _parser

DOCS = [Path("README.md"), *sorted(Path("docs").glob("*.md"))]
CITED = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?")
VARIABLE = re.compile(r"\bMAILINGEST_[A-Z0-9_]+\b")


def _defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}


def test_every_test_the_docs_cite_exists() -> None:
    cited = [(doc, m) for doc in DOCS for m in CITED.finditer(doc.read_text())]
    assert len(cited) > 50
    missing = []
    for doc, m in cited:
        path, name = Path(m.group(1)), m.group(2)
        if not path.exists():
            missing.append(f"{doc}: {path}")
        elif name and name not in _defined_tests(path):
            missing.append(f"{doc}: {path}::{name}")
    assert missing == []


def _read_by_code() -> set[str]:
    names: set[str] = set()
    for root in ("shared", "functions"):
        for path in Path(root).rglob("*.py"):
            names |= set(VARIABLE.findall(path.read_text()))
    return names


def test_the_configuration_page_lists_exactly_the_variables_the_code_reads() -> None:
    documented = set(VARIABLE.findall(Path("docs/configuration.md").read_text()))
    read = _read_by_code()
    assert sorted(read - documented) == []  # read but not documented
    assert sorted(documented - read) == []  # documented but read nowhere


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _flags(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings}


def _shown_commands() -> list[str]:
    """The README's command block, a command per entry (continuation lines joined)."""
    block = Path("README.md").read_text().split("## The `mailingest` command", 1)[1]
    commands: list[str] = []
    for line in block.split("```", 2)[1].splitlines():
        line = line.split("#", 1)[0].rstrip()
        if line.startswith("mailingest "):
            commands.append(line.removeprefix("mailingest "))
        elif line.strip() and commands:
            commands[-1] += " " + line.strip()
    return commands


def test_every_command_the_readme_shows_exists_with_its_flags() -> None:
    shown = 0
    for command in _shown_commands():
        # "a | b" shows alternatives in the same group ("tenants add … | tenants list",
        # "mailboxes list [T] | show T ID"): an alternative without its group word takes it
        group = command.split()[0]
        for part in command.split(" | "):
            tokens = part.split()
            words = [t for t in tokens if re.fullmatch(r"[a-z][a-z-]*", t)]
            if words and words[0] not in _subcommands(_parser()):
                words = [group, *words]
            parser = _parser()
            for word in words:
                subs = _subcommands(parser)
                assert not subs or word in subs, (command, word)
                if not subs:
                    break
                parser = subs[word]
            flags = set(re.findall(r"--[a-z][a-z-]*", part))
            assert flags <= _flags(parser), (part, flags - _flags(parser))
            shown += 1
    assert shown >= 15
