"""`workbench export report`: one standalone page, safe to open, with everything in it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from workbench.core.model import Coding, Excerpt
from workbench.store.api import Project


def _report(project_dir: Path, run, tmp_path: Path, *args: str) -> str:  # type: ignore[no-untyped-def]
    out = tmp_path / "report.html"
    r = run("-p", str(project_dir), "export", "report", "-o", str(out), *args)
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


def test_standalone_nothing_to_fetch(example_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """No network: no http(s) URL in any src/href, no @import or url() to the outside, no web fonts,
    and a Content-Security-Policy that forbids any fetch should one slip in."""
    page = _report(example_dir, run, tmp_path)
    assert not re.search(r'(src|href)\s*=\s*["\']?\s*(https?:)?//', page)
    assert "@import" not in page and "@font-face" not in page
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "default-src 'none'" in page
    assert page.count("<svg") == 2 and "<img" not in page  # both pictures inline


def test_sections_and_references(example_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = _report(example_dir, run, tmp_path, "--title", "Peer support RQ 3")
    assert "<title>Peer support RQ 3</title>" in page
    for section in ('id="table"', 'id="matrix"', 'id="graph"', 'id="evidence"', 'id="sources"'):
        assert section in page
    assert "Which perspective supports which subtheme" in page and "Theme–source graph" in page
    data = json.loads(re.search(r'<script type="application/json" id="excerpts">(.*?)</script>', page, re.S)
                      .group(1))
    assert data["e012"][0] == "34" and data["e012"][1].startswith("Peer workers described coming to accept")
    # the PSWs cell of Wellbeing and recovery / benefit: ref 34 opens onto e012, coded by consensus
    assert ('<details class="ref" data-x="[&quot;e012&quot;]" data-c="[&quot;consensus&quot;]">'
            "<summary>34</summary></details>") in page
    # ids of the two inline pictures never clash
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_hostile_names_are_escaped(synthetic_graph_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hostile = "<script>alert(1)</script>"
    with Project.open(synthetic_graph_dir) as project:
        project.codebook.rename_subtheme("Confidence", hostile, "test")
        project.summaries.set(hostile, "benefit", "PSWs", "</script><b>x</b>", "test")
        project.records.add_excerpts([(2, Excerpt("z1", "Adams 2019", "</script><script>alert(2)</script>", "PSWs"))])
        project.records.add_coding(Coding("z1", hostile, "consensus", "benefit", "PSWs"))
    page = _report(synthetic_graph_dir, run, tmp_path)
    assert hostile not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "</script><b>x</b>" not in page and "alert(2)</script>" not in page
    assert "\\u003c/script>\\u003cscript>alert(2)" in page  # inside the JSON block, harmless
    assert page.count("<script") == 2  # the excerpt data and the little expander, nothing else


def test_the_agreed_set_note_and_judgements(synthetic_graph_dir: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = _report(synthetic_graph_dir, run, tmp_path)
    assert "No CERQual judgements recorded yet" in page
    r = run("--coder", "amira", "-p", str(synthetic_graph_dir), "evidence", "set", "Confidence", "--valence",
            "benefit", "--component", "overall", "--judgement", "low", "--explanation", "Thin & one-sided")
    assert r.exit_code == 0
    page = _report(synthetic_graph_dir, run, tmp_path)
    assert "low confidence" in page and "Thin &amp; one-sided" in page and "Overall confidence" in page


def test_report_to_stdout_and_wrong_extension(synthetic_graph_dir: Path, run) -> None:  # type: ignore[no-untyped-def]
    r = run("-p", str(synthetic_graph_dir), "export", "report")
    assert r.exit_code == 0 and r.stdout.startswith("<!DOCTYPE html>")
    r = run("-p", str(synthetic_graph_dir), "export", "report", "-o", "report.pdf")
    assert r.exit_code == 1 and "cannot tell the format" in r.stderr
