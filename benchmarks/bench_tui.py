"""Benchmark: the terminal app on the synthetic 50,000-excerpt project, beside a bare Textual app.

    python benchmarks/bench_tui.py                 # builds the synthetic project in a temp folder
    python benchmarks/bench_tui.py --project DIR   # reuses (or first builds) the project at DIR

Targets (issue 5), each printed beside a baseline measured in the same run, with the ratio:

- command → first screen, whole process (≤ 1.0 s): a fresh `python` that builds the app with the
  code `workbench open` runs (`build_app`), runs it under `run_test()` and reports when the terminal
  receives the first frame in which the Code screen's list shows excerpts (the first page, painted
  before the rest of the 50,000-row index has loaded; `ready` comes after); baseline: a bare
  Textual app with one Static, to its first frame. Also shown: which heavy modules that process imported (none may be
  pandas, networkx or spaCy).
- key that applies a subtheme → repaint (≤ 50 ms): Enter on a subtheme in the codebook tree, until
  the terminal receives the frame in which the coding shows (marked ⧗ saving: the write follows);
  baseline: a key that changes a Static's text in a bare app, to its frame.
- filter the list by a word (≤ 50 ms from key to repaint): each key of a word typed into the
  search box, to the frame with the refiltered list; baseline: a key typed into an Input whose
  text a Static echoes, in a bare app.

- 20 keys sent at once (4 codings: `a`, a short query, Enter, ↓ — four times), all applied in
  order (≤ 1 s from the burst until the fourth coding is committed and on screen — the frame
  after the status line shows it — and every key handled); baseline:
  20 characters sent at once into a bare app's Input, until all are in it.

"Repaint" is timed at the terminal driver: the first write of a frame after the app's state shows
the change. Times are medians over --repeat runs (default 5; 8 keys per word).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_SCREEN_APP = r"""
import sys, time, asyncio
t0 = time.perf_counter()
from pathlib import Path
from workbench.cli.common import Context
from workbench.cli.tui_cmds import build_app
ctx = Context(Path(sys.argv[1]), None, "bench")
project = ctx.open()
app = build_app(ctx, project)  # exactly what `workbench open` runs
from textual._compositor import CompositorUpdate
from workbench.tui.widgets.excerpt_list import ExcerptList
shown = asyncio.Event()
original = app._display
def display(screen, renderable):  # the frame sent to the terminal (as in FrameClock below)
    original(screen, renderable)
    if isinstance(renderable, CompositorUpdate):
        renderable.render_segments(app.console)
    if not shown.is_set():
        lists = screen.query(ExcerptList)
        if lists and lists.first().rows and lists.first().render_lines_for_test()[0].strip():
            print("FIRST", flush=True)  # this frame shows excerpts
            shown.set()
app._display = display
async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await shown.wait()
        heavy = sorted(m for m in ("pandas", "networkx", "spacy", "matplotlib", "docx", "openpyxl") if m in sys.modules)
        print("HEAVY", ",".join(heavy) or "-", flush=True)
asyncio.run(main())
"""

FIRST_SCREEN_BARE = r"""
import asyncio
from textual.app import App
from textual.widgets import Static
from textual._compositor import CompositorUpdate
class Bare(App):
    def compose(self):
        yield Static("hello")
app = Bare()
shown = asyncio.Event()
original = app._display
def display(screen, renderable):
    original(screen, renderable)
    if isinstance(renderable, CompositorUpdate):
        renderable.render_segments(app.console)
    if not shown.is_set() and screen.query(Static):
        print("FIRST", flush=True)
        shown.set()
app._display = display
async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        await shown.wait()
        print("HEAVY -", flush=True)
asyncio.run(main())
"""


def ensure_project(folder: Path) -> None:
    if (folder / "workbench.db").exists():
        return
    print(f"building the synthetic project in {folder} (50,000 excerpts, 500,000 codings) …", flush=True)
    from workbench.synthetic import make_synthetic_project

    make_synthetic_project(folder)


def first_screen(code: str, project: Path) -> tuple[float, str]:
    """Seconds from spawning python to the line FIRST (the first screen is up), and heavy imports."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", code, str(project)], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    line = p.stdout.readline()
    elapsed = time.perf_counter() - t
    heavy = p.stdout.readline().split(" ", 1)[-1].strip()
    p.wait()
    if not line.startswith("FIRST"):
        raise SystemExit(f"the app did not start: {p.stderr.read() if p.stderr else ''}")
    return elapsed, heavy


class FrameClock:
    """Times the frames the app sends to its terminal.

    Under run_test() the driver is headless and Textual skips turning a screen update into
    terminal text; we do that step here (as a real terminal's driver would). A frame counts when,
    as it is written, the app's state already shows the change being timed.
    """

    def __init__(self, app: Any) -> None:
        from textual._compositor import CompositorUpdate

        self.ready: Callable[[], bool] | None = None
        self.hit: float | None = None
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            if self.ready is not None and self.hit is None and self.ready():
                self.hit = time.perf_counter()

        app._display = display

    def arm(self, ready: Callable[[], bool]) -> None:
        self.ready, self.hit = ready, None

    async def frame_after(self, t0: float, timeout: float = 10) -> float:
        """Seconds from t0 to the first frame written while the armed condition held."""
        deadline = time.perf_counter() + timeout
        while self.hit is None:
            if time.perf_counter() > deadline:
                raise SystemExit("no frame showed the change")
            await asyncio.sleep(0.0005)
        self.ready = None
        return self.hit - t0


def press(app: Any, key: str, char: str | None = None) -> float:
    from textual import events

    t0 = time.perf_counter()
    app.post_message(events.Key(key, char))
    return t0


async def wait_until(cond: Callable[[], bool]) -> None:
    while not cond():
        await asyncio.sleep(0.002)


async def app_keys(project_dir: Path, repeat: int, word: str) -> tuple[list[float], list[float]]:
    """(apply → repaint times, filter key → repaint times) in the real app on the project."""
    from workbench.store.api import Project
    from workbench.tui.app import make_app
    from workbench.tui.widgets.codebook_tree import CodebookTree
    from workbench.tui.widgets.excerpt_list import ExcerptList

    project = Project.open(project_dir)
    app = make_app(project, f"bench-{int(time.time())}", "bench")  # a new coder: nothing is coded yet
    apply_times: list[float] = []
    filter_times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: app.ready and bool(app.screen.query_one(ExcerptList).rows))
        await pilot.pause()
        clock = FrameClock(app)
        screen = app.screen
        lst = screen.query_one(ExcerptList)
        tree = screen.query_one(CodebookTree)
        subthemes = [s.name for s in app.session.codebook.all_subthemes()]
        for i in range(repeat):
            lst.focus()
            lst.cursor = 1000 + i * 7  # a new excerpt each time
            await wait_until(lambda: screen.detail is not None and screen.detail.key == lst.current_key)
            await pilot.pause()
            before = len(screen.detail.codings)
            tree.focus()
            tree.select_subtheme(subthemes[(i * 37) % len(subthemes)])
            await pilot.pause()
            clock.arm(lambda b=before: len(screen.detail.codings) > b)
            t0 = press(app, "enter")
            apply_times.append(await clock.frame_after(t0))
            await wait_until(lambda: not app.busy)
            await pilot.pause()
        search = screen.query_one("#search")
        for _ in range(repeat):
            search.focus()
            search.value = ""
            await pilot.pause(0.4)  # let the excerpt pane catch up (it follows the list after a pause)
            for n, ch in enumerate(word, start=1):
                typed = word[:n]
                clock.arm(lambda typed=typed: screen.filter.text == typed)
                t0 = press(app, ch, ch)
                filter_times.append(await clock.frame_after(t0))
                await pilot.pause()
        while app.session.undo_stack:  # leave a reused project as it was (the audit log keeps the trace)
            app.session.undo()
    project.close()
    return apply_times, filter_times


def burst_plan(names: list[str], count: int = 4) -> list[tuple[str, str]]:
    """`count` subthemes with the shortest query (≥ 2 letters) the finder puts them first for."""
    from workbench.tui.screens.finder import rank

    plans: list[tuple[str, str]] = []
    for size in (2, 3, 4, 5, 6):
        for name in names:
            q = name[:size].lower()
            if name not in dict(plans).values() and len(q) == size and rank(q, names)[0] == name:
                plans.append((q, name))
                if len(plans) == count:
                    return plans
    return plans


async def app_burst(project_dir: Path, repeat: int) -> tuple[list[float], int]:
    """Seconds from sending a whole burst (a + query + Enter + ↓, four times) until the fourth coding
    is committed and on screen (the first frame written after the status line shows it) and every
    key has been handled; checks that the codings landed in order on the right excerpts."""
    from textual import events

    from workbench.store.api import Project
    from workbench.tui.app import make_app
    from workbench.tui.widgets.excerpt_list import ExcerptList

    project = Project.open(project_dir)
    app = make_app(project, f"bench-burst-{int(time.time())}", "bench")
    times: list[float] = []
    n_keys = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: app.ready and bool(app.screen.query_one(ExcerptList).rows))
        await pilot.pause()
        clock = FrameClock(app)
        screen = app.screen
        lst = screen.query_one(ExcerptList)
        plan = burst_plan([s.name for s in app.session.codebook.all_subthemes()])
        for i in range(repeat):
            lst.focus()
            lst.cursor = 3000 + i * 11
            await wait_until(lambda: screen.detail is not None and screen.detail.key == lst.current_key)
            await pilot.pause()
            start_row = lst.cursor
            expected = [(app.session.index.keys[lst.rows[start_row + j]], name) for j, (_q, name) in enumerate(plan)]
            keys = [k for q, _name in plan for k in ("a", *q, "enter", "down")]
            n_keys = len(keys)
            done_before = len(app.acknowledged)
            clock.arm(lambda b=done_before: len(app.acknowledged) >= b + len(plan))
            t0 = time.perf_counter()
            for k in keys:
                app.post_message(events.Key(k, k if len(k) == 1 else None))
            shown = await clock.frame_after(t0)  # the frame whose status line shows the fourth coding
            await wait_until(lambda: not app.keys.pending and not app.busy)  # and every key handled
            times.append(max(shown, time.perf_counter() - t0))
            got = [(c.excerpt, c.message.split(" with ", 1)[1].split(" (")[0])
                   for c in app.acknowledged[done_before:]]
            if got != expected:
                raise SystemExit(f"burst applied {got}, expected {expected}")
            await pilot.pause()
        while app.session.undo_stack:
            app.session.undo()
    project.close()
    return times, n_keys


async def bare_burst(repeat: int, n: int) -> list[float]:
    """n characters sent at once into a bare app's Input, until all are in it."""
    from textual import events
    from textual.app import App
    from textual.widgets import Input

    class Bare(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Input(id="i")

    app = Bare()
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.query_one(Input)
        for _ in range(repeat):
            box.focus()
            box.value = ""
            await pilot.pause()
            t0 = time.perf_counter()
            for _i in range(n):
                app.post_message(events.Key("x", "x"))
            await wait_until(lambda: len(box.value) == n)
            times.append(time.perf_counter() - t0)
    return times


async def bare_keys(repeat: int, word: str) -> tuple[list[float], list[float]]:
    """The same measurements on a bare Textual app: a key changing a Static; an Input echoed."""
    from textual.app import App
    from textual.widgets import Input, Static

    class Bare(App[None]):
        BINDINGS = [("enter", "bump", "Bump")]
        count = 0

        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("0", id="n")
            yield Input(id="i")
            yield Static("", id="echo")

        def action_bump(self) -> None:
            self.count += 1
            self.query_one("#n", Static).update(str(self.count))

        def on_input_changed(self, event: Input.Changed) -> None:
            self.query_one("#echo", Static).update(event.value)
            self.echoed = event.value

    app = Bare()
    app.echoed = ""
    keys: list[float] = []
    typing: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        clock = FrameClock(app)
        for _ in range(repeat):
            app.set_focus(None)
            await pilot.pause()
            before = app.count
            clock.arm(lambda b=before: app.count > b)
            t0 = press(app, "enter")
            keys.append(await clock.frame_after(t0))
            await pilot.pause()
        box = app.query_one(Input)
        for _ in range(repeat):
            box.focus()
            box.value = ""
            await pilot.pause()
            for n, ch in enumerate(word, start=1):
                typed = word[:n]
                clock.arm(lambda typed=typed: app.echoed == typed)
                t0 = press(app, ch, ch)
                typing.append(await clock.frame_after(t0))
                await pilot.pause()
    return keys, typing


def row(label: str, value: float, base: float, target: str) -> str:
    ratio = value / base if base else float("inf")
    return f"{label:<44} {value * 1000:8.1f} ms   bare Textual {base * 1000:7.1f} ms   ×{ratio:5.2f}   target {target}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--word", default="training")
    parser.add_argument("--json", action="store_true", help="Also print the figures as JSON.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-bench-tui-") as tmp:
        project = args.project or Path(tmp) / "synthetic"
        ensure_project(project)
        from workbench.store.api import Project

        with Project.open(project) as p:
            n = p.counts()
        print(f"project: {n['excerpts']:,} excerpts, {n['codings']:,} codings, {n['subthemes']} subthemes")
        starts, bares, heavy = [], [], ""
        for _ in range(args.repeat):  # interleaved, so a busy machine slows both alike
            t, heavy = first_screen(FIRST_SCREEN_APP, project)
            starts.append(t)
            bares.append(first_screen(FIRST_SCREEN_BARE, project)[0])
        apply_t, filter_t = asyncio.run(app_keys(project, args.repeat, args.word))
        bare_key, bare_type = asyncio.run(bare_keys(args.repeat, args.word))
        burst_t, n_keys = asyncio.run(app_burst(project, args.repeat))
        bare_burst_t = asyncio.run(bare_burst(args.repeat, n_keys))
    figures = {
        "burst_keys": n_keys, "burst_ms": statistics.median(burst_t) * 1000,
        "burst_bare_ms": statistics.median(bare_burst_t) * 1000,
        "first_screen_s": statistics.median(starts), "first_screen_bare_s": statistics.median(bares),
        "apply_ms": statistics.median(apply_t) * 1000, "apply_bare_ms": statistics.median(bare_key) * 1000,
        "filter_ms": statistics.median(filter_t) * 1000, "filter_bare_ms": statistics.median(bare_type) * 1000,
        "filter_worst_ms": max(filter_t) * 1000, "heavy_imports_at_start": heavy,
    }
    print(row("command → first screen (whole process)", figures["first_screen_s"], figures["first_screen_bare_s"],
              "≤ 1000 ms"))
    print(f"{'':<44} heavy modules imported at start: {heavy}")
    print(row("key applying a subtheme → repaint", statistics.median(apply_t), statistics.median(bare_key),
              "≤ 50 ms"))
    print(row(f"filter by '{args.word}', per key → repaint", statistics.median(filter_t),
              statistics.median(bare_type), "≤ 50 ms"))
    print(f"{'':<44} slowest key: {max(filter_t) * 1000:.1f} ms (the first letter scans all 50,000)")
    print(row(f"{n_keys} keys at once (4 codings), all applied", statistics.median(burst_t),
              statistics.median(bare_burst_t), "≤ 1000 ms"))
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
