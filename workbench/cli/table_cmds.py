"""Table commands: export table, trace, summary, verify-table, summaries in and out."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import Context, choose_format, output_options, output_target, pass_ctx
from workbench.formats.table_registry import TABLE_FORMATS

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
        model = build_table(project, coders)
        with output_target(ctx, output, chosen, "table") as out:
            TABLE_FORMATS[chosen].load()(model, out)
