"""The docs cannot drift from the code: every test they cite exists, the configuration page
lists exactly the variables the code reads with the defaults the code applies (a bad value
being an error that names its variable), and every `mailingest` command the README shows
exists with the flags it shows."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from shared import config
from shared.cli.main import _parser
from shared.errors import ConfigError
from tests.source_tree import parse

DOCS = [Path("README.md"), *sorted(Path("docs").glob("*.md"))]
CITED = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?")
VARIABLE = re.compile(r"\bMAILINGEST_[A-Z0-9_]+\b")


def _defined_tests(path: Path) -> set[str]:
    tree = parse(path.read_text())
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
    for root in ("shared", "functions", "containers"):
        for path in Path(root).rglob("*.py"):
            names |= set(VARIABLE.findall(path.read_text()))
    return names


def test_the_configuration_page_lists_exactly_the_variables_the_code_reads() -> None:
    documented = set(VARIABLE.findall(Path("docs/configuration.md").read_text()))
    read = _read_by_code()
    assert sorted(read - documented) == []  # read but not documented
    assert sorted(documented - read) == []  # documented but read nowhere


# what the settings are read from to learn their defaults: only the project (in the shape the
# Gmail topic's default is documented in)
_BARE = {"GOOGLE_CLOUD_PROJECT": "{project}"}
# the kinds of read that check the value (a text or a path is taken as it is)
_CHECKED = ("number", "seconds", "choice", "flag", "rates")
_LITERAL = re.compile(r"`([^`]+)`|(-?\d+(?:\.\d+)?)")


def _settings_classes() -> list[type]:
    """Every group of settings in shared.config: a class there with ``read(EnvReader)``."""
    return [
        c
        for c in vars(config).values()
        if isinstance(c, type) and c.__module__ == config.__name__ and hasattr(c, "read")
    ]


def _reads(cls: type, env: dict[str, str]) -> dict[str, config.Read]:
    reader = config.EnvReader(env)
    cls.read(reader)  # type: ignore[attr-defined]
    return reader.reads


def _documented_defaults() -> dict[str, str]:
    """variable -> its table row's default cell, from every table of the configuration page."""
    cells_of: dict[str, str] = {}
    for line in Path("docs/configuration.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 3 and cells[0].startswith("`"):
            cells_of.update(dict.fromkeys(VARIABLE.findall(cells[0]), cells[1]))
    return cells_of


def _same(shown: str, default: object) -> bool:
    if isinstance(default, bool):
        return shown == str(default).lower()
    if isinstance(default, int | float):
        return float(shown) == default
    return shown == str(default)


def test_the_configuration_tables_show_the_defaults_the_code_applies() -> None:
    """A default cell that is a literal (`value` or a number) is the default the settings
    apply when the variable is unset; any other cell (—, prose) is for a variable the code
    gives no default of its own. Every MAILINGEST_ variable a settings group reads is in a
    table, and a variable read by two groups has one default."""
    applied: dict[str, list[config.Read]] = {}
    for cls in _settings_classes():
        for name, read in _reads(cls, _BARE).items():
            applied.setdefault(name, []).append(read)
    documented = _documented_defaults()
    assert len(_settings_classes()) >= 3
    assert len(documented) > 40
    wrong = [f"{name}: read, in no table" for name in applied if name not in documented]
    wrong = [w for w in wrong if w.startswith("MAILINGEST_")]
    for name, cell in documented.items():
        reads = applied.get(name, [])
        if not reads:
            wrong.append(f"{name}: in a table, read by no settings")
            continue
        if len({repr(r.default) for r in reads}) > 1:
            wrong.append(f"{name}: two defaults: {[r.default for r in reads]}")
        default, literal = reads[0].default, _LITERAL.fullmatch(cell)
        if literal is None and default is not None:
            wrong.append(f"{name}: the code's default is {default!r}, the page says {cell!r}")
        elif literal is not None and not _same(literal.group(1) or literal.group(2), default):
            wrong.append(f"{name}: the code's default is {default!r}, the page shows {cell}")
    assert wrong == []


def test_a_bad_value_is_a_config_error_naming_the_variable() -> None:
    checked = 0
    for cls in _settings_classes():
        for name, read in _reads(cls, _BARE).items():
            if read.kind not in _CHECKED:
                continue
            with pytest.raises(ConfigError) as info:
                cls.from_env({**_BARE, name: "bogus value"})  # type: ignore[attr-defined]
            assert [p for p in info.value.problems if p.startswith(f"{name}: ")], (name, info)
            checked += 1
    assert checked > 20


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
