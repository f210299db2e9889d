"""Blind scope on every screen of the app: coder ines, on a blind project with three coders and an
agreed set, sees nobody else's name or codings on any of the six screens, and the coder choice of
Matrix, Table and Sources offers only herself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tui_helpers import drive, make, settle

from workbench.store.api import Project
from workbench.tui.screens import SCREENS

OTHERS = re.compile(r"\b(amira|ben|consensus)\b")


def test_no_screen_shows_another_coder_while_blind(blind_projects) -> None:  # type: ignore[no-untyped-def]
    blind, _twin, _foreign = blind_projects
    seen: dict[str, str] = {}

    with Project.open(Path(blind)) as project:
        app = make(project, "ines")

        async def script(pilot: Any) -> None:
            assert app.session.blind
            assert [v for _label, v in app.session.coder_choices()] == ["ines"]
            for entry in SCREENS:
                await pilot.press(entry.key)
                await settle(pilot, app)
                seen[entry.mode] = app.export_screenshot()

        drive(app, script, size=(160, 48))
    assert set(seen) == {e.mode for e in SCREENS}
    for mode, picture in seen.items():
        text = re.sub(r"&#160;", " ", picture)
        assert not OTHERS.search(text), (mode, OTHERS.search(text))
    assert "ines" in seen["code"]
