"""Graph, matrix and evidence commands: `query …`, `evidence …`, `import included-studies`, and
`export matrix|graph|evidence|report`. Thin: open the project, call analysis/, hand to formats/.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workbench.cli.common import Context, choose_format, output_options, output_target, pass_ctx
from workbench.cli.cooccurrence_cmds import query_cooccurrence

if TYPE_CHECKING:
    import networkx as nx

CODERS = click.option("--coders", default=None, help="NAME,… | all | consensus (default: the agreed set if any).")
AS_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text (for scripts).")


# ----- query -----------------------------------------------------------------------------------
@click.group()
def query() -> None:
    """Ask the theme–source graph which sources carry which subthemes.

    Example: workbench -p review query low-quality
    """


query.add_command(query_cooccurrence)


def _graph(ctx: Context, coders: str | None) -> nx.DiGraph:
    from workbench.analysis.graph import build_graph

    with ctx.open() as project:
        return build_graph(ctx.viewer(project), coders)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def _print_subthemes(found: list[Any], total: int, what: str, as_json: bool) -> None:
    if as_json:
        _print_json([{**asdict(s), "refs": s.refs} for s in found])
        return
    for s in found:
        refs = ", ".join(f"{x.ref} ({x.quality or 'unrated'})" for x in s.sources)
        click.echo(f"{s.subtheme}  [{s.theme}]: {refs}"
                   + (f"; {', '.join(s.valences)}" if s.valences else ""))
    click.echo(f"{len(found)} of {total} subthemes {what}")


@query.command("supports")
@click.argument("subtheme")
@CODERS
@AS_JSON
@pass_ctx
def query_supports(ctx: Context, subtheme: str, coders: str | None, as_json: bool) -> None:
    """Which sources and perspectives support SUBTHEME, with the excerpts and coders behind each.

    Example: workbench -p review query supports "Role ambiguity"
    """
    from workbench.analysis.graph import supports

    found = supports(_graph(ctx, coders), subtheme)
    if as_json:
        _print_json(asdict(found))
        return
    click.echo(f"{found.subtheme}  [{found.theme}]: {len(found.sources)} source"
               f"{'s' * (len(found.sources) != 1)}; perspectives: {', '.join(found.perspectives) or '-'}")
    for s in found.sources:
        click.echo(f"  {s.ref:<14} {s.quality or 'unrated':<15} {', '.join(v for v in s.valences if v) or '-':<20} "
                   f"{', '.join(s.perspectives) or '-':<24} excerpts {', '.join(s.excerpts)}; "
                   f"coders {', '.join(s.coders)}")


@query.command("source")
@click.argument("ref")
@CODERS
@AS_JSON
@pass_ctx
def query_source(ctx: Context, ref: str, coders: str | None, as_json: bool) -> None:
    """Which subthemes the source REF supports.

    Example: workbench -p review query source 61
    """
    from workbench.analysis.graph import source_subthemes

    found = source_subthemes(_graph(ctx, coders), ref)
    if as_json:
        _print_json(asdict(found))
        return
    click.echo(f"{found.ref} ({found.quality or 'unrated'}; sample: {', '.join(found.groups) or '-'}): "
               f"{len(found.subthemes)} subtheme{'s' * (len(found.subthemes) != 1)}")
    for s in found.subthemes:
        click.echo(f"  {s.subtheme}  [{s.theme}]: {', '.join(s.valences) or '-'}; {', '.join(s.perspectives) or '-'}; "
                   f"excerpts {', '.join(s.excerpts)}")


@query.command("single-source")
@CODERS
@AS_JSON
@pass_ctx
def query_single_source(ctx: Context, coders: str | None, as_json: bool) -> None:
    """Subthemes carried by one source only.

    Example: workbench -p review query single-source
    """
    from workbench.analysis.graph import single_source, subthemes

    g = _graph(ctx, coders)
    _print_subthemes(single_source(g), len(subthemes(g)), "rest on one source", as_json)


@query.command("contrasting")
@CODERS
@AS_JSON
@pass_ctx
def query_contrasting(ctx: Context, coders: str | None, as_json: bool) -> None:
    """Subthemes with findings of more than one valence (e.g. benefit and challenge).

    Example: workbench -p review query contrasting
    """
    from workbench.analysis.graph import contrasting, subthemes

    g = _graph(ctx, coders)
    _print_subthemes(contrasting(g), len(subthemes(g)), "have contrasting findings", as_json)


@query.command("low-quality")
@click.option("--level", "levels", multiple=True, metavar="RATING",
              help="A rating that counts as low (repeatable; default: low, critically low).")
@CODERS
@AS_JSON
@pass_ctx
def query_low_quality(ctx: Context, levels: tuple[str, ...], coders: str | None, as_json: bool) -> None:
    """Subthemes whose sources are all rated low or critically low (unrated sources do not count as low).

    Example: workbench -p review query low-quality --level low --level "critically low"
    """
    from workbench.analysis.graph import LOW_LEVELS, low_quality, subthemes

    g = _graph(ctx, coders)
    chosen = levels or LOW_LEVELS
    _print_subthemes(low_quality(g, chosen), len(subthemes(g)), f"rest only on sources rated {' or '.join(chosen)}",
                     as_json)


# ----- evidence (CERQual) ----------------------------------------------------------------------
@click.group()
def evidence() -> None:
    """Record GRADE-CERQual judgements per finding (subtheme × valence) and show the evidence profile.

    Example: workbench --coder amira -p review evidence set Boundaries --valence challenge --component adequacy --judgement minor --explanation "Two reviews, thin data"
    """


VALENCE = click.option("--valence", default=None, help="The finding's valence (leave out for no valence).")
COMPONENT = click.option("--component", required=True, metavar="NAME",
                         help="methodological-limitations | coherence | adequacy | relevance | overall")


@evidence.command("set")
@click.argument("subtheme")
@VALENCE
@COMPONENT
@click.option("--judgement", required=True,
              help="no or very minor | minor | moderate | serious concerns; overall: high | moderate | low | very low.")
@click.option("--explanation", required=True, help="Why: what the judgement rests on.")
@pass_ctx
def evidence_set(ctx: Context, subtheme: str, valence: str | None, component: str, judgement: str,
                 explanation: str) -> None:
    """Record one CERQual judgement on a finding, as --coder (changes are kept in the audit log).

    Example: workbench --coder amira -p review evidence set Boundaries --valence challenge --component overall --judgement moderate --explanation "Minor concerns on adequacy"
    """
    author = ctx.coder()
    with ctx.open() as project:
        j = project.evidence.set_judgement(subtheme, valence, component, judgement, explanation, author)
    click.echo(f"{subtheme}{' (' + valence + ')' if valence else ''}: {j.component} = {j.judgement}")


@evidence.command("clear")
@click.argument("subtheme")
@VALENCE
@COMPONENT
@pass_ctx
def evidence_clear(ctx: Context, subtheme: str, valence: str | None, component: str) -> None:
    """Remove one judgement (the audit log keeps what it was).

    Example: workbench --coder amira -p review evidence clear Boundaries --valence challenge --component adequacy
    """
    author = ctx.coder()
    with ctx.open() as project:
        removed = project.evidence.clear_judgement(subtheme, valence, component, author)
    click.echo("removed" if removed else "there was no such judgement")


@evidence.command("show")
@click.argument("subtheme", required=False)
@VALENCE
@CODERS
@pass_ctx
def evidence_show(ctx: Context, subtheme: str | None, valence: str | None, coders: str | None) -> None:
    """The evidence profile: per finding its sources, excerpts, quality, flags, overlap and judgements.

    Example: workbench -p review evidence show "Role ambiguity" --valence challenge
    """
    from workbench.analysis.evidence import evidence_profile
    from workbench.core.cerqual import COMPONENTS
    from workbench.core.errors import UserError

    with ctx.open() as project:
        profile = evidence_profile(ctx.viewer(project), coders)
        cb = project.codebook.get()
    if subtheme and subtheme not in {s.name for s in cb.all_subthemes()}:
        raise UserError(f"unknown subtheme '{subtheme}'")
    if valence and valence not in cb.valences:
        raise UserError(f"unknown valence '{valence}' (valences: {', '.join(cb.valences) or 'none'})")
    shown = [f for f in profile.findings if (subtheme is None or f.subtheme == subtheme)
             and (valence is None or f.valence == valence)]
    for f in shown:
        click.echo(f"{f.subtheme}{' — ' + f.valence if f.valence else ''}  [{f.theme}]")
        click.echo(f"  sources      {', '.join(f.sources) or '-'} ({len(f.sources)}); excerpts {len(f.excerpts)}")
        click.echo(f"  perspectives {', '.join(f.perspectives) or '-'}")
        click.echo(f"  quality      {f.quality_summary or '-'}")
        click.echo(f"  overlap      {f.overlap.describe()}")
        if f.flags:
            click.echo(f"  flags        {', '.join(f.flags)}")
        for key in COMPONENTS:
            j = f.judgements.get(key)
            if j:
                click.echo(f"  {key:<27}{j.judgement}" + (f" — {j.explanation}" if j.explanation else ""))
    if not shown:
        click.echo("no findings" + (f" for '{subtheme}'" if subtheme else ""))
    elif subtheme is None:
        click.echo(f"{len(shown)} findings; overlap of all reviews: {profile.overlap.describe()}")


# ----- import included studies -----------------------------------------------------------------
@click.command("included-studies")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "jsonl"]), default=None,
              help="Read as this format (default: from the extension).")
@click.option("--replace", is_flag=True, help="Replace the lists of the sources named in FILE instead of adding.")
@pass_ctx
def import_included_studies(ctx: Context, file: Path, fmt: str | None, replace: bool) -> None:
    """Add the primary studies each review included (columns: source, study), for the overlap (CCA).

    Example: workbench -p review import included-studies included.csv
    """
    from workbench.formats.tabular import read_rows

    rows = read_rows(file, ["source", "study"], fmt)
    with ctx.open() as project:
        result = project.evidence.add_included_studies([(n, r["source"], r["study"]) for n, r in rows],
                                              ctx.coder(required=False), str(file), replace)
    click.echo(f"{file}: {result}")


# ----- exports ---------------------------------------------------------------------------------
MATRIX_FORMATS = ("md", "csv", "xlsx", "png", "svg")
GRAPH_FORMATS = ("graphml", "gexf", "json", "png", "svg")
EVIDENCE_FORMATS = ("md", "docx", "xlsx", "csv")


@click.command("matrix")
@output_options(MATRIX_FORMATS, "md")
@CODERS
@pass_ctx
def export_matrix(ctx: Context, output: Path | None, fmt: str | None, coders: str | None) -> None:
    """Subthemes (by overarching theme) × perspectives, references split by valence; or a heatmap picture.

    Example: workbench -p review export matrix -o matrix.png
    """
    from workbench.analysis.matrix import build_matrix
    from workbench.formats.graph_formats import writer

    chosen = choose_format(output, fmt, MATRIX_FORMATS, "md")
    with ctx.open() as project:
        model = build_matrix(ctx.viewer(project), coders)
        with output_target(ctx, output, chosen, "matrix") as out:
            writer("matrix", chosen)(model, out)


@click.command("graph")
@output_options(GRAPH_FORMATS, "graphml")
@CODERS
@pass_ctx
def export_graph(ctx: Context, output: Path | None, fmt: str | None, coders: str | None) -> None:
    """The theme–source graph for Gephi/Cytoscape (GraphML, GEXF), as node-link JSON, or as a picture.

    Example: workbench -p review export graph -o graph.graphml
    """
    from workbench.analysis.graph import build_graph
    from workbench.formats.graph_formats import writer

    chosen = choose_format(output, fmt, GRAPH_FORMATS, "graphml")
    with ctx.open() as project:
        g = build_graph(ctx.viewer(project), coders)
        with output_target(ctx, output, chosen, "graph") as out:
            writer("graph", chosen)(g, out)


@click.command("evidence")
@output_options(EVIDENCE_FORMATS, "md")
@CODERS
@pass_ctx
def export_evidence(ctx: Context, output: Path | None, fmt: str | None, coders: str | None) -> None:
    """The evidence profile as a Summary of Qualitative Findings table with the CERQual judgements.

    Example: workbench -p review export evidence -o soqf.docx
    """
    from workbench.analysis.evidence import evidence_profile
    from workbench.formats.graph_formats import writer

    chosen = choose_format(output, fmt, EVIDENCE_FORMATS, "md")
    with ctx.open() as project:
        profile = evidence_profile(ctx.viewer(project), coders)
        with output_target(ctx, output, chosen, "evidence") as out:
            writer("evidence", chosen)(profile, out)


@click.command("report")
@output_options(("html",), "html")
@CODERS
@click.option("--title", default=None, help="Heading of the page (default: the project's name).")
@pass_ctx
def export_report(ctx: Context, output: Path | None, fmt: str | None, coders: str | None,
                  title: str | None) -> None:
    """One standalone HTML page to share: table, matrix, graph and evidence profile; every reference opens
    to the excerpts and coders behind it. Works offline (no network, no fonts, no CDN).

    Example: workbench -p review export report -o report.html
    """
    from workbench.formats.report_html import build_report, report_html

    choose_format(output, fmt, ("html",), "html")
    with ctx.open() as project:
        report = build_report(ctx.viewer(project), coders, title)
        with output_target(ctx, output, "html", "report") as out:
            report_html(report, out)
