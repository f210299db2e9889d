"""`export narrative|appendix|checklist` on the bundled example: each agrees with `export table`,
`export codings`, `status` and `agreement`, which are read here as a user would read them."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from workbench.store.api import Project


def table_json(run, folder: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    result = run("-p", str(folder), "export", "table", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def refs_text(refs: list) -> str:  # type: ignore[type-arg]
    return "[" + ", ".join(str(r) for r in refs) + "]"


def sections(md: str, marker: str) -> dict[str, str]:
    """Heading text → the text under it, up to the next heading of the same or a higher level
    (the notes after the closing rule belong to no heading)."""
    md = md.split("\n---\n")[0]
    level = len(marker)
    out: dict[str, str] = {}
    name, lines = None, []  # type: ignore[var-annotated]
    for line in md.splitlines():
        m = re.match(r"^(#+) (.*)$", line)
        if m and len(m.group(1)) <= level:
            if name is not None:
                out[name] = "\n".join(lines)
            name, lines = (m.group(2), []) if len(m.group(1)) == level else (None, [])
            continue
        if name is not None:
            lines.append(line)
    if name is not None:
        out[name] = "\n".join(lines)
    return out


PERSPECTIVE_WORDS = {"PSWs": "PSWs", "Service users": "service users", "Non-peer staff": "non-peer staff",
                     "Peer support group members": "peer support group members",
                     "Mental health organisations": "mental health organisations", "Mixed": "mixed samples"}


def test_every_summarised_cell_appears_under_its_theme_and_perspective(example_dir: Path, run) -> None:
    """Each cell of the table is a paragraph 'Subtheme (valence). summary [refs].' in the subsection of
    its perspective under its theme; benefits come before challenges within a subsection."""
    table = table_json(run, example_dir)
    result = run("-p", str(example_dir), "export", "narrative")
    assert result.exit_code == 0, result.output
    themes = sections(result.output, "##")
    assert list(themes) == [t["name"] for t in table["themes"] if any(s["rows"] for s in t["subthemes"])]
    seen = 0
    for th in table["themes"]:
        subsections = sections(themes.get(th["name"], ""), "###")
        for st in th["subthemes"]:
            for row in st["rows"]:
                for p in row["perspectives"]:
                    body = subsections[f"Perspective of {PERSPECTIVE_WORDS[p['perspective']]}"]
                    lead = f"**{st['name']} ({row['valence']}).**" if row["valence"] else f"**{st['name']}.**"
                    para = next(x for x in body.split("\n\n") if x.strip().startswith(lead))
                    summary = p["summary"].rstrip(".")
                    assert summary.replace("*", "\\*") in para
                    groups = f" ({', '.join(p['groups'])})" if p["groups"] else ""
                    assert f"{summary} {refs_text(p['references'])}{groups}." in para
                    seen += 1
        for body in subsections.values():
            valences = re.findall(r"^\*\*.*? \((benefit|challenge)\)\.\*\*", body, re.M)
            assert valences == sorted(valences), f"challenges before benefits in {th['name']}"
    assert seen == 42


def test_single_source_subthemes_close_each_theme(example_dir: Path, run) -> None:
    table = table_json(run, example_dir)
    themes = sections(run("-p", str(example_dir), "export", "narrative").output, "##")
    for th in table["themes"]:
        single = [f"{st['name']} {refs_text(sorted({r for row in st['rows'] for r in row['references']}))}"
                  for st in th["subthemes"] if len({r for row in st["rows"] for r in row["references"]}) == 1]
        closing = themes[th["name"]].strip().splitlines()[-1]
        if single:
            assert closing == f"*Resting on a single source: {'; '.join(single)}.*"
        else:
            assert closing == "*No subtheme of this theme rests on a single source.*"


def test_missing_and_stale_summaries_are_marked_not_invented(example_dir: Path, run) -> None:
    """A new cell without a summary is a placeholder naming it; a cell whose references changed
    since its summary was written carries † and a note."""
    p = str(example_dir)
    assert run("--coder", "consensus", "-p", p, "code", "e030", "Bridge", "--valence", "benefit",
               "--perspective", "PSWs").exit_code == 0  # e030 is from source 42
    assert run("--coder", "consensus", "-p", p, "code", "e030", "Wellbeing and recovery", "--valence", "benefit",
               "--perspective", "PSWs").exit_code == 0
    out = run("-p", p, "export", "narrative").output
    psws = sections(sections(out, "##")["What the PSW role can bring"], "###")["Perspective of PSWs"]
    assert "**Bridge (benefit).** *[No summary yet: Bridge (benefit); references [42]]*" in psws
    wellbeing = next(x.strip() for x in psws.split("\n\n") if x.strip().startswith("**Wellbeing and recovery (benefit).**"))
    assert wellbeing.endswith("[23, 34, 42, 61]. †")
    assert "Stale summary: Wellbeing and recovery / benefit / PSWs was written for [23, 34, 61]" in out
    assert "1 finding has no summary yet" in out


def test_every_excerpt_of_the_agreed_set_is_quoted_under_its_subtheme(example_dir: Path, run) -> None:
    p = str(example_dir)
    codings = [r for r in csv.DictReader(io.StringIO(run("-p", p, "export", "codings", "--format", "csv").output))
               if r["coder"] == "consensus" and r["perspective"]]
    excerpts = {r["id"]: r for r in csv.DictReader(io.StringIO(run("-p", p, "export", "excerpts").output))}
    result = run("-p", p, "export", "appendix")
    assert result.exit_code == 0, result.output
    subthemes = {name: body for th in sections(result.output, "##").values()
                 for name, body in sections(th, "###").items()}
    for c in codings:
        e = excerpts[c["excerpt"]]
        valence = sections(subthemes[c["subtheme"]], "####")
        cell = next(body for head, body in valence.items() if head.lower().startswith(c["valence"]))
        block = next(body for head, body in sections(cell, "#####").items()
                     if head.startswith(c["perspective"] + " ["))
        assert f"> {' '.join(e['text'].split())}\n>\n> — [{e['source']}] {e['id']}, {e['location']}; coder: consensus" \
            in block, (c["excerpt"], c["subtheme"])
    for name, body in subthemes.items():
        keys = {c["excerpt"] for c in codings if c["subtheme"] == name}
        n = len(keys)
        assert body.strip().splitlines()[0].startswith(f"*{n} excerpt{'s' if n != 1 else ''} from ")


def test_appendix_names_every_coder_when_several_count(example_dir: Path, run) -> None:
    out = run("-p", str(example_dir), "export", "appendix", "--coders", "amira,ben").output
    assert "; coders: amira, ben" in out and "; coder: amira" in out and "; coder: ben" in out
    assert "Provenance: derived from the codings of amira, ben, not from an agreed set." in out


def test_writeups_follow_the_table_for_another_coder(example_dir: Path, run) -> None:
    """With --coders amira the narrative holds exactly the cells of amira's table, with its note."""
    table = table_json(run, example_dir, "--coders", "amira")
    out = run("-p", str(example_dir), "export", "narrative", "--coders", "amira").output
    cells = sum(len(row["perspectives"]) for th in table["themes"] for st in th["subthemes"] for row in st["rows"])
    assert len(re.findall(r"^\*\*[^*]+\.\*\* ", out, re.M)) == cells
    assert "Provenance: derived from the codings of amira, not from an agreed set." in out
    assert run("-p", str(example_dir), "export", "narrative", "--coders", "nobody").exit_code == 1


def test_checklist_figures_equal_status_and_agreement(example_dir: Path, run) -> None:
    p = str(example_dir)
    status = run("-p", p, "status").output
    agree = json.loads(run("-p", p, "agreement", "--format", "json").output)
    result = run("-p", p, "export", "checklist")
    assert result.exit_code == 0, result.output
    out = result.output
    count = {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+) +(\d+)$", status, re.M)}
    assert f"{count['sources']} sources included" in out
    assert f"{count['codings']} codings: each applies one of the codebook's 20 subthemes" in out
    for name, n in re.findall(r"^  (\w+) +(\d+) codings$", status, re.M):
        assert f"{name} ({n} codings on " in out
    assert f"({agree['units']} units)" in out
    words = {"subtheme": "subtheme applies", "valence": "same valence", "perspective": "same perspective"}
    for row in agree["rows"]:
        if row["level"] == "overall":
            kappa = row["kappa"]["amira–ben"]["value"]
            assert (f"Overall, {words[row['measure']]}: α {row['alpha']:.3f}; κ amira–ben {kappa:.3f}; "
                    f"{100 * row['percent_agreement']:.1f}% agreement over {row['units']:,} units.") in out
    assert "Named from a source's own wording: 18; new, named by the team: 2" in out
    rows = {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| .*? \| .*? \| (.*?) \| \|$", out, re.M)}
    assert sorted(rows) == list(range(1, 22))
    assert rows[1] == "" and rows[6] == ""  # the aim and the search are the team's to write
    assert "workbench 0.1.0" in rows[15]


def test_checklist_by_theme_lists_each_theme(example_dir: Path, run) -> None:
    out = run("-p", str(example_dir), "export", "checklist", "--by", "theme").output
    assert "Theme 'Confusion over the PSW role', same valence: α -0.045" in out


def test_a_codebook_with_labels_changes_the_headings(run, tmp_path: Path) -> None:
    """`labels:` in the codebook file a project is made from words the narrative's headings."""
    import yaml

    from workbench.core.example import example_files

    f = example_files()
    book = yaml.safe_load(f["codebook"].read_text(encoding="utf-8"))
    book["labels"] = {"perspective_heading": "Views of {perspective}", "perspective.Mixed": "several groups at once"}
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    folder = tmp_path / "labelled"
    made = run("new", str(folder), "--codebook", str(codebook), "--sources", str(f["sources"]),
               "--excerpts", str(f["excerpts"]), "--codings", str(f["codings"]))
    assert made.exit_code == 0, made.output
    out = run("-p", str(folder), "export", "narrative").output
    assert "### Views of PSWs" in out and "### Views of several groups at once" in out
    assert "Perspective of" not in out and "mixed samples" not in out


def test_the_teams_word_for_perspective_changes_the_default_heading(example_dir: Path, run) -> None:
    with Project.open(example_dir) as project:
        project.set_setting("labels", json.dumps({"perspective": "sample"}), "lead")
    out = run("-p", str(example_dir), "export", "narrative").output
    assert "### Sample of service users" in out and "### Perspective of" not in out


def test_docx_uses_journal_headings_in_codebook_order(example_dir: Path, run, tmp_path: Path) -> None:
    from docx import Document

    table = table_json(run, example_dir)
    out = tmp_path / "results.docx"
    assert run("-p", str(example_dir), "export", "narrative", "-o", str(out)).exit_code == 0
    doc = Document(str(out))
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads[0][0] == "Heading 1"
    assert [t for s, t in heads if s == "Heading 2"] == [t["name"] for t in table["themes"]]
    theme_at = [i for i, (s, _t) in enumerate(heads) if s == "Heading 2"] + [len(heads)]
    order = list(PERSPECTIVE_WORDS.values())
    for a, b in zip(theme_at, theme_at[1:], strict=False):
        persp = [t.removeprefix("Perspective of ") for s, t in heads[a + 1:b]]
        assert all(s == "Heading 3" for s, _t in heads[a + 1:b])
        assert persp == sorted(persp, key=order.index)
    body = [p for p in doc.paragraphs if p.style.name == "Body Text"]
    lead = next(p for p in body if p.text.startswith("Wellbeing and recovery (benefit). "))
    assert lead.runs[0].bold and lead.text.endswith("[23, 34, 61].")
    with zipfile.ZipFile(out) as z:
        xml = (z.read("word/document.xml") + z.read("word/styles.xml")).decode("utf-8")
    assert xml.count("<w:color ") == 0 and xml.count("<w:shd ") == 0  # no colours


def test_appendix_and_checklist_docx_open_in_python_docx(example_dir: Path, run, tmp_path: Path) -> None:
    from docx import Document

    for what in ("appendix", "checklist"):
        out = tmp_path / f"{what}.docx"
        result = run("-p", str(example_dir), "export", what, "-o", str(out))
        assert result.exit_code == 0, result.output
        doc = Document(str(out))
        assert doc.paragraphs[0].style.name == "Heading 1"
    doc = Document(str(tmp_path / "appendix.docx"))
    styles = [p.style.name for p in doc.paragraphs]
    assert styles.count("Quote") == 100  # one per consensus coding with a perspective
    table = Document(str(tmp_path / "checklist.docx")).tables[0]
    assert len(table.rows) == 22 and table.rows[17].cells[1].text == "Coding"


def test_binary_goes_to_exports_and_text_to_stdout(example_dir: Path, run) -> None:
    result = run("-p", str(example_dir), "export", "appendix", "--format", "docx")
    assert result.exit_code == 0
    assert (example_dir / "exports" / "appendix.docx").stat().st_size > 5000
    assert run("-p", str(example_dir), "export", "checklist", "--format", "html").exit_code == 2
    bad = run("-p", str(example_dir), "export", "narrative", "-o", str(example_dir / "results.txt"))
    assert bad.exit_code == 1 and "cannot tell the format" in bad.output


@pytest.mark.parametrize("what", ["narrative", "appendix"])
def test_html_is_standalone_and_escaped(example_dir: Path, run, what: str) -> None:
    p = str(example_dir)
    hostile = "Peers <script>alert(1)</script> & *stars* | pipes."
    assert run("--coder", "lead", "-p", p, "summary", "set", "Bridge", "--valence", "benefit", "--perspective",
               "Mixed", hostile).exit_code == 0
    with Project.open(example_dir) as project, project.write() as conn:
        from sqlalchemy import update

        from workbench.store import schema as t

        conn.execute(update(t.excerpt).where(t.excerpt.c.key == "e001").values(text="<img src=x onerror=1> quoted"))
    html = run("-p", p, "export", what, "--format", "html").output
    assert "<script" not in html and "<img" not in html and "http://" not in html and "https://" not in html
    assert "Content-Security-Policy" in html
    md = run("-p", p, "export", what).output
    assert "<script" not in md and "<img" not in md
    if what == "narrative":
        assert "&lt;script&gt;" in html and "Peers &lt;script&gt;alert(1)&lt;/script&gt; & \\*stars\\* | pipes [64] (" in md


def test_while_blind_a_coder_writes_up_only_their_own_codings(independent_dir: Path, run) -> None:
    p = str(independent_dir)
    appendix = run("--coder", "amira", "-p", p, "export", "appendix").output
    assert "; coder: amira" in appendix and "coder: ben" not in appendix and "coders:" not in appendix
    narrative = run("--coder", "ben", "-p", p, "export", "narrative").output
    assert "Provenance: derived from the codings of ben, not from an agreed set." in narrative
