"""Table commands: export table, trace, summary, verify-table, summaries in and out."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import Context, choose_format, output_options, output_target, pass_ctx

TABLE_FORMATS = ("json",)


@click.command("table")
@output_options(TABLE_FORMATS, "json")
@click.option("--coders", default=None, help="NAME,… | all | consensus (default: the agreed set if any).")
@pass_ctx
def export_table(ctx: Context, output: Path | None, fmt: str | None, coders: str | None) -> None:
    """The Table 6 style table derived from the codings.

    Example: workbench -p review export table --format json -o table.json
    """
    from workbench.analysis.table import build_table
    from workbench.formats.table_json import table_json

    chosen = choose_format(output, fmt, TABLE_FORMATS, "json")
    with ctx.open() as project:
        model = build_table(project, coders)
        with output_target(ctx, output, chosen, "table") as out:
            table_json(model, out)
