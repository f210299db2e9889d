"""Record rows ↔ domain objects, and the stable ids derived from natural keys."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.core.ids import NAMESPACE, stable_uuid, uuid5_text
from workbench.core.model import Coding
from workbench.formats.records import read_codings, read_excerpts, read_sources, write_records
from workbench.store.records import coding_uuid


@pytest.mark.parametrize("text", ["", "coding\x1fe1\x1fBoundaries\x1famira\x1f\x1f\x1f\x1f", "é€𝄞 mixed",
                                  "x" * 1000])
def test_uuid5_text_is_rfc_4122_uuid5(text: str) -> None:
    """The fast path gives exactly uuid.uuid5: ids written by earlier versions stay valid."""
    assert uuid5_text(text) == str(uuid.uuid5(NAMESPACE, text))


def test_stable_uuid_depends_on_kind_and_key_only() -> None:
    assert stable_uuid("source", "23") == stable_uuid("source", "23") != stable_uuid("excerpt", "23")
    assert stable_uuid("x", None, 1) == stable_uuid("x", "", "1")


def test_coding_uuid_is_the_stable_uuid_of_its_natural_key() -> None:
    for c in (Coding("e1", "S", "amira"), Coding("e1", "S", "amira", "benefit", "PSWs", 0, 12, note="ignored")):
        assert coding_uuid(c) == stable_uuid("coding", c.excerpt, c.subtheme, c.coder, c.valence or "",
                                             c.perspective or "", c.start, c.end)
    assert coding_uuid(Coding("e1", "S", "amira", uuid="given")) == "given"


def test_read_codings(tmp_path: Path) -> None:
    f = tmp_path / "codings.csv"
    f.write_text("excerpt,subtheme,coder,valence,perspective,start,end,note,uuid,time\n"
                 " e1 ,Boundaries, amira ,, ,,,a note,,\n"
                 "e2,Boundaries,ben,benefit,PSWs,3,10,,u-1,2024-01-01T00:00:00Z\n", encoding="utf-8")
    rows = read_codings(f)
    assert rows[0] == (2, Coding("e1", "Boundaries", "amira", None, None, None, None, "a note"))
    assert rows[1] == (3, Coding("e2", "Boundaries", "ben", "benefit", "PSWs", 3, 10, "", "u-1",
                                 "2024-01-01T00:00:00Z"))


@pytest.mark.parametrize(("row", "message"), [
    (",Boundaries,amira,,", "empty excerpt"), ("e1,,amira,,", "empty subtheme"), ("e1,S,,,", "empty coder"),
])
def test_read_codings_needs_the_key_fields(tmp_path: Path, row: str, message: str) -> None:
    f = tmp_path / "codings.csv"
    f.write_text("excerpt,subtheme,coder,valence,perspective\ne0,S,amira,,\n" + row + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=message) as e:
        read_codings(f)
    assert e.value.line == 3


def test_spans_must_be_whole_non_negative_numbers(tmp_path: Path) -> None:
    f = tmp_path / "codings.csv"
    f.write_text("excerpt,subtheme,coder,valence,perspective,start,end\ne1,S,a,,,x,4\n", encoding="utf-8")
    with pytest.raises(UserError, match="start must be a whole number"):
        read_codings(f)
    f.write_text("excerpt,subtheme,coder,valence,perspective,start,end\ne1,S,a,,,-1,4\n", encoding="utf-8")
    with pytest.raises(UserError):
        read_codings(f)


def test_sources_and_excerpts_round_trip_through_every_format(tmp_path: Path) -> None:
    src = tmp_path / "s.csv"
    src.write_text("ref,citation,year,design,quality,groups,doi\n23,\"A, B. Title.\",2020,review,low,PSWs;carers,"
                   "10.1/x\n", encoding="utf-8")
    exc = tmp_path / "e.csv"
    exc.write_text("id,source,text,perspective,location\ne1,23,\"Some text, with a comma.\",PSWs,p. 4\n",
                   encoding="utf-8")
    sources = [s for _, s in read_sources(src)]
    excerpts = [e for _, e in read_excerpts(exc)]
    assert sources[0].group_list == ["PSWs", "carers"] and sources[0].doi == "10.1/x"
    for fmt in ("csv", "xlsx", "jsonl"):
        write_records("sources", sources, tmp_path / f"s2.{fmt}", fmt)
        write_records("excerpts", excerpts, tmp_path / f"e2.{fmt}", fmt)
        assert [s for _, s in read_sources(tmp_path / f"s2.{fmt}")] == sources
        assert [e for _, e in read_excerpts(tmp_path / f"e2.{fmt}")] == excerpts
