"""Reading documents (.txt, .md, .docx, .pdf) and cutting excerpts whose offsets are exact."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.formats.documents import read_document
from workbench.nlp.split import split_document

DOCS = Path(__file__).parent.parent / "fixtures" / "docs"


@pytest.mark.parametrize("name", ["review.txt", "review.md", "review.docx", "review.pdf"])
def test_every_format_gives_clean_text(name: str) -> None:
    text = read_document(DOCS / name)
    assert "\r" not in text and not text.startswith("\ufeff")
    assert "Low pay was a recurring complaint." in text
    assert "Clients found peers easy to talk to, e.g. about medication worries." in text.replace("\n", " ")
    if name == "review.docx":
        assert "Review | Quality" in text and "Walker 2013 | low" in text  # the table, row by row


@pytest.mark.parametrize("by", ["paragraph", "sentence"])
@pytest.mark.parametrize("name", ["review.txt", "review.docx", "review.pdf"])
def test_splits_point_exactly_into_the_text(name: str, by: str) -> None:
    text = read_document(DOCS / name)
    spans = split_document(text, by, name=name)
    assert spans
    for a, b, location in spans:
        chunk = text[a:b]
        assert chunk == chunk.strip() and chunk
        assert location.startswith(name) and f"({by} " in location
    whole = [text[a:b] for a, b, _ in spans]
    if by == "sentence":
        assert "Clients found peers easy to talk to, e.g. about medication worries." in [w.replace("\n", " ") for w in whole]


def test_regex_split_uses_the_first_group() -> None:
    text = "Theme 1: hope for clients.\nTheme 2: low pay.\n"
    spans = split_document(text, "regex", r"^Theme \d+: (.*)$", "notes.txt")
    assert [(text[a:b], loc) for a, b, loc in spans] == [("hope for clients.", "notes.txt (match 1)"),
                                                         ("low pay.", "notes.txt (match 2)")]
    with pytest.raises(UserError, match="not a valid regular expression"):
        split_document(text, "regex", "(unclosed", "x")
    with pytest.raises(UserError, match="matches nothing"):
        split_document(text, "regex", "zebra", "x")


def test_unreadable_documents_are_user_errors(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    cases = {}
    blank = PdfWriter()
    blank.add_blank_page(200, 200)
    with (tmp_path / "scan.pdf").open("wb") as fh:
        blank.write(fh)
    cases["scan.pdf"] = "no text"
    locked = PdfWriter()
    locked.add_blank_page(200, 200)
    locked.encrypt("secret")
    with (tmp_path / "locked.pdf").open("wb") as fh:
        locked.write(fh)
    cases["locked.pdf"] = "encrypted"
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    cases["old.doc"] = "save it as .docx"
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    cases["latin.txt"] = "not UTF-8"
    (tmp_path / "fake.docx").write_bytes(b"not a zip")
    cases["fake.docx"] = "not a zip archive"
    (tmp_path / "fake.pdf").write_bytes(b"%PDF-1.4 nothing else")
    cases["fake.pdf"] = "PDF"
    with zipfile.ZipFile(tmp_path / "evil.docx", "w") as zf:
        zf.writestr("../../word/document.xml", "<x/>")
    cases["evil.docx"] = "climbs out"
    for name, words in cases.items():
        with pytest.raises(UserError, match=words):
            read_document(tmp_path / name)
    with pytest.raises(UserError, match="no such file"):
        read_document(tmp_path / "missing.txt")
