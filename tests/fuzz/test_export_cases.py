"""The export cases of issue 16, each by name (the fuzzing finds them too, but not on every run)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from fuzz_harness import invoke

CR_TEXT = "first half\r=1+2 second half"
CODEBOOK = {"name": "Hostile", "citation": "author-year", "valences": ["benefit", "challenge"],
            "perspectives": [{"name": "=cmd|' /C calc'!A0"}, {"name": "Mixed", "mixed": True}],
            "themes": [{"name": "<script>alert(1)</script>", "subthemes": [{"name": "\tlater"}, {"name": "+sum"}]}]}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    persp = CODEBOOK["perspectives"][0]["name"]  # type: ignore[index]
    files = {
        "codebook.yaml": yaml.safe_dump(CODEBOOK, allow_unicode=True),
        "sources.jsonl": [{"ref": "@Abara 2019", "citation": "<img src=x onerror=alert(1)>", "year": "2019",
                           "design": "review", "quality": "-high", "groups": "=PSWs"}],
        "excerpts.jsonl": [{"id": "e1", "source": "@Abara 2019", "text": CR_TEXT, "perspective": persp},
                           {"id": "e2", "source": "@Abara 2019", "text": "\t=HYPERLINK(\"x\")", "perspective": persp}],
        "codings.jsonl": [{"excerpt": e, "subtheme": "later", "coder": c, "valence": "benefit", "perspective": persp,
                           "note": "'=literal"} for e in ("e1", "e2") for c in ("@evil", "=ben")],
        "summaries.jsonl": [{"subtheme": "later", "valence": "benefit", "perspective": persp,
                             "summary": "'=literal <script>alert(1)</script>"}],
    }
    for name, content in files.items():
        text = content if isinstance(content, str) else "".join(json.dumps(r) + "\n" for r in content)
        (folder / name).write_text(text, encoding="utf-8")
    project = folder / "project"
    result = invoke("new", str(project), *(x for k in ("codebook", "sources", "excerpts", "codings", "summaries")
                                           for x in (f"--{k}", str(folder / next(n for n in files if n.startswith(k))))))
    assert result.exit_code == 0, result.output + result.stderr
    assert invoke("-p", str(project), "settings", "blind", "off").exit_code == 0
    return project


def _export(project: Path, *args: str) -> Path:
    out = project.parent / f"out-{'-'.join(a.strip('-') for a in args)}.{args[-1]}"
    result = invoke("-p", str(project), *args, "-o", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    return out


def test_a_bare_cr_never_splits_a_csv_record(hostile: Path) -> None:
    out = _export(hostile, "export", "excerpts", "--format", "csv")
    raw = out.read_bytes().decode("utf-8")
    assert f'"{CR_TEXT}"' in raw  # quoted: the CR is inside the field, never a line end
    assert not any(line.startswith(("=", "+", "-", "@")) for line in raw.split("\n"))
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert len(rows) == 3 and CR_TEXT in rows[1]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_new_export_keeps_apostrophes_cr_and_tabs(hostile: Path, tmp_path: Path, fmt: str) -> None:
    files = {k: _export(hostile, "export", k, "--format", "csv" if k == "summaries" else fmt)
             for k in ("sources", "excerpts", "codings", "summaries")}
    cb = _export(hostile, "export", "codebook", "--format", "yaml")
    ext = files
    again = tmp_path / "again"
    result = invoke("new", str(again), "--codebook", str(cb), *(x for k, v in ext.items() for x in (f"--{k}", str(v))))
    assert result.exit_code == 0, result.output + result.stderr
    assert invoke("-p", str(again), "settings", "blind", "off").exit_code == 0
    back = _export(again, "export", "excerpts", "--format", "jsonl")
    texts = [json.loads(line)["text"] for line in back.read_text("utf-8").split("\n") if line]
    assert texts == [CR_TEXT, "\t=HYPERLINK(\"x\")"]
    notes = _export(again, "export", "codings", "--format", "jsonl").read_text("utf-8")
    assert all(json.loads(line)["note"] == "'=literal" for line in notes.split("\n") if line)
    summaries = _export(again, "export", "summaries", "--format", "csv").read_text("utf-8")
    assert "'=literal <script>" in next(csv.DictReader(io.StringIO(summaries)))["summary"][1:]


@pytest.mark.parametrize(("args", "name"), [(("export", "matrix", "--format", "xlsx"), "=cmd"),
                                            (("export", "matrix", "--format", "csv"), "=cmd"),
                                            (("export", "cooccurrence", "--format", "csv"), "+sum"),
                                            (("export", "agreement", "--format", "xlsx"), "@evil"),
                                            (("agreement", "--format", "xlsx"), "=ben")])
def test_names_starting_with_formula_characters_are_neutralised(hostile: Path, args: tuple[str, ...],
                                                                 name: str) -> None:
    out = _export(hostile, *args)
    if args[-1] == "csv":
        cells = [c for row in csv.reader(io.StringIO(out.read_text("utf-8"), newline="")) for c in row]
    else:
        from openpyxl import load_workbook

        cells = [c for ws in load_workbook(out).worksheets for row in ws.iter_rows(values_only=True) for c in row]
    texts = [c for c in cells if isinstance(c, str)]
    assert any(t.startswith("'" + name) for t in texts), texts[:20]
    assert not any(t.startswith(("=", "+", "-", "@", "\t")) for t in texts)


@pytest.mark.parametrize("args", [("export", "matrix", "--format", "md"), ("export", "evidence", "--format", "md"),
                                  ("agreement", "--format", "md"), ("export", "agreement", "--format", "md"),
                                  ("export", "table", "--format", "md")])
def test_markdown_exports_carry_no_raw_markup(hostile: Path, args: tuple[str, ...]) -> None:
    text = _export(hostile, *args).read_text("utf-8")
    assert "<script>" not in text and "<img" not in text
