"""Who is looking, and whose codings they may see: the one door every reader of codings goes through.

While a project codes blind, a coder sees only their own codings — in the table, the matrix, the
graph, the queries, the evidence profile, the report, the exports, the screens — the agreed set
included, and asking for anyone else's is a user error. Analyses take a `CoderView`, never a list
of coder names, so no command or screen carries (or can forget) the rule: the leaks this replaces
came from the rule being copied into three command modules and missing from five others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.core.errors import UserError
from workbench.core.model import Summary
from workbench.store import queries

if TYPE_CHECKING:
    from workbench.store.api import Project

BLIND_NEEDS_A_CODER = ("the project codes blind, so its codings are shown only to the coder who made them: "
                       "say who you are with --coder NAME (or WORKBENCH_CODER), or turn blind coding off "
                       "once everyone has coded (workbench settings blind off)")


@dataclass(frozen=True)
class Scope:
    """Whose codings a view counts, and why.

    `names` are the coders whose codings count; `choice` is what the user asked for as it is printed
    in provenance ("consensus", "all", "amira,ben"); `blind` says the blind rule narrowed it to the
    viewer's own codings, so an export can say so instead of silently showing less.
    """

    names: list[str]
    choice: str
    blind: bool = False


class CoderView:
    """One person's view of a project: the blind rule and DESIGN.md's default coder choice.

    `coder` is the session's identity (--coder, WORKBENCH_CODER, the server login or the app's
    prompt), never a machine-wide default; None means nobody said who they are.
    """

    def __init__(self, project: Project, coder: str | None) -> None:
        self.project = project
        self.coder = coder or None
        self._blind: bool | None = None
        self._consensus: str | None = None
        self._facts: queries.ViewFacts | None = None

    def facts(self) -> queries.ViewFacts:
        """The blind setting, the consensus coder and who has coded: one read per view (one
        round trip on a server), since a view lives for one command or refresh."""
        if self._facts is None:
            with self.project.read() as conn:
                self._facts = queries.view_facts(conn)
        return self._facts

    @classmethod
    def for_bookkeeping(cls, project: Project) -> CoderView:
        """The team's view with the blind rule lifted, for writes that record a cell's references
        and show them to nobody (summaries read from files while a project is built). Never hand
        its results to a screen or an export."""
        view = cls(project, None)
        view._blind = False
        return view

    @property
    def blind(self) -> bool:
        """The project codes blind (read once per view: a view lives for one command or refresh)."""
        if self._blind is None:
            self._blind = self.facts().blind
        return self._blind

    @property
    def consensus(self) -> str:
        if self._consensus is None:
            self._consensus = self.facts().consensus
        return self._consensus

    def scope(self, choice: str | None = None) -> Scope:
        """Whose codings count for `choice` (NAME,… | all | consensus | None for the default).

        The default is the agreed set where it has any codings, else every coder but the consensus
        coder. While blind it is the viewer's own codings, and any other choice is refused.
        """
        wanted = (choice or "").strip()
        if self.blind:
            if self.coder is None:
                raise UserError(BLIND_NEEDS_A_CODER)
            if wanted in ("", "default", self.coder) or (wanted == "consensus" and self.coder == self.consensus):
                return Scope([self.coder], self.coder, blind=True)
            raise UserError(
                f"the project codes blind: {self.coder} may see only their own codings, not '{wanted}'; "
                f"leave out --coders (or give --coders {self.coder}), or turn blind coding off once "
                "everyone has coded (workbench settings blind off)")
        facts = self.facts()
        known, consensus = facts.coders, self.consensus
        if wanted in ("", "default"):
            wanted = "consensus" if consensus in facts.coded else "all"
        if wanted == "consensus":
            if consensus not in facts.coded:
                raise UserError(
                    f"the agreed set ({self.consensus}) has no codings yet; settle disagreements first "
                    "(workbench compare, or the app's Reconcile screen), or choose --coders all")
            return Scope([self.consensus], "consensus")
        if wanted == "all":
            return Scope([c for c in known if c != self.consensus], "all")
        names = [n.strip() for n in wanted.split(",") if n.strip()]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise UserError(f"unknown coder '{unknown[0]}' (coders: {', '.join(known) or 'none'})")
        return Scope(names, ",".join(names))

    def own_only(self) -> list[str] | None:
        """For lists of single codings (an excerpt's codings, counts): [me] while blind, else None
        (everyone). Blind with nobody named is refused, as in `scope`."""
        if not self.blind:
            return None
        if self.coder is None:
            raise UserError(BLIND_NEEDS_A_CODER)
        return [self.coder]

    def summaries(self) -> list[Summary]:
        """The team's summaries, for views that list them whole (evidence profile, report): none
        while blind, since they are written from the agreed set. The table shows a summary only
        where it was written for the very references the viewer's cell has (analysis/table.py)."""
        return [] if self.blind else self.project.summaries.all()

    def audit_log(self, limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
        """The audit log as this viewer may read it, and how many entries were withheld: while blind,
        another person's entries about single codings (what they coded, removed, noted, decided)
        are left out, since their details name excerpt and subtheme."""
        entries = self.project.audit_log(limit)
        if not self.blind:
            return entries, 0
        shown = [e for e in entries if e["actor"] == self.coder or not _about_codings(e)]
        return shown, len(entries) - len(shown)

    def may_see(self, coder: str) -> bool:
        """Whether this viewer may see `coder`'s codings."""
        return not self.blind or coder == self.coder

    def require_open(self, what: str) -> None:
        """Refuse lists that put coders side by side (disagreements, the meeting) while blind;
        agreement figures (α, κ) stay available because they show no one's codings."""
        if self.blind:
            raise UserError(f"the project codes blind, so {what} would show each coder the others' codings; "
                            "turn blind coding off for the meeting (workbench settings blind off)")


# Audit entries that describe one person's codings: their entity, or their action when the entity is
# the excerpt ("nothing applies") or a memo's target.
_CODING_ENTITIES = {"coding", "decision"}
_CODING_ACTIONS = {"nothing applies", "nothing applies withdrawn", "unmark nothing applies", "note", "memo",
                   "delete memo", "accept agreements"}


def _about_codings(entry: dict[str, Any]) -> bool:
    action = str(entry.get("action") or "")
    return entry.get("entity") in _CODING_ENTITIES or action in _CODING_ACTIONS or action.startswith("decision")
