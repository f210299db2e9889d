"""The narrative's wording rules and the Markdown escaping of the write-ups, on hand-made models."""

from __future__ import annotations

from typing import Any

from workbench.analysis.narrative import Finding, Narrative, heading_for
from workbench.analysis.table import TableModel
from workbench.core.model import Codebook, Perspective
from workbench.formats.writeup_md import md_text


def narrative(labels: dict[str, str] | None = None, valences: tuple[str, ...] = ("benefit", "challenge")) -> Narrative:
    cb = Codebook(name="R", valences=valences, labels=labels or {},
                  perspectives=(Perspective("PSWs"), Perspective("Service users"), Perspective("Mixed", mixed=True),
                                Perspective("Mixed sample", mixed=True)))
    derivation: Any = type("D", (), {"numeric": True})()
    return Narrative(TableModel(cb, [], derivation, {}), [])


def finding(summary: str, refs: list[str], **kw: Any) -> Finding:
    return Finding("Bridge", kw.pop("valence", "benefit"), refs, summary, kw.pop("groups", []), **kw)


def test_references_go_before_the_closing_full_stop() -> None:
    n = narrative()
    assert n.finding_text(finding("Peers linked people.", ["23", "34"])) == "Peers linked people [23, 34]."
    assert n.finding_text(finding("Did they?", ["5"])) == "Did they [5]?"
    assert n.finding_text(finding("No stop", ["5"])) == "No stop [5]"
    assert n.finding_text(finding("Two\n lines.", ["5"], groups=["carers", "PSWs"])) == "Two lines [5] (carers, PSWs)."
    assert n.finding_text(finding("Old.", ["5"], stale=True)) == "Old [5]. †"


def test_a_missing_summary_is_a_placeholder_naming_the_cell() -> None:
    n = narrative()
    f = finding("  ", ["64"], valence="challenge")
    assert f.placeholder
    assert n.finding_text(f) == "[No summary yet: Bridge (challenge); references [64]]"
    assert narrative(valences=()).run_in(finding("", ["1"], valence=None)) == "Bridge"


def test_perspective_words_and_headings() -> None:
    n = narrative()
    assert n.perspective_words("PSWs") == "PSWs"
    assert n.perspective_words("Service users") == "service users"
    assert n.perspective_words("Mixed") == "mixed samples"
    assert n.perspective_words("Mixed sample") == "mixed sample"
    assert heading_for(n.table, "service users") == "Perspective of service users"
    labelled = narrative({"perspective": "sample", "perspective.Mixed": "several groups"})
    assert labelled.perspective_words("Mixed") == "several groups"
    assert heading_for(labelled.table, "PSWs") == "Sample of PSWs"
    odd = narrative({"perspective_heading": "{perspective} {0} view"})
    assert heading_for(odd.table, "PSWs") == "PSWs {0} view"  # stray braces are taken literally


def test_md_text_renders_as_itself() -> None:
    assert md_text("plain words, [23]") == "plain words, \\[23\\]"
    assert md_text("<b>x</b> & *y* _z_ `c`") == "&lt;b&gt;x&lt;/b&gt; & \\*y\\* \\_z\\_ \\`c\\`"
    assert md_text("# not a heading") == "\\# not a heading"
    assert md_text("1. not a list") == "1\\. not a list"
    assert md_text("a | b") == "a | b" and md_text("a | b", cell=True) == "a \\| b"
    assert md_text("two\nlines") == "two lines"
