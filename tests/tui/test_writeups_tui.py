"""The Table screen's export menu offers the write-ups and writes them from the table on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import OptionList
from tui_helpers import drive, make, settle


def test_table_export_menu_offers_and_writes_the_three_writeups(example_project) -> None:
    app = make(example_project)
    exports = Path(example_project.folder) / "exports"
    picks = [("Results narrative — Word document (.docx)", "narrative.docx"),
             ("Detailed themes appendix — web page (.html)", "appendix.html"),
             ("ENTREQ checklist — Markdown (.md)", "checklist.md")]

    async def script(pilot: Any) -> None:
        await pilot.press("4")
        await settle(pilot, app)
        for label, name in picks:
            await pilot.press("x")
            await pilot.pause()
            names = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
            assert "Word document (.docx)" in names  # the table's own formats stay first
            await pilot.press(*["down"] * names.index(label), "enter")
            await settle(pilot, app)
            out = exports / name
            assert out.stat().st_size > 1000, name
            assert any(f"wrote {out}" in n.message for n in app._notifications)

    drive(app, script)
    from docx import Document

    heads = [p.text for p in Document(str(exports / "narrative.docx")).paragraphs if p.style.name == "Heading 2"]
    assert heads[0] == "What the PSW role can bring"
    assert "<h5>PSWs [23, 34, 61]</h5>" in (exports / "appendix.html").read_text(encoding="utf-8")
    assert "| 15 | Software |" in (exports / "checklist.md").read_text(encoding="utf-8")
