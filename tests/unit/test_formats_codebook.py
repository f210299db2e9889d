"""The codebook YAML a researcher writes by hand: every key, errors with line numbers, safe loading."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.formats.codebook_yaml import codebook_dict, load_codebook, parse_codebook, write_codebook

REPO = Path(__file__).resolve().parents[2]

FULL = """\
name: A review
citation: author-year
consensus_coder: agreed
valences: [facilitator, barrier]
perspectives:
  - name: Teachers
    synonyms: [staff]
  - Pupils
  - name: Mixed
    mixed: true
labels: {perspective: sample}
themes:
  - name: School life
    subthemes:
      - name: Timetable pressure
        definition: Not enough time.
        include: Timetables.
        exclude: Workload in general.
        example: No slot for it.
        origin: Time constraints (Chen 2022)
      - Short form
ungrouped:
  - name: Candidate
    origin: new
"""


def test_every_key_is_read() -> None:
    cb = parse_codebook(FULL, "cb.yaml")
    assert (cb.name, cb.citation, cb.consensus_coder) == ("A review", "author-year", "agreed")
    assert cb.valences == ("facilitator", "barrier")
    assert [(p.name, p.mixed, p.synonyms) for p in cb.perspectives] == [
        ("Teachers", False, ("staff",)), ("Pupils", False, ()), ("Mixed", True, ())]
    assert cb.labels == {"perspective": "sample"} and cb.label("perspective", "perspective") == "sample"
    sub = cb.themes[0].subthemes[0]
    assert (sub.definition, sub.include, sub.exclude, sub.example, sub.origin) == (
        "Not enough time.", "Timetables.", "Workload in general.", "No slot for it.", "Time constraints (Chen 2022)")
    assert cb.themes[0].subthemes[1].name == "Short form"
    assert [s.name for s in cb.ungrouped] == ["Candidate"]
    assert cb.theme_of("Timetable pressure") == "School life" and cb.theme_of("Candidate") is None


def test_defaults() -> None:
    cb = parse_codebook("themes: []\n")
    assert (cb.citation, cb.consensus_coder, cb.valences, cb.perspectives) == ("numeric", "consensus", (), ())


def test_written_codebook_reads_back_with_ids() -> None:
    cb = parse_codebook(FULL)
    buf = io.StringIO()
    write_codebook(cb, buf)
    again = parse_codebook(buf.getvalue())
    assert codebook_dict(again) == codebook_dict(cb)
    assert again == cb


@pytest.mark.parametrize(("text", "line", "message"), [
    ("themes:\n  - name: A\n    subthemes: [x, y\n", 4, "malformed YAML"),
    ("themes:\n  - name: A\n    subthemes:\n      - definition: no name\n", 4, "needs a 'name'"),
    ("themes:\n  - name: A\n    subthemes: [x]\nungrouped:\n  - name: x\n", 5, "duplicate subtheme 'x' (also line 2)"),
    ("themes:\n  - name: A\n  - name: A\n", 3, "duplicate theme"),
    ("themes: {name: A}\n", 1, "'themes' must be a list"),
    ("citation: vancouver\n", 1, "citation must be"),
    ("perspectives:\n  - name: P\n    synonyms: staff\n", 2, "'synonyms' must be a list"),
    ("themes:\n  - name: A\n    subthemes:\n      - name: x\n        definition: {a: b}\n", 4, "'definition' must be text"),
])
def test_errors_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(UserError) as e:
        parse_codebook(text, "cb.yaml")
    assert message in e.value.message
    assert e.value.file == "cb.yaml" and e.value.line == line


def test_yaml_is_loaded_safely() -> None:
    """A codebook can never run code: Python tags are refused, not executed."""
    with pytest.raises(UserError, match="malformed YAML"):
        parse_codebook("name: !!python/object/apply:os.system ['echo hacked']\nthemes: []\n")


def test_shipped_codebooks_load() -> None:
    example = load_codebook(REPO / "codebooks" / "peer-support.yaml")
    assert len(example.themes) == 4 and example.valences == ("benefit", "challenge")
    assert any(p.mixed for p in example.perspectives)
    template = load_codebook(REPO / "codebooks" / "template.yaml")
    assert template.themes and template.ungrouped


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        load_codebook(tmp_path / "none.yaml")
    bad = tmp_path / "latin.yaml"
    bad.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(UserError, match="UTF-8"):
        load_codebook(bad)
