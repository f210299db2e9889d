"""The evidence profile: how much each finding (subtheme × valence) can be trusted.

What a synthesis team reports beside a GRADE-CERQual assessment: how many sources and excerpts
carry the finding, from which perspectives, how the sources were rated, whether it rests on one
source, whether the same subtheme also has findings of another valence, and how much the reviews
behind it overlap in their primary studies (corrected covered area). The team's own CERQual
judgements are attached, so the Summary of Qualitative Findings table is one object to render.

Findings follow the table: grouped subthemes in codebook order, valences in codebook order with the
empty valence last. A finding the team judged but which no longer has codings (after a merge, say)
still appears, with no sources, so a judgement is never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from workbench.analysis.cells import Derivation, derive_cells
from workbench.analysis.graph import QUALITY_RANK, quality_key
from workbench.analysis.overlap import Overlap, corrected_covered_area
from workbench.core.cerqual import Judgement
from workbench.core.model import Codebook, Source, Summary
from workbench.core.refs import sort_refs
from workbench.store.viewer import CoderView


@dataclass
class Finding:
    """One subtheme × valence and the evidence behind it."""

    theme: str
    subtheme: str
    valence: str | None
    sources: list[str]
    excerpts: list[str]
    perspectives: list[str]
    quality: list[tuple[str, str]]  # (ref, rating as the team wrote it), in ref order
    single_source: bool
    contrasting: bool
    overlap: Overlap
    judgements: dict[str, Judgement] = field(default_factory=dict)  # component → judgement
    summary: str = ""  # the team's summaries of the finding's cells, "PSWs: …" per perspective

    @property
    def quality_summary(self) -> str:
        """'2 critically low, 1 low' — ratings counted, best first, unrated last."""
        counts: dict[str, int] = {}
        for _ref, q in self.quality:
            label = quality_key(q) or "unrated"
            counts[label] = counts.get(label, 0) + 1
        order = sorted(counts, key=lambda k: (-QUALITY_RANK.get(k, 0), k == "unrated", k))
        return ", ".join(f"{counts[k]} {k}" for k in order)

    @property
    def flags(self) -> list[str]:
        out = []
        if self.single_source:
            out.append("single source")
        if self.contrasting:
            out.append("contrasting")
        if self.sources and all(quality_key(q) in ("low", "critically low") for _r, q in self.quality):
            out.append("low quality only")
        return out


@dataclass
class EvidenceProfile:
    findings: list[Finding]
    overlap: Overlap  # across every source that has a list of included studies
    coders: str
    provenance: dict[str, object] = field(default_factory=dict)

    def finding(self, subtheme: str, valence: str | None) -> Finding | None:
        return next((f for f in self.findings if (f.subtheme, f.valence) == (subtheme, valence)), None)


@dataclass
class _Behind:
    """What stands behind one finding: its sources, excerpts and perspectives (in codebook order)."""

    refs: set[str] = field(default_factory=set)
    excerpts: set[str] = field(default_factory=set)
    persp: list[str] = field(default_factory=list)


def evidence_from(derivation: Derivation, codebook: Codebook, sources: Sequence[Source],
                  included: Mapping[str, Iterable[str]], judgements: Sequence[Judgement],
                  summaries: Sequence[Summary] = ()) -> EvidenceProfile:
    """The profile for one derivation (the report derives once and shares it)."""
    theme_of = {st.name: th.name for th in codebook.themes for st in th.subthemes}
    quality = {s.ref: s.quality for s in sources}
    by_finding: dict[tuple[str, str | None], _Behind] = {}
    for c in derivation.cells:
        if c.subtheme not in theme_of or not c.refs:
            continue
        acc = by_finding.setdefault((c.subtheme, c.valence), _Behind())
        acc.refs.update(c.refs)
        for xs in c.excerpts.values():
            acc.excerpts.update(xs)
        if c.perspective and c.perspective not in acc.persp:
            acc.persp.append(c.perspective)
    judged: dict[tuple[str, str | None], dict[str, Judgement]] = {}
    for j in judgements:
        if j.subtheme in theme_of:
            judged.setdefault((j.subtheme, j.valence), {})[j.component] = j
    texts: dict[tuple[str, str | None], list[tuple[int, str, str]]] = {}
    p_order = {p.name: i for i, p in enumerate(codebook.perspectives)}
    for s in summaries:
        if s.text.strip():
            texts.setdefault((s.subtheme, s.valence), []).append(
                (p_order.get(s.perspective, len(p_order)), s.perspective, s.text.strip()))
    valences: dict[str, set[str]] = {}
    for st, v in by_finding:
        if v is not None:
            valences.setdefault(st, set()).add(v)
    findings = []
    for th in codebook.themes:
        for sub in th.subthemes:
            for v in [*codebook.valences, None]:
                key = (sub.name, v)
                if key not in by_finding and key not in judged:
                    continue
                acc = by_finding.get(key, _Behind())
                refs = sort_refs(acc.refs, derivation.numeric)
                findings.append(Finding(
                    th.name, sub.name, v, refs, sorted(acc.excerpts), list(acc.persp),
                    [(r, quality.get(r, "")) for r in refs], len(refs) == 1,
                    len(valences.get(sub.name, ())) > 1, corrected_covered_area(included, refs),
                    judged.get(key, {}), " ".join(f"{p}: {t}" for _, p, t in sorted(texts.get(key, []))
                                                 if p in acc.persp)))
    return EvidenceProfile(findings, corrected_covered_area(included), derivation.coder_choice,
                           dict(derivation.provenance))


def evidence_profile(view: CoderView, coders: str | None = None) -> EvidenceProfile:
    """The evidence profile for a choice of coders (default: the agreed set if any), as `view` may see it."""
    project = view.project
    return evidence_from(derive_cells(view, coders), project.codebook.get(), project.records.sources(),
                         project.evidence.included_studies(), project.evidence.judgements(), view.summaries())
