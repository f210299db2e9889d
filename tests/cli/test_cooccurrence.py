"""`query cooccurrence` and `export cooccurrence`: subthemes coded together, as text, JSON, CSV, XLSX
and a picture — counted independently here from the codings export, scoped like every other view."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest
from openpyxl import load_workbook


def _rows(run, *args: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _expected(run, folder: Path, unit: str, coders: set[str] | None) -> Counter:  # type: ignore[no-untyped-def,type-arg]
    """Pairs of subthemes per unit, each unordered pair once, counted from the exports."""
    codings = _rows(run, "-p", str(folder), "export", "codings")
    unit_of = {e["id"]: e["id"] if unit == "excerpt" else e["source"]
               for e in _rows(run, "-p", str(folder), "export", "excerpts")}
    chosen = coders or {r["coder"] for r in codings} - {"consensus"}
    units: dict[str, set[str]] = {}
    for r in codings:
        if r["coder"] in chosen:
            units.setdefault(unit_of[r["excerpt"]], set()).add(r["subtheme"])
    return Counter(frozenset(p) for subs in units.values() for p in combinations(subs, 2))


@pytest.mark.parametrize("unit", ["excerpt", "source"])
def test_query_json_counts_every_pair(synthetic_dir: Path, run, unit: str) -> None:  # type: ignore[no-untyped-def]
    result = run("-p", str(synthetic_dir), "query", "cooccurrence", "--unit", unit, "--coders", "all", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    got = Counter({frozenset(p["subthemes"]): p["count"] for p in doc["pairs"]})
    assert len(got) > 50 and got == _expected(run, synthetic_dir, unit, None)
    counts = [p["count"] for p in doc["pairs"]]
    assert counts == sorted(counts, reverse=True)
    assert doc["unit"] == unit and doc["provenance"]["coders"] == "all"


def test_query_text_default_coders_and_top(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("-p", str(example_dir), "query", "cooccurrence", "--top", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    want = _expected(run, example_dir, "excerpt", {"consensus"})  # the agreed set by default
    assert len(lines) == 4 and lines[-1].startswith(f"3 of {len(want)} pairs")
    top = max(want.values())
    first = lines[0].split("(")[0]
    n, names = int(first.split()[0]), first.split(None, 1)[1].strip()
    assert n == top and want[frozenset(names.split(" + "))] == top


def test_export_csv_xlsx_png(example_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    want = _expected(run, example_dir, "source", {"amira", "ben"})
    for fmt in ("csv", "xlsx", "png"):
        out = tmp_path / f"co.{fmt}"
        result = run("-p", str(example_dir), "export", "cooccurrence", "--unit", "source", "--coders", "amira,ben",
                     "-o", str(out))
        assert result.exit_code == 0, result.output
    rows = list(csv.reader((tmp_path / "co.csv").open(encoding="utf-8")))
    names = rows[0][2:]
    got = Counter({frozenset((r[1], names[j])): int(n) for r in rows[1:] for j, n in enumerate(r[2:])
                   if int(n) and r[1] != names[j]})
    assert got == want and [r[1] for r in rows[1:]] == names
    wb = load_workbook(tmp_path / "co.xlsx")
    assert wb.sheetnames == ["Co-occurrence", "Pairs"]
    pairs = list(wb["Pairs"].iter_rows(min_row=2, values_only=True))
    assert Counter({frozenset((a, b)): n for a, _ta, b, _tb, n in pairs}) == want
    assert (tmp_path / "co.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cells_that_look_like_formulas_are_neutralised(example_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("-p", str(example_dir), "codebook", "rename", "Bridge", "=HYPERLINK(1)").exit_code == 0
    run("-p", str(example_dir), "export", "cooccurrence", "--coders", "all", "-o", str(tmp_path / "co.xlsx"))
    text = run("-p", str(example_dir), "export", "cooccurrence", "--coders", "all").stdout
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
    wb = load_workbook(tmp_path / "co.xlsx")
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(1)" in values and not any(v.startswith("=") for v in values)


def test_blind_scope_and_mistakes(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    want = _expected(run, example_dir, "excerpt", {"amira"})
    run("-p", str(example_dir), "settings", "blind", "on")
    mine = run("-p", str(example_dir), "--coder", "amira", "query", "cooccurrence", "--json")
    assert mine.exit_code == 0 and "blind coding is on" in mine.stderr
    got = Counter({frozenset(p["subthemes"]): p["count"] for p in json.loads(mine.stdout)["pairs"]})
    assert got == want
    for args in (["--coder", "amira", "query", "cooccurrence", "--coders", "ben"],
                 ["query", "cooccurrence"],
                 ["--coder", "amira", "export", "cooccurrence", "--coders", "consensus"]):
        result = run("-p", str(example_dir), *args)
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, args
    assert run("-p", str(example_dir), "query", "cooccurrence", "--unit", "paragraph").exit_code == 2
