"""Driving the app with Pilot: wait for saves, run a script, build the app with a frozen clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

FROZEN = datetime(2024, 3, 1, 9, 30, 0)


async def settle(pilot: Any, app: Any) -> None:
    """Wait until the project is loaded, every queued write saved and every worker finished."""
    for _ in range(400):
        await pilot.pause()
        if app.ready and not app.busy and not [w for w in app.workers if w.is_running]:
            await pilot.pause()
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the app did not settle")


def drive(app: Any, script: Callable[[Any], Awaitable[None]], size: tuple[int, int] = (120, 40),
          messages: list[Any] | None = None) -> None:
    """Run `script(pilot)` against the app in a headless terminal of `size`."""

    async def main() -> None:
        hook = messages.append if messages is not None else None
        async with app.run_test(size=size, message_hook=hook) as pilot:
            await settle(pilot, app)
            await script(pilot)

    asyncio.run(main())


def make(project: Any, coder: str | None = "tess", **options: Any) -> Any:
    from workbench.tui.app import make_app

    return make_app(project, coder, "peer-support", clock=lambda: FROZEN, **options)
