"""The small rules of the REFI-QDA mapping: labelled lines in descriptions, the code tree, positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.model import Codebook, Perspective, Subtheme, Theme
from workbench.formats.refi.codes import (
    PERSPECTIVE_BRANCH,
    VALENCE_BRANCH,
    CodeNode,
    codebook_nodes,
    decode_description,
    encode_description,
    read_codes,
)
from workbench.formats.refi.qdpx_map import converter, utf16_len
from workbench.formats.refi.xmlio import SCHEMAS, guid, is_datetime, schema

STANDARD = Path(__file__).resolve().parents[1] / "fixtures" / "refi-qda"  # the standard's own files
LABELS = ["Include", "Exclude", "Example", "Origin"]


@pytest.mark.parametrize("lead, fields", [
    ("A definition.", {"Include": "x", "Origin": "new"}),
    ("", {"Exclude": "two\nlines\n\nand a gap"}),
    ("Line one.\n\nLine two.", {}),
    ("", {}),
    ("Ends with spaces  ", {"Example": " leading space"}),
])
def test_labelled_lines_read_back(lead: str, fields: dict[str, str]) -> None:
    text = encode_description(lead, [(k, fields.get(k, "")) for k in LABELS])
    assert decode_description(text, LABELS) == (lead, {k: v for k, v in fields.items() if v})


def test_a_definition_that_looks_like_labelled_lines_is_caught_by_the_writer() -> None:
    tricky = Subtheme("S", "Real definition.\n\nInclude: part of the definition", uuid="u")
    nodes, exact = codebook_nodes(Codebook(ungrouped=(tricky,)), lambda u: u)
    assert exact == {"u": {"definition": tricky.definition, "include": "", "exclude": "", "example": "", "origin": ""}}
    assert read_codes(nodes, exact).codebook.ungrouped == (tricky,)


def test_the_code_tree_of_a_codebook_reads_back() -> None:
    cb = Codebook(themes=(Theme("T", (Subtheme("A", "def", "inc", uuid="a"),), "t"), Theme("Empty", (), "e")),
                  ungrouped=(Subtheme("U", uuid="u"),), valences=("benefit", "challenge"),
                  perspectives=(Perspective("PSWs", False, ("peer workers",), "p"),
                                Perspective("Mixed", True, (), "m")),
                  valence_uuids={"benefit": "vb", "challenge": "vc"})
    nodes, exact = codebook_nodes(cb, lambda u: u)
    assert exact == {}
    assert [n.guid for n in nodes][-2:] == [VALENCE_BRANCH, PERSPECTIVE_BRANCH]
    read = read_codes(nodes)
    assert read.codebook == cb
    assert read.codes["a"] == ("subtheme", "A") and read.codes["vb"] == ("valence", "benefit")
    assert read.losses == []


def test_other_tools_trees() -> None:
    nodes = [CodeNode("1", "Coke", True), CodeNode("2", "Coke::diet", True), CodeNode("3", "Tea::green::sencha", True),
             CodeNode("4", "Parent", True, color="#ff0000", children=[
                 CodeNode("5", "Child", True, children=[CodeNode("6", "Grandchild", True)]),
                 CodeNode("7", "Coke", True)]),
             CodeNode("8", "Valence", False, children=[CodeNode("9", "good", True)])]
    read = read_codes(nodes)
    cb = read.codebook
    assert [(t.name, [s.name for s in t.subthemes]) for t in cb.themes] == [
        ("Coke", ["diet"]), ("Parent", ["Child", "Child / Grandchild", "Coke"]), ("Tea", ["green / sencha"])]
    assert cb.valences == ("good",)
    assert read.codes["1"] == ("theme", "Coke")  # codings on it become a same-named subtheme later
    assert any("'::'" in line for line in read.losses) and any("colours" in line for line in read.losses)


def test_positions_utf16_and_crlf() -> None:
    raw = "a\U0001F600b\r\nc\U0001F600d"
    text, conv = converter(raw, utf16=True, crlf=True)
    assert text == "a\U0001F600b\nc\U0001F600d"
    u16 = [len(raw[:i].encode("utf-16-le")) // 2 for i in range(len(raw) + 1)]
    # every code point's UTF-16 offset maps to where that character sits in the stored text
    expected = [0, 1, 2, 3, 3, 4, 5, 6, 7]
    assert [conv(u) for u in u16] == expected
    assert utf16_len(raw) == u16[-1]
    same, ident = converter(raw, utf16=False, crlf=False)
    assert same == raw and ident(5) == 5


def test_guids_and_times() -> None:
    assert guid("{AD68FBE7-E1EE-4A82-A279-23CC698C89EB}") == "ad68fbe7-e1ee-4a82-a279-23cc698c89eb"
    assert is_datetime("2024-01-15T10:00:00Z") and is_datetime("2024-01-15T10:00:00.123456+02:00")
    assert not is_datetime("yesterday") and not is_datetime("")


def test_packaged_schemas_compile_and_equal_the_standards_copy() -> None:
    assert schema("project") is not None and schema("codebook") is not None
    assert "Licensed under the MIT license" in (SCHEMAS / "NOTICE").read_text(encoding="utf-8")
    for name in ("Project.xsd", "Codebook.xsd"):
        assert (SCHEMAS / name).read_bytes() == (STANDARD / name).read_bytes()


def test_interchange_modules_import_nothing_heavy() -> None:
    """`workbench import …` starts fast: spaCy, Textual, lxml, xmlschema and the parsers load only when used."""
    import subprocess
    import sys

    code = ("import sys, workbench.formats.refi.qdpx, workbench.formats.refi.qdc, workbench.formats.references, "
            "workbench.formats.documents, workbench.store.interchange, workbench.cli.refi_cmds; "
            "print(sorted(m for m in ('textual', 'spacy', 'lxml', 'xmlschema', 'rispy', 'bibtexparser', 'pypdf', "
            "'docx', 'pandas', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
