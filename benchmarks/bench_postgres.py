"""Benchmark: the collaboration figures on PostgreSQL beside SQLite, in the same run.

    WB_PG_DURABLE=1 bash .ci/postgres.sh python3 benchmarks/bench_postgres.py [--codings N] [--project DIR]

(.ci/postgres.sh starts a throwaway server and sets WORKBENCH_TEST_PG; WB_PG_DURABLE=1 keeps fsync
and synchronous_commit on, as on a real server. Or point WORKBENCH_TEST_PG at a superuser URL.)

Figures, each PostgreSQL beside the SQLite baseline on the same synthetic project (500,000
codings by default), with the ratio:

- one durable coding: `Project.add_coding` (lookup, insert, audit entry, commit) as the coder's own
  login with row-level security on, p50 and p99 over 1,000 codings;
- 10 concurrent writers: ten processes, each its own coder (own login on the server), coding at
  once; total codings per second;
- moving the project: `push` (SQLite → server) and `pull` (server → a new SQLite folder).

The server's own cost of row-level security is shown too: the same single coding as the
superuser, to whom the policies do not apply.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITER = """
import sys, time
from pathlib import Path
from workbench.core.model import Coding
from workbench.store.api import Project
where, coder, start_at, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
p = Project.open(None, where) if "://" in where else Project.open(Path(where))
keys = [e.key for e in p.records.excerpts()][:5000]
subs = [s.name for th in p.codebook.get().themes for s in th.subthemes]
while time.time() < start_at:
    time.sleep(0.002)
t = time.time()
for i in range(n):
    p.records.add_coding(Coding(keys[i % len(keys)], subs[(i * 7) % len(subs)], coder, None, None, note="bench"))
print(t, time.time())
"""


def single(where: str, coder: str, n: int) -> list[float]:
    """Latencies (s) of n durable codings, one transaction each, as one coder."""
    from workbench.core.model import Coding
    from workbench.store.api import Project

    p = Project.open(None, where) if "://" in where else Project.open(Path(where))
    keys = [e.key for e in p.records.excerpts()][:5000]
    subs = [s.name for th in p.codebook.get().themes for s in th.subthemes]
    out = []
    for i in range(n):
        c = Coding(keys[(i * 13) % len(keys)], subs[(i * 3) % len(subs)], coder, None, None, note="bench")
        t = time.perf_counter()
        p.records.add_coding(c)
        out.append(time.perf_counter() - t)
    p.close()
    return out


def writers(places: list[tuple[str, str]], n: int) -> float:
    """Total codings per second of len(places) processes coding at once; places = (where, coder)."""
    start_at = time.time() + 3.0
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, where, coder, str(start_at), str(n)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) for where, coder in places]
    spans = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode != 0:
            raise SystemExit("a writer failed")
        spans.append(tuple(float(x) for x in out.split()))
    # From the first writer's first coding to the last writer's last: the team's throughput.
    return len(places) * n / (max(e for _, e in spans) - min(b for b, _ in spans))


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def line(what: str, pg: float, base: float, unit: str, labels: tuple[str, str] = ("PostgreSQL", "SQLite")) -> None:
    print(f"{what:<40} {labels[0]} {pg:9.2f} {unit:<10} {labels[1]} {base:9.2f} {unit:<10} "
          f"ratio {pg / base:5.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--codings", type=int, default=500_000, help="size of the synthetic project")
    ap.add_argument("--project", type=Path, default=None, help="reuse (or build) the SQLite project here")
    ap.add_argument("--single", type=int, default=1000, help="codings timed one by one")
    ap.add_argument("--writers", type=int, default=10)
    ap.add_argument("--each", type=int, default=200, help="codings per concurrent writer")
    args = ap.parse_args()
    server = os.environ.get("WORKBENCH_TEST_PG")
    if not server:
        raise SystemExit("set WORKBENCH_TEST_PG to a superuser URL, or run through .ci/postgres.sh")

    from sqlalchemy import make_url, text

    from workbench.store.engine import make_engine
    from workbench.store.server import init_server
    from workbench.store.transfer import pull, push

    with tempfile.TemporaryDirectory(prefix="wb-bench-pg-") as tmp:
        folder = args.project or Path(tmp) / "synthetic"
        if not (folder / "workbench.db").exists():
            print(f"building the synthetic project ({args.codings:,} codings) …", flush=True)
            code = ("import sys; from pathlib import Path; from workbench.synthetic import make_synthetic_project; "
                    f"make_synthetic_project(Path(sys.argv[1]), codings={args.codings})")
            subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
        name = "wbbench_" + uuid.uuid4().hex[:8]
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(make_url(server).set(database="postgres").render_as_string(hide_password=False))
        with engine.connect() as conn:
            settings = {k: conn.execute(text(f"SHOW {k}")).scalar() for k in ("fsync", "synchronous_commit",
                                                                                  "server_version")}
        print(f"server: PostgreSQL {settings['server_version']}, fsync={settings['fsync']}, "
              f"synchronous_commit={settings['synchronous_commit']}; SQLite: WAL, synchronous=FULL")
        try:
            t = time.perf_counter()
            report = push(folder, url, "bench")
            t_push = time.perf_counter() - t
            logins = [(f"{name}_w{i}", "coder") for i in range(args.writers)]
            made = init_server(url, logins=logins)
            urls = {n: make_url(url).set(username=n, password=pw).render_as_string(hide_password=False)
                    for n, _, pw in made.logins}
            first = logins[0][0]
            print(f"project: {report}")

            # One durable coding, p50/p99.
            pg = single(urls[first], first, args.single)
            su = single(url, f"{name}_su", args.single)
            lite = single(str(folder), first, args.single)
            line(f"one durable coding p50 (n={args.single})", pct(pg, 50), pct(lite, 50), "ms")
            line(f"one durable coding p99 (n={args.single})", pct(pg, 99), pct(lite, 99), "ms")
            line("row-level security's cost, p50", pct(pg, 50), pct(su, 50), "ms", ("coder (RLS)", "superuser"))

            # Ten concurrent writers.
            rate_pg = writers([(urls[n], n) for n, _ in logins], args.each)
            rate_lite = writers([(str(folder), f"{n}_lite") for n, _ in logins], args.each)
            line(f"{args.writers} concurrent writers ({args.each} each)", rate_pg, rate_lite, "codings/s")

            # Moving the project: push measured above; pull back.
            with tempfile.TemporaryDirectory(prefix="wb-bench-pull-") as back:
                t = time.perf_counter()
                pull(url, Path(back) / "copy", "bench")
                t_pull = time.perf_counter() - t
            line("moving the project", t_push, t_pull, "s", ("push", "pull"))
        finally:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                for (role,) in conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
                                            {"p": name + "\\_%"}).all():
                    conn.execute(text(f'DROP ROLE "{role}"'))
            engine.dispose()


if __name__ == "__main__":
    main()
