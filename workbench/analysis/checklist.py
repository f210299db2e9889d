"""The ENTREQ reporting checklist, pre-filled with what the project itself knows.

Journals ask qualitative syntheses for the ENTREQ statement (Tong et al. 2012, 21 items). Half of
its answers are facts the project already holds — how many sources of which designs and quality,
who coded, how well coders agreed, how themes were named, which software — and copying them by
hand is where a checklist and a paper drift apart. Everything here is counted
from the store with the same code as `status`, `agreement` and the table (`build_table`: same
coders, same provenance note); an item only the team can answer (the aim, the search, the
appraisal tool) is left blank rather than guessed.

The item names and guidance are written in this project's own words.
"""

from __future__ import annotations

import platform
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from workbench import __version__
from workbench.analysis.table import TableModel, build_table
from workbench.core.errors import UserError
from workbench.store import queries, writeup_queries
from workbench.store.viewer import CoderView

# (short name, what to report) — paraphrased, in the order of the ENTREQ statement.
ITEMS: tuple[tuple[str, str], ...] = (
    ("Aim", "The question the synthesis sets out to answer."),
    ("Synthesis methodology", "The method or framework behind the synthesis (e.g. thematic synthesis, "
        "meta-ethnography) and why it suits the question."),
    ("Approach to searching", "Whether the search was planned in advance to find every eligible study, "
        "or iterative and purposive until concepts were saturated."),
    ("Inclusion criteria", "What a study needed to be included or excluded (population, setting, design, "
        "language, years …)."),
    ("Data sources", "Where the team searched (databases, grey literature, reference lists, experts) "
        "and when."),
    ("Electronic search strategy", "The search terms and the full strategy for at least one database, "
        "with any limits."),
    ("Study screening methods", "How records were screened (titles, abstracts, full texts) and by how "
        "many reviewers working independently."),
    ("Study characteristics", "What the included studies are: year, country, population, participants, "
        "data collection, design and analysis."),
    ("Study selection results", "How many records were screened and excluded, and why (e.g. in a flow "
        "diagram)."),
    ("Rationale for appraisal", "Why and how included studies or their findings were appraised."),
    ("Appraisal items", "The tool, framework or criteria used to appraise them."),
    ("Appraisal process", "Whether more than one reviewer appraised each study independently, and how "
        "they settled differences."),
    ("Appraisal results", "What the appraisal found, and whether any study was weighted or left out "
        "because of it, with the reason."),
    ("Data extraction", "Which parts of the studies were analysed and how the findings were taken from "
        "them."),
    ("Software", "The software used for the synthesis, if any."),
    ("Number of reviewers", "Who coded and who analysed the data."),
    ("Coding", "How the data were coded (e.g. line by line, against a codebook) and how consistently."),
    ("Study comparison", "How findings were compared within and across studies (e.g. later studies coded "
        "into existing concepts, new concepts added when none fitted)."),
    ("Derivation of themes", "Whether themes came inductively from the data or deductively from a "
        "framework, and how."),
    ("Quotations", "Quotations from the studies for each theme, saying whether they are participants' "
        "words or the authors' interpretation."),
    ("Synthesis output", "Results that go beyond a summary of the studies: new interpretation, models, "
        "frameworks or theory."),
)


@dataclass
class Item:
    number: int
    name: str
    guide: str
    known: list[str] = field(default_factory=list)  # what the project can say; [] = for the team

    @property
    def blank(self) -> bool:
        return not self.known


@dataclass
class Checklist:
    title: str
    items: list[Item]
    figures: dict[str, Any]  # the numbers behind the answers (tests compare them with status/agreement)
    notes: list[str]


def _n(k: int, word: str, plural: str | None = None) -> str:
    return f"{k:,} {word if k == 1 else plural or word + 's'}"


def _tally(values: list[str]) -> str:
    counts = Counter(v.strip() or "not recorded" for v in values)
    return ", ".join(f"{v} {n}" for v, n in sorted(counts.items(), key=lambda x: (-x[1], x[0].lower())))


def _pct(x: float | None) -> str:
    return "undefined" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, note: str = "") -> str:
    return f"{x:.3f}" if x is not None else ("undefined" if note else "–")


def agreement_lines(view: CoderView, by: str = "overall") -> tuple[list[str], dict[str, Any]]:
    """The `agreement` command's figures (same coders, same unit) as sentences, at `by` and coarser levels."""
    from workbench.analysis.agreement import agreement, choose_coders

    try:
        coders = choose_coders(view, None)
    except UserError as e:
        return [f"Agreement not measured: {e}."], {}
    result = agreement(view.project, coders)
    lines = [f"Agreement between {', '.join(coders)}; unit: an excerpt coded (or marked 'nothing applies') by two "
             f"or more of them ({_n(result.units, 'unit')})."]
    figures: dict[str, Any] = {"coders": coders, "units": result.units, "rows": {}}
    wanted = {"overall": ("overall",), "theme": ("overall", "theme"), "subtheme": ("overall", "theme", "subtheme")}[by]
    words = {"subtheme": "subtheme applies", "valence": "same valence", "perspective": "same perspective"}
    for r in result.rows:
        if r.level not in wanted:
            continue
        m = r.measure
        kappas = "; ".join(f"κ {pair} {_num(k.value, k.note)}" for pair, k in m.kappa.items())
        where = "Overall" if r.level == "overall" else f"{r.level.capitalize()} '{r.name}'"
        lines.append(f"{where}, {words[r.field]}: α {_num(m.alpha, m.alpha_note)}"
                     f"{'; ' + kappas if kappas else ''}; {_pct(m.percent)} agreement over {_n(m.units, 'unit')}.")
        figures["rows"][(r.level, r.name, r.field)] = m
    return lines, figures


def checklist_from(view: CoderView, model: TableModel, by: str = "overall") -> Checklist:
    """The checklist for `model` (the table, built for `view`), counted from the project."""
    project = view.project
    cb = model.codebook
    with project.read() as conn:
        status = queries.status_counts(conn, coverage=True)
        excerpts, located, hinted = writeup_queries.excerpt_profile(conn)
        dialect = conn.dialect.name
    sources = list(model.sources.values())
    cited = model.cited_refs()
    known: dict[str, list[str]] = {}

    years = sorted(int(s.year) for s in sources if s.year.strip().isdigit())
    span = f"; published {years[0]}–{years[-1]}" if years else ""
    groups = Counter(g for s in sources for g in s.group_list)
    known["Study characteristics"] = [
        f"{_n(status['sources'], 'source')} included{span}.",
        f"Designs: {_tally([s.design for s in sources])}.",
        "Sample groups recorded: " + (", ".join(f"{g} {n}" for g, n in sorted(
            groups.items(), key=lambda x: (-x[1], x[0].lower()))) or "none") + "."]
    uncited = [s.ref for s in sources if s.ref not in set(cited)]
    known["Study selection results"] = [
        f"{_n(status['sources'], 'source')} in the project, {len(cited)} of them cited in the table"
        + (f" (cited by no cell: {model.refs_text(uncited)})." if uncited else ".")]
    by_quality: dict[str, list[str]] = {}
    for s in sources:
        by_quality.setdefault(s.quality.strip() or "not rated", []).append(s.ref)
    known["Appraisal results"] = [f"Quality ratings: {_tally([s.quality for s in sources])}."] + [
        f"{q}: {model.refs_text(refs)}" for q, refs in by_quality.items()]
    known["Data extraction"] = [
        f"{_n(excerpts, 'excerpt')} extracted from {_n(status['sources'], 'source')}; {located:,} record their "
        f"location in the source and {hinted:,} the sample they come from."]
    db = "PostgreSQL" if dialect == "postgresql" else "SQLite"
    known["Software"] = [f"workbench {__version__} (Python {platform.python_version()}, {db} database)."]

    consensus = cb.consensus_coder
    per = {name: (n, e) for name, n, e in status["per_coder"]}
    independent = [c for c in per if c != consensus]
    lines = []
    if independent:
        lines.append("Independent coders: " + "; ".join(
            f"{c} ({_n(per[c][0], 'coding')} on {_n(per[c][1] or 0, 'excerpt')})" for c in independent) + ".")
    if consensus in per:
        lines.append(f"Agreed set (settled in meetings): {consensus} ({_n(per[consensus][0], 'coding')} on "
                     f"{_n(per[consensus][1] or 0, 'excerpt')}).")
    settled = Counter(d.actor or "unknown" for d in project.collab.decisions())
    if settled:
        lines.append("Disagreements settled by: " + ", ".join(f"{a} ({_n(n, 'decision')})"
                                                             for a, n in sorted(settled.items())) + ".")
    authors = Counter(s.author or "unknown" for s in view.summaries() if s.text)
    if authors:
        lines.append("Summaries written by: " + ", ".join(f"{a} ({n})" for a, n in sorted(authors.items())) + ".")
    known["Number of reviewers"] = lines
    agree, agree_figures = agreement_lines(view, by)
    valences = ", ".join(cb.valences) or "none"
    known["Coding"] = [f"{_n(status['codings'], 'coding')}: each applies one of the codebook's "
                       f"{_n(status['subthemes'], 'subtheme')} to an excerpt, with a valence ({valences}) and the "
                       f"perspective it speaks for.", *agree]

    subs = cb.all_subthemes()
    new = [s.name for s in subs if s.origin.strip().lower() == "new"]
    taken = [s for s in subs if s.origin.strip() and s.origin.strip().lower() != "new"]
    unrecorded = [s.name for s in subs if not s.origin.strip()]
    theme_names = [t.name for t in cb.themes]
    derive = [f"{_n(len(subs), 'subtheme')} grouped under {_n(len(theme_names), 'overarching theme')}"
              + (f" ({'; '.join(theme_names)})" if theme_names else "")
              + (f"; {_n(len(cb.ungrouped), 'subtheme')} not yet grouped" if cb.ungrouped else "") + ".",
              f"Named from a source's own wording: {len(taken)}; new, named by the team: {len(new)}"
              + (f" ({'; '.join(new)})" if new else "")
              + (f"; origin not recorded: {len(unrecorded)}" if unrecorded else "") + "."]
    known["Derivation of themes"] = derive

    entries = list(model.entries())
    model.derivation.load_detail()
    quoted = {k for _t, st, row, e in entries
              for c in [model.derivation.cell(st, row.valence, e.perspective)] if c is not None
              for keys in c.excerpts.values() for k in keys}
    known["Quotations"] = [f"The appendix of detailed themes ('workbench export appendix') quotes in full the "
                           f"{_n(len(quoted), 'excerpt')} behind the table's {_n(len(entries), 'cell')}."]
    summarised = sum(1 for *_x, e in entries if e.summary)
    known["Synthesis output"] = [f"{_n(sum(1 for th in model.themes if any(st.rows for st in th.subthemes)), 'theme')}"
                                 f" with findings in {_n(len(entries), 'cell')} of the table "
                                 f"(subtheme × valence × perspective), {summarised} of them summarised."]

    items = [Item(i + 1, name, guide, known.get(name, [])) for i, (name, guide) in enumerate(ITEMS)]
    figures = {"status": status, "agreement": agree_figures, "excerpts_quoted": len(quoted), "cells": len(entries),
               "subthemes_new": len(new), "subthemes_taken": len(taken), "cited": cited}
    title = model.label("checklist_title", f"ENTREQ checklist: {model.title}")
    return Checklist(title, items, figures, model.notes())


def build_checklist(view: CoderView, coders: str | None = None, by: str = "overall") -> Checklist:
    """The checklist for the chosen coders as `view` may see them (see `build_table`); agreement at
    `by` (overall|theme|subtheme), which stays available while blind (it shows no one's codings)."""
    return checklist_from(view, build_table(view, coders), by)
