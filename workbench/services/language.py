"""The language help applied to a project: detection stored so it runs once, the search index
kept with the project, and a coder's codings as training examples.

`nlp/` knows text and nothing of projects (the layer contracts say so); these use cases read a
project through its `nlp` store, hand plain text to `nlp/`, and store what comes back.

`workbench detect`: perspectives and citations for every excerpt, stored so they run once.

Each stored row carries a stamp: the pipeline version, a digest of the rules (the codebook's
perspectives and the project's sources) and a digest of the excerpt's text. A run recomputes only
the rows whose stamp no longer matches, so after an import of ten excerpts only ten are parsed,
and after a codebook change every excerpt is.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from workbench.nlp.pipeline import PIPELINE_VERSION
from workbench.nlp.search import INDEX_VERSION, SearchIndex
from workbench.nlp.suggest import Labelled
from workbench.store.api import Project
from workbench.store.nlp_store import NlpInput

Progress = Callable[[int], None]


@dataclass
class DetectReport:
    """What a run did, for the command's summary line and the tests."""

    total: int = 0
    computed: int = 0
    with_hint: int = 0
    mixed: int = 0
    citations: int = 0
    resolved: int = 0
    applied: int = 0
    hints: Counter[str] = field(default_factory=Counter)


def rules_digest(project: Project, rule: str) -> str:
    """12 hex digits that change when the perspectives, the sources or the rules change."""
    cb = project.codebook.get()
    payload = json.dumps({
        "rule": rule,
        "perspectives": [[p.name, p.mixed, list(p.synonyms)] for p in cb.perspectives],
        "sources": [[s.ref, s.citation, s.year] for s in project.records.sources()],
    }, ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]


def stamp(rules: str, text: str) -> str:
    """The excerpt_nlp.pipeline value: 'wb1:<rules>:<text digest>' (fits its 40 characters)."""
    return f"{PIPELINE_VERSION}:{rules}:{hashlib.blake2b(text.encode('utf-8'), digest_size=8).hexdigest()}"


@dataclass
class DetectPlan:
    """The excerpts whose stored result is missing or stale, with the stamps they will get."""

    total: int
    todo: list[tuple[NlpInput, str]]
    rule: str


def plan_detection(project: Project, force: bool = False, rule: str = "speaker") -> DetectPlan:
    rules = rules_digest(project, rule)
    inputs = project.nlp.inputs()
    todo = [(x, stamp(rules, x.text)) for x in inputs]
    return DetectPlan(len(inputs), [(x, s) for x, s in todo if force or x.stamp != s], rule)


def run_detection(project: Project, actor: str = "", force: bool = False, rule: str = "speaker",
                  progress: Progress | None = None, batch_size: int = 512,
                  plan: DetectPlan | None = None) -> DetectReport:
    """Detect perspectives and citations where the stored result is missing or stale; store them."""
    from workbench.nlp.citations import CitationMatcher
    from workbench.nlp.perspectives import PerspectiveDetector

    plan = plan or plan_detection(project, force, rule)
    todo = plan.todo
    report = DetectReport(total=plan.total, computed=len(todo))
    if todo:
        detector = PerspectiveDetector(project.codebook.get(), plan.rule)
        matcher = CitationMatcher(project.records.sources())
        rows = []
        for n, ((x, s), (groups, hint)) in enumerate(
                zip(todo, detector.detect((x.text for x, _ in todo), batch_size), strict=True), start=1):
            cites = [c.as_dict() for c in matcher.find(x.text)]
            rows.append((x.id, groups, hint, cites, s))
            if progress is not None and n % 500 == 0:
                progress(n)
        project.nlp.save_results(rows, actor)
        if progress is not None:
            progress(len(todo))
    for result in project.nlp.results().values():
        if result.hint:
            report.with_hint += 1
            report.hints[result.hint] += 1
        report.mixed += len(result.groups) > 1
        report.citations += len(result.citations)
        report.resolved += sum(1 for c in result.citations if c.get("refs"))
    return report


def apply_hints(project: Project, actor: str = "") -> int:
    """Fill empty perspective hints of excerpts with the stored detections; how many were filled."""
    hints = {k: r.hint for k, r in project.nlp.results().items() if r.hint}
    return project.nlp.apply_perspective_hints(hints, actor)


# ----- search and suggestions -----------------------------------------------------------------
def project_index(project: Project, progress: Progress | None = None) -> SearchIndex:
    """The project's search index: the saved one if the excerpts are unchanged, else rebuilt and saved."""
    fingerprint = f"{PIPELINE_VERSION}:{INDEX_VERSION}:{project.nlp.excerpt_fingerprint()}"
    path = project.nlp.folder("cache") / "search-index.npz"
    index = SearchIndex.load(path) if path.exists() else None
    if index is not None and index.fingerprint == fingerprint:
        return index
    keys, refs, texts = project.nlp.search_corpus()
    index = SearchIndex.build(keys, refs, texts, fingerprint, progress)
    index.save(path)
    return index


def labelled_from_project(project: Project, coders: Sequence[str] | None) -> list[Labelled]:
    """These coders' codings as training examples for the suggester (every coder's when None)."""
    return [Labelled(k, text, tuple(labels)) for k, text, labels in project.nlp.labelled_excerpts(coders)]
