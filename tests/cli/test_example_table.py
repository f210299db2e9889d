"""The bundled example's table, derived from the consensus codings, equals the article's Table 6."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_example_json_table_matches_table6(example_dir: Path, run, tmp_path: Path) -> None:
    out = tmp_path / "table.json"
    result = run("-p", str(example_dir), "export", "table", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    want = yaml.safe_load((FIXTURES / "table6.yaml").read_text(encoding="utf-8"))
    expected = {}
    for th in want["themes"]:
        for st in th["subthemes"]:
            for row in st["rows"]:
                for persp, refs in row["perspectives"].items():
                    expected[(th["name"], st["name"], row["valence"], persp)] = sorted(refs)
    got = {}
    for th in doc["themes"]:
        for st in th["subthemes"]:
            for row in st["rows"]:
                union = sorted({r for p in row["perspectives"] for r in p["references"]})
                assert row["references"] == union
                for p in row["perspectives"]:
                    got[(th["name"], st["name"], row["valence"], p["perspective"])] = p["references"]
                    assert p["summary"], f"no summary for {st['name']}/{row['valence']}/{p['perspective']}"
    assert got == expected


def test_status_counts_the_example(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "status")
    assert result.exit_code == 0
    assert "sources    11" in result.output
    assert "consensus" in result.output and "amira" in result.output
