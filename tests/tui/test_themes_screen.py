"""The Themes screen: grouping verbs, confirmations, and undo that restores exactly what was there."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static
from tui_helpers import drive, make, settle

from workbench.tui.screens.dialogs import Confirm
from workbench.tui.widgets.codebook_tree import CodebookTree


def shape(project: Any) -> list[tuple[str, list[str]]]:
    cb = project.codebook.get()
    return [(t.name, [s.name for s in t.subthemes]) for t in cb.themes] + [("", [s.name for s in cb.ungrouped])]


def codings(project: Any) -> list[tuple[str, ...]]:
    return sorted((c.uuid, c.excerpt, c.subtheme, c.coder) for c in project.records.codings())


async def to_themes(pilot: Any, app: Any) -> CodebookTree:
    await pilot.press("2")
    await settle(pilot, app)
    tree = app.screen.query_one(CodebookTree)
    return tree


def test_move_rename_and_reorder_then_undo_all(example_project) -> None:
    app = make(example_project)
    before = shape(example_project)

    async def script(pilot: Any) -> None:
        tree = await to_themes(pilot, app)
        assert "14 exc · 8 src · 3 cod" in str(tree.cursor_node.label) or tree.current.kind == "theme"
        tree.select_subtheme("Bridge")
        await pilot.press("m", "down", "enter")  # the theme after "What the PSW role can bring"
        await settle(pilot, app)
        assert "Bridge" in dict(shape(example_project))["Confusion over the PSW role"]
        tree.select_subtheme("Workload")
        await pilot.press("r", *"Workload and hours", "enter")  # the old name is selected: typing replaces it
        await settle(pilot, app)
        assert "Workload and hours" in dict(shape(example_project))["Organisational challenges and impact"]
        await pilot.press("K")
        await settle(pilot, app)
        subs = dict(shape(example_project))["Organisational challenges and impact"]
        assert subs.index("Workload and hours") == 1
        assert "Workload and hours" in str(app.screen.query_one("#themes-detail", Static).render())
        for _ in range(3):
            await pilot.press("ctrl+z")
            await settle(pilot, app)
        assert shape(example_project) == before

    drive(app, script)


def test_merge_asks_first_and_undo_restores_codings_and_summaries(example_project) -> None:
    app = make(example_project)
    before_codings = codings(example_project)
    before_summaries = sorted((s.uuid, s.subtheme, s.text) for s in example_project.summaries.all())

    async def script(pilot: Any) -> None:
        tree = await to_themes(pilot, app)
        tree.select_subtheme("Pioneer and expectations")
        await pilot.press("g", *"bridge", "enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot, app)
        assert codings(example_project) == before_codings
        await pilot.press("g", *"bridge", "enter", "y")
        await settle(pilot, app)
        names = [s.name for s in example_project.codebook.get().all_subthemes()]
        assert "Pioneer and expectations" not in names
        assert all(c[2] != "Pioneer and expectations" for c in codings(example_project))
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert codings(example_project) == before_codings
        assert sorted((s.uuid, s.subtheme, s.text) for s in example_project.summaries.all()) == before_summaries
        assert shape(example_project)[0][1].count("Pioneer and expectations") == 1

    drive(app, script)


def test_new_theme_delete_theme_and_subthemes(example_project) -> None:
    """n makes a theme, s a subtheme under it; deleting the theme asks, ungroups, and undo regroups."""
    app = make(example_project)

    async def script(pilot: Any) -> None:
        tree = await to_themes(pilot, app)
        await pilot.press("n", *"Later", "enter")
        await settle(pilot, app)
        assert shape(example_project)[-2] == ("Later", [])
        assert tree.select_theme("Later")
        await pilot.press("s", *"Maybe", "enter")
        await settle(pilot, app)
        assert shape(example_project)[-2] == ("Later", ["Maybe"])
        assert tree.select_theme("Later")
        await pilot.press("d", "y")
        await settle(pilot, app)
        assert shape(example_project)[-1] == ("", ["Maybe"])
        assert "⚠" in str(tree.cursor_node.label) or tree.select_subtheme("Maybe")
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert shape(example_project)[-2] == ("Later", ["Maybe"])
        tree.select_subtheme("Maybe")
        await pilot.press("d", "y")
        await settle(pilot, app)
        assert "Maybe" not in [s.name for s in example_project.codebook.get().all_subthemes()]
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert shape(example_project)[-2] == ("Later", ["Maybe"])

    drive(app, script)


def test_a_used_subtheme_cannot_be_deleted(example_project) -> None:
    app = make(example_project)

    async def script(pilot: Any) -> None:
        tree = await to_themes(pilot, app)
        tree.select_subtheme("Bridge")
        await pilot.press("d")
        await settle(pilot, app)
        assert not isinstance(app.screen, Confirm)
        assert any("merge it into another" in n.message for n in app._notifications)
        assert "Bridge" in [s.name for s in example_project.codebook.get().all_subthemes()]

    drive(app, script)
