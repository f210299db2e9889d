"""`query cooccurrence` and `export cooccurrence`: which subthemes are coded together.

Thin: open the project, count in analysis/cooccurrence.py (through the coder-scoped view), print or
hand to formats/cooccurrence_files.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.cli.common import Context, choose_format, output_options, output_target, pass_ctx, tell_scope

CODERS = click.option("--coders", default=None, help="NAME,… | all | consensus (default: the agreed set if any).")
UNIT = click.option("--unit", type=click.Choice(["excerpt", "source"]), default="excerpt", show_default=True,
                    help="Count subthemes coded on one excerpt, or anywhere in one source.")
FORMATS = ("csv", "xlsx", "png")


def _count(ctx: Context, unit: str, coders: str | None):  # type: ignore[no-untyped-def]  # -> Cooccurrence
    from workbench.analysis.cooccurrence import cooccurrence

    with ctx.open() as project:
        co = cooccurrence(ctx.viewer(project), unit, coders)
    tell_scope({"blind": co.blind, "coders": co.coders})
    return co


@click.command("cooccurrence")
@UNIT
@CODERS
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many pairs to print (0: all). --json always gives all.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text (for scripts).")
@pass_ctx
def query_cooccurrence(ctx: Context, unit: str, coders: str | None, top: int, as_json: bool) -> None:
    """Which subthemes are coded together on one excerpt (or one source), most often first.

    Example: workbench -p review query cooccurrence --unit source --top 10
    """
    co = _count(ctx, unit, coders)
    pairs = list(co.pairs())
    if as_json:
        doc = {"unit": unit, "coders": co.coders, "units": co.units,
               "subthemes": [{"name": s, "theme": th, unit + "s": int(co.counts[i, i])}
                             for i, (s, th) in enumerate(zip(co.subthemes, co.themes, strict=True))],
               "pairs": [{"subthemes": [a, b], "count": n} for a, b, n in pairs],
               "provenance": co.provenance()}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    index = {s: i for i, s in enumerate(co.subthemes)}
    shown = pairs if top == 0 else pairs[:top]
    width = max((len(a) + len(b) for a, b, _ in shown), default=0) + 3
    for a, b, n in shown:
        alone = int(co.counts[index[a], index[a]]), int(co.counts[index[b], index[b]])
        click.echo(f"{n:>5}  {(a + ' + ' + b):<{width}}  ({a}: {alone[0]}, {b}: {alone[1]})")
    what = "excerpts" if unit == "excerpt" else "sources"
    click.echo(f"{len(shown)} of {len(pairs)} pairs of subthemes coded together on one {unit}; "
               f"{co.units} {what} coded by {co.coders}")


@click.command("cooccurrence")
@output_options(FORMATS, "csv")
@UNIT
@CODERS
@pass_ctx
def export_cooccurrence(ctx: Context, output: Path | None, fmt: str | None, unit: str, coders: str | None) -> None:
    """Subtheme × subtheme counts (excerpts or sources coded with both) as CSV, XLSX or a heatmap picture.

    Example: workbench -p review export cooccurrence --unit source -o cooccurrence.png
    """
    from workbench.formats.graph_formats import writer

    chosen = choose_format(output, fmt, FORMATS, "csv")
    co = _count(ctx, unit, coders)
    with output_target(ctx, output, chosen, "cooccurrence") as out:
        writer("cooccurrence", chosen)(co, out)
