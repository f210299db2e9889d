"""`import/export qdpx|qdc`, `import document` and `new --qdpx`: moving work in and out of other tools.

Every import reads and checks the whole file before the project is touched and then writes in one
transaction, so a refused file (hostile, malformed, not the schema) changes nothing. What a
conversion could not carry is listed on stderr, one line per kind, as REFI-QDA asks of tools.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from workbench.cli.common import (
    Context,
    binary_target,
    choose_format,
    output_options,
    output_target,
    pass_ctx,
)

FILE = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
POSITIONS = click.option(
    "--positions", type=click.Choice(["auto", "codepoints", "utf16"]), default="auto", show_default=True,
    help="How the file counts text positions: code points (the standard) or UTF-16 units (NVivo); "
         "auto decides from the file.")


DOTS = click.option(
    "--dotted-hierarchy/--no-dotted-hierarchy", "dots", default=None,
    help="Read code names 'parent.child' as a hierarchy (where 'parent' is itself a code). "
         "Default: on for files from Taguette, off for others.")


def describe(stats: Counter[str]) -> str:
    """'sources 11 added; codings 295 added, 3 already present' from an import's counts."""
    kinds: dict[str, dict[str, int]] = {}
    for key, n in stats.items():
        kind, _, what = key.partition(" ")
        kinds.setdefault(kind, {})[what] = n
    parts = []
    for kind, counts in kinds.items():
        said = [f"{counts[w]} {w}" for w in ("added", "updated", "already present") if counts.get(w)]
        if said:
            parts.append(f"{kind} {', '.join(said)}")
    return "; ".join(parts) or "nothing new"


def report_losses(losses: list[str]) -> None:
    for line in losses:
        click.echo(line, err=True)


@click.command("qdpx")
@FILE
@POSITIONS
@DOTS
@pass_ctx
def import_qdpx(ctx: Context, file: Path, positions: str, dots: bool | None) -> None:
    """Bring a REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder or workbench) into this project.

    Codes, sources, selections, codings, users and notes are matched by GUID, then by name, so
    importing the same file twice adds nothing. What could not be carried is listed on stderr.

    Example: workbench -p review import qdpx colleague.qdpx
    """
    from workbench.formats.refi.qdpx import read_qdpx

    bundle = read_qdpx(file, positions, dots)
    with ctx.open() as project:
        stats = project.interchange.import_bundle(bundle, ctx.coder(required=False), str(file))
    click.echo(f"{file}: {describe(stats)}")
    report_losses(bundle.losses)


@click.command("qdc")
@FILE
@DOTS
@pass_ctx
def import_qdc(ctx: Context, file: Path, dots: bool | None) -> None:
    """Add the themes, subthemes, valences and perspectives of a REFI-QDA codebook (.qdc).

    Codes already in the project (same GUID or name) are left as they are.

    Example: workbench -p review import qdc nvivo-codebook.qdc
    Example: workbench -p review import qdc taguette-codebook.qdc --no-dotted-hierarchy
    """
    from workbench.core.interchange import ProjectBundle
    from workbench.formats.refi.qdc import read_qdc

    read = read_qdc(file, dots)
    with ctx.open() as project:
        stats = project.interchange.import_bundle(ProjectBundle(codebook=read.codebook, memos=read.memos),
                                      ctx.coder(required=False), str(file))
    click.echo(f"{file}: {describe(stats)}")
    report_losses(read.losses)


@click.command("document")
@FILE
@click.option("--source", "source", required=True, metavar="REF", help="The source (its ref) the document belongs to.")
@click.option("--split", type=click.Choice(["none", "paragraph", "sentence", "regex"]), default="none",
              show_default=True, help="Cut excerpts from the text: by paragraph, sentence, or a regular expression.")
@click.option("--pattern", default=None, metavar="RE",
              help="With --split regex: every match becomes an excerpt (its first group, if it has one).")
@click.option("--name", default=None, help="The document's name (default: the file name).")
@pass_ctx
def import_document(ctx: Context, file: Path, source: str, split: str, pattern: str | None, name: str | None) -> None:
    """Keep the text of a source's document (.txt, .md, .docx, .pdf) and optionally cut excerpts from it.

    Each excerpt keeps its character offsets in the document, so codings and the app can point
    back into the full text. Importing the same file again changes nothing.

    Example: workbench -p review import document walker2013.pdf --source 23 --split paragraph
    """
    from workbench.formats.documents import read_document
    from workbench.nlp.split import split_document

    if split == "regex" and not pattern:
        raise click.UsageError("--split regex needs --pattern")
    if pattern and split != "regex":
        raise click.UsageError("--pattern goes with --split regex")
    text = read_document(file)
    spans = split_document(text, split, pattern, name or file.name)
    with ctx.open() as project:
        result = project.interchange.add_document(source, name or file.name, text, ctx.coder(required=False), spans)
    if not result.added:
        click.echo(f"{file}: already imported for source {source}; nothing changed")
        return
    n = len(result.excerpts)
    what = (f"{n} excerpt{'s' if n != 1 else ''} ({result.excerpts[0]} … {result.excerpts[-1]})" if n
            else "no excerpts (select them in the app, or use --split)")
    click.echo(f"{file}: kept {len(text)} characters with source {source}; {what}")


@click.command("qdpx")
@output_options(("qdpx",), "qdpx")
@pass_ctx
def export_qdpx(ctx: Context, output: Path | None, fmt: str | None) -> None:
    """The whole project as a REFI-QDA project archive, for NVivo, ATLAS.ti, MAXQDA or QualCoder.

    Themes and subthemes become codes, coders users, codings coded selections (with their valence
    and perspective as codes beside them), summaries and memos notes. Valid against Project.xsd.

    Example: workbench -p review export qdpx -o review.qdpx
    """
    from workbench.formats.refi.qdpx import project_qdpx

    chosen = choose_format(output, fmt, ("qdpx",), "qdpx")
    with ctx.open() as project:
        data = project.interchange.bundle()
    with binary_target(ctx, output, chosen, ctx.project_dir.resolve().name or "project") as out:
        losses = project_qdpx(data, out)
    report_losses(losses)


@click.command("qdc")
@output_options(("qdc",), "qdc")
@pass_ctx
def export_qdc(ctx: Context, output: Path | None, fmt: str | None) -> None:
    """The codebook as a REFI-QDA codebook (.qdc): themes, subthemes with their rules, valences, perspectives.

    Example: workbench -p review export qdc -o codebook.qdc
    """
    from workbench.formats.refi.qdc import codebook_qdc

    chosen = choose_format(output, fmt, ("qdc",), "qdc")
    with ctx.open() as project:
        cb = project.codebook.get()
    with output_target(ctx, output, chosen, "codebook") as out:
        losses = codebook_qdc(cb, out)
    report_losses(losses)
