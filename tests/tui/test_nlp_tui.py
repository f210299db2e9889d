"""Search-and-code-all-hits and suggestions on the Code screen, driven with Pilot."""

from __future__ import annotations

import asyncio

from workbench.nlp.suggest import Suggester
from workbench.services.language import labelled_from_project
from workbench.tui.app import make_app
from workbench.tui.excerpt_index import CODED, UNCODED


async def settle(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app has loaded and every queued write has been saved."""
    for _ in range(200):
        await pilot.pause()
        if app.ready and not app.busy and not app.workers._workers:
            return
        await asyncio.sleep(0.02)


async def _test_search_ticks_and_codes_hits_in_one_undoable_step(example_project) -> None:  # type: ignore[no-untyped-def]
    """ctrl+f, type 'friend', untick nothing, ctrl+s, pick Boundaries, confirm: two codings, origin search."""
    app = make_app(example_project, "zoe")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+f")
        await settle(pilot, app)
        from workbench.tui.screens.search import SearchCode

        assert isinstance(app.screen, SearchCode)
        await pilot.press(*"friend ")
        await pilot.pause()
        assert app.screen.keys == ["e045", "e055"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press(*"Boundaries", "enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        mine = example_project.records.codings(["zoe"])
        assert sorted((c.excerpt, c.subtheme, c.origin) for c in mine) == [
            ("e045", "Boundaries", "search"), ("e055", "Boundaries", "search")]
        index = app.session.index
        assert index.state[index.position["e055"]] == CODED  # the list's ✓ mark follows
        await pilot.press("ctrl+z")
        await settle(pilot, app)
        assert example_project.records.codings(["zoe"]) == []
        assert index.state[index.position["e055"]] == UNCODED



def test_search_ticks_and_codes_hits_in_one_undoable_step(example_project) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(_test_search_ticks_and_codes_hits_in_one_undoable_step(example_project))

async def _test_unticked_hits_are_left_alone(example_project) -> None:  # type: ignore[no-untyped-def]
    app = make_app(example_project, "zoe")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+f")
        await settle(pilot, app)
        await pilot.press(*"friend ", "enter")
        await pilot.pause()
        await pilot.press("space")  # untick the first hit (e045)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press(*"Boundaries", "enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        assert [c.excerpt for c in example_project.records.codings(["zoe"])] == ["e055"]



def test_unticked_hits_are_left_alone(example_project) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(_test_unticked_hits_are_left_alone(example_project))

async def _test_suggestions_show_three_and_accepting_one_codes_it(example_project) -> None:  # type: ignore[no-untyped-def]
    """g lists the top three with scores; Enter records the first as a coding from a suggestion."""
    model = Suggester.train(labelled_from_project(example_project, ["consensus"]), example_project.codebook.get())
    model.save(example_project.nlp.folder("models"))
    app = make_app(example_project, "zoe")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("g")
        await settle(pilot, app)
        from textual.widgets import OptionList

        from workbench.tui.screens.search import Suggestions

        assert isinstance(app.screen, Suggestions)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 3
        first = app.screen.ranking[0][0]
        await pilot.press("enter")
        await settle(pilot, app)
        (coding,) = example_project.records.codings(["zoe"])
        assert (coding.excerpt, coding.subtheme, coding.origin) == ("e001", first, "suggestion")



def test_suggestions_show_three_and_accepting_one_codes_it(example_project) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(_test_suggestions_show_three_and_accepting_one_codes_it(example_project))

async def _test_without_a_model_suggestions_say_how_to_train(example_project) -> None:  # type: ignore[no-untyped-def]
    app = make_app(example_project, "zoe")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("g")
        await settle(pilot, app)
        assert any("suggest --train" in str(n.message) for n in app._notifications)


def test_without_a_model_suggestions_say_how_to_train(example_project) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(_test_without_a_model_suggestions_say_how_to_train(example_project))
