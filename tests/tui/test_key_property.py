"""Random key sequences on the example project, all sent at once: the app never crashes, never
empties its screen stack, and every coding the status bar acknowledged is in the database.

The keys are the Code screen's and its dialogs' (no removal keys, x or ctrl+z, so every
acknowledged coding must still be there). A bounded number of examples keeps this well under a
minute; each one runs the real app on a fresh copy of the example.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tui_helpers import burst, make, settle

from workbench.store.api import Project

KEYS = ["a", "v", "p", "n", "u", "e", "m", "s", "w", "t", "o", "b", "r", "l", "down", "up", "enter",
        "escape", "tab", "space", "backspace", "question_mark", "ctrl+s", "f"]
CODED = re.compile(r"^coded (\S+) with (.+?)(?: \(.*\))?(?: \d+–\d+)?$")


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(keys=st.lists(st.sampled_from(KEYS), min_size=4, max_size=40))
@example(keys="a w e l l b enter u a b o u n d enter".split())  # the burst
@example(keys=["a", "b", "enter", "enter", "s", "r", "enter", "enter", "m", "l", "ctrl+s", "u", "a", "l", "enter",
               "p", "down", "enter", "e", "r", "enter", "escape", "escape", "enter"])
def test_random_key_bursts_lose_nothing(_example_template: Path, tmp_path_factory: Any, keys: list[str]) -> None:
    folder = tmp_path_factory.mktemp("burst") / "p"
    shutil.copytree(_example_template, folder)
    with Project.open(folder) as project:
        app = make(project)

        async def main() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot, app)
                await burst(pilot, app, *keys)
                assert app.screen_stack and app.is_running

        asyncio.run(main())
        assert app._exception is None
        saved = {(c.excerpt, c.subtheme) for c in project.records.codings(["tess"])}
        for change in app.acknowledged:
            for part in change.message.split("; "):
                m = CODED.match(part)
                if m:
                    assert (m.group(1), m.group(2)) in saved, (part, keys)
        for action in app.session.undo_stack:
            coding = getattr(action, "coding", None)
            if coding is not None:
                assert (coding.excerpt, coding.subtheme) in saved
