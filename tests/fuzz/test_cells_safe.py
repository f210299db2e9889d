"""The one cell rule (formats/cells_safe.py): safe to open, and back byte for byte.

Properties over generated texts, plus the check that no writer in formats/ can go around the rule
(it builds neither a `csv.writer` nor an openpyxl `Workbook` of its own).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import workbench.formats as formats_pkg
from workbench.core.errors import UserError
from workbench.formats.cells_safe import (
    XLSX_MAX,
    SafeCsv,
    SafeWorkbook,
    md_cell,
    md_unescape_cell,
    neutralise,
    restore,
    xlsx_text,
    xlsx_value,
)

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# texts that lean towards the hard cases: leading apostrophes and formula characters, controls, CR
EDGY = st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "\n", "\x01", "\x0b", "_", "x",
                                         "0", "A", "\u2028", "\u202e", "😀", "|", "<", "\\", " "]), max_size=12)
TEXTS = st.one_of(EDGY, st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",))))


@given(TEXTS)
def test_neutralise_is_safe_and_reversible(text: str) -> None:
    out = neutralise(text)
    assert not out.startswith(TRIGGERS)
    assert restore(out) == text


def test_a_text_that_truly_starts_with_an_apostrophe_survives() -> None:
    for text in ("'=literal", "''=x", "'twas", "'", "'\t=1"):
        assert restore(neutralise(text)) == text
    assert neutralise("'twas") == "'twas"  # nothing to neutralise: left as it is
    assert neutralise("\t=1+2") == "'\t=1+2"


@given(TEXTS)
def test_xlsx_cells_round_trip_through_openpyxl(text: str) -> None:
    from openpyxl import load_workbook

    wb = SafeWorkbook(write_only=True)
    ws = wb.create_sheet("t")
    ws.append([text, "x"])
    buf = io.BytesIO()
    wb.save(buf)
    back = next(load_workbook(io.BytesIO(buf.getvalue()), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert xlsx_text(back[0]) == text
    assert not (isinstance(back[0], str) and back[0].startswith(TRIGGERS))


def test_a_text_too_long_for_a_cell_is_refused_with_a_line_not_cut() -> None:
    with pytest.raises(UserError, match="32,767"):
        xlsx_value("x" * (XLSX_MAX + 1))
    assert xlsx_value("x" * XLSX_MAX) == "x" * XLSX_MAX


@given(st.lists(st.lists(TEXTS, min_size=1, max_size=4), min_size=1, max_size=5))
def test_csv_records_never_split_and_never_start_a_line_with_a_formula(rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = SafeCsv(buf)
    for r in rows:
        w.writerow(r)
    back = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert [[restore(c) for c in r] for r in back] == rows
    for r in back:
        assert not any(c.startswith(TRIGGERS) for c in r)


@given(TEXTS)
def test_markdown_cells_hold_no_markup_and_no_column_break(text: str) -> None:
    cell = md_cell(text + "<script>alert(1)</script>|<img src=x onerror=y>")
    assert "<" not in cell and ">" not in cell and "\n" not in cell
    assert re.search(r"(?<!\\)(\\\\)*\|", cell) is None  # every pipe escaped
    assert "\\|" in cell and md_unescape_cell("a\\|b\\\\c") == "a|b\\c"


def test_no_writer_builds_its_own_csv_writer_or_workbook() -> None:
    """Every CSV/XLSX writer goes through cells_safe: a new writer that forgets fails here."""
    folder = Path(formats_pkg.__file__).parent
    offenders = []
    for path in sorted(folder.rglob("*.py")):
        if path.name == "cells_safe.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"csv\.writer\(", r"csv\.DictWriter\(", r"\bWorkbook\(", r"from openpyxl import .*\bWorkbook\b"):
            offenders += [f"{path.name}: {m.group()}" for m in re.finditer(pattern, text)]
    assert offenders == []


def test_a_record_text_longer_than_a_cell_continues_in_the_next_columns(tmp_path: Path) -> None:
    """XLSX record exports never cut: 80,000 characters come back whole through `read_rows`."""
    from workbench.formats.tabular import read_rows, write_rows

    long = "=" + "abc_x0041_\x01" * 7_300  # 80,301 characters, with escapes that must not be split apart
    out = tmp_path / "excerpts.xlsx"
    write_rows(out, ["id", "text", "perspective"], [{"id": "e1", "text": long, "perspective": "PSWs"},
                                                    {"id": "e2", "text": "short", "perspective": ""}], "xlsx")
    rows = read_rows(out, ["id", "text", "perspective"])
    assert [r["text"] for _, r in rows] == [long, "short"]
    assert rows[0][1]["perspective"] == "PSWs"


def test_json_lines_are_split_on_newline_only(tmp_path: Path) -> None:
    import json

    from workbench.formats.tabular import read_rows

    texts = ["a\u2028b", "c\u2029d", "e\x85f", "g\rh", "i\x0cj"]
    f = tmp_path / "x.jsonl"
    f.write_text("".join(json.dumps({"id": str(n), "text": t}, ensure_ascii=False) + "\n"
                         for n, t in enumerate(texts)), encoding="utf-8")
    assert [r["text"] for _, r in read_rows(f, ["id", "text"])] == texts
