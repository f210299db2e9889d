"""Pieces of the Code screen: how a coding, a source and a definition read, and the filter dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Label, Select, Static

from workbench.core.model import Codebook, Coding
from workbench.tui.excerpt_index import Filter
from workbench.tui.screens.dialogs import Dialog
from workbench.tui.session import ExcerptDetail

if TYPE_CHECKING:
    from workbench.tui.screens.code import CodeScreen

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def coding_label(i: int, c: Coding, text: str, me: str, blind: bool, saving: bool = False) -> Text:
    """'① Boundaries · challenge · PSWs — “the span”  ✎ note', with the coder when others are shown;
    '⧗' first while the coding (or its note) is on its way to the database."""
    mark = CIRCLED[i] if i < len(CIRCLED) else f"({i + 1})"
    out = Text(f"{mark} ")
    if saving:
        out.append("⧗ saving ", style="italic")
    out.append(c.subtheme, style="bold")
    for part in (c.valence, c.perspective):
        out.append(f" · {part}" if part else "")
    if not blind or c.coder != me:
        out.append(f"  [{c.coder}]", style="italic" if c.coder != me else "")
    if c.start is not None and c.end is not None:
        quoted = text[c.start:c.end].replace("\n", " ")
        if len(quoted) > 48:
            quoted = quoted[:46] + "…"
        out.append(f"  “{quoted}”", style="underline")
    else:
        out.append("  (whole excerpt)", style="dim")
    if c.note:
        out.append(f"  ✎ {c.note}", style="italic")
    return out


def source_text(d: ExcerptDetail, words: dict[str, str]) -> Text:
    out = Text()
    s = d.source
    if s is not None:
        out.append(f"{words['source'].capitalize()} {s.ref}", style="bold")
        details = [x for x in (s.year, s.design) if x]
        if details:
            out.append(" · " + " · ".join(details))
        if s.quality:
            out.append(f" · {words['quality']}: ")
            out.append(s.quality, style="bold")
        out.append("\n")
        if s.citation:
            out.append(s.citation + "\n", style="dim")
        if s.groups:
            out.append(f"{words['groups'].capitalize()} in its sample: {'; '.join(s.group_list)}\n")
    if d.memos:
        out.append("Memos (m adds one):\n", style="bold")
        for m in d.memos:
            out.append(f"  {m.author or '?'} {m.time[:10]}: ", style="italic")
            out.append(m.text + "\n")
    return out


def definition_text(cb: Codebook, node: Any, words: dict[str, str], coding: bool = True) -> Text:
    if node is None:
        return Text("")
    if node.kind == "theme":
        theme = next((t for t in cb.themes if t.name == node.name), None)
        n = len(theme.subthemes) if theme else 0
        return Text.assemble((node.name, "bold"), f"\n{words['theme'].capitalize()} with {n} {words['subthemes']}. "
                             "Enter expands or collapses it." if coding else
                             f"\n{words['theme'].capitalize()} with {n} {words['subthemes']}.")
    if node.kind == "ungrouped":
        return Text(f"{words['subthemes'].capitalize()} under no {words['theme']} yet: they stay out of the "
                    "table until they are grouped on the Themes screen (2).")
    sub = next((s for s in cb.all_subthemes() if s.name == node.name), None)
    if sub is None:
        return Text(node.name)
    out = Text(sub.name, style="bold")
    out.append(f"\n{sub.definition or 'no definition yet'}\n")
    for label, value in (("Include", sub.include), ("Exclude", sub.exclude), ("Example", sub.example),
                         ("Origin", sub.origin)):
        if value:
            out.append(f"{label}: ", style="bold")
            out.append(value + "\n")
    if coding:
        out.append("Enter applies it to the excerpt.", style="dim")
    return out


class FilterDialog(Dialog[Filter | None]):
    """Narrow the excerpt list: source, perspective, a subtheme already applied, not yet coded by me."""

    def __init__(self, current: Filter, sources: list[str], perspectives: list[str], subthemes: list[str],
                 words: dict[str, str]) -> None:
        super().__init__()
        self.current, self.words = current, words
        self.sources, self.perspectives, self.subthemes = sources, perspectives, subthemes

    def compose(self) -> ComposeResult:
        w = self.words
        c = self.current
        with Vertical():
            yield Static(f"Filter the {w['excerpts']}", classes="title")
            yield Checkbox(f"only {w['excerpts']} I have not coded yet", c.uncoded, id="uncoded")
            yield Label(w["source"].capitalize())
            yield Select([(s, s) for s in self.sources], value=c.source or Select.NULL, id="source",
                         prompt=f"any {w['source']}")
            yield Label(f"{w['perspective'].capitalize()} hint")
            yield Select([(p, p) for p in self.perspectives] + [(f"no {w['perspective']} hint", "-")],
                         value=c.perspective or Select.NULL, id="perspective", prompt=f"any {w['perspective']}")
            yield Label(f"Coded with this {w['subtheme']}")
            yield Select([(s, s) for s in self.subthemes], value=c.subtheme or Select.NULL, id="subtheme",
                         prompt=f"any {w['subtheme']}")
            with Horizontal(classes="buttons"):
                yield Button("Clear all", id="clear")
                yield Button("Apply", id="apply", variant="primary")

    def _value(self, sel_id: str) -> str:
        v = self.query_one(sel_id, Select).value
        return "" if v is Select.NULL or v is None else str(v)

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        self.dismiss(Filter(self.current.text, self._value("#source"), self._value("#perspective"),
                            self._value("#subtheme"), self.query_one("#uncoded", Checkbox).value))

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(Filter(self.current.text))


def filter_dialog(screen: CodeScreen) -> None:
    s = screen.session
    from workbench.core.refs import sort_refs

    sources = sort_refs(s.sources)
    dialog = FilterDialog(screen.filter, sources, [p.name for p in s.codebook.perspectives],
                          [x.name for x in s.codebook.all_subthemes()], s.words())

    def done(f: Filter | None) -> None:
        if f is not None:
            screen.set_filter(f)

    screen.app.push_screen(dialog, done)
