"""The write-ups: `export narrative|appendix|checklist`, beside `export table` and from the same
derivation (`build_table`), so the text, the appendix and the table cannot disagree."""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import Context, choose_format, output_options, output_target, pass_ctx, tell_scope
from workbench.cli.table_cmds import CODERS
from workbench.formats.writeup_registry import WRITEUPS, write_writeup


@click.command("narrative")
@output_options(tuple(WRITEUPS["narrative"]), "md")
@CODERS
@pass_ctx
def export_narrative(ctx: Context, output: Path | None, fmt: str | None, coders: str | None) -> None:
    """The Results narrative: per theme a heading, per perspective a subsection, the team's summaries
    with their references (benefits first), placeholders where a summary is missing.

    Headings follow the codebook's labels (perspective_heading, perspective.<name>). Markdown and
    HTML go to stdout unless -o; DOCX goes to the project's exports/ folder unless -o.

    Example: workbench -p review export narrative --format docx -o results.docx
    """
    from workbench.analysis.narrative import build_narrative

    chosen = choose_format(output, fmt, tuple(WRITEUPS["narrative"]), "md")
    with ctx.open() as project:
        model = build_narrative(ctx.viewer(project), coders)
        tell_scope(model.table.derivation.provenance)
        with output_target(ctx, output, chosen, "narrative") as out:
            write_writeup("narrative", model, chosen, out)


@click.command("appendix")
@output_options(tuple(WRITEUPS["appendix"]), "md")
@CODERS
@pass_ctx
def export_appendix(ctx: Context, output: Path | None, fmt: str | None, coders: str | None) -> None:
    """The detailed themes: theme → subtheme → valence → perspective → every excerpt behind the cell,
    quoted in full with its source, location and coder(s); counts per subtheme.

    Example: workbench -p review export appendix --format docx -o appendix-detailed-themes.docx
    """
    from workbench.analysis.appendix import build_appendix

    chosen = choose_format(output, fmt, tuple(WRITEUPS["appendix"]), "md")
    with ctx.open() as project:
        model = build_appendix(ctx.viewer(project), coders)
        tell_scope(model.table.derivation.provenance)
        with output_target(ctx, output, chosen, "appendix") as out:
            write_writeup("appendix", model, chosen, out)


@click.command("checklist")
@output_options(tuple(WRITEUPS["checklist"]), "md")
@CODERS
@click.option("--by", type=click.Choice(["overall", "theme", "subtheme"]), default="overall", show_default=True,
              help="The level at which agreement is reported (as 'agreement --by').")
@pass_ctx
def export_checklist(ctx: Context, output: Path | None, fmt: str | None, coders: str | None, by: str) -> None:
    """The ENTREQ reporting checklist, pre-filled with what the project knows (sources, designs and
    quality, coders, agreement, how themes were named, software); the rest left for the team.

    Example: workbench -p review export checklist --format docx -o entreq.docx
    """
    from workbench.analysis.checklist import build_checklist

    chosen = choose_format(output, fmt, tuple(WRITEUPS["checklist"]), "md")
    with ctx.open() as project:
        view = ctx.viewer(project)
        model = build_checklist(view, coders, by)
        tell_scope({"blind": view.blind, "coders": view.coder})
        with output_target(ctx, output, chosen, "checklist") as out:
            write_writeup("checklist", model, chosen, out)
