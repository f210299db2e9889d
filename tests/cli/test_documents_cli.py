"""`workbench import document`: the text kept with its source, excerpts with offsets into it."""

from __future__ import annotations

from pathlib import Path

from workbench.store.api import Project

DOCS = Path(__file__).parent.parent / "fixtures" / "docs"


def test_import_a_pdf_by_paragraph(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "import", "document", str(DOCS / "review.pdf"), "--source", "34",
                 "--split", "paragraph")
    assert result.exit_code == 0, result.output
    from workbench.formats.documents import read_document
    from workbench.nlp.split import split_document

    n = len(split_document(read_document(DOCS / "review.pdf"), "paragraph"))  # as nlp/segment.py cuts it
    assert result.stdout.startswith(f"{DOCS / 'review.pdf'}: kept ")
    assert f"{n} excerpts (34.1 … 34.{n})" in result.stdout
    with Project.open(example_dir) as p:
        (doc,) = p.interchange.documents("34")
        mine = [e for e in p.records.excerpts() if e.key.startswith("34.")]
        assert len(mine) == n and all(doc.text[e.start:e.end] == e.text for e in mine)
        assert {e.source for e in mine} == {"34"}
    again = run("-p", str(example_dir), "import", "document", str(DOCS / "review.pdf"), "--source", "34",
                "--split", "paragraph")
    assert again.exit_code == 0 and "already imported" in again.stdout


def test_sentences_then_code_one_of_them(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "import", "document", str(DOCS / "review.docx"), "--source", "23",
                 "--split", "sentence")
    from workbench.formats.documents import read_document
    from workbench.nlp.split import split_document

    n = len(split_document(read_document(DOCS / "review.docx"), "sentence"))
    assert result.exit_code == 0 and f"{n} excerpts (23.1 … 23.{n})" in result.stdout
    coded = run("--coder", "amira", "-p", str(example_dir), "code", f"23.{n}", "The value of the PSW role and low pay",
                "--valence", "challenge", "--perspective", "PSWs")
    assert coded.exit_code == 0, coded.output
    second = run("-p", str(example_dir), "import", "document", str(DOCS / "review.txt"), "--source", "23",
                 "--split", "regex", "--pattern", r"Low pay[^.]*\.")
    assert f"1 excerpt (23.{n + 1} … 23.{n + 1})" in second.stdout


def test_without_split_only_the_text_is_kept(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "import", "document", str(DOCS / "review.md"), "--source", "39",
                 "--name", "Ong 2022 full text")
    assert result.exit_code == 0 and "no excerpts" in result.stdout
    with Project.open(example_dir) as p:
        assert [d.name for d in p.interchange.documents("39")] == ["Ong 2022 full text"]
        key = p.interchange.excerpt_from_document(p.interchange.documents("39")[0].uuid, 2, 20, "amira", perspective="PSWs")
        assert key == "39.1"


def test_mistakes_change_nothing(example_dir: Path, run) -> None:
    with Project.open(example_dir) as p:
        before = p.counts()
    unknown = run("-p", str(example_dir), "import", "document", str(DOCS / "review.txt"), "--source", "999")
    assert unknown.exit_code == 1 and unknown.stderr == "workbench: unknown source '999'\n"
    bad = run("-p", str(example_dir), "import", "document", str(DOCS / "review.txt"), "--source", "23",
              "--split", "regex", "--pattern", "[")
    assert bad.exit_code == 1 and "not a valid regular expression" in bad.stderr
    usage = run("-p", str(example_dir), "import", "document", str(DOCS / "review.txt"), "--source", "23",
                "--split", "regex")
    assert usage.exit_code == 2
    with Project.open(example_dir) as p:
        assert p.counts() == before and p.interchange.documents() == []
