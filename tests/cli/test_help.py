"""Every command and subcommand has help with an `Example:` line (STYLE.md, after sqlite-utils'
test_docs.py): the command line is for the one colleague who scripts, and an example is the
fastest way in.

The lazy registries name a module:function for every planned command; `test_every_registered_command_exists`
lists the ones whose module or function is not there (yet), so a typo in a registry or a command
that was never written shows up by name.
"""

from __future__ import annotations

import importlib

import click
import pytest
from click.testing import CliRunner

from workbench.cli import COMMANDS, cli
from workbench.cli.io_cmds import EXPORTS, IMPORTS
from workbench.cli.lazy import LazyGroup

REGISTRIES = {"": COMMANDS, "import ": IMPORTS, "export ": EXPORTS}


def _missing() -> list[str]:
    out = []
    for prefix, registry in REGISTRIES.items():
        for name, (target, _help) in registry.items():
            module, _, attr = target.partition(":")
            try:
                if not hasattr(importlib.import_module(module), attr):
                    out.append(f"{prefix}{name}: {target} (no such function)")
            except ImportError as e:
                out.append(f"{prefix}{name}: {target} ({e})")
    return out


def _walk(group: click.Group, ctx: click.Context, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path below `group`, skipping lazy entries whose module does not import."""
    paths = []
    for name in group.list_commands(ctx):
        try:
            command = group.get_command(ctx, name)
        except ImportError:
            continue
        if command is None or command.hidden:
            continue
        paths.append((*path, name))
        if isinstance(command, click.Group):
            sub = click.Context(command, info_name=name, parent=ctx)
            paths.extend(_walk(command, sub, (*path, name)))
    return paths


ALL = _walk(cli, click.Context(cli, info_name="workbench"))


def test_every_registered_command_exists() -> None:
    assert _missing() == []


def test_the_walk_reaches_the_foundation_commands() -> None:
    names = {" ".join(p) for p in ALL}
    for expected in ("new", "example", "status", "check", "schema", "log", "code", "codebook merge",
                     "codebook move", "import codings", "export codings", "export codebook"):
        assert expected in names


def test_workbench_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("path", ALL, ids=[" ".join(p) for p in ALL])
def test_command_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"'workbench {' '.join(path)} --help' shows no Example: line"
    assert "Usage:" in result.output


def test_lazy_groups_list_commands_without_importing_them() -> None:
    """`workbench --help` names every command from the registry alone (see lazy.py)."""
    assert isinstance(cli, LazyGroup)
    rows = CliRunner().invoke(cli, ["--help"]).output
    assert all(help_text.split()[0] in rows for _target, help_text in COMMANDS.values())
