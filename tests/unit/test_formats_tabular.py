"""Reading and writing the record files: CSV, XLSX and JSON Lines, with row numbers for errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from workbench.core.errors import UserError
from workbench.formats.tabular import format_of, neutralise, read_header, read_rows, unneutralise, write_rows

COLUMNS = ("id", "text", "n")


def test_csv_rows_carry_their_spreadsheet_row_numbers(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text('\ufeffID, Text ,n\na,"two\nlines",1\n\n,,\nb,plain,\nc,short\n', encoding="utf-8")
    rows = read_rows(f, ("id", "text"))
    assert [(line, r["id"]) for line, r in rows] == [(3, "a"), (6, "b"), (7, "c")]
    assert rows[0][1]["text"] == "two\nlines"
    assert rows[2][1] == {"id": "c", "text": "short", "n": ""}  # a short record is padded
    assert read_header(f) == ["id", "text", "n"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl"])
def test_write_then_read_gives_the_same_rows(tmp_path: Path, fmt: str) -> None:
    rows = [{"id": "a", "text": "=SUM(A1:A2)", "n": 3}, {"id": "b", "text": "-5 and 'quoted'", "n": None},
            {"id": "c", "text": "@home, +1; «ünïcode» 𝄞", "n": 0}]
    f = tmp_path / f"x.{fmt}"
    write_rows(f, COLUMNS, rows, fmt)
    back = [r for _, r in read_rows(f, COLUMNS)]
    assert [r["text"] for r in back] == [r["text"] for r in rows]
    assert [r["n"] for r in back] == ["3", "", "0"]


def test_formulas_are_neutralised_in_csv_and_xlsx(tmp_path: Path) -> None:
    rows = [{"id": "=1+1", "text": "+cmd", "n": "@x"}]
    buf = io.StringIO()
    write_rows(buf, COLUMNS, rows, "csv")
    assert buf.getvalue().splitlines()[1] == "'=1+1,'+cmd,'@x"
    f = tmp_path / "x.xlsx"
    write_rows(f, COLUMNS, rows, "xlsx")
    ws = load_workbook(f).worksheets[0]
    assert [c.value for c in ws[2]] == ["'=1+1", "'+cmd", "'@x"]
    assert all(c.data_type == "s" for c in ws[2])
    assert neutralise(5) == 5 and unneutralise("'plain") == "'plain" and unneutralise("'-3") == "-3"


def test_cp1252_is_read_with_a_note_and_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_bytes("id,text\na,fine\nb,caf\xe9\n".encode("cp1252"))
    rows = read_rows(f, ("id",))
    assert rows[1][1]["text"] == "café" and "line 3" in rows.notes[0]
    f.write_bytes(b"id,text\na,fine\nb,\x81\xe9\n")  # 0x81 is in neither UTF-8 nor cp1252
    with pytest.raises(UserError) as e:
        read_rows(f, ("id",))
    assert (e.value.file, e.value.line, e.value.where) == (str(f), 3, "line")


def test_missing_column_names_what_was_found(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("id,txt\na,b\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"missing column text \(found: id, txt\)") as e:
        read_rows(f, ("id", "text"))
    assert e.value.line == 1


@pytest.mark.parametrize(("content", "message"), [
    ("", "empty"), ("   \n", "empty"), ('id,text\n"unclosed,x\n', None)])
def test_empty_and_malformed_csv(tmp_path: Path, content: str, message: str | None) -> None:
    f = tmp_path / "x.csv"
    f.write_text(content, encoding="utf-8")
    if message is None:  # the csv module accepts an unclosed quote at end of file: one odd row, no crash
        assert len(read_rows(f, ("id",))) == 1
        return
    with pytest.raises(UserError, match=message):
        read_rows(f, ("id",))


def test_xlsx_rows_and_errors(tmp_path: Path) -> None:
    f = tmp_path / "x.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["ID", "Text", None])
    ws.append(["a", 12.0, None])
    ws.append([None, None, None])
    ws.append(["b", "x", None])
    wb.save(f)
    assert read_rows(f, ("id", "text")) == [(2, {"id": "a", "text": "12"}), (4, {"id": "b", "text": "x"})]
    not_xlsx = tmp_path / "fake.xlsx"
    not_xlsx.write_text("id,text\n", encoding="utf-8")
    with pytest.raises(UserError, match="not a readable XLSX"):
        read_rows(not_xlsx, ("id",))


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text('{"id": "a"}\n\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(UserError, match="JSON object") as e:
        read_rows(f, ("id",))
    assert e.value.line == 3


def test_format_from_extension() -> None:
    assert format_of(Path("a.CSV")) == "csv" and format_of(Path("a.ndjson")) == "jsonl"
    assert format_of(Path("a.txt"), "xlsx") == "xlsx"
    with pytest.raises(UserError, match="unknown format"):
        format_of(Path("a.docx"))
