"""Table commands: export table, trace, summary, verify-table, summaries in and out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from workbench.cli.common import (
    Context,
    binary_target,
    choose_format,
    output_options,
    output_target,
    pass_ctx,
    tell_scope,
)
from workbench.formats.table_registry import TABLE_FORMATS

if TYPE_CHECKING:
    from workbench.analysis.summary_sheet import EditedRow
    from workbench.store.api import Project

CODERS = click.option("--coders", default=None, metavar="NAME,…|all|consensus",
                      help="Whose codings count (default: the agreed set if it has any, else all coders).")


@click.command("table")
@output_options(tuple(TABLE_FORMATS), "md")
@CODERS
@pass_ctx
def export_table(ctx: Context, output: Path | None, fmt: str | None, coders: str | None) -> None:
    """The Table 6 style table derived from the codings: md, csv, json, docx, html or xlsx.

    Theme rows, subtheme rows, one row per valence with its references, and one paragraph per
    perspective with its summary. Text formats go to stdout unless -o; DOCX and XLSX go to the
    project's exports/ folder unless -o.

    Example: workbench -p review export table --format docx -o table6.docx
    """
    from workbench.analysis.table import build_table

    chosen = choose_format(output, fmt, tuple(TABLE_FORMATS), "md")
    with ctx.open() as project:
        model = build_table(ctx.viewer(project), coders)
        tell_scope(model.derivation.provenance)
        with output_target(ctx, output, chosen, "table") as out:
            TABLE_FORMATS[chosen].load()(model, out)


# ----- trace -------------------------------------------------------------------------------
@click.command()
@click.argument("subtheme")
@click.option("--valence", default=None, help="Only this valence ('none': codings without one).")
@click.option("--perspective", default=None, help="Only this perspective ('none': codings without one).")
@CODERS
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_ctx
def trace(ctx: Context, subtheme: str, valence: str | None, perspective: str | None, coders: str | None,
          as_json: bool) -> None:
    """The excerpts (with their text) and coders behind a cell of the table, by source.

    Without --valence or --perspective, every row of the subtheme is traced.

    Example: workbench -p review trace "Role ambiguity" --valence challenge --perspective Mixed
    """
    import json
    import textwrap

    from workbench.analysis.trace import trace_cell

    with ctx.open() as project:
        tr = trace_cell(ctx.viewer(project), subtheme, valence, perspective, coders)
    if as_json:
        click.echo(json.dumps(tr.as_dict(), ensure_ascii=False, indent=2))
        return
    what = [tr.subtheme]
    if tr.valence != "*":
        what.append(tr.valence or "(no valence)")
    if tr.perspective != "*":
        what.append(tr.perspective or "(no perspective)")
    click.echo(f"{' / '.join(what)}: references [{', '.join(tr.refs)}] "
               f"(codings of {tr.coder_choice}: {', '.join(tr.coders) or 'nobody'})")
    if not tr.sources:
        click.echo("no codings behind this cell")
    for s in tr.sources:
        click.echo("")
        click.echo(textwrap.shorten(f"[{s.ref}] {s.citation}", 110, placeholder=" …"))
        for e in s.excerpts:
            marks = "; ".join(f"{c.coder}: {c.valence or '-'}, {c.perspective or '-'}" + (f" ({c.note})" if c.note else "")
                              for c in e.codings)
            click.echo(f"  {e.key}  coded by {marks}")
            for line in textwrap.wrap(e.text, 96):
                click.echo(f"      {line}")


# ----- summaries ---------------------------------------------------------------------------
@click.group()
def summary() -> None:
    """Show or write the summary of one table cell (subtheme × valence × perspective).

    Example: workbench -p review summary show "Bridge" --valence benefit --perspective Mixed
    """


def _cell_options(f: Callable[..., None]) -> Callable[..., None]:
    f = click.option("--perspective", required=True, help="The cell's perspective.")(f)
    f = click.option("--valence", default=None, help="The cell's valence (leave out for the no-valence row).")(f)
    return click.argument("subtheme")(f)


def _resolve_cell(project: Project, subtheme: str, valence: str | None,
                  perspective: str) -> tuple[str, str | None, str]:
    from workbench.analysis.trace import _filter
    from workbench.core.errors import UserError

    cb = project.codebook.get()
    names = [s.name for s in cb.all_subthemes()]
    found = next((n for n in names if n.lower() == subtheme.strip().lower()), None)
    if found is None:
        raise UserError(f"unknown subtheme '{subtheme}'")
    v = _filter(valence or "none", list(cb.valences), "valence")
    p = _filter(perspective, [x.name for x in cb.perspectives], "perspective")
    if p is None:
        raise UserError("a summary belongs to a perspective; give --perspective NAME")
    return found, v, p


@summary.command("show")
@_cell_options
@CODERS
@pass_ctx
def summary_show(ctx: Context, subtheme: str, valence: str | None, perspective: str, coders: str | None) -> None:
    """Print a cell's references and summary, and whether the summary is stale.

    Example: workbench -p review summary show "Workload" --valence challenge --perspective Mixed
    """
    from workbench.analysis.cells import derive_cells

    with ctx.open() as project:
        sub, v, p = _resolve_cell(project, subtheme, valence, perspective)
        derivation = derive_cells(ctx.viewer(project), coders)
        cell = derivation.cell(sub, v, p)
        s = project.summaries.get(sub, v, p)
    refs = cell.refs if cell else []
    click.echo(f"{sub} / {v or '(no valence)'} / {p}: references [{', '.join(refs)}]")
    if s is None or not s.text:
        click.echo("no summary yet")
        return
    click.echo(f"version {s.version}, by {s.author or 'unknown'} at {s.time[:16].replace('T', ' ')}")
    written = [r for r in s.references.split(",") if r]
    if written and written != refs and derivation.blind:
        click.echo("STALE: written for other codings; not shown while the project codes blind")
        return
    if written and written != refs:
        click.echo(f"STALE: written for [{', '.join(written)}]; the codings now give [{', '.join(refs)}]")
    click.echo("")
    click.echo(s.text)


@summary.command("set")
@_cell_options
@click.argument("text", required=False)
@click.option("--file", "text_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Read the summary from this UTF-8 text file instead.")
@click.option("--expect-version", type=int, default=None,
              help="Refuse if the summary is no longer at this version (someone saved in between).")
@pass_ctx
def summary_set(ctx: Context, subtheme: str, valence: str | None, perspective: str, text: str | None,
                text_file: Path | None, expect_version: int | None) -> None:
    """Write a cell's summary; it records the cell's current references, so later coding changes mark it stale.

    Example: workbench -p review summary set "Workload" --valence challenge --perspective Mixed "Peers were overloaded."
    """
    from workbench.analysis.cells import derive_cells
    from workbench.core.errors import UserError

    if text_file is not None:
        try:
            text = text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise UserError(f"cannot read: {getattr(e, 'strerror', None) or e}", str(text_file)) from None
    if text is None or not text.strip():
        raise UserError("give the summary TEXT (or --file FILE)")
    author = ctx.coder()
    with ctx.open() as project:
        sub, v, p = _resolve_cell(project, subtheme, valence, perspective)
        cell = derive_cells(ctx.viewer(project)).cell(sub, v, p)
        refs = cell.refs if cell else []
        s = project.summaries.set(sub, v, p, text.strip(), author, ",".join(refs), expect_version)
    note = "" if refs else " (note: no codings behind this cell yet, so it is not in the table)"
    click.echo(f"saved {sub} / {v or '(no valence)'} / {p}, version {s.version}{note}")


SUMMARY_FORMATS = ("csv", "docx", "xlsx")


@click.command("summaries")
@output_options(SUMMARY_FORMATS, "csv")
@CODERS
@pass_ctx
def export_summaries(ctx: Context, output: Path | None, fmt: str | None, coders: str | None) -> None:
    """Summaries as CSV (the stored ones), or DOCX/XLSX listing every cell to edit.

    The DOCX and XLSX list every cell of the table with its references, the excerpts behind it and
    an editable summary; 'import summaries' reads the edits back.

    Example: workbench -p review export summaries --format docx -o summaries-for-amira.docx
    """
    chosen = choose_format(output, fmt, SUMMARY_FORMATS, "csv")
    with ctx.open() as project:
        if chosen == "csv":
            from workbench.formats.records import write_records

            with output_target(ctx, output, chosen, "summaries") as out:
                write_records("summaries", project.summaries.all(), out, "csv")
            return
        from workbench.analysis.summary_sheet import build_sheet

        sheet = build_sheet(ctx.viewer(project), coders)
        with binary_target(ctx, output, chosen, "summaries") as out:
            if chosen == "docx":
                from workbench.formats.summaries_docx import summaries_docx

                summaries_docx(sheet, out)
            else:
                from workbench.formats.summaries_xlsx import summaries_xlsx

                summaries_xlsx(sheet, out)


def _read_edits(file: Path, fmt: str) -> list[EditedRow]:
    from workbench.analysis.summary_sheet import EditedRow
    from workbench.core.errors import UserError

    if fmt == "docx":
        from workbench.formats.summaries_docx import read_summaries_docx

        return read_summaries_docx(file)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        try:
            names = load_workbook(file, read_only=True).sheetnames
        except Exception:  # noqa: BLE001 — reported as a user error by the reader below
            names = []
        if "Summaries" in names:
            from workbench.formats.summaries_xlsx import read_summaries_xlsx

            return read_summaries_xlsx(file)
    from workbench.formats.records import REQUIRED
    from workbench.formats.tabular import read_rows

    rows = []
    for line, r in read_rows(file, REQUIRED["summaries"], fmt):
        version = r.get("version", "").strip()
        if version and not version.isdigit():
            raise UserError(f"version must be a whole number, not '{version}'", str(file), line, "row")
        if not r.get("subtheme", "").strip() or not r.get("perspective", "").strip():
            raise UserError("a summary needs a subtheme and a perspective", str(file), line, "row")
        rows.append(EditedRow(line, r["subtheme"].strip(), r.get("valence", "").strip() or None,
                              r["perspective"].strip(), r.get("summary", ""), None,
                              int(version) if version else None))
    return rows


@click.command("summaries")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(SUMMARY_FORMATS), default=None,
              help="Read as this format (default: from the extension).")
@pass_ctx
def import_summaries(ctx: Context, file: Path, fmt: str | None) -> None:
    """Summaries from CSV, or the edited DOCX/XLSX written by 'export summaries'.

    Only summaries changed in the file are written. If any of them belongs to a cell that changed
    in the project since the export (its summary saved again, or its references), nothing is
    written and those cells are listed.

    Example: workbench -p review import summaries summaries-from-amira.docx
    """
    from workbench.analysis.summary_sheet import apply_edits
    from workbench.core.errors import UserError

    if not file.is_file():
        raise UserError("no such file", str(file))
    chosen = choose_format(file, fmt, SUMMARY_FORMATS, "csv")
    rows = _read_edits(file, chosen)
    author = ctx.coder(required=False) or "import"
    with ctx.open() as project:
        from workbench.formats.records import match_names

        matched, notes = match_names([(r.line, r) for r in rows], project.codebook.get(), str(file))
        for note in notes:
            click.echo(note, err=True)
        report = apply_edits(ctx.viewer(project), [r for _, r in matched], str(file), author)
    if report.refused:
        for line in report.refused:
            click.echo(line)
        raise UserError(f"nothing imported: {len(report.refused)} edited cell"
                        f"{'s' if len(report.refused) != 1 else ''} changed in the project since the export "
                        "(listed above); export again and redo those edits", str(file))
    click.echo(f"{file}: {report}")


# ----- verify-table ------------------------------------------------------------------------
VERIFY_FORMATS = ("md", "csv", "docx")


@click.command("verify-table")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(VERIFY_FORMATS), default=None,
              help="Read as this format (default: from the extension).")
@CODERS
@pass_ctx
def verify_table(ctx: Context, file: Path, fmt: str | None, coders: str | None) -> None:
    """Compare a table typed by hand (Markdown, CSV or DOCX in Table 6's shape) with the codings.

    One finding per differing row: the references missing from it and those extra in it (marking
    references to no known source), for the row's list and each perspective's list. Exit status 1
    when there are differences.

    Example: workbench -p review verify-table manuscript-table6.docx
    """
    from workbench.core.errors import UserError
    from workbench.services.verify import verify_typed_table

    if not file.is_file():
        raise UserError("no such file", str(file))
    chosen = choose_format(file, fmt, VERIFY_FORMATS, "md")
    with ctx.open() as project:
        n, findings = verify_typed_table(ctx.viewer(project), file, chosen, coders)
    for f in findings:
        click.echo(str(f))
    if findings:
        click.echo(f"{len(findings)} row{'s differ' if len(findings) != 1 else ' differs'} from the codings "
                   f"({n} typed rows read)", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"the typed table agrees with the codings ({n} rows)")
