"""Start-up stays light: opening the app on a project loads Textual and the store, not pandas,
networkx, spaCy or matplotlib (0.3, 0.15, 0.65 s … each, issue 5) — those wait for a screen that
needs them. Checked in a fresh interpreter, after the Code screen shows its excerpts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CODE = r"""
import asyncio, sys
from pathlib import Path
from workbench.cli.common import Context
from workbench.tui.app import make_app
from workbench.tui.widgets.excerpt_list import ExcerptList
project = Context(Path(sys.argv[1]), None, "tess").open()
app = make_app(project, "tess", poll_seconds=0)
async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        while not (app.ready and app.screen.query_one(ExcerptList).rows):
            await asyncio.sleep(0.01)
        await pilot.pause()
asyncio.run(main())
print(",".join(m for m in ("pandas", "networkx", "spacy", "matplotlib", "docx", "openpyxl", "alembic")
               if m in sys.modules) or "-")
"""


def test_opening_the_app_imports_nothing_heavy(example_dir: Path) -> None:
    out = subprocess.run([sys.executable, "-c", CODE, str(example_dir)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "-"
