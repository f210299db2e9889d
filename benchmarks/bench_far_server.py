"""Benchmark: commands on a PostgreSQL server 50 ms away, beside the same server near, in one run.

    bash .ci/postgres.sh python3 benchmarks/bench_far_server.py [--delay-ms 25] [--repeat 3]

(.ci/postgres.sh starts a throwaway server and sets WORKBENCH_TEST_PG, a superuser URL.)

The example project is pushed to a new database with one coder login. Each command runs as a whole
process (what a user waits for) through `delay_proxy.Proxy`, which delays each direction by
--delay-ms (25 ms: a 50 ms round trip), and directly ("near"). Printed per command: the median
time near and far, the round trips (far − near) / RTT as DESIGN's issue 19 measures them, and the
round trips the proxy itself counted (client turns), and those beyond the connection handshake
(GSS and TLS negotiation and SCRAM authentication take several round trips before the first query;
"connect only" — psycopg's connect and close — measures them: 5 client turns with TLS
negotiation refused and SCRAM, counting the Terminate sent on close). The targets are issue 19's,
compared with "beyond connect" (counted − connect only). Last, the app's first screen
(benchmarks/bench_tui.py's script, opened on the server as the coder's login), near and far, and
the app's key that applies a subtheme (Enter in the codebook tree) to the frame that shows the
coding, near and far — with, beside it, the key to the write saved (the status line's ✓): the
coding is on screen, marked ⧗ saving, before its write has reached the server (tui/writes.py), so
the first figure does not grow with the distance and the second does. The app runs in this process
for that (its terminal frames are timed as bench_tui.py times them), the proxy in a thread beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from delay_proxy import Proxy  # noqa: E402

BARE = """
import sys, psycopg
with psycopg.connect(sys.argv[1]) as c:
    c.execute("select count(*) from coding").fetchone()
"""
# The handshake alone: TLS negotiation (SSLRequest), the startup packet, SCRAM's two exchanges, and
# the Terminate message on close (sent without waiting, but the proxy counts it as a client turn).
CONNECT = """
import sys, psycopg
psycopg.connect(sys.argv[1]).close()
"""

TARGETS = {"status": 6, "code": 6, "query": 8, "table": 8}


def run(args: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    took = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:6])}…: exit {done.returncode}: {done.stderr.strip()[-400:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay-ms", type=float, default=25.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    superuser = os.environ.get("WORKBENCH_TEST_PG")
    if not superuser:
        raise SystemExit("set WORKBENCH_TEST_PG (bash .ci/postgres.sh python3 benchmarks/bench_far_server.py)")
    from sqlalchemy import make_url

    try:
        from workbench.services.build import build_project  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        from workbench.cli.project_cmds import build_project  # type: ignore[attr-defined, no-redef, unused-ignore]
    from workbench.core.example import example_files
    from workbench.store.server import init_server
    from workbench.store.transfer import push

    rtt = 2 * args.delay_ms / 1000
    base = make_url(superuser)
    name = "far_" + uuid.uuid4().hex[:8]
    db_url = base.set(database=name).render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory() as tmp:
        f = example_files()
        folder = Path(tmp) / "example"
        build_project(folder, f["codebook"], f["sources"], f["excerpts"], f["codings"], f["summaries"], "bench")
        push(folder, db_url, "bench")
        login = name + "_coder"  # roles are per server: a name of its own for this run
        report = init_server(db_url, logins=[(login, "coder")])
        password = next(p for n, _k, p in report.logins if n == login)
        coder = base.set(database=name, username=login, password=password)
        print(f"server {base.host}:{base.port}, database {name}, coder login {login}; "
              f"delay {args.delay_ms:g} ms each way (RTT {rtt * 1000:g} ms), median of {args.repeat}")
        with Proxy(base.host or "127.0.0.1", base.port or 5432, args.delay_ms / 1000) as proxy:
            far = coder.set(host="127.0.0.1", port=proxy.port)
            env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
            env["PYTHONPATH"] = str(ROOT)
            py = [sys.executable, "-m", "workbench"]
            counter = iter(range(10_000))
            commands = {
                "connect only": lambda u: [sys.executable, "-c", CONNECT, u.render_as_string(hide_password=False)],
                "bare connect + count": lambda u: [sys.executable, "-c", BARE,
                                                   u.render_as_string(hide_password=False)],
                "status": lambda u: [*py, "--db", u.render_as_string(hide_password=False), "status"],
                "code": lambda u: [*py, "--db", u.render_as_string(hide_password=False), "code",
                                   f"e{next(counter) % 70 + 1:03d}", "Role ambiguity", "--valence", "challenge",
                                   "--perspective", "PSWs"],
                "query": lambda u: [*py, "--db", u.render_as_string(hide_password=False), "query", "supports",
                                    "Role ambiguity", "--json"],
                "table": lambda u: [*py, "--db", u.render_as_string(hide_password=False), "export", "table",
                                    "--format", "json"],
            }
            print(f"{'command':<22} {'near s':>8} {'far s':>8} {'added s':>8} {'round trips':>12} "
                  f"{'counted':>8} {'beyond connect':>15} {'target':>7}")
            connect = 0.0
            for what, make in commands.items():
                near_t = [run(make(coder), env) for _ in range(args.repeat)]
                counted = []
                far_t = []
                for _ in range(args.repeat):
                    proxy.reset()
                    far_t.append(run(make(far), env))
                    counted.append(proxy.round_trips)
                near_m, far_m = statistics.median(near_t), statistics.median(far_t)
                trips = (far_m - near_m) / rtt
                target = TARGETS.get(what)
                n = statistics.median(counted)
                if what == "connect only":
                    connect = n  # the handshake (and Terminate): every command pays it once
                print(f"{what:<22} {near_m:8.2f} {far_m:8.2f} {far_m - near_m:8.2f} {trips:12.1f} "
                      f"{n:8.0f} {n - connect:15.0f} {('≤ ' + str(target)) if target else '':>7}")
            first_screen(coder, far, proxy, args.repeat, rtt)
            env_before = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("WORKBENCH_")}
            try:
                near_keys = asyncio.run(key_to_screen(coder.render_as_string(hide_password=False), login,
                                                      max(args.repeat, 7), 0))
                far_keys = asyncio.run(key_to_screen(far.render_as_string(hide_password=False), login,
                                                     max(args.repeat, 7), 20))
            finally:
                os.environ.update(env_before)
            for label, i, target in (("app: key → screen", 0, "≤ 50 ms"), ("app: key → saved", 1, "")):
                near_m, far_m = statistics.median(near_keys[i]), statistics.median(far_keys[i])
                print(f"{label:<22} {near_m:8.3f} {far_m:8.3f} {far_m - near_m:8.3f} "
                      f"{(far_m - near_m) / rtt:12.1f} {'':>8} {'':>15} {target:>7}")


def first_screen(near: Any, far: Any, proxy: Proxy, repeat: int, rtt: float) -> None:
    """The app's first screen (a frame showing excerpts), as benchmarks/bench_tui.py times it,
    opened on the server as the coder's login, near and far."""
    import bench_tui

    code = bench_tui.FIRST_SCREEN_APP.replace('ctx = Context(Path(sys.argv[1]), None, "bench")',
                                              'ctx = Context(Path("."), sys.argv[1], None)')
    assert "sys.argv[1], None)" in code, "bench_tui's first-screen script changed: adapt the line above"
    near_t = [bench_tui.first_screen(code, near.render_as_string(hide_password=False))[0] for _ in range(repeat)]
    far_t, counted = [], []
    for _ in range(repeat):
        proxy.reset()
        far_t.append(bench_tui.first_screen(code, far.render_as_string(hide_password=False))[0])
        counted.append(proxy.round_trips)
    near_m, far_m = statistics.median(near_t), statistics.median(far_t)
    print(f"{'app: first screen':<22} {near_m:8.2f} {far_m:8.2f} {far_m - near_m:8.2f} "
          f"{(far_m - near_m) / rtt:12.1f} {statistics.median(counted):8.0f} {'':>15} {'≤ 1.5 s':>7}")


async def key_to_screen(url: str, coder: str, repeat: int, first: int) -> tuple[list[float], list[float]]:
    """(key → frame showing the coding, key → the write saved) for Enter on a subtheme in the
    codebook tree, each on another excerpt (from the `first`-th on), the app opened on `url`."""
    import bench_tui

    from workbench.store.api import Project
    from workbench.tui.app import make_app
    from workbench.tui.widgets.codebook_tree import CodebookTree
    from workbench.tui.widgets.excerpt_list import ExcerptList

    shown: list[float] = []
    saved: list[float] = []
    with Project.open(None, url) as project:
        app = make_app(project, coder, "bench", poll_seconds=0)
        async with app.run_test(size=(120, 40)) as pilot:
            await bench_tui.wait_until(lambda: app.ready and bool(app.screen.query_one(ExcerptList).rows))
            await pilot.pause()
            clock = bench_tui.FrameClock(app)
            screen: Any = app.screen
            lst = screen.query_one(ExcerptList)
            tree = screen.query_one(CodebookTree)
            subthemes = [s.name for s in app.session.codebook.all_subthemes()]
            for i in range(repeat + 1):  # the first, not counted, warms the app up
                lst.focus()
                lst.cursor = (first + i) % len(lst.rows)
                await bench_tui.wait_until(lambda: screen.detail is not None and screen.detail.key == lst.current_key)
                await pilot.pause()
                before = len(screen.detail.codings)
                tree.focus()
                tree.select_subtheme(subthemes[(i * 7) % len(subthemes)])
                await pilot.pause()
                clock.arm(lambda b=before: len(screen.detail.codings) > b)
                t0 = bench_tui.press(app, "enter")
                frame = await clock.frame_after(t0)
                await bench_tui.wait_until(lambda: not app.busy)
                if i:
                    shown.append(frame)
                    saved.append(time.perf_counter() - t0)
                await pilot.pause()
                if app.writer.failed:
                    raise SystemExit(f"the write failed: {app.writer.failed[0].pending.error}")
    return shown, saved


if __name__ == "__main__":
    main()
