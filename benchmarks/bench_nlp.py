"""Benchmark: language help — detection quality and speed, search speed, suggestion accuracy.

    python benchmarks/bench_nlp.py                  # builds the 50,000-excerpt project in a temp folder
    python benchmarks/bench_nlp.py --project DIR    # reuses (or first builds) the synthetic project at DIR
    python benchmarks/bench_nlp.py --quick          # 5,000 excerpts and a smaller labelled set

Targets (issue 9), each printed beside a baseline measured in the same run, with the ratio:

- perspective detection on the bundled example: precision and recall of the hint against the
  consensus codings' perspectives, for both rules, beside always guessing the most common one;
- suggestions: 5-fold cross-validated top-1 and top-3 accuracy of the textcat classifier on the
  bundled example (consensus codings) and on a larger labelled synthetic set
  (benchmarks/nlp_corpus.py), beside the most-frequent-subtheme and keyword-overlap baselines;
- detection over the synthetic project's 50,000 excerpts with nlp.pipe, stored: ≤ 30 s, beside
  tokenising the same texts and nothing else; a second run (nothing changed) beside it;
- search as you type over 50,000 excerpts: ≤ 150 ms per query after the first, beside a plain
  substring scan of the lower-cased texts held in memory;
- start-up: `workbench --help` does not load spaCy, beside importing spaCy alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def timed(f: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    value = f()
    return time.perf_counter() - t, value


def row(label: str, value: str, baseline_label: str = "", baseline: str = "", ratio: str = "") -> None:
    print(f"  {label:<44} {value:>12}   {baseline_label:<34} {baseline:>10}   {ratio}")


def ratio(a: float, b: float) -> str:
    return f"×{a / b:.2f}" if b else "–"


# ----- the bundled example ---------------------------------------------------------------------
def example_project(tmp: Path):  # type: ignore[no-untyped-def]
    from workbench.core.example import example_files
    from workbench.services.build import build_project
    from workbench.store.api import Project

    f = example_files()
    folder = tmp / "example"
    build_project(folder, f["codebook"], f["sources"], f["excerpts"], f["codings"], f["summaries"], "bench")
    return Project.open(folder)


def perspective_quality(project) -> None:  # type: ignore[no-untyped-def]
    from workbench.nlp.perspectives import PerspectiveDetector

    cb = project.codebook.get()
    gold: dict[str, set[str]] = defaultdict(set)
    for c in project.records.codings([cb.consensus_coder]):
        if c.perspective:
            gold[c.excerpt].add(c.perspective)
    excerpts = [e for e in project.records.excerpts() if e.key in gold]
    common = Counter(p for e in excerpts for p in gold[e.key]).most_common(1)[0][0]
    base = sum(common in gold[e.key] for e in excerpts) / len(excerpts)
    print(f"\nPerspective hints on the bundled example ({len(excerpts)} excerpts with consensus codings)")
    for rule in ("speaker", "names"):
        hints = [h for _, h in PerspectiveDetector(cb, rule).detect(e.text for e in excerpts)]
        made = [(e, h) for e, h in zip(excerpts, hints, strict=True) if h]
        right = sum(h in gold[e.key] for e, h in made)
        precision, recall = right / len(made), right / len(excerpts)
        row(f"rule '{rule}': precision ({len(made)} hints)", f"{precision:.2f}", f"always '{common}'", f"{base:.2f}",
            ratio(precision, base))
        row(f"rule '{rule}': recall", f"{recall:.2f}", f"always '{common}'", f"{base:.2f}", ratio(recall, base))


def suggestion_quality(title: str, examples, codebook, k: int = 5) -> None:  # type: ignore[no-untyped-def]
    from workbench.nlp.suggest import KeywordOverlap, MostFrequent, Suggester, cross_validate

    print(f"\nSuggestions, {k}-fold cross-validated: {title} ({len(examples)} excerpts, "
          f"{len({x for e in examples for x in e.labels})} subthemes)")
    frequent = cross_validate("most frequent", examples, MostFrequent, k)
    keyword = cross_validate("keyword overlap", examples, lambda _train: KeywordOverlap(codebook), k)
    plain = cross_validate("textcat", examples, lambda train: Suggester.train(train), k)
    seeded = cross_validate("textcat + codebook", examples, lambda train: Suggester.train(train, codebook), k)
    for s in (plain, seeded):
        for what in ("top1", "top3"):
            v = getattr(s, what)
            row(f"{s.name} {what}", f"{v:.2f}", f"most frequent {what}", f"{getattr(frequent, what):.2f}",
                ratio(v, getattr(frequent, what)))
            row("", "", f"keyword overlap {what}", f"{getattr(keyword, what):.2f}", ratio(v, getattr(keyword, what)))
    row("textcat + codebook: time for all folds", f"{seeded.seconds:.1f} s", "keyword overlap, all folds",
        f"{keyword.seconds:.1f} s", ratio(seeded.seconds, keyword.seconds))


def training_time(project) -> None:  # type: ignore[no-untyped-def]
    from workbench.nlp.suggest import Suggester
    from workbench.services.language import labelled_from_project

    examples = labelled_from_project(project, ["consensus"])
    seconds, model = timed(lambda: Suggester.train(examples, project.codebook.get()))
    predict, _ = timed(lambda: model.rank([e.text for e in examples]))  # type: ignore[attr-defined]
    row(f"train on the example ({len(examples)} excerpts)", f"{seconds:.2f} s", f"rank those {len(examples)}",
        f"{predict:.2f} s", ratio(seconds, predict))


# ----- the synthetic project -------------------------------------------------------------------
def ensure_synthetic(folder: Path, excerpts: int) -> None:
    if (folder / "workbench.db").exists():
        return
    print(f"building the synthetic project ({excerpts:,} excerpts) in {folder} …", flush=True)
    code = ("import sys; from pathlib import Path; from workbench.synthetic import make_synthetic_project; "
            f"make_synthetic_project(Path(sys.argv[1]), excerpts={excerpts}, sources={max(10, excerpts // 50)}, "
            f"codings={excerpts * 10})")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def detection_speed(project) -> None:  # type: ignore[no-untyped-def]
    from workbench.nlp.pipeline import get_nlp
    from workbench.services.language import run_detection

    texts = [x.text for x in project.nlp.inputs()]
    nlp = get_nlp()
    tokenise, tokens = timed(lambda: sum(len(d) for d in nlp.tokenizer.pipe(texts, batch_size=1000)))
    print(f"\nDetection over the synthetic project ({len(texts):,} excerpts, "
          f"{tokens / len(texts):.0f} tokens each on average)")  # type: ignore[operator]
    full, report = timed(lambda: run_detection(project, "bench", force=True))
    again, _ = timed(lambda: run_detection(project, "bench"))
    row("detect all, stored (target ≤ 30 s)", f"{full:.2f} s", "tokenise the same texts only", f"{tokenise:.2f} s",
        ratio(full, tokenise))
    row("detect again, nothing changed", f"{again:.2f} s", "detect all", f"{full:.2f} s", ratio(again, full))
    print(f"  ({report.with_hint:,} excerpts got a perspective hint; "  # type: ignore[attr-defined]
          f"{len(texts) / full:,.0f} excerpts per second)")


def search_speed(project) -> None:  # type: ignore[no-untyped-def]
    from workbench.nlp.search import SearchIndex
    from workbench.services.language import project_index

    path = project.nlp.folder("cache") / "search-index.npz"
    if path.exists():
        path.unlink()
    build, index = timed(lambda: project_index(project))
    load, _ = timed(lambda: SearchIndex.load(path))
    keys, _refs, texts = project.nlp.search_corpus()
    lowered = [t.lower() for t in texts]
    print(f"\nSearch over {len(keys):,} excerpts")
    row("build the index (once per change)", f"{build:.2f} s", "", "", "")
    row("load the saved index (new process)", f"{load * 1000:.0f} ms", "", "", "")
    typed = "boundaries"
    queries = [(typed[:i], "word", True) for i in range(1, len(typed) + 1)]
    queries += [("peer workers", "word", False), ("peer workers", "phrase", False), ("bondaries", "fuzzy", False),
                ("supervision training", "word", False), ("low pay", "phrase", False)]
    first, _ = timed(lambda: index.search(*queries[0][:2], prefix=queries[0][2]).hits(50))  # type: ignore[attr-defined]
    ours, naive, hits = [], [], []
    for q, mode, prefix in queries:
        t, result = timed(lambda q=q, mode=mode, prefix=prefix: index.search(q, mode, prefix=prefix))  # type: ignore[attr-defined]
        t2, _ = timed(lambda result=result: (result.keys(), result.hits(50)))  # type: ignore[attr-defined]
        ours.append(t + t2)
        hits.append(len(result))  # type: ignore[arg-type]
        needle = q.lower()
        naive.append(timed(lambda needle=needle: [k for k, t in zip(keys, lowered, strict=True) if needle in t])[0])
    row("first query (as you type)", f"{first * 1000:.1f} ms", "", "", "")
    row("later queries: median (target ≤ 150 ms)", f"{statistics.median(ours) * 1000:.1f} ms",
        "substring scan: median", f"{statistics.median(naive) * 1000:.1f} ms",
        ratio(statistics.median(ours), statistics.median(naive)))
    row("later queries: slowest", f"{max(ours) * 1000:.1f} ms", "substring scan: slowest",
        f"{max(naive) * 1000:.1f} ms", ratio(max(ours), max(naive)))
    print("  queries: " + ", ".join(f"{q!r} {m}{'+prefix' if p else ''} {n:,} hits {t * 1000:.1f} ms"
                                    for (q, m, p), n, t in zip(queries, hits, ours, strict=True)))


def startup() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    probe = ("import sys, time; t = time.perf_counter(); from click.testing import CliRunner; "
             "from workbench.cli import cli; CliRunner().invoke(cli, ['--help']); "
             "print(time.perf_counter() - t, 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env,
                         check=True).stdout.split()
    spacy = subprocess.run([sys.executable, "-c", "import time; t = time.perf_counter(); import spacy; "
                            "print(time.perf_counter() - t)"], capture_output=True, text=True, env=env,
                           check=True).stdout.split()
    print("\nStart-up")
    row(f"workbench --help (spaCy loaded: {'yes' if out[1] == 'True' else 'no'})", f"{float(out[0]):.2f} s",
        "import spacy alone", f"{float(spacy[0]):.2f} s", ratio(float(out[0]), float(spacy[0])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None, help="Reuse (or build) the synthetic project here.")
    parser.add_argument("--quick", action="store_true", help="5,000 excerpts, 600 labelled findings.")
    args = parser.parse_args()
    from nlp_corpus import labelled_corpus  # type: ignore[import-not-found]

    from workbench.services.language import labelled_from_project
    from workbench.store.api import Project

    with tempfile.TemporaryDirectory(prefix="wb-bench-nlp-") as tmp:
        example = example_project(Path(tmp))
        perspective_quality(example)
        suggestion_quality("bundled example, consensus codings", labelled_from_project(example, ["consensus"]),
                           example.codebook.get())
        training_time(example)
        examples, codebook = labelled_corpus(600 if args.quick else 2400)
        suggestion_quality("labelled synthetic set (templated findings; easier than real prose)", examples, codebook)
        example.close()
        folder = args.project or Path(tmp) / "synthetic"
        ensure_synthetic(folder, 5_000 if args.quick else 50_000)
        with Project.open(folder) as project:
            detection_speed(project)
            search_speed(project)
        startup()


if __name__ == "__main__":
    main()
