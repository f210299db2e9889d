"""Finder for subthemes: type a few letters, Enter applies the top match; or make a new subtheme.

Coders type the start of the words they have in mind ("role amb", "lack sup") and press Enter
without looking, so the ranking is predictable before it is clever: the exact name, then names
that start with the query, then names whose words start with the query's words in order, then
names containing it, and only then fuzzy matches (rapidfuzz, for typos). Ties keep codebook order.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workbench.core.model import Codebook
from workbench.tui.screens.dialogs import Dialog

NEW = "\x00new"
FUZZY_CUTOFF = 60
SHOWN = 30  # options listed at once: a dialog of 300 options took ~0.5 s to open on a large codebook


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _word_starts_in_order(query: list[str], words: list[str]) -> bool:
    """Each query word starts a word of the name, in order ("lack sup" → Lack of support…)."""
    i = 0
    for q in query:
        while i < len(words) and not words[i].startswith(q):
            i += 1
        if i == len(words):
            return False
        i += 1
    return True


def rank(query: str, names: list[str]) -> list[str]:
    """`names` (in codebook order) that match `query`, best first (see the module docstring)."""
    q = " ".join(_words(query))
    if not q:
        return list(names)
    tiers: list[list[str]] = [[], [], [], []]
    rest: list[str] = []
    q_words = q.split()
    for name in names:
        words = _words(name)
        flat = " ".join(words)
        if flat == q:
            tiers[0].append(name)
        elif flat.startswith(q):
            tiers[1].append(name)
        elif _word_starts_in_order(q_words, words):
            tiers[2].append(name)
        elif q in flat:
            tiers[3].append(name)
        else:
            rest.append(name)
    from rapidfuzz import fuzz, process, utils

    order = {n: i for i, n in enumerate(names)}
    fuzzy = process.extract(q, rest, scorer=fuzz.WRatio, processor=utils.default_process, limit=None,
                            score_cutoff=FUZZY_CUTOFF)
    fuzzy.sort(key=lambda found: (-found[1], order[found[0]]))
    return [n for tier in tiers for n in tier] + [n for n, _score, _i in fuzzy]


def finder_entries(codebook: Codebook, words: dict[str, str], exclude: str | None = None) -> list[tuple[str, str]]:
    """(name, where it sits) for every subtheme the finder offers, in codebook order."""
    entries = [(s.name, th.name) for th in codebook.themes for s in th.subthemes if s.name != exclude]
    entries += [(s.name, f"⚠ {words.get('ungrouped', 'ungrouped')}") for s in codebook.ungrouped if s.name != exclude]
    return entries


def choices(entries: list[tuple[str, str]], query: str, allow_new: bool) -> tuple[list[str], bool, int]:
    """What the finder lists for `query`: the names shown (best first), whether "+ new" follows
    them, and how many more matched. One function for the dialog and for `answer`, so a query
    applied without the dialog gets exactly what Enter in the dialog would."""
    names = [n for n, _ in entries]
    ordered = rank(query, names) if query.strip() else names
    exact = any(n.casefold() == query.strip().casefold() for n in names)
    return ordered[:SHOWN], allow_new and bool(query.strip()) and not exact, len(ordered) - SHOWN


def answer(entries: list[tuple[str, str]], query: str, allow_new: bool = True) -> tuple[str, str] | None:
    """What the finder returns when `query` is typed and Enter pressed at once (its first option,
    which Enter takes): ("apply", name), ("new", text), or None where Enter would do nothing."""
    shown, offer_new, _more = choices(entries, query, allow_new)
    if shown:
        return "apply", shown[0]
    if offer_new:
        return "new", query.strip()
    return None


class SubthemeFinder(Dialog[tuple[str, str] | None]):
    """Returns ("apply", name) or ("new", typed text), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
    ]

    def __init__(self, codebook: Codebook, title: str, words: dict[str, str], allow_new: bool = True,
                 exclude: str | None = None, enter: str = "applies") -> None:
        super().__init__()
        self.title_text, self.words, self.allow_new = title, words, allow_new
        self.enter = enter  # what Enter does here, for the hint line ("applies", "merges", …)
        self.entries = finder_entries(codebook, words, exclude)  # (name, where)
        self.definitions = {s.name: s.definition for s in codebook.all_subthemes()}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield Input(placeholder=f"type part of a {self.words.get('subtheme', 'subtheme')} name…", id="query")
            yield OptionList(id="matches")
            yield Static(f"↑↓ choose · Enter {self.enter} · Escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).styles.max_height = 14
        self._fill("")

    def _fill(self, query: str) -> None:
        ol = self.query_one(OptionList)
        ol.clear_options()
        where = dict(self.entries)
        shown, offer_new, more = choices(self.entries, query, self.allow_new)
        options = [Option(Text.assemble(n, (f"  — {where[n]}", "dim")), id=n) for n in shown]
        if offer_new:
            options.append(Option(Text(f"+ new {self.words.get('subtheme', 'subtheme')} “{query.strip()}”"), id=NEW))
        if more > 0:
            options.append(Option(Text(f"… {more} more: type to narrow", style="dim italic"), disabled=True))
        ol.add_options(options)
        if options:
            ol.highlighted = 0

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_move(self, step: int) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            ol.highlighted = max(0, min((ol.highlighted or 0) + step, ol.option_count - 1))

    @on(Input.Submitted, "#query")
    def _submit(self) -> None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return
        self._take(ol.get_option_at_index(ol.highlighted).id or "")

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._take(event.option.id or "")

    def _take(self, option_id: str) -> None:
        if option_id == NEW:
            self.dismiss(("new", self.query_one("#query", Input).value.strip()))
        elif option_id:
            self.dismiss(("apply", option_id))
