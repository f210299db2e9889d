"""Helpers for driving the app with Pilot: a fixed clock, no cursor blink, waiting for saves.

The cursor blink and the wall clock are the two things that make screenshots differ between
runs; both are frozen here for every TUI test (harlequin freezes the blink the same way).
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture(autouse=True)
def _private_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """User settings go to a scratch folder, never the real ~/.config (and no coder name leaks in)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("WORKBENCH_CODER", raising=False)
