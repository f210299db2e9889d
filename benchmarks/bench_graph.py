"""Benchmark: theme–source graph, perspective matrix and HTML report on the synthetic project.

    python benchmarks/bench_graph.py                 # builds the 500,000-coding project in a temp folder
    python benchmarks/bench_graph.py --project DIR   # reuses (or first builds) the project at DIR

Targets (issue 4): graph build ≤ 1.5 s, matrix ≤ 1 s, report ≤ 5 s, peak memory ≤ 1 GB. Each figure is
printed beside a baseline measured in the same run, with the ratio:

- graph build (`build_graph`: derivation, excerpts and coders, graph) vs a bare networkx build of the
  same nodes and edges without attributes;
- matrix (`build_matrix`, derivation included) vs the derivation alone (`derive_cells`);
- report (`build_report` + `report_html` to a file) vs the Table 6 JSON export of the same project;
- peak memory (max RSS of this process) vs the RSS after opening the project.

The project is built in a child process, so its import does not count towards the peak.
Times are the best of --repeat runs (default 3; the report runs twice).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(f: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def ensure_project(folder: Path, codings: int) -> None:
    if (folder / "workbench.db").exists():
        return
    print(f"building the synthetic project ({codings:,} codings) in {folder} …", flush=True)
    code = ("import sys; from pathlib import Path; from workbench.synthetic import make_synthetic_project; "
            f"make_synthetic_project(Path(sys.argv[1]), codings={codings})")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, default=None, help="project folder to reuse or create")
    ap.add_argument("--codings", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = None
    if args.project is None:
        tmp = tempfile.TemporaryDirectory(prefix="wb-bench-graph-")
        args.project = Path(tmp.name) / "synthetic"
    ensure_project(args.project, args.codings)

    import networkx as nx

    from workbench.analysis.cells import derive_cells
    from workbench.analysis.graph import build_graph, supporting_edges
    from workbench.analysis.matrix import build_matrix
    from workbench.analysis.table import build_table
    from workbench.formats.report_html import build_report, report_html
    from workbench.formats.table_json import table_json
    from workbench.store.api import Project

    project = Project.open(args.project)
    counts = project.counts()
    base_rss = rss_mb()
    out = Path(tempfile.mkdtemp(prefix="wb-bench-out-"))
    rows: list[tuple[str, float, str, float, float | None, str]] = []

    graph_s = best(lambda: build_graph(project.viewer(None)), args.repeat)
    g = build_graph(project.viewer(None))
    edges = [(u, v) for u, v, _ in supporting_edges(g)] + [
        (u, v) for u, v, k in g.edges(data="kind") if k == "contains"]
    nodes = list(g.nodes)

    def bare() -> None:
        h = nx.DiGraph()
        h.add_nodes_from(nodes)
        h.add_edges_from(edges)

    rows.append(("graph build", graph_s, "bare networkx, same edges", best(bare, args.repeat), 1.5, "s"))

    matrix_s = best(lambda: build_matrix(project.viewer(None)), args.repeat)
    derive_s = best(lambda: derive_cells(project.viewer(None)), args.repeat)
    rows.append(("matrix", matrix_s, "derive_cells alone", derive_s, 1.0, "s"))

    def report() -> None:
        report_html(build_report(project.viewer(None)), out / "report.html")

    def table() -> None:
        table_json(build_table(project.viewer(None)), out / "table.json")

    report_s = best(report, 2)
    rows.append(("report (HTML)", report_s, "table JSON export", best(table, 2), 5.0, "s"))
    peak = rss_mb()
    rows.append(("peak memory", peak, "RSS after opening", base_rss, 1024.0, "MB"))

    print(f"\nproject: {counts['codings']:,} codings, {counts['excerpts']:,} excerpts, {counts['sources']:,} sources, "
          f"{counts['subthemes']:,} subthemes; graph {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges; "
          f"report {(out / 'report.html').stat().st_size / 1e6:.1f} MB")
    print(f"{'figure':<16}{'measured':>12}  {'baseline':<28}{'baseline':>10}{'ratio':>8}{'target':>10}  ok")
    for name, value, base_name, base, target, unit in rows:
        ok = "yes" if target is None or value <= target else "NO"
        print(f"{name:<16}{value:>10.2f} {unit:<2} {base_name:<28}{base:>8.2f} {unit:<2}{value / base:>7.1f}x"
              f"{'≤ ' + format(target, 'g') + ' ' + unit:>10}  {ok}")
    project.close()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
