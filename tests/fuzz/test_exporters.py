"""Every exporter, fed hostile texts: safe to open, and export → new → export comes back unchanged.

A project is made with `workbench new` from generated files whose texts carry control characters,
RTL marks, emoji, CR and CRLF, leading = + - @ TAB and apostrophes, markup, `_xHHHH_` look-alikes
and 40,000-character texts, and whose names (refs, ids, subthemes, perspectives, valences, coders)
start with formula characters or carry markup. Then, for CSV, XLSX and JSON Lines alike, the
record exports rebuild the project with `new` and a second export equals the first (XLSX compared
cell by cell: the zip carries a timestamp), and every text is the one generated. Every other
exporter must write a file that is safe to open (no live formula, no raw markup) or refuse with
one line (an XLSX cell over 32,767 characters), never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import yaml
from fuzz_harness import check, invoke
from hypothesis import given
from hypothesis import strategies as st

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
TEXT_CHARS = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
NAME_CHARS = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs"), exclude_characters="\x85;,")
TEXT_PREFIX = st.sampled_from(["", "=", "+", "-", "@", "\t", "\t=1+2", "\r=1+2", "'", "'=", "''", "\r\n", "\r",
                               "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\u202e", "\u200f",
                               "\U0001f600", "|", "_x0041_", "&amp;", "\x0b", "\x1f", "\x7f", "\x85", "\u2028"])
NAME_PREFIX = st.sampled_from(["", "=", "+", "-", "@", "'", "'=", "<script>", "\u202e", "\U0001f600", "|", "&lt;"])
TEXT = st.one_of(st.builds(lambda p, t, q: p + t + q, TEXT_PREFIX, st.text(TEXT_CHARS, max_size=30), TEXT_PREFIX),
                 st.just("y" * 40_000))
SHORT_TEXT = st.builds(lambda p, t: p + t, TEXT_PREFIX, st.text(TEXT_CHARS, max_size=20))
NAME = st.builds(lambda p, t: (p + t).strip(), NAME_PREFIX, st.text(NAME_CHARS, min_size=1, max_size=10)).filter(bool)


def _unique(data: st.DataObject, n: int, label: str) -> list[str]:
    return data.draw(st.lists(NAME, min_size=n, max_size=n, unique_by=str.casefold), label)


def _write_inputs(data: st.DataObject, folder: Path) -> dict[str, Any]:
    """codebook.yaml and JSON Lines record files (json escapes anything, so the inputs are exact)."""
    sub, persp, val, refs, keys, coders = (_unique(data, 2, "subthemes"), _unique(data, 2, "perspectives"),
                                           _unique(data, 2, "valences"), _unique(data, 2, "refs"),
                                           _unique(data, 3, "excerpt ids"), _unique(data, 2, "coders"))
    texts = [data.draw(TEXT, "excerpt text") for _ in keys]
    codebook = {"name": data.draw(NAME, "title"), "citation": "author-year", "valences": val,
                "perspectives": [{"name": persp[0]}, {"name": persp[1], "mixed": True}],
                "themes": [{"name": data.draw(NAME, "theme"), "subthemes": [
                    {"name": sub[0], "definition": data.draw(SHORT_TEXT, "definition")}, {"name": sub[1]}]}]}
    (folder / "codebook.yaml").write_text(yaml.safe_dump(codebook, allow_unicode=True), encoding="utf-8")
    sources = [{"ref": r, "citation": data.draw(SHORT_TEXT, "citation"), "year": "2020", "design": "review",
                "quality": data.draw(SHORT_TEXT, "quality"), "groups": data.draw(SHORT_TEXT, "groups")} for r in refs]
    excerpts = [{"id": k, "source": refs[i % 2], "text": t if t.strip() else t + "x", "perspective": persp[i % 2]}
                for i, (k, t) in enumerate(zip(keys, texts, strict=True))]
    codings = [{"excerpt": k, "subtheme": sub[i % 2], "coder": c, "valence": val[i % 2], "perspective": persp[0],
                "note": data.draw(SHORT_TEXT, "note")} for i, k in enumerate(keys) for c in coders]
    summaries = [{"subtheme": sub[0], "valence": val[0], "perspective": persp[0], "summary": data.draw(TEXT, "summary")
                  + "s"}]
    for name, rows in (("sources", sources), ("excerpts", excerpts), ("codings", codings), ("summaries", summaries)):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                              encoding="utf-8")
    return {"excerpts": excerpts, "sources": sources, "codings": codings, "summaries": summaries}


def _new(folder: Path, target: Path, ext: str, summaries: str = "csv") -> None:
    result = invoke("new", str(target), "--codebook", str(folder / "codebook.yaml"),
                    *(x for k in ("sources", "excerpts", "codings") for x in (f"--{k}", str(folder / f"{k}.{ext}"))),
                    "--summaries", str(folder / f"summaries.{summaries}"))
    check(result, f"new from .{ext}")
    assert result.exit_code == 0, result.output + result.stderr
    # a new project codes blind until reconciling starts; these exports are the whole team's
    assert invoke("-p", str(target), "settings", "blind", "off").exit_code == 0


def _export_records(project: Path, out: Path, ext: str) -> None:
    out.mkdir()
    for kind, fmt in (("codebook", "yaml"), ("sources", ext), ("excerpts", ext), ("codings", ext),
                      ("summaries", "csv")):  # summaries: CSV (XLSX/DOCX are the editing sheets)
        result = invoke("-p", str(project), "export", kind, "-o", str(out / f"{kind}.{fmt}"))
        check(result, f"export {kind} .{fmt}")
        assert result.exit_code == 0, result.output + result.stderr


def _content(path: Path) -> Any:
    if path.suffix != ".xlsx":
        return path.read_bytes()
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


@given(data=st.data())
def test_record_exports_round_trip(data: st.DataObject, scratch) -> None:  # type: ignore[no-untyped-def]
    folder = scratch()
    made = _write_inputs(data, folder)
    first = folder / "first"
    _new(folder, first, "jsonl", "jsonl")
    ext = data.draw(st.sampled_from(["csv", "xlsx", "jsonl"]), "format")
    _export_records(first, folder / "out1", ext)
    _new(folder / "out1", folder / "second", ext)
    _export_records(folder / "second", folder / "out2", ext)
    for f in sorted((folder / "out1").iterdir()):
        assert _content(f) == _content(folder / "out2" / f.name), f"{f.name} changed on export → new → export"
    # and the texts are the ones generated, byte for byte
    _export_records(folder / "second", folder / "out3", "jsonl")
    back = [json.loads(line) for line in (folder / "out3" / "excerpts.jsonl").read_text("utf-8").split("\n") if line]
    assert {e["id"]: e["text"] for e in back} == {e["id"]: e["text"] for e in made["excerpts"]}
    notes = [json.loads(line)["note"] for line in (folder / "out3" / "codings.jsonl").read_text("utf-8").split("\n")
             if line]
    assert sorted(notes) == sorted(c["note"] for c in made["codings"])


OTHER_EXPORTS = [("table", f) for f in ("md", "csv", "json", "html", "xlsx", "docx")] + \
    [("matrix", f) for f in ("md", "csv", "xlsx")] + [("evidence", f) for f in ("md", "csv", "xlsx", "docx")] + \
    [("agreement", f) for f in ("md", "xlsx")] + [("summaries", f) for f in ("xlsx", "docx", "csv")] + \
    [("figures", f) for f in ("md", "csv", "json", "xlsx")] + \
    [("graph", f) for f in ("graphml", "gexf", "json")] + [("cooccurrence", f) for f in ("csv", "xlsx")] + [("report", "html"), ("coding-sheet", "xlsx"), ("qdpx", "qdpx")]


@given(data=st.data())
def test_every_other_export_is_safe_to_open(data: st.DataObject, scratch) -> None:  # type: ignore[no-untyped-def]
    folder = scratch()
    made = _write_inputs(data, folder)
    project = folder / "project"
    _new(folder, project, "jsonl", "jsonl")
    coder = made["codings"][0]["coder"]
    for what, fmt in data.draw(st.lists(st.sampled_from(OTHER_EXPORTS), min_size=4, max_size=8, unique=True), "exports"):
        out = folder / f"{what}.{fmt}"
        extra = ["--coder", coder] if what == "coding-sheet" else []
        command = ["agreement"] if what == "figures" else ["export", what]  # the agreement figures
        result = invoke("-p", str(project), *command, *extra, "-o", str(out), *(
            ["--format", fmt] if what not in ("report", "coding-sheet", "qdpx", "summaries") else []))
        check(result, f"export {what} .{fmt}")
        if result.exit_code == 1:  # only a text longer than an XLSX cell may be refused
            assert fmt == "xlsx" and "32,767" in result.stderr, result.stderr
            continue
        assert result.exit_code == 0, result.output + result.stderr
        _assert_safe(out, fmt)


def _assert_safe(path: Path, fmt: str) -> None:
    if fmt == "csv":
        for row in csv.reader(io.StringIO(path.read_text("utf-8"), newline="")):
            assert not any(c.startswith(TRIGGERS) for c in row), (path.name, row)
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (path.name, c.coordinate, c.value)
                    assert not (isinstance(c.value, str) and c.value.startswith(TRIGGERS)), (path.name, c.value)
    elif fmt in ("graphml", "gexf"):
        from lxml import etree

        etree.parse(str(path))  # well-formed: every text as XML can hold it
    elif fmt in ("md", "html"):
        text = path.read_text("utf-8")
        for markup in ("<script>alert", "<img src=x", "<script>\u202e"):
            assert markup not in text, (path.name, markup)
