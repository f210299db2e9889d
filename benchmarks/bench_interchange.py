"""Benchmark: REFI-QDA export and import of the synthetic project, beside the CSV path.

    python benchmarks/bench_interchange.py                      # the full 500,000-coding project
    python benchmarks/bench_interchange.py --codings 50000      # a smaller one, built in a temp folder
    python benchmarks/bench_interchange.py --project DIR        # reuse (or first build) the project at DIR

Each figure is printed beside a baseline measured in the same run, with the ratio:

- export .qdpx (snapshot, project.qde and sources/*.txt, the libxml2 schema self-check) vs writing
  the same records as the CSV/YAML files of DESIGN.md (codebook, sources, excerpts, codings);
- import .qdpx into a new project (`new --qdpx`: safe unzip, defusedxml parse, schema check, mapping,
  one transaction) vs building a project from those CSV/YAML files (`new --codebook … --codings …`);
- peak memory (max RSS of this process, after the exports and imports) vs the RSS after opening;
- the schema check alone (libxml2, streaming: what runs on every import and export) vs xmlschema
  (what the tests validate written files with), on the same project.qde (xmlschema only below
  100,000 codings: it needs minutes and gigabytes for the full project).

Times are the best of --repeat runs (default 1: the full project takes minutes per run).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
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
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_project(folder: Path, codings: int) -> None:
    if (folder / "workbench.db").exists():
        return
    print(f"building the synthetic project ({codings:,} codings) in {folder} …", flush=True)
    excerpts = max(codings // 10, 100)
    code = ("import sys; from pathlib import Path; from workbench.synthetic import make_synthetic_project; "
            f"make_synthetic_project(Path(sys.argv[1]), excerpts={excerpts}, sources={max(excerpts // 50, 10)}, "
            f"codings={codings})")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def line(label: str, value: float, base_label: str, base: float, unit: str = "s") -> None:
    print(f"{label:<34} {value:8.2f} {unit}   baseline ({base_label}): {base:8.2f} {unit}   ratio {value / base:5.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", type=Path, default=None)
    ap.add_argument("--codings", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    from workbench.cli.project_cmds import build_project
    from workbench.cli.refi_cmds import build_project_from_qdpx
    from workbench.formats.codebook_yaml import write_codebook
    from workbench.formats.records import write_records
    from workbench.formats.refi.qdpx import project_qdpx
    from workbench.formats.refi.xmlio import validate_stream, validation_errors
    from workbench.store.api import Project

    work = Path(tempfile.mkdtemp(prefix="bench-interchange-"))
    folder = args.project or work / "synthetic"
    ensure_project(folder, args.codings)
    project = Project.open(folder)
    rss_open = rss_mb()
    counts = project.counts()
    print(f"project: {counts['sources']:,} sources, {counts['excerpts']:,} excerpts, {counts['codings']:,} codings")

    csv_dir = work / "csv"
    csv_dir.mkdir()

    def export_csv() -> None:
        write_codebook(project.codebook(), csv_dir / "codebook.yaml")
        for kind, items in (("sources", project.sources()), ("excerpts", project.excerpts()),
                            ("codings", project.codings())):
            write_records(kind, items, csv_dir / f"{kind}.csv", "csv")

    qdpx = work / "project.qdpx"

    def export_qdpx() -> None:
        project_qdpx(project.interchange_snapshot(), qdpx)

    t_csv = best(export_csv, args.repeat)
    t_qdpx = best(export_qdpx, args.repeat)
    line("export .qdpx", t_qdpx, "CSV/YAML export", t_csv)

    def new_from_csv() -> None:
        target = work / "from-csv"
        shutil.rmtree(target, ignore_errors=True)
        build_project(target, csv_dir / "codebook.yaml", csv_dir / "sources.csv", csv_dir / "excerpts.csv",
                      csv_dir / "codings.csv")

    def new_from_qdpx() -> None:
        target = work / "from-qdpx"
        shutil.rmtree(target, ignore_errors=True)
        build_project_from_qdpx(target, qdpx)

    t_new_csv = best(new_from_csv, args.repeat)
    t_new_qdpx = best(new_from_qdpx, args.repeat)
    line("new --qdpx", t_new_qdpx, "new from CSV/YAML", t_new_csv)
    with Project.open(work / "from-qdpx") as copy:
        assert copy.counts() == counts, (copy.counts(), counts)

    line("peak memory (export and import)", rss_mb(), "after opening", rss_open, "MB")
    qde = zipfile.ZipFile(qdpx).read("project.qde")
    t_lxml = best(lambda: validate_stream(io.BytesIO(qde), "project", "project.qde"), args.repeat)
    if counts["codings"] < 100_000:
        t_xs = best(lambda: validation_errors(qde, "project"), 1)
        line("schema check (libxml2, streaming)", t_lxml, "xmlschema", t_xs)
    else:
        print(f"{'schema check (libxml2, streaming)':<34} {t_lxml:8.2f} s   (xmlschema skipped above 100,000 codings)")
    print(f"{'.qdpx size':<34} {qdpx.stat().st_size / 1024**2:8.1f} MB  "
          f"(project.qde {len(qde) / 1024**2:.1f} MB unpacked)")
    project.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
