"""`workbench verify-table` on typed tables: the article's printed lists and a planted error.

The fixtures are written by tests/fixtures/typed_table_make.py (see its docstring).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures"
PRINTED_FINDINGS = [
    "Wellbeing and recovery / challenge: row list: missing 34",
    "Role ambiguity / challenge: row list: missing 23, 34, 39, 55, 63, 64 and extra 32, 38, 43, 53, 54 "
    "(no such source: 32, 38, 43, 53, 54)",
]


def _findings(output: str) -> list[str]:
    return [line.split(": ", 1)[1] for line in output.splitlines() if line.startswith(("line ", "row "))]


@pytest.mark.parametrize("name", ["typed_table_printed.md", "typed_table_printed.docx"])
def test_printed_table_has_exactly_the_two_inconsistencies(run, example_dir: Path, name: str) -> None:
    r = run("-p", str(example_dir), "verify-table", str(FIXTURES / name))
    assert r.exit_code == 1
    assert _findings(r.output) == PRINTED_FINDINGS
    assert "2 rows differ from the codings (26 typed rows read)" in r.output


@pytest.mark.parametrize("name", ["typed_table_planted.md", "typed_table_planted.csv"])
def test_planted_error_is_the_only_finding(run, example_dir: Path, name: str) -> None:
    r = run("-p", str(example_dir), "verify-table", str(FIXTURES / name))
    assert r.exit_code == 1
    assert _findings(r.output) == ["Recovery and role models / benefit: Service users: missing 55"]


def test_rows_missing_unknown_and_repeated(run, example_dir: Path, tmp_path: Path) -> None:
    text = (FIXTURES / "typed_table_planted.md").read_text(encoding="utf-8").splitlines()
    rows = [i for i, line in enumerate(text) if line.startswith("| Workload |")]
    text[rows[0]] = "| Workload | Challenge [64, 99] | Mixed^a [64, 99]: Too many tasks. |"
    bridge = next(i for i, line in enumerate(text) if line.startswith("| Bridge |"))
    del text[bridge]
    text.insert(5, "| Made-up subtheme | Benefit [23] | PSWs [23]: Invented. |")
    text.insert(6, "| Wellbeing and recovery | Benefit [23, 34, 61] | PSWs [23, 34, 61]: Again. |")
    typed = tmp_path / "typed.md"
    typed.write_text("\n".join(text) + "\n", encoding="utf-8")
    r = run("-p", str(example_dir), "verify-table", str(typed))
    assert r.exit_code == 1
    found = r.output.splitlines()
    assert "line 6: Made-up subtheme: unknown subtheme (not in the codebook)" in found
    assert any(x.endswith("Wellbeing and recovery / benefit: the same row again (first on line 5)") for x in found)
    assert any(x.endswith("Workload / challenge: row list: extra 99 (no such source: 99); "
                          "Mixed: extra 99 (no such source: 99)") for x in found)
    assert "Bridge / benefit: row missing from the typed table (Benefit [64])" in found


def test_tidy_csv_from_export_is_read_too(run, example_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tidy.csv"
    assert run("-p", str(example_dir), "export", "table", "-o", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",23; 34; 61,23; 34; 61,", ",23; 61,23; 34; 61,")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run("-p", str(example_dir), "verify-table", str(out))
    assert r.exit_code == 1
    assert _findings(r.output) == ["Wellbeing and recovery / benefit: PSWs: missing 34"]


def test_author_year_typed_table(run, author_year_dir: Path, tmp_path: Path) -> None:
    typed = tmp_path / "typed.md"
    typed.write_text(
        "| Theme | Facilitator/hindrance, references | Summary and sample |\n|---|---|---|\n"
        "| **Making it work** | | |\n"
        "| Timetable pressure | Hindrance [abara 2019; ong 2021; Ong 2022; Walker 2013] | "
        "Teachers [Abara 2019; walker 2013]: x<br>Mixed^a [ong 2021; Ong 2022]: y (pupils) |\n"
        "| Teacher buy-in | Facilitator [Abara 2019] | Pupils [Abara 2019]: z |\n"
        "|  | [Ong 2022; Smith 2020] | Pupils [Ong 2022]: w |\n"
        "| **Other** | | |\n| Parents' view | [walker 2013] | Mixed^a [walker 2013]: v |\n", encoding="utf-8")
    r = run("-p", str(author_year_dir), "verify-table", str(typed))
    assert r.exit_code == 1
    assert _findings(r.output) == ["Teacher buy-in / (no valence): row list: extra Smith 2020 "
                                   "(no such source: Smith 2020)"]


def test_bad_files_are_user_errors(run, example_dir: Path, tmp_path: Path) -> None:
    r = run("-p", str(example_dir), "verify-table", str(tmp_path / "none.md"))
    assert r.exit_code == 1 and "no such file" in r.output
    empty = tmp_path / "empty.md"
    empty.write_text("Just prose, no table.\n", encoding="utf-8")
    r = run("-p", str(example_dir), "verify-table", str(empty))
    assert r.exit_code == 1 and "no Markdown table found" in r.output
    fake = tmp_path / "fake.docx"
    shutil.copy(FIXTURES / "typed_table_planted.csv", fake)
    r = run("-p", str(example_dir), "verify-table", str(fake))
    assert r.exit_code == 1 and "not a readable Word document" in r.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Theme,Refs,Summary\nÅkerblom,[60],x\n".encode("latin-1"))
    r = run("-p", str(example_dir), "verify-table", str(latin))
    assert r.exit_code == 1 and "not UTF-8" in r.output
