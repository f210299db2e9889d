"""The terminal app on the server: a coder codes as their login, and the server's refusal of
someone else's codings reaches the screen as a message, not a crash."""

from __future__ import annotations

import asyncio
from typing import Any

from workbench.store.api import Project


async def _settle(pilot: Any, app: Any) -> None:
    for _ in range(400):
        await pilot.pause()
        if app.ready and not app.busy and not [w for w in app.workers if w.is_running]:
            await pilot.pause()
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the app did not settle")


def _code_boundaries(project: Project, coder: str, notes: list[str]) -> None:
    """Press a, type 'bound', Enter on the first excerpt (the Code screen's finder)."""
    from workbench.tui.app import make_app

    app = make_app(project, coder, "server")
    real_notify = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        notes.append(str(message))
        real_notify(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await _settle(pilot, app)
            await pilot.press("a", *"bound", "enter")
            await _settle(pilot, app)

    asyncio.run(main())


def test_app_codes_as_the_login(team) -> None:  # type: ignore[no-untyped-def]
    from workbench.cli.common import Context

    amira, url = team.login("amira")
    coder = Context(None, url, None).coder()  # type: ignore[arg-type]
    assert coder == amira
    with Project.open(None, url) as project:
        _code_boundaries(project, coder, [])
    with Project.open(None, team.url) as admin:
        assert [(c.excerpt, c.subtheme) for c in admin.records.codings([amira])] == [("e001", "Boundaries")]
        assert admin.audit_log(1)[0]["actor"] == amira


def test_app_shows_the_servers_refusal(team) -> None:  # type: ignore[no-untyped-def]
    amira, url = team.login("amira")
    notes: list[str] = []
    with Project.open(None, url) as project:
        _code_boundaries(project, "ben", notes)
    assert any("the server refused" in n for n in notes), notes
    with Project.open(None, team.url) as admin:
        assert admin.counts()["codings"] == 295
