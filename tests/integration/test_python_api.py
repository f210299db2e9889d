"""The analyst's door (workbench.open): every frame equals the matching CLI export.

On the bundled example and on the synthetic project (5,000 codings, 10 coders): codings = `export
codings`, cells = `export table --format json`, matrix counts = `export matrix --format csv`, graph
edges = the GraphML, agreement = `agreement --format csv`, co-occurrence = a count made here from the
codings export. The CLI runs in process as a user calls it; the frames come from workbench.open.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
import yaml

import workbench
from workbench.core.errors import UserError

PROJECTS = ["example_dir", "synthetic_dir"]


@pytest.fixture(params=PROJECTS)
def folder(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def _csv(run, *args: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def _codebook(run, folder: Path) -> dict:  # type: ignore[no-untyped-def,type-arg]
    result = run("-p", str(folder), "export", "codebook")
    return yaml.safe_load(result.stdout)  # type: ignore[no-any-return]


def _orders(cb: dict) -> dict[str, list[str]]:  # type: ignore[type-arg]
    return {"theme": [t["name"] for t in cb["themes"]],
            "subtheme": [s["name"] for t in cb["themes"] for s in t["subthemes"]]
            + [s["name"] for s in cb.get("ungrouped") or []],
            "valence": list(cb.get("valences") or []),
            "perspective": [p["name"] for p in cb["perspectives"]]}


def _value(x: object) -> object:
    """A frame's missing value (NaN, NA, None) as None, anything else as itself."""
    return None if x is None or (not isinstance(x, list) and pd.isna(x)) else x


def test_codings_equal_the_codings_export(folder: Path, run) -> None:  # type: ignore[no-untyped-def]
    exported = _csv(run, "-p", str(folder), "export", "codings")
    source_of = {r["id"]: r["source"] for r in _csv(run, "-p", str(folder), "export", "excerpts")}
    theme_of = {s["name"]: t["name"] for t in _codebook(run, folder)["themes"] for s in t["subthemes"]}
    with workbench.open(folder) as syn:
        df = syn.codings()
    assert list(df.columns) == ["excerpt", "source", "theme", "subtheme", "coder", "valence", "perspective",
                                "start", "end", "note", "time", "uuid"]
    got = sorted(tuple(str(_value(v)) if _value(v) is not None else "" for v in row)
                 for row in df.itertuples(index=False))
    want = sorted((r["excerpt"], source_of[r["excerpt"]], theme_of.get(r["subtheme"], ""), r["subtheme"], r["coder"],
                   r["valence"], r["perspective"], r["start"], r["end"], r["note"], r["time"], r["uuid"])
                  for r in exported)
    assert len(df) == len(exported) > 0 and got == want


def test_categoricals_follow_the_codebook(folder: Path, run) -> None:  # type: ignore[no-untyped-def]
    orders = _orders(_codebook(run, folder))
    with workbench.open(folder) as syn:
        frames = {"codings": syn.codings(), "cells": syn.cells("all"), "summaries": syn.summaries(),
                  "codebook": syn.codebook()}
        matrix = syn.matrix("all")
    for name, df in frames.items():
        for kind, order in orders.items():
            if kind in df.columns:
                dtype = df[kind].dtype
                assert isinstance(dtype, pd.CategoricalDtype) and dtype.ordered, (name, kind)
                assert list(dtype.categories) == order, (name, kind)
    codings = frames["codings"]
    # sorting follows the codebook, not the alphabet
    ranked = codings.sort_values("subtheme", kind="stable")["subtheme"].astype(str).drop_duplicates().tolist()
    assert ranked == [s for s in orders["subtheme"] if s in set(ranked)]
    assert ranked != sorted(ranked)
    # no valence is a missing value, never the string "" or "None"
    empty = sum(1 for r in _csv(run, "-p", str(folder), "export", "codings") if r["valence"] == "")
    assert empty > 0 and int(codings["valence"].isna().sum()) == empty
    assert list(matrix.index.get_level_values("subtheme").categories) == orders["subtheme"]
    assert list(matrix.columns.get_level_values("perspective").categories) == orders["perspective"]


def _json_cells(path: Path) -> list[tuple[object, ...]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [(th["name"], st["name"], row["valence"], e["perspective"], [str(r) for r in e["references"]],
             e["summary"], e["groups"], bool(e.get("stale")))
            for th in doc["themes"] for st in th["subthemes"] for row in st["rows"] for e in row["perspectives"]]


@pytest.mark.parametrize("coders", [None, "all"])
def test_cells_equal_the_table_json(folder: Path, run, tmp_path: Path, coders: str | None) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "table.json"
    args = ["-p", str(folder), "export", "table", "--format", "json", "-o", str(out)]
    run(*args, *(["--coders", coders] if coders else []))
    with workbench.open(folder) as syn:
        df = syn.cells(coders)
    got = [tuple(_value(v) for v in row) for row in df.itertuples(index=False)]
    want = _json_cells(out)
    assert len(want) > 10 and got == want  # same rows, same order, refs sorted as the table sorts them


CELL = re.compile(r"(.+?) \((\d+)\): ")


def test_matrix_counts_equal_the_matrix_export(folder: Path, run) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(run, "-p", str(folder), "export", "matrix", "--format", "csv", "--coders", "all")
    with workbench.open(folder) as syn:
        m = syn.matrix("all")
    want: dict[tuple[str, str, str | None, str | None], int] = {}
    for r in rows:
        for head, text in list(r.items())[2:]:
            persp = None if head == "no perspective" else head
            for part in text.split("; ") if text else []:
                found = CELL.match(part)
                assert found, part
                valence = None if found.group(1) == "no valence" else found.group(1)
                want[(r["theme"], r["subtheme"], persp, valence)] = int(found.group(2))
    got = {(th, st, _value(p), _value(v)): int(n) for (th, st), row in m.iterrows() for (p, v), n in row.items() if n}
    assert len(want) > 10 and got == want
    assert [(str(th), str(st)) for th, st in m.index] == [(r["theme"], r["subtheme"]) for r in rows]
    assert (m.to_numpy() >= 0).all() and m.dtypes.eq("int64").all()


def test_graph_edges_equal_the_graphml(folder: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "graph.graphml"
    run("-p", str(folder), "export", "graph", "-o", str(out))
    exported = nx.read_graphml(out)
    with workbench.open(folder) as syn:
        g = syn.graph()
    assert isinstance(g, nx.DiGraph)
    assert set(g.nodes) == set(exported.nodes)
    assert {(u, v): d["weight"] for u, v, d in g.edges(data=True)} == \
        {(u, v): d["weight"] for u, v, d in exported.edges(data=True)}
    assert {(u, v): "; ".join(d["excerpts"]) for u, v, d in g.edges(data=True) if d["kind"] == "supported_by"} == \
        {(u, v): d["excerpts"] for u, v, d in exported.edges(data=True) if d["kind"] == "supported_by"}


def test_agreement_equals_the_agreement_csv(folder: Path, run) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(run, "-p", str(folder), "agreement", "--format", "csv", "--by", "theme")
    with workbench.open(folder) as syn:
        df = syn.agreement(by="theme")
    kappas = [c for c in df.columns if c.startswith("kappa ")]
    assert kappas and kappas == [c for c in rows[0] if c.startswith("kappa ")]
    assert len(df) == len(rows) > 3
    for r, (_, a) in zip(rows, df.iterrows(), strict=True):
        assert (r["level"], r["name"], r["measure"], int(r["units"])) == (a["level"], a["name"], a["measure"], a["n"])
        for col, mine in (("alpha", a["alpha"]), ("percent_agreement", a["percent_agreement"]),
                          *((k, a[k]) for k in kappas)):
            if r[col] == "":
                assert pd.isna(mine)
            else:
                places = 2 if col == "percent_agreement" else 4  # the CSV rounds; the frame does not
                assert round(mine, places) == pytest.approx(float(r[col])), (col, r)


def _pairs_from_codings(rows: list[dict[str, str]], unit_of: dict[str, str], coders: set[str]) -> Counter:  # type: ignore[type-arg]
    units: dict[str, set[str]] = {}
    for r in rows:
        if r["coder"] in coders:
            units.setdefault(unit_of[r["excerpt"]], set()).add(r["subtheme"])
    counts: Counter = Counter()  # type: ignore[type-arg]
    for subs in units.values():
        for s in subs:
            counts[(s, s)] += 1
        for a, b in combinations(sorted(subs), 2):
            counts[(a, b)] += 1
            counts[(b, a)] += 1
    return counts


@pytest.mark.parametrize("unit", ["excerpt", "source"])
def test_cooccurrence_counts_units_coded_with_both(folder: Path, run, unit: str) -> None:  # type: ignore[no-untyped-def]
    rows = _csv(run, "-p", str(folder), "export", "codings")
    excerpts = _csv(run, "-p", str(folder), "export", "excerpts")
    unit_of = {e["id"]: (e["id"] if unit == "excerpt" else e["source"]) for e in excerpts}
    coders = {r["coder"] for r in rows} - {"consensus"}
    want = _pairs_from_codings(rows, unit_of, coders)
    with workbench.open(folder) as syn:
        df = syn.cooccurrence(unit, coders="all")
        agreed = syn.cooccurrence(unit)
    got = Counter({(str(a), str(b)): int(n) for a, row in df.iterrows() for b, n in row.items() if n})
    assert len(want) > 20 and got == want
    assert (df.to_numpy() == df.to_numpy().T).all()
    assert got != Counter({(str(a), str(b)): int(n) for a, row in agreed.iterrows() for b, n in row.items() if n})
    assert list(df.index.categories) == _orders(_codebook(run, folder))["subtheme"] == list(df.index.astype(str))


def test_coders_as_a_list_or_text(example_dir: Path) -> None:
    with workbench.open(example_dir) as syn:
        assert syn.cells(["amira", "ben"]).equals(syn.cells("amira,ben"))
        assert not syn.cells("amira").equals(syn.cells("ben"))
        with pytest.raises(UserError, match="unknown coder 'zoe'"):
            syn.matrix("zoe")
        with pytest.raises(UserError, match="unknown unit"):
            syn.cooccurrence("paragraph")


def test_records_frames(example_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    sources = _csv(run, "-p", str(example_dir), "export", "sources")
    excerpts = _csv(run, "-p", str(example_dir), "export", "excerpts")
    with workbench.open(example_dir) as syn:
        s, e, sm = syn.sources(), syn.excerpts(), syn.summaries()
    assert s["ref"].tolist() == [r["ref"] for r in sources]
    assert s["quality"].tolist() == [r["quality"] for r in sources]
    assert s["groups"].tolist() == [[g.strip() for g in r["groups"].split(";") if g.strip()] for r in sources]
    assert e["excerpt"].tolist() == [r["id"] for r in excerpts]
    assert [_value(p) or "" for p in e["perspective"]] == [r["perspective"] for r in excerpts]
    assert len(sm) == len(_csv(run, "-p", str(example_dir), "export", "summaries")) > 0
    assert sm["references"].map(lambda refs: all(r in set(s["ref"]) for r in refs)).all()


def test_blind_scope_through_coder(example_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("-p", str(example_dir), "settings", "blind", "on")
    out = tmp_path / "amira.json"
    run("-p", str(example_dir), "--coder", "amira", "export", "table", "--format", "json", "-o", str(out))
    with workbench.open(example_dir, coder="amira") as syn:
        assert syn.blind
        codings = syn.codings()
        assert set(codings["coder"]) == {"amira"} and len(codings) > 20
        got = [tuple(_value(v) for v in row) for row in syn.cells().itertuples(index=False)]
        assert got == _json_cells(out)
        assert syn.summaries().empty
        assert {c for _u, _v, d in syn.graph().edges(data=True) for c in d.get("coders", [])} == {"amira"}
        for call in (lambda: syn.cells("ben"), lambda: syn.matrix("consensus"), lambda: syn.graph("all"),
                     lambda: syn.cooccurrence("source", "ben")):
            with pytest.raises(UserError, match="codes blind"):
                call()
        assert len(syn.agreement()) > 0  # agreement figures show nobody's codings
    with workbench.open(example_dir) as nobody, pytest.raises(UserError, match="--coder"):
        nobody.codings()


def test_with_closes_the_database(example_dir: Path) -> None:
    with workbench.open(example_dir) as syn:
        syn.codings()
        assert (example_dir / "workbench.db-wal").exists()  # open: SQLite keeps its write-ahead log
    assert not (example_dir / "workbench.db-wal").exists()  # closed: checkpointed and removed


def test_open_refuses_what_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such project folder"):
        workbench.open(tmp_path / "nowhere")
    with pytest.raises(UserError, match="not a workbench project"):
        workbench.open(tmp_path)


def test_a_folder_is_its_own_file_even_with_workbench_db_set(example_dir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WORKBENCH_DB", "postgresql://nobody@127.0.0.1:1/none")
    with workbench.open(str(example_dir)) as syn:
        assert len(syn.codings()) == 295
