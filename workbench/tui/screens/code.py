"""The Code screen: read an excerpt, apply subthemes with valence and perspective, move on.

Left: the excerpt list (virtualised) with search and filters. Middle: the excerpt's text with
coded spans underlined, the valence and perspective pickers, the codings, the source and memos.
Right: the codebook (Enter applies the subtheme under the cursor). Every verb goes through the
app's save queue (one transaction each, undoable) and is on screen at once, marked ⧗ until the
database has it (the session's overlay: `Session.shown`); this screen only renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workbench.core.errors import UserError
from workbench.core.model import Coding
from workbench.tui.actions import Code as CodeAction
from workbench.tui.actions import NewSubtheme as NewSubthemeAction
from workbench.tui.actions import Sequence, with_uuid
from workbench.tui.excerpt_index import Filter
from workbench.tui.messages import DataChanged
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.screens.code_parts import coding_label, definition_text, filter_dialog, source_text
from workbench.tui.screens.dialogs import Ask, AskLong, NewSubtheme, Pick
from workbench.tui.screens.finder import SubthemeFinder, answer, finder_entries
from workbench.tui.session import ExcerptDetail
from workbench.tui.widgets.codebook_tree import CodebookTree
from workbench.tui.widgets.excerpt_list import ExcerptList
from workbench.tui.widgets.excerpt_text import ExcerptText

NO_VALENCE = None


class SearchBox(Input):
    """The search field. Textual's Input re-lays-out the whole screen on every keystroke (its
    scrollable width follows the text); a fixed scrollable width keeps typing to a repaint of the
    box and the list, which at 50,000 excerpts is the difference between ~45 and ~15 ms a key."""

    @property
    def content_width(self) -> int:
        return max(super().content_width, 1024)

    def on_mount(self) -> None:
        self.virtual_size = Size(self.content_width, 1)  # so the first key does not change it either


class CodeScreen(WorkbenchScreen):
    MODE = "code"
    AUTO_FOCUS = "ExcerptList"  # start where the work starts (and spare the footer a re-render)
    WATCHES = frozenset({"codings", "codebook", "memos"})
    HELP = """\
**Code** — read each excerpt and record which subthemes it supports.

1. Pick an excerpt on the left (↑↓, or `/` to search; `f` filters; `u` jumps to the next one you have not coded).
2. Set the valence with `v` and the perspective with `p` (the excerpt's hint is preselected).
3. Apply a subtheme: `a` opens a finder (type a few letters, Enter), or Enter on a subtheme in the codebook tree.
   To code part of the text only, select it in the text first (mouse, or shift+arrows).
4. Nothing fits? `s` makes a new subtheme on the spot; `n` marks "nothing applies".
5. `ctrl+f` searches every excerpt (word forms, phrases, misspellings) and codes the ticked hits in one step;
   `g` shows the three subthemes a classifier trained on your project suggests (Enter accepts one).

Every change shows at once, marked ⧗ until it is saved; `ctrl+z` undoes it, `ctrl+y` redoes it; `ctrl+r`
lists changes the database refused (send again or drop). Marks in the list: ✓ coded by you,
∅ nothing applies, · not yet. Coded spans are **underlined**.
"""
    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("a", "apply", "Apply"),
        Binding("v", "valence", "Valence"),
        Binding("p", "perspective", "Perspective"),
        Binding("n", "nothing", "Nothing applies"),
        Binding("u", "next_uncoded", "Next uncoded"),
        Binding("x", "remove", "Remove coding"),
        Binding("f", "filters", "Filter"),
        Binding("o", "toggle_uncoded", "Only uncoded", show=False),
        Binding("s", "new_subtheme", "New subtheme", show=False),
        Binding("e", "note", "Note on coding", show=False),
        Binding("m", "memo", "Memo on excerpt", show=False),
        Binding("w", "whole", "Whole excerpt (clear selection)", show=False),
        Binding("t", "toggle_codebook", "Codebook (show / back to list)", show=False),
        Binding("escape", "back", "Back one step (to the list)", show=False),
        Binding("ctrl+f", "search_code", "Search & code hits", show=False),  # issue 9: tui/screens/search.py
        Binding("g", "suggest", "Suggestions", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = Filter()
        self.valence: str | None = None
        self.perspective: str | None = None
        self.detail: ExcerptDetail | None = None
        self._valence_set = False
        self._hinted: str | None = None
        self._shown: dict[str, str] = {}
        self._detail_timer: Timer | None = None

    def body(self) -> ComposeResult:
        with Horizontal(id="code-body"):
            with Vertical(id="list-pane"):
                yield SearchBox(placeholder="search excerpts… (/)", id="search")
                yield Static("loading…", id="filter-line")
                yield ExcerptList(id="excerpts")
            with Vertical(id="excerpt-pane"):
                yield Static("", id="excerpt-head")
                yield ExcerptText(id="text")
                yield Static("", id="pickers")
                yield OptionList(id="codings")
                with VerticalScroll(id="source-scroll"):
                    yield Static("", id="source-detail")
            with Vertical(id="codebook-pane"):
                yield CodebookTree(id="tree")
                with VerticalScroll(id="definition-scroll"):
                    yield Static("", id="definition")

    # ----- loading -------------------------------------------------------------------------
    @property
    def excerpt_list(self) -> ExcerptList:
        return self.query_one(ExcerptList)

    def reload(self, change: DataChanged | None = None) -> None:
        s = self.session
        lst = self.excerpt_list
        if lst.index is not s.index and s.index is not None:
            lst.set_index(s.index)
            lst.hint_words = s.words()
            self.refilter()
            if self.focused is None:
                lst.focus()
            index = s.index
            # Case-fold the texts for search in a worker, once the first screen is painted (it
            # would compete with that paint for the interpreter); a key typed sooner folds them itself.
            self.set_timer(0.3, lambda: self.wb.fetch(index.warm, lambda _none: None, group="warm"))
        kinds = frozenset({"all"}) if change is None else change.kinds
        everything = "all" in kinds
        if everything or "codebook" in kinds:
            self.query_one(CodebookTree).show_codebook(s.codebook, s.words())
            if not self._valence_set:
                self.valence = s.codebook.valences[0] if s.codebook.valences else None
                self._valence_set = True
            self.query_one("#search", Input).placeholder = f"search {s.word('excerpts')}… (/)"
        lst.refresh()
        key = lst.current_key
        if key and change is not None and change.detail is not None and change.detail.key == key \
                and not change.kinds & {"codebook"}:
            self.show_detail(change.detail)  # the save read it back already: no second round trip
        elif key and (change is None or everything or change.excerpt in (None, key)
                      or kinds & {"codebook", "memos"}
                      or (self.detail is not None and self.detail.key != key)):  # behind the list (a read failed)
            self.load_detail(key)
        self.wb.refresh_chrome(self)

    def refilter(self) -> None:
        s = self.session
        if s.index is None:
            return
        lst = self.excerpt_list
        rows = s.index.filter(self.filter)
        lst.set_rows(rows, keep=lst.current_key)
        described = self.filter.describe(s.words())
        self.query_one("#filter-line", Static).update(
            Text.assemble((f"{len(rows)}", "bold"), f" of {len(s.index)} {s.word('excerpts')}",
                          (f" · {described}" if described else " · f filters", "dim")), layout=False)

    def load_detail(self, key: str) -> None:
        self.wb.fetch(lambda: self.session.detail(key), self.show_detail, group="detail")

    # ----- showing one excerpt -------------------------------------------------------------
    @on(ExcerptList.Highlighted)
    def _highlighted(self, event: ExcerptList.Highlighted) -> None:
        if not self.wb.ready:
            return  # the first page, shown while the index loads: the detail comes with `reload`
        if event.key is None:
            self.detail = None
            self._update("#excerpt-head", Text("no excerpt matches"))
            self.query_one(ExcerptText).show("", [])
            self.query_one("#codings", OptionList).clear_options()
            return
        if self.detail is not None and self.detail.key == event.key:
            return  # the list was refiltered around the same excerpt: nothing new to show
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if self.query_one("#search", Input).has_focus:
            # While someone types, repaint only the list; the excerpt follows when typing pauses.
            self._detail_timer = self.set_timer(0.25, self._show_current)
            return
        self.load_detail(event.key)

    def _show_current(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = None
        key = self.excerpt_list.current_key
        if key and (self.detail is None or self.detail.key != key):
            self.load_detail(key)

    @on(ExcerptList.Chosen)
    def _chosen(self) -> None:
        self.query_one(ExcerptText).focus()

    def show_unsaved(self, excerpt: str | None) -> None:
        """Repaint the excerpt with its unsaved changes laid over it, and the list's mark."""
        self.excerpt_list.refresh()
        base = self.session.base(excerpt) if excerpt else None
        if base is not None and self.detail is not None and self.detail.key == excerpt:
            self.show_detail(base)

    def show_detail(self, d: ExcerptDetail) -> None:
        d = self.session.shown(d)  # what the coder has done to it, saved or not
        same = self.detail is not None and self.detail.key == d.key
        if d.key != self._hinted:  # a new excerpt: its hint is the perspective until changed
            self._hinted = d.key
            self.perspective = d.perspective if self.session.codebook.perspective(d.perspective) else None
        self.detail = d
        s = self.session
        head = Text.assemble((d.key, "bold"), f"  ·  {s.word('source')} ",
                             (d.source.ref if d.source else "?", "bold"),
                             f"  ·  hint: {d.perspective or '—'}", (f"  ·  {d.location}" if d.location else "", "dim"))
        if d.nothing_applies:
            head.append(f"  ·  ∅ {s.word('nothing_applies')}", style="bold")
        if d.unsaved:
            head.append(f"  ·  ⧗ saving {len(d.unsaved)}", style="italic")
        self._update("#excerpt-head", head)
        spans = [(c.start, c.end) for c in d.codings if c.start is not None and c.end is not None]
        text = self.query_one(ExcerptText)
        if same and text.text == d.text:
            text.set_spans(spans)  # keep the reader's selection and scroll position
        else:
            text.show(d.text, spans)
        codings = self.query_one("#codings", OptionList)
        keep = codings.highlighted if same else 0  # a new excerpt starts at its first coding
        codings.clear_options()
        if d.codings:
            codings.add_options([Option(coding_label(i, c, d.text, s.coder, s.blind, c.uuid in d.saving),
                                        id=c.uuid) for i, c in enumerate(d.codings)])
            codings.highlighted = min(keep or 0, len(d.codings) - 1)
        else:
            codings.add_option(Option(Text("no codings yet — a applies a subtheme", style="dim"), disabled=True))
        self._update("#source-detail", source_text(d, s.words()), layout=True)
        self.show_pickers()

    def show_pickers(self) -> None:
        s = self.session
        line = Text()
        line.append(f"{s.word('valence').capitalize()} (v): ", style="bold")
        for v in [*s.codebook.valences, None]:
            label = v or "none"
            if v == self.valence:
                line.append(f"▸{label}◂", style="bold reverse")
            else:
                line.append(f" {label} ")
            line.append(" ")
        line.append(f"  {s.word('perspective').capitalize()} (p): ", style="bold")
        line.append(self.perspective or "none", style="bold underline")
        hint = self.detail.perspective if self.detail else ""
        if self.perspective and self.perspective == hint:
            line.append(" (hint)", style="dim")
        p = s.codebook.perspective(self.perspective or "")
        if p is not None and p.mixed and self.detail is not None:
            groups = "; ".join(s.mixed_groups(self.detail.key)) or "no groups recorded"
            line.append(f" = {groups}", style="italic")
        span = self.query_one(ExcerptText).selected_span
        line.append("   Codes: ", style="bold")
        line.append(f"selection {span[0]}–{span[1]}" if span else "whole excerpt", style="underline")
        self._update("#pickers", line)

    def _update(self, selector: str, text: Text, layout: bool = False) -> None:
        """Repaint a fixed-size part only when its text changed: on 50,000 excerpts every layout
        pass of the whole screen is time taken from the key that caused it."""
        widget = self.query_one(selector, Static)
        if self._shown.get(selector) != text.markup:
            self._shown[selector] = text.markup
            widget.update(text, layout=layout)

    @on(ExcerptText.SelectionChanged)
    def _selection(self) -> None:
        if self.detail is not None:
            self.show_pickers()

    @on(OptionList.OptionHighlighted, "#codings")
    def _coding_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        c = self._highlighted_coding()
        if self.detail is None:
            return
        spans = [(x.start, x.end) for x in self.detail.codings if x.start is not None and x.end is not None]
        focus = (c.start, c.end) if c is not None and c.start is not None and c.end is not None else None
        self.query_one(ExcerptText).set_spans(spans, focus)

    @on(CodebookTree.NodeHighlighted)
    def _node(self, event: CodebookTree.NodeHighlighted[Any]) -> None:
        data = event.node.data
        if not self.wb.ready:
            return
        self.query_one("#definition", Static).update(definition_text(self.session.codebook, data, self.session.words()))

    @on(CodebookTree.Chosen)
    def _apply_from_tree(self, event: CodebookTree.Chosen) -> None:
        self.apply(event.node.name)

    # ----- the verbs -----------------------------------------------------------------------
    def _highlighted_coding(self) -> Coding | None:
        if self.detail is None or not self.detail.codings:
            return None
        i = self.query_one("#codings", OptionList).highlighted
        return self.detail.codings[i] if i is not None and 0 <= i < len(self.detail.codings) else None

    def with_excerpt(self, then: Callable[[ExcerptDetail], object]) -> None:
        """Run `then` on the excerpt the list is on. If its text is still being read (the key came
        right after a move), the keys typed after this one wait, and `then` runs once it is shown:
        a key is applied, never dropped, and always to the excerpt it was typed for."""
        key = self.excerpt_list.current_key
        if key is None or self.session.index is None:
            self.notify("no excerpt selected", severity="warning")
            return
        if self.detail is not None and self.detail.key == key:
            then(self.detail)
            return
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None

        def shown(d: ExcerptDetail) -> None:
            self.show_detail(d)
            then(d)

        self.wb.fetch(lambda: self.session.detail(key), shown, group="detail-for-key", hold_keys=True)

    def apply(self, subtheme: str) -> None:
        self.with_excerpt(lambda d: self._apply(d, subtheme))

    def _apply(self, d: ExcerptDetail, subtheme: str) -> None:
        span = self.query_one(ExcerptText).selected_span
        self.wb.save(action=self.session.coding_action(d.key, subtheme, self.valence, self.perspective, span))

    def action_apply(self) -> None:
        def open_finder(d: ExcerptDetail) -> None:
            s = self.session
            # The query and its Enter already typed (a burst): what the finder would answer, without it.
            entries = finder_entries(s.codebook, s.words())
            typed = self.wb.keys.take_line(lambda query: answer(entries, query))
            if typed is not None:
                self._finder_done(d, typed)
                return
            self.app.push_screen(SubthemeFinder(s.codebook, f"Apply a {s.word('subtheme')} to {d.key}", s.words()),
                                 lambda result: self._finder_done(d, result))

        self.with_excerpt(open_finder)

    def _finder_done(self, d: ExcerptDetail, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        what, name = result
        if what == "apply":
            self._apply(d, name)  # the excerpt the finder was opened for, whatever moved since
        else:
            self.app.push_screen(NewSubtheme(name, self.session.words()), lambda r: self._new_subtheme_done(d, r))

    def action_new_subtheme(self) -> None:
        self.with_excerpt(lambda d: self.app.push_screen(NewSubtheme("", self.session.words()),
                                                         lambda r: self._new_subtheme_done(d, r)))

    def _new_subtheme_done(self, d: ExcerptDetail, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        name, definition = result
        s = self.session
        span = self.query_one(ExcerptText).selected_span
        start, end = span if span else (None, None)
        coding = with_uuid(Coding(d.key, name, s.coder, self.valence, self.perspective, start, end))
        action = Sequence([NewSubthemeAction(s.coder, name=name, definition=definition), CodeAction(coding)])
        self.wb.save(action=action)

    def action_valence(self) -> None:
        options = [*self.session.codebook.valences, None]
        i = options.index(self.valence) if self.valence in options else -1
        self.valence = options[(i + 1) % len(options)]
        self.show_pickers()

    def action_perspective(self) -> None:
        self.with_excerpt(self._pick_perspective)

    def _pick_perspective(self, d: ExcerptDetail) -> None:
        s = self.session
        choices: list[tuple[str, str | None]] = []
        for p in s.codebook.perspectives:
            label = p.name
            if p.mixed:
                label += f" — this source's sample: {'; '.join(s.mixed_groups(d.key)) or 'no groups recorded'}"
            if p.name == d.perspective:
                label += "  ← hint"
            choices.append((label, p.name))
        choices.append(("none", None))
        names = [v for _, v in choices]
        selected = names.index(self.perspective) if self.perspective in names else len(names) - 1
        self.app.push_screen(Pick(f"{s.word('perspective').capitalize()} for the next coding of {d.key}", choices,
                                  selected), self._perspective_done)

    def _perspective_done(self, value: Any) -> None:
        if value is not None or self.perspective is not None:
            self.perspective = value
        self.show_pickers()

    def action_nothing(self) -> None:
        def toggle(d: ExcerptDetail) -> None:
            try:
                action = self.session.nothing_applies_toggle(d)  # as shown, unsaved changes included
            except UserError as e:
                self.notify(str(e), severity="error", title="Not saved")
                return
            self.wb.save(action=action)

        self.with_excerpt(toggle)

    def action_remove(self) -> None:
        # the codings shown include those not saved yet: `x` right after `a … Enter` removes the
        # coding just made (its removal is queued behind it)
        self.with_excerpt(lambda _d: self._remove())

    def _remove(self) -> None:
        c = self._highlighted_coding()
        if c is None:
            self.notify("no coding to remove: highlight one in the codings list", severity="warning")
            return
        try:
            action = self.session.removal(c)
        except UserError as e:
            self.notify(str(e), severity="error", title="Not saved")
            return
        self.wb.save(action=action)

    def action_note(self) -> None:
        # as `x`: `e` right after `a … Enter` notes the coding just made, saved or not
        self.with_excerpt(lambda _d: self._note())

    def _note(self) -> None:
        c = self._highlighted_coding()
        if c is None:
            self.notify("highlight a coding in the codings list first", severity="warning")
            return
        if c.coder != self.session.coder:
            self.notify(f"that coding is {c.coder}'s; you can annotate only your own", severity="warning")
            return

        def done(text: str | None) -> None:
            if text is not None:
                from workbench.tui.actions import Note

                self.wb.save(action=Note(c.uuid, c.excerpt, text.strip(), self.session.coder, c.note))

        self.app.push_screen(Ask(f"Note on {c.subtheme} ({c.excerpt})", c.note), done)

    def action_memo(self) -> None:
        self.with_excerpt(self._memo)

    def _memo(self, d: ExcerptDetail) -> None:
        def done(text: str | None) -> None:
            if text and text.strip():
                from workbench.tui.actions import Memo

                self.wb.save(action=Memo("excerpt", d.uuid, text.strip(), self.session.coder, d.key))

        self.app.push_screen(AskLong(f"Memo on {d.key}"), done)

    def action_next_uncoded(self) -> None:
        s = self.session
        lst = self.excerpt_list
        if s.index is None or not lst.rows:
            return
        pos = s.index.next_uncoded(lst.rows, lst.cursor)
        if pos is None:
            self.notify("every excerpt in this list is coded by you", title="All done")
        else:
            lst.cursor = pos

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_search_code(self) -> None:
        from workbench.tui.screens.search import open_search

        open_search(self)

    def action_suggest(self) -> None:
        from workbench.tui.screens.search import open_suggestions

        open_suggestions(self)

    def action_back(self) -> None:
        """Escape: one step out — from the search box, the text, the codings or the codebook back to
        the list (hiding the codebook again where it had replaced the list)."""
        if self.query_one("#search", Input).has_focus:
            self._show_current()
        if self.has_class("-show-codebook"):
            self.remove_class("-show-codebook")
        self.excerpt_list.focus()

    def action_whole(self) -> None:
        self.query_one(ExcerptText).clear_selection()
        self.show_pickers()

    def action_toggle_codebook(self) -> None:
        """t: to the codebook and back. At 80 columns the codebook takes the list's place, so focus
        goes with it (it must never stay in a pane that is no longer shown)."""
        self.toggle_class("-show-codebook")
        if self.has_class("-show-codebook"):
            self.query_one(CodebookTree).focus()
        else:
            self.excerpt_list.focus()

    def action_toggle_uncoded(self) -> None:
        from dataclasses import replace

        self.filter = replace(self.filter, uncoded=not self.filter.uncoded)
        self.refilter()

    def action_filters(self) -> None:
        filter_dialog(self)

    def set_filter(self, f: Filter) -> None:
        """Apply a filter; a subtheme filter first loads which excerpts carry it (in a worker)."""
        s = self.session
        if f.subtheme and s.index is not None and f.subtheme not in s.index.subtheme_keys:
            self.wb.fetch(lambda: s.load_subtheme_filter(f.subtheme), lambda _keys: self.set_filter(f), group="filter",
                          hold_keys=True)
            return
        self.filter = f
        self.refilter()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        from dataclasses import replace

        self.filter = replace(self.filter, text=event.value)
        self.refilter()
        self.wb.collect_when_idle()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.excerpt_list.focus()
        self._show_current()

    def open_excerpt(self, key: str) -> None:
        """Show one excerpt (from another screen), clearing filters that would hide it."""
        lst = self.excerpt_list
        if not lst.select_key(key):
            self.filter = Filter()
            self.query_one("#search", Input).value = ""
            self.refilter()
            lst.select_key(key)
        lst.focus()
