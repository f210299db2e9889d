"""Language-help commands: detect, search (and code the hits), suggest, segment.

Everything runs on this machine: spaCy is imported here only when one of these commands runs,
never at `workbench --help`. Commands that change codings show what they will do and ask first
(or take --yes), and each such step can be undone in one go.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from workbench.cli.common import Context, choose_format, output_options, output_target, pass_ctx, progress
from workbench.core.errors import UserError

if TYPE_CHECKING:
    from workbench.core.model import Codebook
    from workbench.nlp.suggest import Suggester
    from workbench.store.api import Project


def _short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


# ----- detect -----------------------------------------------------------------------------------
@click.command()
@click.argument("excerpts", nargs=-1)
@click.option("--apply", "apply_", is_flag=True, help="Fill empty perspective hints with what was detected.")
@click.option("--force", is_flag=True, help="Detect again even where the stored result is up to date.")
@click.option("--rule", type=click.Choice(["speaker", "names"]), default="speaker", show_default=True,
              help="Several groups named: 'speaker' takes the group the text opens with, 'names' offers mixed.")
@click.option("--show", is_flag=True, help="List each excerpt's detected groups, hint and citations.")
@pass_ctx
def detect(ctx: Context, excerpts: tuple[str, ...], apply_: bool, force: bool, rule: str, show: bool) -> None:
    """Detect the perspectives (codebook names and synonyms) and citations in every excerpt.

    Results are stored, so a second run only looks at excerpts whose text, or the codebook's
    perspectives, or the sources changed. Give EXCERPT ids to list only those (with --show).

    Example: workbench -p review detect --apply --show
    """
    from workbench.services.language import apply_hints, plan_detection, run_detection

    actor = ctx.coder(required=False)
    with ctx.open() as project:
        plan = plan_detection(project, force, rule)
        with progress(len(plan.todo), "detecting") as advance:
            report = run_detection(project, actor, force, rule, advance, plan=plan)
        applied = apply_hints(project, actor) if apply_ else 0
        results = project.nlp.results(list(excerpts) or None) if show or excerpts else {}
        missing = [k for k in excerpts if k not in results]
        if missing:
            raise UserError(f"unknown excerpt '{missing[0]}'")
    for key, r in results.items():
        cites = "; ".join(f"{c['text']}→{','.join(c['refs']) or '?'}" for c in r.citations)
        click.echo(f"{key:<10} {r.hint or '-':<26} {', '.join(r.groups) or '-'}" + (f"  cites {cites}" if cites else ""))
    click.echo(f"{report.total} excerpts: {report.computed} analysed, {report.total - report.computed} unchanged; "
               f"perspective found in {report.with_hint} ({report.mixed} name several groups); "
               f"{report.citations} citations, {report.resolved} matched to sources", err=bool(results))
    if apply_:
        click.echo(f"filled {applied} empty perspective hint{'s' if applied != 1 else ''}")


# ----- search -----------------------------------------------------------------------------------
@click.command()
@click.argument("query", nargs=-1)
@click.option("--phrase", "mode", flag_value="phrase", help="The words in this order, next to each other.")
@click.option("--fuzzy", "mode", flag_value="fuzzy", help="Also words spelled nearly the same (misspellings).")
@click.option("--word", "mode", flag_value="word", default=True, hidden=True)
@click.option("--prefix", is_flag=True, help="The last word may be the start of a word (as you type).")
@click.option("--cutoff", type=click.IntRange(50, 100), default=85, show_default=True,
              help="With --fuzzy: how similar a word must be (rapidfuzz ratio, 0–100).")
@click.option("-n", "--limit", type=click.IntRange(0), default=50, show_default=True,
              help="How many hits to show (0: all). Coding applies to every hit regardless.")
@click.option("--width", type=click.IntRange(10, 200), default=40, show_default=True, help="Context characters.")
@click.option("--code", "subtheme", default=None, metavar="SUBTHEME", help="Code every hit with this subtheme.")
@click.option("--valence", default=None, help="With --code: the valence of the codings.")
@click.option("--perspective", default=None,
              help="With --code: the perspective (default: each excerpt's own perspective hint).")
@click.option("--only", default=None, metavar="KEY,…", help="With --code: only these of the hits.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--undo-last", is_flag=True, help="Remove the codings your last 'search --code' made.")
@click.option("--keys", "keys_only", is_flag=True, help="Print only the ids of the matching excerpts.")
@pass_ctx
def search(ctx: Context, query: tuple[str, ...], mode: str, prefix: bool, cutoff: int, limit: int, width: int,
           subtheme: str | None, valence: str | None, perspective: str | None, only: str | None, yes: bool,
           undo_last: bool, keys_only: bool) -> None:
    """Search excerpts by word (lemmas: 'boundary' finds 'boundaries'), phrase or fuzzy spelling.

    Hits are shown in context. With --code, every hit (or those named by --only) is coded with
    SUBTHEME in one step, after you confirm; 'search --undo-last' takes that step back.

    Example: workbench -p review --coder amira search boundary --code Boundaries --valence challenge
    """
    if undo_last:
        if query or subtheme:
            raise click.UsageError("--undo-last stands alone (no QUERY, no --code)")
        _undo_last(ctx, yes)
        return
    if not query:
        raise click.UsageError("give a QUERY (a word, or several)")
    if not subtheme and (valence or perspective or only):
        raise click.UsageError("--valence, --perspective and --only go with --code")
    from workbench.services.language import project_index

    text = " ".join(query)
    with ctx.open() as project:
        coder = ctx.coder() if subtheme else ""
        if subtheme:
            _check_names(project.codebook.get(), subtheme, valence, perspective)
        with progress(project.counts()["excerpts"], "indexing excerpts") as advance:
            index = project_index(project, advance)
        result = index.search(text, mode, prefix=prefix, cutoff=cutoff)
        keys = result.keys()
        if keys_only:
            click.echo("\n".join(keys))
        else:
            for hit in result.hits(None if limit == 0 else limit, width):
                click.echo(f"{hit.key:<10} {hit.source:<8} {hit.kwic(width)}" + (f"  (×{hit.count})" if hit.count > 1 else ""))
            shown = len(keys) if limit == 0 else min(limit, len(keys))
            more = f" (showing {shown}; -n 0 shows all)" if shown < len(keys) else ""
            click.echo(f"{len(keys)} excerpt{'s match' if len(keys) != 1 else ' matches'} '{text}' ({mode}){more}", err=True)
        if not subtheme:
            return
        if only:
            wanted = [k.strip() for k in only.split(",") if k.strip()]
            outside = [k for k in wanted if k not in set(keys)]
            if outside:
                raise UserError(f"'{outside[0]}' is not among the hits of '{text}'")
            keys = wanted
        if not keys:
            click.echo("nothing to code", err=True)
            return
        what = f"'{subtheme}'" + (f", {valence}" if valence else "") + \
            (f", {perspective}" if perspective else ", each excerpt's perspective hint")
        if not yes and not click.confirm(f"Code {len(keys)} excerpt{'s' if len(keys) != 1 else ''} with {what} "
                                         f"as {coder}?", default=False, err=True):
            click.echo("nothing coded", err=True)
            return
        uuids, already = project.nlp.code_excerpts(keys, subtheme, coder, valence, perspective, "search",
                                               query=text, mode=mode)
    click.echo(f"coded {len(uuids)} excerpt{'s' if len(uuids) != 1 else ''} with '{subtheme}' as {coder}"
               f"{f'; {already} already had this coding' if already else ''} (undo: workbench search --undo-last)")


def _check_names(cb: Codebook, subtheme: str, valence: str | None, perspective: str | None) -> None:
    """Say what is wrong before asking anything (the store checks again inside its transaction)."""
    if subtheme not in {s.name for s in cb.all_subthemes()}:
        raise UserError(f"unknown subtheme '{subtheme}'")
    if valence and valence not in cb.valences:
        raise UserError(f"unknown valence '{valence}' (valences: {', '.join(cb.valences) or 'none'})")
    if perspective and cb.perspective(perspective) is None:
        raise UserError(f"unknown perspective '{perspective}'")


def _undo_last(ctx: Context, yes: bool) -> None:
    coder = ctx.coder()
    with ctx.open() as project:
        steps = project.nlp.bulk_codings(coder)
        if not steps:
            raise UserError(f"no 'search --code' step by {coder} to undo")
        step = steps[0]
        d = step.detail
        question = (f"Remove the {len(step.uuids)} codings '{d.get('subtheme')}' made {step.time[:19]} "
                    f"from the search '{d.get('query', '')}'?")
        if not yes and not click.confirm(question, default=False, err=True):
            click.echo("nothing removed", err=True)
            return
        removed = project.nlp.undo_bulk_coding(step, coder)
    click.echo(f"removed {removed} coding{'s' if removed != 1 else ''}"
               + (f" ({len(step.uuids) - removed} were already gone)" if removed < len(step.uuids) else ""))


# ----- suggest ----------------------------------------------------------------------------------
@click.command()
@click.argument("excerpts", nargs=-1)
@click.option("--train", is_flag=True, help="Train (again) on the project's codings, then save the model.")
@click.option("--coders", default=None, metavar="NAME,…|all|consensus",
              help="Whose codings to learn from (default: the agreed set if it has any, else all coders).")
@click.option("--accept", nargs=2, default=None, metavar="EXCERPT SUBTHEME",
              help="Record a suggested subtheme as your coding (origin 'suggestion').")
@click.option("--valence", default=None, help="With --accept: the valence.")
@click.option("--perspective", default=None, help="With --accept: the perspective (default: the excerpt's hint).")
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True,
              help="How many uncoded excerpts to show when none are named.")
@click.option("--top", type=click.IntRange(1, 10), default=3, show_default=True, help="Suggestions per excerpt.")
@pass_ctx
def suggest(ctx: Context, excerpts: tuple[str, ...], train: bool, coders: str | None,
            accept: tuple[str, str] | None, valence: str | None, perspective: str | None, limit: int,
            top: int) -> None:
    """Suggest subthemes for excerpts from a classifier trained on this project's codings.

    Without EXCERPT ids, shows the excerpts you have not coded yet (or nobody has, without a
    coder name). A suggestion never codes anything: --accept records it as your coding.

    Example: workbench -p review suggest --train && workbench -p review --coder amira suggest --accept e012 Boundaries
    """
    from workbench.nlp.suggest import Suggester
    from workbench.services.language import labelled_from_project

    with ctx.open() as project:
        folder = project.nlp.folder("models")
        if train:
            scope = ctx.viewer(project).scope(coders)
            names, choice = scope.names, scope.choice
            examples = labelled_from_project(project, names)
            click.echo(f"training on {min(len(examples), 5000)} of {len(examples)} coded excerpts …", err=True)
            trained = Suggester.train(examples, project.codebook.get(), max_examples=5000)
            trained.meta["coders"] = choice
            path = trained.save(folder)
            m = trained.meta
            click.echo(f"trained on {m['examples']} coded excerpts ({choice}) and the codebook, "
                       f"{m['labels']} subthemes, in {m['seconds']} s; saved in {path}", err=bool(excerpts or accept))
            if not excerpts and not accept:
                return
        elif coders:
            raise click.UsageError("--coders goes with --train")
        cb = project.codebook.get()
        model = Suggester.load(folder)
        if model is None:
            raise UserError("no trained model yet: run 'workbench suggest --train' first")
        if accept:
            _accept(ctx, project, model, accept, valence, perspective, top)
            return
        if valence or perspective:
            raise click.UsageError("--valence and --perspective go with --accept")
        if excerpts:
            found = project.nlp.excerpt_texts_by_key(list(excerpts))
            items = [(k, found[k][0]) for k in excerpts]
        else:
            coder = ctx.coder(required=False) or None
            items = project.nlp.uncoded_excerpts(coder, limit)
            if not items:
                click.echo(f"every excerpt is coded{' by ' + coder if coder else ''}; name excerpts to see "
                           "suggestions for them", err=True)
                return
    known = {s.name for s in cb.all_subthemes()}
    for (key, text), ranking in zip(items, model.top([t for _, t in items], top, known), strict=True):
        click.echo(f"{key:<10} " + " · ".join(f"{label} {score:.2f}" for label, score in ranking))
        click.echo(f"{'':<10} {_short(text)}")
    click.echo(f"model trained {model.meta.get('trained', '?')[:19]} on {model.meta.get('examples', '?')} excerpts "
               f"({model.meta.get('coders', '?')}); accept with --accept EXCERPT SUBTHEME", err=True)


def _accept(ctx: Context, project: Project, model: Suggester, accept: tuple[str, str], valence: str | None,
            perspective: str | None, top: int) -> None:
    from workbench.core.model import Coding

    key, subtheme = accept
    text, hint = project.nlp.excerpt_texts_by_key([key])[key]
    ranking = model.top([text], top, {s.name for s in project.codebook.get().all_subthemes()})[0]
    offered = [label for label, _ in ranking]
    if subtheme not in offered:
        raise UserError(f"'{subtheme}' is not among the suggestions for {key} ({', '.join(offered)}); "
                        "code it with 'workbench code' instead")
    coder = ctx.coder()
    _check_names(project.codebook.get(), subtheme, valence, perspective)
    uuid = project.records.add_coding(Coding(key, subtheme, coder, valence or None, perspective or hint or None,
                                     origin="suggestion"), coder)
    click.echo(f"coded {key} with '{subtheme}' as {coder} (from a suggestion; uuid {uuid})")


# ----- segment ----------------------------------------------------------------------------------
SEGMENT_FORMATS = ("csv", "jsonl", "xlsx")


@click.command()
@click.argument("document")
@click.option("--by", type=click.Choice(["sentence", "paragraph"]), default="sentence", show_default=True)
@click.option("--source", default=None, metavar="REF",
              help="The source the excerpts belong to (default: the imported document's source).")
@click.option("--prefix", default=None, help="Excerpt ids are PREFIX001, PREFIX002 … (default: 'REF-').")
@output_options(SEGMENT_FORMATS, "csv")
@pass_ctx
def segment(ctx: Context, document: str, by: str, source: str | None, prefix: str | None,
            output: Path | None, fmt: str | None) -> None:
    """Split a document into candidate excerpts, written as an excerpts file to check and import.

    DOCUMENT is a file (.txt, .md, .docx, .pdf) or the name of a document imported with 'import
    document'. Headings, tables, page headers and the reference list are left out; each row has
    its character offsets, the section it came from, the detected perspective and citations.

    Example: workbench -p review segment walker2013.pdf --source 61 -o candidates.csv
    """
    from workbench.formats.tabular import write_rows
    from workbench.nlp.citations import CitationMatcher
    from workbench.nlp.perspectives import PerspectiveDetector
    from workbench.nlp.segment import segment as split

    chosen = choose_format(output, fmt, SEGMENT_FORMATS, "csv")
    with ctx.open() as project:
        path = Path(document)
        if path.is_file():
            from workbench.formats.documents import read_document

            text = read_document(path)
        else:
            docs = [d for d in project.interchange.documents() if d.name == document]
            if not docs:
                raise UserError(f"no such file, and no imported document named '{document}'")
            if len(docs) > 1 and source is None:
                raise UserError(f"several documents are named '{document}'; add --source REF")
            doc = next((d for d in docs if source is None or d.source == source), None)
            if doc is None:
                raise UserError(f"no document '{document}' for source {source}")
            text, source = doc.text, source or doc.source
        if not source:
            raise UserError("which source is this? add --source REF")
        sources = project.records.sources()
        if source not in {s.ref for s in sources}:
            raise UserError(f"unknown source '{source}'")
        segments = split(text, by)
        detector = PerspectiveDetector(project.codebook.get())
        matcher = CitationMatcher(sources)
        known = {e.key for e in project.records.excerpts()}
    stem = prefix if prefix is not None else f"{source}-"
    keys = [f"{stem}{i:03d}" for i in range(1, len(segments) + 1)]
    clash = next((k for k in keys if k in known), None)
    if clash:
        raise UserError(f"excerpt id '{clash}' is taken; choose other ids with --prefix")
    rows = []
    for key, seg, (_, hint) in zip(keys, segments, detector.detect(s.text for s in segments), strict=True):
        cites = matcher.find(seg.text)
        rows.append({"id": key, "source": source, "text": seg.text, "perspective": hint, "location": seg.section,
                     "start": seg.start, "end": seg.end,
                     "citations": json.dumps([c.as_dict() for c in cites], ensure_ascii=False) if cites else ""})
    columns = ("id", "source", "text", "perspective", "location", "start", "end", "citations")
    with output_target(ctx, output, chosen, "segments") as out:
        write_rows(out, columns, rows, chosen, sheet="excerpts")
    click.echo(f"{len(rows)} candidate excerpts ({by}s) from {document}", err=output is None or not sys.stdout.isatty())
