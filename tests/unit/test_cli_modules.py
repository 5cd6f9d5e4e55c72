"""Each `mailingest` command module is named for the commands it registers: ``x_y_cmds.py``
registers ``x`` and ``y`` (a dash in a command is an underscore in the name), in that order,
and the parser is made of exactly these modules (the development package's ``run`` too)."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from shared.cli.main import _parser
from tests.unit.test_docs_in_step import _subcommands

MODULES = sorted(
    [f"shared.cli.{p.stem}" for p in Path("shared/cli").glob("*_cmds.py")]
    + [f"mailingest_dev.{p.stem}" for p in Path("mailingest_dev").glob("*_cmds.py")]
)


def _registered(module: str) -> list[str]:
    sub = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(module).register(sub)
    return list(sub.choices)


def test_each_command_module_is_named_for_its_commands() -> None:
    assert len(MODULES) >= 10
    for module in MODULES:
        commands = _registered(module)
        stem = module.rsplit(".", 1)[1].removesuffix("_cmds")
        assert stem == "_".join(c.replace("-", "_") for c in commands), (module, commands)


def test_the_parser_is_made_of_the_command_modules() -> None:
    registered = [command for module in MODULES for command in _registered(module)]
    assert len(registered) == len(set(registered))
    assert sorted(_subcommands(_parser())) == sorted(registered)
