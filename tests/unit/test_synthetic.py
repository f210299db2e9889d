"""The synthetic project generator: deterministic, the asked-for sizes, and shaped like real work."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest
import yaml

from workbench.synthetic import write_synthetic_inputs

SMALL = dict(excerpts=300, sources=30, subthemes=24, themes=4, coders=5, codings=2_000)


def digest(paths: dict[str, Path]) -> dict[str, str]:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in paths.items()}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = write_synthetic_inputs(tmp_path / "a", seed=3, **SMALL)
    b = write_synthetic_inputs(tmp_path / "b", seed=3, **SMALL)
    c = write_synthetic_inputs(tmp_path / "c", seed=4, **SMALL)
    assert digest(a) == digest(b) != digest(c)


def test_sizes_and_shape(tmp_path: Path) -> None:
    p = write_synthetic_inputs(tmp_path, seed=1, **SMALL)
    cb = yaml.safe_load(p["codebook"].read_text(encoding="utf-8"))
    assert len(cb["themes"]) == 4
    subthemes = [s["name"] for t in cb["themes"] for s in t["subthemes"]] + [s["name"] for s in cb["ungrouped"]]
    assert len(subthemes) == len(set(subthemes)) == 24 and cb["ungrouped"]
    assert [x for x in cb["perspectives"] if x.get("mixed")]
    sources, excerpts, codings = rows(p["sources"]), rows(p["excerpts"]), rows(p["codings"])
    assert len(sources) == 30 and len(excerpts) == 300 and len(codings) == 2_000
    assert any(";" in s["groups"] for s in sources) and {s["quality"] for s in sources} >= {"low", "high"}
    coders = Counter(c["coder"] for c in codings)
    assert len(coders) == 5 and "consensus" in coders
    keys = [(c["excerpt"], c["subtheme"], c["coder"], c["valence"], c["perspective"]) for c in codings]
    assert len(set(keys)) == len(keys), "codings are unique on their natural key"
    assert any(c["valence"] == "" for c in codings) and any(c["perspective"] == "Mixed" for c in codings)
    coded = {c["excerpt"] for c in codings}
    agreed = {c["excerpt"] for c in codings if c["coder"] == "consensus"}
    assert 0 < len(agreed) < len(coded) < len(excerpts), "the agreed set covers part; some excerpts uncoded"
    assert not {c["subtheme"] for c in codings} & {s["name"] for s in cb["ungrouped"]}
    # Independent coders disagree with the agreed set sometimes, on subtheme, valence and perspective.
    agreed_keys = {(c["excerpt"], c["subtheme"], c["valence"], c["perspective"]) for c in codings
                   if c["coder"] == "consensus"}
    others = [(c["excerpt"], c["subtheme"], c["valence"], c["perspective"]) for c in codings
              if c["coder"] != "consensus" and c["excerpt"] in agreed]
    disagree = sum(k not in agreed_keys for k in others)
    assert 0.1 < disagree / len(others) < 0.5
    summaries = rows(p["summaries"])
    assert summaries and all(s["summary"] for s in summaries)


def test_impossible_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="do not fit"):
        write_synthetic_inputs(tmp_path, excerpts=10, sources=2, subthemes=5, themes=2, coders=2, codings=1_000)


def test_the_test_fixture_is_the_generator_at_5000_codings(synthetic_dir: Path) -> None:
    from workbench.store.api import Project

    with Project.open(synthetic_dir) as p:
        counts = p.counts()
        assert (counts["codings"], counts["excerpts"], counts["coders"]) == (5_000, 500, 10)
        assert p.audit_log()[-1]["actor"] == "synthetic"
