"""Project-level commands: new, example, status, check, schema, log."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from workbench.cli.common import Context, TerminalFeedback, pass_ctx, warn_if_synced
from workbench.core.errors import UserError


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--codebook", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Codebook YAML (see 'workbench schema codebook').")
@click.option("--sources", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="sources.csv/.xlsx/.jsonl: ref, citation, year, design, quality, groups.")
@click.option("--excerpts", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="excerpts.csv/.xlsx/.jsonl: id, source, text, perspective.")
@click.option("--codings", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="codings.csv/.xlsx/.jsonl: excerpt, subtheme, coder, valence, perspective.")
@click.option("--summaries", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="summaries.csv: subtheme, valence, perspective, summary.")
@click.option("--qdpx", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Make the project from a REFI-QDA project file instead.")
@pass_ctx
def new(ctx: Context, folder: Path, codebook: Path | None, sources: Path | None, excerpts: Path | None,
        codings: Path | None,
        summaries: Path | None, qdpx: Path | None) -> None:
    """Create a project FOLDER from text inputs, or from a REFI-QDA project with --qdpx.

    Example: workbench new review --codebook codebook.yaml --sources sources.csv --excerpts excerpts.csv --codings codings.csv
    Example: workbench new review --qdpx from-nvivo.qdpx
    """
    if qdpx is not None:  # from a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder, workbench)
        if codebook or sources or excerpts or codings or summaries:
            raise click.UsageError("--qdpx makes the whole project; leave out --codebook, --sources and the rest")
        from workbench.cli.refi_cmds import describe, report_losses
        from workbench.services.build import build_project_from_qdpx

        stats, losses = build_project_from_qdpx(folder, qdpx, ctx.coder(required=False))
        click.echo(f"created {folder}: {describe(stats)}")
        report_losses(losses)
        return
    if codebook is None or sources is None or excerpts is None:
        raise click.UsageError("give --codebook, --sources and --excerpts (or --qdpx FILE)")
    from workbench.services.build import build_project

    report = build_project(folder, codebook, sources, excerpts, codings, summaries, ctx.coder(required=False),
                           TerminalFeedback())
    click.echo(f"created {folder}: " + "; ".join(f"{k} {v}" for k, v in report.items()))


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--open", "open_app", is_flag=True, help="Then open the terminal app on it.")
@click.pass_context
def example(click_ctx: click.Context, folder: Path, open_app: bool) -> None:
    """Write a fresh copy of the bundled peer-support example project into FOLDER.

    A FOLDER that already holds a project is kept as it is (your codings stay), so running the
    README's command twice is safe.

    Example: workbench example --open peer-support
    """
    from workbench.core.example import example_files
    from workbench.services.build import build_project
    from workbench.store.engine import DB_NAME

    ctx: Context = click_ctx.obj
    if (folder / DB_NAME).is_file():
        click.echo(f"{folder} already holds a project; kept it as it is")
    else:
        files = example_files()
        report = build_project(folder, files["codebook"], files["sources"], files["excerpts"], files["codings"],
                               files["summaries"], "example")
        click.echo(f"created {folder}: " + "; ".join(f"{k} {v}" for k, v in report.items()))
    if not open_app:
        return
    ctx.project_dir = folder
    root = click_ctx.find_root()
    try:
        assert isinstance(root.command, click.Group)  # the root is the `workbench` group
        command = root.command.get_command(root, "open")
    except ImportError:  # the app is not installed with this copy: show what the project holds
        command = None
    click_ctx.invoke(command or status)


@click.command()
@click.option("--coverage", is_flag=True,
              help="Also count the excerpts each coder has coded (a few tenths of a second more on large projects).")
@pass_ctx
def status(ctx: Context, coverage: bool) -> None:
    """Print what the project holds: sources, excerpts, coders, codings per coder, what is left.

    Example: workbench -p peer-support status --coverage
    """
    from workbench.store.status import sqlite_status

    s = None
    if ctx.db is None and not os.environ.get("WORKBENCH_DB"):
        s = sqlite_status(ctx.project_dir, coverage)  # the stdlib driver alone: no SQLAlchemy import on this path
        if s is not None:
            warn_if_synced(ctx.project_dir)
    if s is None:  # a server, a project to upgrade, or an error to report: the full path
        from workbench.store import queries

        with ctx.open_reader() as project, project.read() as conn:
            s = queries.status_counts(conn, coverage)
    name = s["name"] or str(ctx.project_dir)
    click.echo(f"project    {name}")
    click.echo(f"sources    {s['sources']}")
    click.echo(f"excerpts   {s['excerpts']}")
    click.echo(f"codebook   {s['themes']} themes, {s['subthemes']} subthemes")
    click.echo(f"codings    {s['codings']}")
    click.echo(f"summaries  {s['summaries']}")
    click.echo(f"coders     {len(s['per_coder'])}")
    for coder, n, e in s["per_coder"]:
        click.echo(f"  {coder:<20} {n:>8} codings" + ("" if e is None else f" on {e} of {s['excerpts']} excerpts"))
    unused = s["unused_subthemes"]
    click.echo(f"subthemes without codings: {len(unused)}" + (f" ({', '.join(unused[:10])}"
                                                             f"{', …' if len(unused) > 10 else ''})" if unused else ""))
    n = s["uncoded_count"]
    sample = s["uncoded_sample"]
    click.echo(f"excerpts nobody has coded: {n}" + (f" ({', '.join(sample[:10])}{', …' if n > 10 else ''})"
                                                   if n else ""))


@click.command()
@pass_ctx
def check(ctx: Context) -> None:
    """Validate the project and its codebook; one problem per line, exit 1 if there are any.

    Example: workbench -p peer-support check
    """
    from workbench.analysis.checks import run_checks

    with ctx.open() as project:
        problems = run_checks(ctx.viewer(project))
    for p in problems:
        click.echo(p)
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}", err=True)
        raise click.exceptions.Exit(1)
    click.echo("no problems found")


@click.command()
@click.argument("what", type=click.Choice(["codebook"]))
def schema(what: str) -> None:
    """Print the JSON Schema of the codebook file, for editors that check YAML.

    Example: workbench schema codebook > codebook.schema.json
    """
    from workbench.formats.codebook_yaml import CODEBOOK_SCHEMA

    click.echo(json.dumps(CODEBOOK_SCHEMA, indent=2))


@click.command()
@click.option("-n", "--limit", type=int, default=30, show_default=True, help="How many entries.")
@pass_ctx
def log(ctx: Context, limit: int) -> None:
    """Show the audit log, newest first.

    Example: workbench -p peer-support log -n 10
    """
    with ctx.open() as project:
        view = ctx.viewer(project)
        if view.blind and view.coder is None:
            raise UserError("the project codes blind, and the log names what each coder coded: say who you "
                            "are with --coder NAME (or WORKBENCH_CODER)")
        entries, withheld = view.audit_log(limit)
        for e in entries:
            click.echo(f"{e['time'][:19]}  {e['actor'] or '-':<12} {e['action']:<20} {e['detail']}")
    if withheld:
        click.echo(f"workbench: blind coding is on: {withheld} entries about other coders' codings are not shown",
                   err=True)
