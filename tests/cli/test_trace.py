"""`workbench trace`: the excerpts and coders behind a cell, grouped by source."""

from __future__ import annotations

import json
from pathlib import Path


def test_trace_lists_sources_excerpts_and_coders(run, example_dir: Path) -> None:
    r = run("-p", str(example_dir), "trace", "Role ambiguity", "--valence", "challenge", "--perspective", "Mixed")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "Role ambiguity / challenge / Mixed: references [42, 63, 64] (codings of consensus: consensus)"
    heads = [line for line in lines if line.startswith("[")]
    assert [h.split("]")[0] + "]" for h in heads] == ["[42]", "[63]", "[64]"]
    assert "  e031  coded by consensus: challenge, Mixed" in lines
    assert any("Consumer-providers said nobody had defined their role" in line for line in lines)


def test_trace_json_agrees_with_the_table(run, example_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.json"
    assert run("-p", str(example_dir), "export", "table", "-o", str(out)).exit_code == 0
    table = json.loads(out.read_text(encoding="utf-8"))
    for th in table["themes"]:
        for st in th["subthemes"]:
            for row in st["rows"]:
                for p in row["perspectives"]:
                    r = run("-p", str(example_dir), "trace", st["name"], "--valence", row["valence"] or "none",
                            "--perspective", p["perspective"], "--json")
                    assert r.exit_code == 0, r.output
                    doc = json.loads(r.output)
                    assert [int(x) for x in doc["references"]] == p["references"]
                    assert all(e["text"] and e["codings"] for s in doc["sources"] for e in s["excerpts"])


def test_trace_whole_subtheme_and_other_coders(run, example_dir: Path) -> None:
    r = run("-p", str(example_dir), "trace", "bridge", "--coders", "all", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["subtheme"] == "Bridge" and doc["valence"] == "*" and doc["coder_names"] == ["amira", "ben"]
    coders = {c["coder"] for s in doc["sources"] for e in s["excerpts"] for c in e["codings"]}
    assert coders <= {"amira", "ben"} and coders


def test_trace_no_valence_row(run, example_dir: Path) -> None:
    r = run("-p", str(example_dir), "trace", "Offering treatment choice", "--valence", "none")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Offering treatment choice / (no valence): references [60]")


def test_trace_user_errors(run, example_dir: Path) -> None:
    for args, message in ((["Nope"], "unknown subtheme 'Nope'"),
                          (["Bridge", "--valence", "good"], "unknown valence 'good'"),
                          (["Bridge", "--perspective", "Teachers"], "unknown perspective 'Teachers'"),
                          (["Bridge", "--coders", "zed"], "unknown coder 'zed'")):
        r = run("-p", str(example_dir), "trace", *args)
        assert r.exit_code == 1
        assert message in r.output and "Traceback" not in r.output
