"""The app's screens, one per step of the work, in one registry.

Each entry names a mode, its key, the word on the tab and where the screen class lives; the
module is imported the first time the screen is shown, so start-up loads only the Code screen.
Another feature adds a screen (e.g. Reconcile) with `register_screen(...)` before the app starts.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class ScreenEntry:
    mode: str
    key: str
    title: str
    target: str  # "module:Class"

    def factory(self) -> Callable[[], Screen]:
        module, _, cls = self.target.partition(":")

        def make() -> Screen:
            return getattr(importlib.import_module(module), cls)()

        return make


P = "workbench.tui.screens."
SCREENS: list[ScreenEntry] = [
    ScreenEntry("code", "1", "Code", P + "code:CodeScreen"),
    ScreenEntry("themes", "2", "Themes", P + "themes:ThemesScreen"),
    ScreenEntry("matrix", "3", "Matrix", P + "matrix:MatrixScreen"),
    ScreenEntry("table", "4", "Table", P + "table:TableScreen"),
    ScreenEntry("sources", "5", "Sources", P + "sources:SourcesScreen"),
    ScreenEntry("reconcile", "6", "Reconcile", P + "reconcile:ReconcileScreen"),
]


def register_screen(entry: ScreenEntry) -> None:
    """Add a screen (its key must be free); the app picks it up when it starts."""
    if any(e.mode == entry.mode or e.key == entry.key for e in SCREENS):
        raise ValueError(f"screen mode or key already taken: {entry.mode} / {entry.key}")
    SCREENS.append(entry)
