"""Coding together: agreement, settings (blind coding), merge, coding sheets, the meeting's report.

`compare` (the meeting itself) lives in collab_compare.py; this module re-exports it for the lazy
command registry.
"""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.collab_compare import compare
from workbench.cli.common import (
    Context,
    binary_target,
    choose_format,
    output_options,
    output_target,
    pass_ctx,
)
from workbench.core.errors import UserError

AGREEMENT_FORMATS = ("md", "csv", "json", "xlsx")
SETTINGS = {"blind": "Blind coding: each coder sees only their own codings (on|off)."}

__all__ = ["agreement", "compare", "export_archive", "export_coding_sheet", "export_disagreements", "merge",
           "settings"]


@click.command()
@click.option("--coders", default=None, metavar="A,B,…", help="Coders to compare (default: all but the agreed set).")
@click.option("--by", type=click.Choice(["subtheme", "theme", "overall"]), default="subtheme", show_default=True,
              help="Finest level to report (coarser levels are always included).")
@output_options(AGREEMENT_FORMATS, "md")
@pass_ctx
def agreement(ctx: Context, coders: str | None, by: str, output: Path | None, fmt: str | None) -> None:
    """Inter-coder agreement: Krippendorff's alpha, Cohen's kappa per pair, percent agreement.

    For whether each subtheme applies, and for valence and perspective where coders applied the
    same subtheme; per subtheme, per theme and overall. See docs/collaboration.md for definitions.

    Example: workbench -p review agreement --coders amira,ben --by theme --format md
    """
    from workbench.analysis.agreement import agreement as compute
    from workbench.analysis.agreement import choose_coders
    from workbench.formats.agreement_report import WRITERS

    chosen = choose_format(output, fmt, AGREEMENT_FORMATS, "md")
    with ctx.open() as project:
        names = choose_coders(ctx.viewer(project), coders)
        result = compute(project, names)
        with output_target(ctx, output, chosen, "agreement") as out:
            WRITERS[chosen](result, out, by=by)


@click.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@pass_ctx
def settings(ctx: Context, key: str | None, value: str | None) -> None:
    """Show the project's settings, or change one (blind on|off).

    Blind coding is on until the team starts reconciling, unless set here.

    Example: workbench -p review settings blind off
    """
    with ctx.open() as project:
        if key is None:
            blind = project.collab.is_blind()
            explicit = project.setting("blind")
            click.echo(f"blind            {'on' if blind else 'off'}"
                       + ("" if explicit else " (default: on until reconciling starts)"))
            cb = project.codebook.get()
            click.echo(f"consensus_coder  {cb.consensus_coder} (set in the codebook)")
            click.echo(f"citation         {cb.citation}")
            return
        if key not in SETTINGS:
            raise UserError(f"unknown setting '{key}' (known: {', '.join(SETTINGS)})")
        if value is None:
            click.echo("on" if project.collab.is_blind() else "off")
            return
        flag = {"on": "1", "off": "0", "1": "1", "0": "0", "true": "1", "false": "0", "yes": "1", "no": "0"}
        if value.lower() not in flag:
            raise UserError(f"blind must be on or off, not '{value}'")
        project.set_setting("blind", flag[value.lower()], ctx.coder(required=False))
        click.echo(f"blind coding is now {'on' if flag[value.lower()] == '1' else 'off'}")


@click.command()
@click.argument("other", type=click.Path(path_type=Path))
@pass_ctx
def merge(ctx: Context, other: Path) -> None:
    """Bring in another copy of this project (a folder or an archive zip), matched by UUID.

    Merging twice changes nothing. Conflicts (an excerpt changed in both copies, a subtheme renamed
    differently) are listed and left for you; the exit status is then 1.

    Example: workbench -p review merge ~/laptop-copy/review.zip
    """
    from workbench.services.merge import merge_project, report_lines

    with ctx.open() as project:
        report = merge_project(project, other, ctx.coder(required=False))
    for line in report_lines(report):
        click.echo(line)
    if report.conflicts:
        click.echo(f"{len(report.conflicts)} conflict{'s' if len(report.conflicts) != 1 else ''} left for you "
                   "to settle; merge again afterwards", err=True)
        raise click.exceptions.Exit(1)


@click.command("archive")
@output_options(("zip",), "zip")
@pass_ctx
def export_archive(ctx: Context, output: Path | None, fmt: str | None) -> None:
    """The whole project as one zip, to code offline and bring back with 'workbench merge'.

    Example: workbench -p review export archive -o review-laptop.zip
    """
    from workbench.services.merge import write_archive

    choose_format(output, fmt, ("zip",), "zip")
    with ctx.open() as project:
        if output is None:
            output = ctx.project_dir / "exports" / "archive.zip"
            output.parent.mkdir(parents=True, exist_ok=True)
        elif not output.parent.exists():
            raise UserError("no such folder", str(output.parent))
        part = output.with_name(output.name + ".part")
        try:
            write_archive(project, part)
            part.replace(output)
        finally:
            part.unlink(missing_ok=True)
    click.echo(f"wrote {output}")


@click.command("coding-sheet")
@click.option("--coder", "sheet_coder", default=None, help="Whose sheet (default: --coder before the command).")
@output_options(("xlsx",), "xlsx")
@pass_ctx
def export_coding_sheet(ctx: Context, sheet_coder: str | None, output: Path | None, fmt: str | None) -> None:
    """An Excel coding sheet for one coder: every excerpt, their own codings, drop-down lists.

    Others' codings stay out. Read it back with 'workbench import codings FILE.xlsx'.

    Example: workbench -p review export coding-sheet --coder ben -o ben.xlsx
    """
    from workbench.formats.coding_sheet import SheetData, coding_sheet_xlsx

    coder = sheet_coder or ctx.coder()
    chosen = choose_format(output, fmt, ("xlsx",), "xlsx")
    with ctx.open() as project:
        # The sheet's --coder names who is working unless the session already has a name: then,
        # while blind, it must be that name (a sheet holds its coder's codings).
        view = project.viewer(ctx.coder(required=False) or coder)
        if not view.may_see(coder):
            raise UserError(f"the project codes blind: a coding sheet holds {coder}'s codings, so only {coder} "
                            f"may export it (--coder {coder})")
        cb = project.codebook.get()
        if coder == cb.consensus_coder:
            raise UserError(f"'{coder}' is the agreed set; coding sheets are for individual coders")
        data = SheetData(coder, project.setting("name"), cb, project.records.excerpts(), project.records.codings([coder]),
                         {e for e, _ in project.collab.marks([coder])})
        with binary_target(ctx, output, chosen, f"coding-sheet-{coder}") as out:
            coding_sheet_xlsx(data, out)


def import_coding_sheet(ctx: Context, file: Path) -> str:
    """`import codings` hands a recognised coding sheet here; returns the one-line report."""
    from workbench.formats.coding_sheet import read_coding_sheet

    sheet = read_coding_sheet(file)
    with ctx.open() as project:
        result = project.collab.apply_coding_sheet(sheet, ctx.coder(required=False) or sheet.coder)
    return f"{file}: coding sheet of {sheet.coder}: {result}"


@click.command("agreement")
@click.option("--coders", default=None, metavar="A,B,…", help="Coders to compare (default: all but the agreed set).")
@click.option("--all", "include_settled", is_flag=True, help="Include disagreements already settled.")
@output_options(("md", "xlsx"), "md")
@pass_ctx
def export_disagreements(ctx: Context, coders: str | None, include_settled: bool, output: Path | None,
                         fmt: str | None) -> None:
    """The disagreements report for a meeting: coverage, then each disagreement side by side.

    Example: workbench -p review export agreement --format xlsx -o agenda.xlsx
    """
    from workbench.analysis.agreement import agreement as compute
    from workbench.analysis.agreement import choose_coders
    from workbench.analysis.disagreements import all_items, coverage
    from workbench.formats.agreement_meeting import WRITERS, Agenda

    chosen = choose_format(output, fmt, ("md", "xlsx"), "md")
    with ctx.open() as project:
        view = ctx.viewer(project)
        view.require_open("the disagreements report")
        names = choose_coders(view, coders)
        items = all_items(project, names)
        consensus = project.codebook.get().consensus_coder
        cov = coverage(items, set(project.collab.coded_excerpts(names)), set(project.collab.coded_excerpts([consensus])))
        overall = compute(project, names).overall()
        alpha = f"{overall.alpha:.3f}" if overall.alpha is not None else overall.alpha_note
        shown = [i for i in items if i.kind != "agreement" and (include_settled or not i.settled)]
        with output_target(ctx, output, chosen, "disagreements") as out:
            WRITERS[chosen](Agenda(names, shown, cov, alpha), out)
