"""Language help on the Code screen: search and code every hit, and the top-3 suggestions.

`SearchCode` (key `ctrl+f` on the Code screen) searches as you type (lemmas, phrase or fuzzy,
the last word completing as a prefix), lists the hits in context with a tick box each, and codes
the ticked ones with one subtheme in one transaction — the same step as `workbench search
--code`, undone with ctrl+z like any other. `Suggestions` (key `g`) shows the classifier's three
best subthemes for the excerpt on screen; Enter records the chosen one as a coding whose origin
is "suggestion". Neither codes anything without the coder's say-so.

The search index and the model load in a worker (the index from the project's cache, rebuilt
if the excerpts changed); queries then run in memory, a few milliseconds each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from workbench.core.model import Coding
from workbench.tui.actions import Action, NothingToDo, Sequence, with_uuid
from workbench.tui.screens.dialogs import Confirm, Dialog

if TYPE_CHECKING:
    from workbench.nlp.search import SearchIndex
    from workbench.store.api import Project

SHOWN = 200  # hits listed (all hits are coded unless unticked; untick only among those shown)
MODES = ("word", "phrase", "fuzzy")


# ----- the undoable step -----------------------------------------------------------------------
@dataclass
class _Touched(Action):
    """An excerpt a bulk step changes: listed so the session refreshes its ✓ mark after do/undo."""

    key: str

    def __post_init__(self) -> None:
        self.kinds = frozenset({"codings"})
        self.excerpt = self.key


@dataclass
class CodeHits(Sequence):
    """Code many excerpts with one subtheme in one transaction (Project.code_excerpts); undo removes
    exactly the codings it made (Project.undo_bulk_coding)."""

    subtheme: str = ""
    coder: str = ""
    valence: str | None = None
    perspective: str | None = None
    query: str = ""
    mode: str = "word"
    uuids: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, keys: list[str], subtheme: str, coder: str, valence: str | None, perspective: str | None,
           query: str, mode: str) -> CodeHits:
        return cls([_Touched(k) for k in keys], subtheme, coder, valence, perspective, query, mode)

    @property
    def keys(self) -> list[str]:
        return [s.excerpt for s in self.steps if s.excerpt]

    def do(self, p: Project) -> str:
        self.uuids, already = p.nlp.code_excerpts(self.keys, self.subtheme, self.coder, self.valence, self.perspective,
                                              "search", query=self.query, mode=self.mode)
        if not self.uuids:
            raise NothingToDo(f"all {already} already coded with {self.subtheme}")
        return f"coded {len(self.uuids)} excerpts with {self.subtheme}" + (f" ({already} had it)" if already else "")

    def undo(self, p: Project) -> str:
        step = next((s for s in p.nlp.bulk_codings(self.coder) if s.uuids == self.uuids), None)
        if step is None:
            raise NothingToDo("those codings were already removed")
        removed = p.nlp.undo_bulk_coding(step, self.coder)
        return f"removed {removed} codings of {self.subtheme}"


def load_index(project: Project) -> SearchIndex:
    from workbench.services.language import project_index

    return project_index(project)


# ----- search and code all hits ----------------------------------------------------------------
@dataclass(frozen=True)
class HitsChosen:
    keys: list[str]
    subtheme: str
    query: str
    mode: str


class SearchCode(Dialog[HitsChosen | None]):
    """Search excerpts, tick hits, pick a subtheme, confirm: returns what to code, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+t", "mode", "Word/phrase/fuzzy", priority=True),
        Binding("ctrl+a", "tick_all", "Tick/untick all", priority=True),
        Binding("ctrl+s", "code", "Code ticked hits", priority=True),
    ]
    DEFAULT_CSS = """
    SearchCode > Vertical { width: 110; }
    SearchCode SelectionList { height: auto; max-height: 20; }
    """

    def __init__(self, index: Any, codebook: Any, coder: str, valence: str | None, words: dict[str, str]) -> None:
        super().__init__()
        self.index, self.codebook, self.coder, self.valence, self.words = index, codebook, coder, valence, words
        self.mode = "word"
        self.keys: list[str] = []
        self.unticked: set[str] = set()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Search {self.words.get('excerpts', 'excerpts')} and code the hits", classes="title")
            yield Input(placeholder="a word or several ('boundary' also finds 'boundaries'; "
                        "a space ends a word)", id="query")
            yield Static("", id="summary", classes="hint")
            yield SelectionList[str](id="hits")
            yield Static("ctrl+t word/phrase/fuzzy · space ticks · ctrl+a all · ctrl+s code the ticked hits · "
                         "Escape closes", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        self._show()

    @on(Input.Changed, "#query")
    def _typed(self) -> None:
        self.unticked.clear()
        self._show()

    @on(Input.Submitted, "#query")
    def _to_list(self) -> None:
        hits = self.query_one(SelectionList)
        if hits.option_count and hits.highlighted is None:
            hits.highlighted = 0
        hits.focus()

    def _show(self) -> None:
        from workbench.core.errors import UserError

        query = self.query_one("#query", Input).value
        hits_list = self.query_one(SelectionList)
        hits_list.clear_options()
        summary = self.query_one("#summary", Static)
        if not query.strip():
            self.keys = []
            summary.update(f"mode: {self.mode} · type to search {len(self.index)} excerpts")
            return
        try:
            # While a word is being typed it completes as a prefix; a space after it means "this word".
            result = self.index.search(query, self.mode, prefix=self.mode != "phrase" and not query.endswith(" "))
        except UserError:
            self.keys = []
            summary.update(f"mode: {self.mode} · type a word")
            return
        self.keys = result.keys()
        hits = result.hits(SHOWN, 45)
        hits_list.add_options([(Text.assemble((f"{h.key:<9}", "bold"), f"{h.left:>45}", (h.match, "reverse"),
                                              h.right), h.key, h.key not in self.unticked) for h in hits])
        more = f" (first {SHOWN} listed; the rest are coded too)" if len(self.keys) > SHOWN else ""
        summary.update(f"mode: {self.mode} · {len(self.keys)} excerpts match{more}")

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        key = event.selection.value
        if key in event.selection_list.selected:
            self.unticked.discard(key)
        else:
            self.unticked.add(key)

    def action_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self._show()

    def action_tick_all(self) -> None:
        shown = self.query_one(SelectionList)
        if self.unticked:
            self.unticked.clear()
            shown.select_all()
        else:
            self.unticked = set(self.keys[:SHOWN])
            shown.deselect_all()

    def action_code(self) -> None:
        chosen = [k for k in self.keys if k not in self.unticked]
        if not chosen:
            self.notify("no hits ticked", severity="warning")
            return
        from workbench.tui.screens.finder import SubthemeFinder

        sub = self.words.get("subtheme", "subtheme")
        self.app.push_screen(SubthemeFinder(self.codebook, f"Code {len(chosen)} excerpts with which {sub}?",
                                            self.words, allow_new=False, enter="codes them"),
                             lambda picked: self._picked(picked, chosen))

    def _picked(self, picked: tuple[str, str] | None, chosen: list[str]) -> None:
        if picked is None:
            return
        subtheme = picked[1]
        query = self.query_one("#query", Input).value
        valence = self.valence or "no valence"
        detail = (f"{self.words.get('valence', 'valence').capitalize()}: {valence}; "
                  f"{self.words.get('perspective', 'perspective')}: each excerpt's hint. "
                  "One step: ctrl+z on the Code screen takes it back.")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss(HitsChosen(chosen, subtheme, query, self.mode))

        self.app.push_screen(Confirm(f"Code {len(chosen)} excerpts with '{subtheme}' as {self.coder}?", "Code",
                                     detail), confirmed)


# ----- suggestions -----------------------------------------------------------------------------
def load_suggestions(project: Project, text: str) -> list[tuple[str, float]] | None:
    """The top three for one text, or None when no model has been trained."""
    from workbench.nlp.suggest import Suggester

    model = Suggester.load(project.nlp.folder("models"))
    names = {s.name for s in project.codebook.get().all_subthemes()}
    return None if model is None else model.top([text], 3, names)[0]


class Suggestions(Dialog[str | None]):
    """The classifier's three best subthemes for one excerpt; Enter accepts one (nothing is automatic)."""

    def __init__(self, key: str, ranking: list[tuple[str, float]], words: dict[str, str], valence: str | None = None,
                 perspective: str | None = None) -> None:
        super().__init__()
        self.key, self.ranking, self.words = key, ranking, words
        self.with_what = f"{valence or 'no valence'}, {perspective or 'no perspective'}"

    def compose(self) -> ComposeResult:
        sub = self.words.get("subthemes", "subthemes")
        with Vertical():
            yield Static(f"Suggested {sub} for {self.key}", classes="title")
            yield OptionList(*[Option(Text.assemble((f"{score:4.2f}  ", "dim"), label), id=label)
                               for label, score in self.ranking], id="suggestions")
            yield Static("Scores come from a classifier trained on this project's codings (workbench suggest "
                         "--train); they are hints, not probabilities. Enter codes the highlighted one "
                         f"({self.with_what}) · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


# ----- what the Code screen calls --------------------------------------------------------------
def open_search(screen: Any) -> None:
    """ctrl+f on the Code screen: load the index in a worker, then show the dialog."""
    s = screen.session

    def show(index: Any) -> None:
        def done(chosen: HitsChosen | None) -> None:
            if chosen is None:
                return
            action = CodeHits.of(chosen.keys, chosen.subtheme, s.coder, screen.valence, None, chosen.query,
                                 chosen.mode)
            screen.wb.save(lambda sess: sess.run(action), what=f"code {len(chosen.keys)} hits with {chosen.subtheme}")

        screen.app.push_screen(SearchCode(index, s.codebook, s.coder, screen.valence, s.words()), done)

    screen.notify("loading the search index…", timeout=2)
    screen.wb.fetch(lambda: load_index(s.project), show, group="search-index", hold_keys=True)


def open_suggestions(screen: Any) -> None:
    """g on the Code screen: the top three subthemes for the excerpt on show."""
    screen.with_excerpt(lambda d: _suggest(screen, d))


def _suggest(screen: Any, d: Any) -> None:
    s = screen.session

    def show(ranking: list[tuple[str, float]] | None) -> None:
        if ranking is None:
            screen.notify("no suggestions yet: train the classifier with 'workbench suggest --train'",
                          severity="warning", timeout=8)
            return

        def done(subtheme: str | None) -> None:
            if subtheme:
                from workbench.tui.actions import Code

                coding = with_uuid(Coding(d.key, subtheme, s.coder, screen.valence, screen.perspective,
                                          origin="suggestion"))
                screen.wb.save(action=Code(coding))  # on screen at once, as a subtheme applied by hand

        screen.app.push_screen(Suggestions(d.key, ranking, s.words(), screen.valence, screen.perspective), done)

    screen.wb.fetch(lambda: load_suggestions(s.project, d.text), show, group="suggest", hold_keys=True)
