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


def key_event(key: str) -> Any:
    """The Key event a terminal sends for `key` (a character or a key name such as "enter")."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def burst(pilot: Any, app: Any, *keys: str) -> None:
    """Send `keys` all at once, as a terminal delivers a fast typist's burst (Pilot's `press`
    pauses between keys), then wait until every key has been applied and everything settled."""
    for key in keys:
        app.post_message(key_event(key))
    for _ in range(1000):
        await asyncio.sleep(0.01)
        if not app.keys.pending:
            break
    else:
        raise AssertionError(f"{app.keys.pending} keys still queued")
    await settle(pilot, app)
