"""The meeting's agenda: every excerpt × subtheme on which the coders disagree, and where it stands.

An item is an excerpt (coded by two or more of the chosen coders) and a subtheme that at least one
of them applied. The coders agree on it when each gave it the same set of (valence, perspective);
otherwise it is a disagreement — about whether the subtheme applies at all, or about its valence
or perspective. An item is settled once the meeting decided it (accepted, written, rejected) or
the agreed set already speaks for the excerpt (codings imported from an earlier reconciliation);
"open" decisions keep it on the agenda with their note.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.core.model import Coding, Excerpt

if TYPE_CHECKING:
    from workbench.store.api import Project
    from workbench.store.collab import Decision

Signature = frozenset[tuple[str | None, str | None]]
# Origins the meeting's own verbs give the agreed set's codings (store/collab.py). Any other
# consensus coding (imported, or coded directly as the consensus coder) is a reconciliation made
# elsewhere, and speaks for the whole excerpt.
MEETING_ORIGINS = ("agreed by all coders", "written in meeting")
MEETING_PREFIX = "accepted from "


def from_meeting(c: Coding) -> bool:
    return c.origin in MEETING_ORIGINS or c.origin.startswith(MEETING_PREFIX)


@dataclass
class Item:
    excerpt: Excerpt
    subtheme: str
    kind: str  # agreement | applies | valence | perspective | valence and perspective
    views: dict[str, list[Coding]]  # coder → their codings of this subtheme on this excerpt
    nothing_applies: list[str]  # coders who marked the excerpt 'nothing applies'
    agreed: list[Coding] = field(default_factory=list)  # the agreed set's codings of the item
    status: str = "to do"  # to do | open | accepted | written | rejected | in agreed set
    note: str = ""
    decided_by: str = ""
    decided_at: str = ""

    @property
    def settled(self) -> bool:
        return self.status not in ("to do", "open")

    @property
    def key(self) -> tuple[str, str]:
        return self.excerpt.key, self.subtheme


@dataclass
class Coverage:
    coded_excerpts: int  # excerpts any chosen coder coded or marked
    covered_excerpts: int  # of those, where the agreed set speaks (codings, a mark or a decision)
    disagreements: int
    settled: int
    open_with_note: int
    to_do: int
    agreements_pending: int  # items all coders agree on, not yet in the agreed set

    @property
    def share(self) -> float:
        return self.covered_excerpts / self.coded_excerpts if self.coded_excerpts else 0.0


def _signature(codings: list[Coding]) -> Signature:
    return frozenset((c.valence, c.perspective) for c in codings)


def _kind(sigs: list[Signature]) -> str:
    if all(s == sigs[0] for s in sigs):
        return "agreement"
    if any(not s for s in sigs):
        return "applies"
    valences = {frozenset(v for v, _ in s) for s in sigs}
    perspectives = {frozenset(p for _, p in s) for s in sigs}
    if len(valences) > 1 and len(perspectives) > 1:
        return "valence and perspective"
    return "valence" if len(valences) > 1 else "perspective"


def build_items(excerpts: Sequence[Excerpt], codings: Sequence[Coding], marks: Sequence[tuple[str, str]],
                decisions: Sequence[Decision], coders: Sequence[str], consensus: str,
                subtheme_order: Sequence[str]) -> list[Item]:
    """Every item (agreements included, kind 'agreement') in excerpt then codebook order."""
    chosen = set(coders)
    by_excerpt: dict[str, dict[str, dict[str, list[Coding]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    coded: dict[str, set[str]] = defaultdict(set)
    agreed_excerpts: set[str] = set()  # where the agreed set speaks for the whole excerpt
    for c in codings:
        if c.coder in chosen:
            coded[c.excerpt].add(c.coder)
            by_excerpt[c.excerpt][c.subtheme][c.coder].append(c)
        elif c.coder == consensus:
            if not from_meeting(c):
                agreed_excerpts.add(c.excerpt)
            by_excerpt[c.excerpt][c.subtheme][consensus].append(c)
    marked: dict[str, list[str]] = defaultdict(list)
    for e, coder in marks:
        if coder in chosen:
            coded[e].add(coder)
            marked[e].append(coder)
        elif coder == consensus:
            agreed_excerpts.add(e)
    latest = {(d.excerpt, d.subtheme): d for d in decisions}
    rank = {s: i for i, s in enumerate(subtheme_order)}
    items: list[Item] = []
    for ex in excerpts:
        present = [c for c in coders if c in coded.get(ex.key, ())]
        if len(present) < 2:
            continue
        subs = by_excerpt.get(ex.key, {})
        for sub in sorted((s for s, v in subs.items() if any(c in v for c in present)),
                          key=lambda s: rank.get(s, len(rank))):
            views = {c: subs[sub].get(c, []) for c in present}
            item = Item(ex, sub, _kind([_signature(v) for v in views.values()]), views, sorted(marked.get(ex.key, [])),
                        list(subs[sub].get(consensus, [])))
            d = latest.get((ex.key, sub))
            if d is not None:
                item.status, item.note, item.decided_by, item.decided_at = d.status, d.note, d.actor, d.time
            elif item.agreed or ex.key in agreed_excerpts:
                item.status = "in agreed set"
            items.append(item)
    return items


def disagreements(project: Project, coders: Sequence[str], include_settled: bool = False) -> list[Item]:
    items = all_items(project, coders)
    return [i for i in items if i.kind != "agreement" and (include_settled or not i.settled)]


def all_items(project: Project, coders: Sequence[str]) -> list[Item]:
    cb = project.codebook.get()
    consensus = cb.consensus_coder
    return build_items(project.records.excerpts(), project.records.codings([*coders, consensus]), project.collab.marks([*coders, consensus]),
                       project.collab.decisions(), coders, consensus, [s.name for s in cb.all_subthemes()])


def coverage(items: Sequence[Item], coded_excerpts: set[str], agreed_any: set[str]) -> Coverage:
    """How far the meeting has got.

    An excerpt is covered when every item on it is settled (agreements included: the agreed set
    holds them), or — for an excerpt only one coder coded — when the agreed set has anything on it.
    """
    dis = [i for i in items if i.kind != "agreement"]
    per_excerpt: dict[str, list[Item]] = defaultdict(list)
    for i in items:
        per_excerpt[i.excerpt.key].append(i)
    covered = {e for e in coded_excerpts
               if (all(i.settled for i in per_excerpt[e]) if per_excerpt.get(e) else e in agreed_any)}
    return Coverage(
        coded_excerpts=len(coded_excerpts), covered_excerpts=len(covered), disagreements=len(dis),
        settled=sum(i.settled for i in dis), open_with_note=sum(i.status == "open" for i in dis),
        to_do=sum(i.status == "to do" for i in dis),
        agreements_pending=sum(1 for i in items if i.kind == "agreement" and not i.settled))


def project_coverage(project: Project, coders: Sequence[str]) -> Coverage:
    consensus = project.codebook.get().consensus_coder
    items = all_items(project, coders)
    return coverage(items, set(project.collab.coded_excerpts(coders)), set(project.collab.coded_excerpts([consensus])))


def describe(c: Coding | None) -> str:
    """'Boundaries · challenge · PSWs [12-40] (note)' — one coding in a line."""
    if c is None:
        return "—"
    parts = [c.subtheme, c.valence or "no valence", c.perspective or "no perspective"]
    text = " · ".join(parts)
    if c.start is not None:
        text += f" [{c.start}-{c.end}]"
    if c.note:
        text += f" ({c.note})"
    return text
