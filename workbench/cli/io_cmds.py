"""`workbench import …` and `workbench export …`: the record files in and out.

Both are lazy groups: `export table`, `export matrix`, `import qdpx` … live with their features and
load only when used.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workbench.cli.common import (
    Context,
    busy,
    choose_format,
    output_options,
    output_target,
    pass_ctx,
    progress,
    tell_scope,
)
from workbench.cli.lazy import LazyGroup

if TYPE_CHECKING:
    pass

P = "workbench.cli."
IMPORTS = {
    "sources": (P + "io_cmds:import_sources", "Sources from CSV, XLSX, JSON Lines (or RIS/BibTeX/NBIB)."),
    "excerpts": (P + "io_cmds:import_excerpts", "Excerpts from CSV, XLSX or JSON Lines."),
    "codings": (P + "io_cmds:import_codings", "Codings from CSV, XLSX, JSON Lines or a coding sheet."),
    "summaries": (P + "table_cmds:import_summaries", "Summaries from CSV, or the DOCX/XLSX written for editing."),
    "qdpx": (P + "refi_cmds:import_qdpx", "A REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder)."),
    "qdc": (P + "refi_cmds:import_qdc", "A REFI-QDA codebook."),
    "document": (P + "refi_cmds:import_document", "The text of a source from .txt, .md, .docx or .pdf."),
    "included-studies": (P + "graph_cmds:import_included_studies", "Primary studies per review (source, study)."),
}
EXPORTS = {
    "codebook": (P + "io_cmds:export_codebook", "The codebook as YAML."),
    "sources": (P + "io_cmds:export_sources", "Sources as CSV, XLSX or JSON Lines."),
    "excerpts": (P + "io_cmds:export_excerpts", "Excerpts as CSV, XLSX or JSON Lines."),
    "codings": (P + "io_cmds:export_codings", "Codings as CSV, XLSX or JSON Lines."),
    "summaries": (P + "table_cmds:export_summaries", "Summaries as CSV, or DOCX/XLSX for co-researchers to edit."),
    "table": (P + "table_cmds:export_table", "The Table 6 style table: md, csv, json, docx, html, xlsx."),
    "narrative": (P + "writeup_cmds:export_narrative", "The Results narrative from the table: md, docx, html."),
    "appendix": (P + "writeup_cmds:export_appendix", "Every excerpt behind the table, theme by theme: md, docx, html."),
    "checklist": (P + "writeup_cmds:export_checklist", "The ENTREQ checklist, pre-filled from the project: md, docx."),
    "matrix": (P + "graph_cmds:export_matrix", "The perspective × subtheme matrix: md, csv, xlsx, png, svg."),
    "graph": (P + "graph_cmds:export_graph", "The theme–source graph: graphml, gexf, json, png, svg."),
    "evidence": (P + "graph_cmds:export_evidence", "The evidence profile / CERQual SoQF table."),
    "report": (P + "graph_cmds:export_report", "One standalone HTML page to share."),
    "cooccurrence": (P + "cooccurrence_cmds:export_cooccurrence", "Subthemes coded together: csv, xlsx, png."),
    "coding-sheet": (P + "collab_cmds:export_coding_sheet", "An Excel coding sheet for one coder."),
    "agreement": (P + "collab_cmds:export_disagreements", "The disagreements report for a meeting."),
    "archive": (P + "collab_cmds:export_archive", "The whole project as one zip, for 'workbench merge'."),
    "qdpx": (P + "refi_cmds:export_qdpx", "The project as REFI-QDA (.qdpx)."),
    "qdc": (P + "refi_cmds:export_qdc", "The codebook as REFI-QDA (.qdc)."),
}


@click.group("import", cls=LazyGroup, lazy=IMPORTS)
def import_group() -> None:
    """Add records to the project from a file. Every row is checked before anything is written.

    Example: workbench -p review import codings more-codings.xlsx
    """


@click.group("export", cls=LazyGroup, lazy=EXPORTS)
def export_group() -> None:
    """Write the project's contents to files (text to stdout unless -o; binary to exports/).

    Example: workbench -p review export table --format docx -o table6.docx
    """


def _import(ctx: Context, kind: str, file: Path, fmt: str | None, renumber: bool = False) -> None:
    from workbench.formats.records import read_sources
    from workbench.formats.references import is_bibliography

    actor = ctx.coder(required=False)
    if kind == "codings" and fmt in (None, "xlsx"):
        from workbench.formats.coding_sheet import is_coding_sheet

        if is_coding_sheet(file):  # a sheet from 'export coding-sheet' syncs that coder's codings
            from workbench.cli.collab_cmds import import_coding_sheet

            click.echo(import_coding_sheet(ctx, file))
            return
    extra = ""  # what a codings file adds besides codings ("nothing applies" rows)
    with ctx.open() as project:
        if renumber and project.setting("citation", "numeric") != "numeric":
            from workbench.core.errors import UserError

            raise UserError("--renumber is for numeric reference labels; this project cites author-year")
        rows: Any
        if kind == "sources" and fmt is None and is_bibliography(file):
            from workbench.formats.references import read_bibliography

            rows = read_bibliography(file, project.records.sources(), project.setting("citation", "numeric"))
            for line in [*rows.notes, *rows.skipped]:
                click.echo(line, err=True)
        else:
            with busy(f"reading {file.name}"):
                if kind in ("codings", "excerpts"):  # names matched to the codebook, every bad row listed
                    from workbench.formats.records import read_codings, read_excerpts

                    if kind == "codings":
                        rows = read_codings(file, fmt, project.codebook.get(), {e.key for e in project.records.excerpts()})
                    else:
                        rows = read_excerpts(file, fmt, project.codebook.get(), {s.ref for s in project.records.sources()})
                else:
                    rows = read_sources(file, fmt)
            for line in getattr(rows, "notes", []):
                click.echo(line, err=True)
        if kind == "sources":
            result = project.records.add_sources(rows, actor, str(file))
        elif kind == "excerpts":
            result = project.records.add_excerpts(rows, actor, str(file))
        else:
            with progress(len(rows) * 2, f"importing {kind}") as advance:
                result = project.records.add_codings(rows, actor, str(file), advance)
            marks = getattr(rows, "nothing_applies", [])  # checked by the reader with the codings
            if marks:
                known = set(project.records.nothing_applies())
                for _line, mark in marks:
                    project.records.mark_nothing_applies(mark.excerpt, mark.coder)
                new = len({(m.excerpt, m.coder) for _l, m in marks} - known)
                extra = f"; nothing applies: {new} marked, {len(marks) - new} already present"
        changed = project.interchange.renumber_sources(actor) if renumber else {}
    click.echo(f"{file}: {result}{extra}")
    if renumber:
        click.echo(f"renumbered {len(changed)} sources" if changed else "labels already run 1..N; none renumbered")


FMT = click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "jsonl"]), default=None,
                   help="Read as this format (default: from the extension).")
FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))


@click.command("sources")
@FILE
@FMT
@click.option("--renumber", is_flag=True, help="Afterwards relabel all sources 1..N in their order (numeric labels).")
@pass_ctx
def import_sources(ctx: Context, file: Path, fmt: str | None, renumber: bool) -> None:
    """Add sources (ref, citation, year, design, quality, groups), or references from RIS, BibTeX, NBIB
    or a reference manager's CSV (labels continue after the highest; duplicates are skipped and listed).

    Example: workbench -p review import sources sources.xlsx
    Example: workbench -p review import sources zotero-export.ris
    """
    _import(ctx, "sources", file, fmt, renumber)


@click.command("excerpts")
@FILE
@FMT
@pass_ctx
def import_excerpts(ctx: Context, file: Path, fmt: str | None) -> None:
    """Add excerpts (id, source, text, perspective).

    Example: workbench -p review import excerpts excerpts.csv
    """
    _import(ctx, "excerpts", file, fmt)


@click.command("codings")
@FILE
@FMT
@pass_ctx
def import_codings(ctx: Context, file: Path, fmt: str | None) -> None:
    """Add codings (excerpt, subtheme, coder, valence, perspective; optional start, end, note).

    Rows already in the project are skipped and counted.

    Example: workbench -p review import codings codings.csv
    """
    _import(ctx, "codings", file, fmt)


RECORD_FORMATS = ("csv", "xlsx", "jsonl")


def _export(ctx: Context, kind: str, output: Path | None, fmt: str | None) -> None:
    from workbench.formats.records import write_records

    chosen = choose_format(output, fmt, RECORD_FORMATS, "csv")
    with ctx.open() as project:
        if kind == "codings":  # while blind, a coder sees only their own codings (store/viewer.py)
            from workbench.core.ids import stable_uuid
            from workbench.formats.records import NothingApplies

            view = ctx.viewer(project)
            own = view.own_only()
            if own is not None:
                tell_scope({"blind": True, "coders": view.coder})
            codings: list[object] = [*project.records.codings(own)]
            codings += [NothingApplies(key, coder, stable_uuid("nothing_applies", key, coder))
                        for key, coder in project.records.nothing_applies() if own is None or coder in own]
            items: Sequence[object] = codings
        elif kind == "sources":
            items = project.records.sources()
        else:
            items = project.records.excerpts()
        with output_target(ctx, output, chosen, kind) as out:
            write_records(kind, items, out, chosen)


@click.command("codebook")
@output_options(("yaml",), "yaml")
@pass_ctx
def export_codebook(ctx: Context, output: Path | None, fmt: str | None) -> None:
    """The codebook as YAML, with ids, ready for 'workbench new'.

    Example: workbench -p review export codebook -o codebook.yaml
    """
    from workbench.formats.codebook_yaml import write_codebook

    chosen = choose_format(output, fmt, ("yaml",), "yaml")
    with ctx.open() as project:
        cb = project.codebook.get()
        with output_target(ctx, output, chosen, "codebook") as out:
            write_codebook(cb, out)


@click.command("sources")
@output_options(RECORD_FORMATS, "csv")
@pass_ctx
def export_sources(ctx: Context, output: Path | None, fmt: str | None) -> None:
    """Sources with their uuids.

    Example: workbench -p review export sources -o sources.xlsx
    """
    _export(ctx, "sources", output, fmt)


@click.command("excerpts")
@output_options(RECORD_FORMATS, "csv")
@pass_ctx
def export_excerpts(ctx: Context, output: Path | None, fmt: str | None) -> None:
    """Excerpts with their uuids.

    Example: workbench -p review export excerpts -o excerpts.csv
    """
    _export(ctx, "excerpts", output, fmt)


@click.command("codings")
@output_options(RECORD_FORMATS, "csv")
@pass_ctx
def export_codings(ctx: Context, output: Path | None, fmt: str | None) -> None:
    """Every coding with coder, uuid and time.

    Example: workbench -p review export codings -o codings.csv
    """
    _export(ctx, "codings", output, fmt)
