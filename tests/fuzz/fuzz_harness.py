"""What the fuzz tests share: seed files, the mutations, hostile values and the one check.

A case takes a valid file workbench wrote itself, mutates it the way real files go wrong (a value
copied to another row — the same uuid twice —, a hostile text, a value of the wrong type, a row or
column lost, bytes cut or flipped, a zip member damaged) and runs the real command in process.
The check is the contract of DESIGN.md: exit 0, 1 or 2; never a traceback; a refused file changes
the project not at all (every file of the folder hashed before and after).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import traceback
import zipfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from hypothesis import strategies as st

from workbench.cli import cli

# ----- hostile values ---------------------------------------------------------------------------
SPECIAL = ["", " ", "\x00", "\r", "\n", "\r\n", "\t=1+2", "=1+2", "+1", "-1", "@SUM(A1)", "'", "'=x",
           "\u2028", "\u2029", "\x85", "\u202e", "\U0001f600", "<script>alert(1)</script>", "1.5", "-5", "0",
           "99999999999999999999", "NaN", "true", "null", "\x0b", "\x1f", "\x7f", "\x9f", "_x0000_",
           "\ufeff", "\ufffe", "../../etc/passwd", "{", "]", "%s", "e001", "Boundaries", "PSWs", "benefit", "23",
           "11111111-2222-4333-8444-555555555555", "x" * 40_000]
HOSTILE_TEXT = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=24),
                         st.text(st.characters(codec="utf-8"), max_size=8).map(lambda s: "=" + s))
JSON_VALUE = st.one_of(HOSTILE_TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
                       st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                               max_size=2),
                       st.sampled_from(["\ud800", "a\udfffb"]))
CELL_VALUE = st.one_of(HOSTILE_TEXT.map(lambda s: s.replace("\x00", "")), st.integers(-10**6, 10**6),
                       st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none())


# ----- running a case ---------------------------------------------------------------------------
def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True)


def check(result: Result, what: str) -> None:
    """The contract: exit 0/1/2, no traceback, and a refusal that says something."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        tb = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"{what}: traceback\n{tb}")
    out = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code in (0, 1, 2), (what, result.exit_code, out)
    assert "Traceback" not in out, (what, out)
    if result.exit_code == 1:
        assert result.stderr.strip(), (what, "exit 1 without a line on stderr")


def run_import(project: Path, args: list[str], what: str) -> Result:
    """Run an import into `project`; if refused, the project must be byte-identical."""
    before = digest(project)
    result = invoke("-p", str(project), *args)
    check(result, what)
    if result.exit_code != 0:
        assert digest(project) == before, f"{what}: refused (exit {result.exit_code}) but the project changed"
    return result


def fresh_project(template: Path, folder: Path) -> Path:
    target = folder / "project"
    shutil.copytree(template, target)
    return target


# ----- seeds ------------------------------------------------------------------------------------
class Seeds(dict[str, bytes]):
    """The seed files by name (a short repr: hypothesis prints the arguments of a failing case)."""

    def __repr__(self) -> str:
        return f"<seeds: {', '.join(self)}>"


def make_seeds(project: Path, out: Path) -> Seeds:
    """Every input kind, as workbench exports it from the example project (plus small documents)."""
    from docx import Document

    seeds = Seeds()
    exports = [("codebook.yaml", ["export", "codebook"]), ("qdpx", ["export", "qdpx"]),
               ("summaries-sheet.xlsx", ["export", "summaries"]), ("summaries-sheet.docx", ["export", "summaries"]),
               ("coding-sheet.xlsx", ["export", "coding-sheet", "--coder", "amira"])]
    exports += [(f"{kind}.{fmt}", ["export", kind]) for kind in ("sources", "excerpts", "codings")
                for fmt in ("csv", "xlsx", "jsonl")]
    exports.append(("summaries.csv", ["export", "summaries"]))  # XLSX/DOCX are the editing sheets
    for name, args in exports:
        target = out / (name if "." in name else f"project.{name}")
        result = invoke("-p", str(project), *args, "-o", str(target))
        assert result.exit_code == 0, (name, result.output)
        seeds[name] = target.read_bytes()
    seeds["document.txt"] = (b"Peer workers said the role helped their recovery.\n\n"
                             b"Boundaries were hard to keep.\n")
    doc = Document()
    for p in ("Peer workers said the role helped.", "Boundaries were hard to keep."):
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    seeds["document.docx"] = buf.getvalue()
    seeds["document.pdf"] = minimal_pdf(b"BT /F1 12 Tf 72 712 Td (Peer workers said the role helped.) Tj ET")
    fixtures = Path(__file__).parent.parent / "fixtures" / "bib"
    seeds["library.ris"] = (fixtures / "library.ris").read_bytes()[:6000]
    seeds["library.bib"] = (fixtures / "library.bib").read_bytes()[:6000]
    return seeds


def minimal_pdf(stream: bytes, filter_name: bytes = b"") -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
               b"<< /Length %d%s >>\nstream\n" % (len(stream), filter_name) + stream + b"\nendstream"]
    body, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return body + b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref


# ----- mutations --------------------------------------------------------------------------------
def mutate_bytes(data: st.DataObject, raw: bytes) -> bytes:
    """Damage at the byte level: cut, flip, insert, or re-encode."""
    op = data.draw(st.sampled_from(["cut", "flip", "insert", "utf16", "latin1", "bom", "nothing"]), "byte op")
    if not raw or op == "nothing":
        return raw
    at = data.draw(st.integers(0, len(raw) - 1), "at")
    if op == "cut":
        return raw[:at]
    if op == "flip":
        return raw[:at] + bytes([raw[at] ^ data.draw(st.integers(1, 255), "mask")]) + raw[at + 1:]
    if op == "insert":
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=8), "bytes") + raw[at:]
    text = raw.decode("utf-8", "replace")
    if op == "utf16":
        return text.encode("utf-16")
    if op == "latin1":
        return text.encode("latin-1", "replace")
    return b"\xef\xbb\xbf" + raw


def mutate_table(data: st.DataObject, rows: list[list[Any]], value: st.SearchStrategy[Any]) -> list[list[Any]]:
    """Row/column mutations on a grid (header = rows[0]); a few in a row."""
    rows = [list(r) for r in rows]
    for _ in range(data.draw(st.integers(1, 3), "ops")):
        op = data.draw(st.sampled_from(["set", "copy", "copy", "dup_row", "del_row", "del_col", "add_col",
                                        "header"]), "op")
        if len(rows) < 2 or not rows[0]:
            break
        r = data.draw(st.integers(1, len(rows) - 1), "row")
        c = data.draw(st.integers(0, max(len(rows[r]), 1) - 1), "col")
        if op == "set" and rows[r]:
            rows[r][c] = data.draw(value, "value")
        elif op == "copy" and len(rows) > 2 and rows[r]:  # the same uuid/id/name on two rows
            other = data.draw(st.integers(1, len(rows) - 1), "from")
            if c < len(rows[other]):
                rows[r][c] = rows[other][c]
        elif op == "dup_row":
            rows.insert(r, list(rows[r]))
        elif op == "del_row":
            del rows[r]
        elif op == "del_col":
            for row in rows:
                if c < len(row):
                    del row[c]
        elif op == "add_col":
            rows[0].append(data.draw(st.sampled_from(["uuid", "start", "end", "note", "extra", "id", ""]), "name"))
            for row in rows[1:]:
                row.append(data.draw(value, "value"))
        else:
            rows[0][c] = data.draw(st.sampled_from(["", "ID", " text ", "uuid", "subtheme", "start"]), "head")
    return rows


def mutate_csv(data: st.DataObject, raw: bytes) -> bytes:
    rows: list[list[Any]] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    rows = mutate_table(data, rows, HOSTILE_TEXT.map(lambda s: s.replace("\x00", "")))
    buf = io.StringIO()
    csv.writer(buf, lineterminator=data.draw(st.sampled_from(["\n", "\r\n"]), "eol")).writerows(rows)
    out = buf.getvalue().encode("utf-8")
    return mutate_bytes(data, out) if data.draw(st.booleans(), "bytes too") else out


def mutate_jsonl(data: st.DataObject, raw: bytes) -> bytes:
    objs = [json.loads(line) for line in raw.decode("utf-8").split("\n") if line.strip()]
    header = list(objs[0])
    rows = mutate_table(data, [header] + [[o.get(k) for k in header] for o in objs], JSON_VALUE)
    lines = [json.dumps(dict(zip(rows[0], r, strict=False)), ensure_ascii=data.draw(st.booleans(), "ascii"))
             for r in rows[1:]]
    if data.draw(st.booleans(), "odd line"):
        lines.insert(data.draw(st.integers(0, len(lines)), "at"),
                     data.draw(st.sampled_from(["[1, 2]", "{", "\"text\"", "", "{\"id\": \"\\u2028\"}", "null"])))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def mutate_xlsx(data: st.DataObject, raw: bytes) -> bytes:
    from openpyxl import Workbook, load_workbook

    if data.draw(st.integers(0, 3), "zip damage") == 0:
        return mutate_zip(data, raw)
    wb = load_workbook(io.BytesIO(raw))
    ws = wb.worksheets[data.draw(st.integers(0, len(wb.worksheets) - 1), "sheet")]
    rows = mutate_table(data, [list(r) for r in ws.iter_rows(values_only=True)], CELL_VALUE)
    ws.delete_rows(1, ws.max_row)
    for r in rows:  # as Excel saves what XML cannot hold: _xHHHH_
        ws.append([_NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", v) if isinstance(v, str) else v
                   for v in r])
    buf = io.BytesIO()
    (wb if wb.worksheets else Workbook()).save(buf)
    return buf.getvalue()


def mutate_zip(data: st.DataObject, raw: bytes, text_mutation: Any = None) -> bytes:
    """Damage one member of a zip (an XLSX, DOCX or QDPX), or drop it, or mutate its text."""
    zin = zipfile.ZipFile(io.BytesIO(raw))
    names = zin.namelist()
    target = data.draw(st.sampled_from(names), "member")
    op = data.draw(st.sampled_from(["bytes", "drop", "text"] if text_mutation else ["bytes", "drop"]), "zip op")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in names:
            content = zin.read(name)
            if name == target:
                if op == "drop":
                    continue
                content = text_mutation(data, content) if op == "text" else mutate_bytes(data, content)
            zout.writestr(name, content)
    return buf.getvalue()


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_ELEMENT = re.compile(rb"<(Note|PlainTextSelection|Coding|Code|TextSource|User)\b[^>]*?(/>|>.*?</\1>)", re.S)


def mutate_xml(data: st.DataObject, raw: bytes) -> bytes:
    """An attribute set to a hostile or another attribute's value, an element doubled, or bytes."""
    for _ in range(data.draw(st.integers(1, 3), "xml ops")):
        op = data.draw(st.sampled_from(["attr", "copy_attr", "dup", "bytes"]), "xml op")
        attrs = list(_ATTR.finditer(raw))
        if op in ("attr", "copy_attr") and attrs:
            m = attrs[data.draw(st.integers(0, len(attrs) - 1), "attr")]
            if op == "attr":
                value = data.draw(st.one_of(HOSTILE_TEXT, st.sampled_from(["1.5", "-3", "", "1e9", " 7 ", "0x10"])))
                new = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").encode("utf-8", "replace")
            else:
                new = attrs[data.draw(st.integers(0, len(attrs) - 1), "from")].group(2)
            raw = raw[:m.start(2)] + new + raw[m.end(2):]
        elif op == "dup":
            elements = list(_ELEMENT.finditer(raw))
            if elements:
                m = elements[data.draw(st.integers(0, len(elements) - 1), "element")]
                raw = raw[:m.end()] + m.group() + raw[m.end():]
        else:
            raw = mutate_bytes(data, raw)
    return raw


def mutate_yaml(data: st.DataObject, raw: bytes) -> bytes:
    """A codebook's tree mutated: values of hostile content or type, ids copied, items doubled."""
    if data.draw(st.integers(0, 4), "raw") == 0:
        return mutate_bytes(data, raw)
    doc = yaml.safe_load(raw)
    nodes: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                nodes.append((node, k))
                walk(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                nodes.append((node, i))
                walk(v)

    walk(doc)
    ids = [(parent, key) for parent, key in nodes if key == "id"]
    for _ in range(data.draw(st.integers(1, 3), "yaml ops")):
        op = data.draw(st.sampled_from(["set", "copy_id", "dup", "drop"]), "yaml op")
        parent, key = nodes[data.draw(st.integers(0, len(nodes) - 1), "node")]
        if op == "set":
            parent[key] = data.draw(st.one_of(HOSTILE_TEXT.map(lambda s: s.replace("\x00", "")), JSON_VALUE.filter(
                lambda v: not (isinstance(v, str) and re.search("[\ud800-\udfff]", v)))), "value")
        elif op == "copy_id" and len(ids) > 1:
            (p1, k1), (p2, k2) = ids[data.draw(st.integers(0, len(ids) - 1))], ids[data.draw(st.integers(0, len(ids) - 1))]
            p1[k1] = p2[k2]
        elif op == "dup" and isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
        elif op == "drop":
            del parent[key]
            break  # indices of later nodes moved
    return yaml.safe_dump(doc, allow_unicode=data.draw(st.booleans(), "unicode")).encode("utf-8")


def mutate_text(data: st.DataObject, raw: bytes) -> bytes:
    """For line formats (RIS, BibTeX, plain text): lines doubled, dropped or set hostile, or bytes."""
    lines = raw.decode("utf-8", "replace").split("\n")
    for _ in range(data.draw(st.integers(1, 3), "line ops")):
        i = data.draw(st.integers(0, len(lines) - 1), "line")
        op = data.draw(st.sampled_from(["set", "dup", "drop", "append"]), "line op")
        if op == "set":
            lines[i] = data.draw(HOSTILE_TEXT, "value")
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "drop" and len(lines) > 1:
            del lines[i]
        else:
            lines[i] += data.draw(HOSTILE_TEXT, "value")
    out = "\n".join(lines).encode("utf-8", "replace")
    return mutate_bytes(data, out) if data.draw(st.booleans(), "bytes too") else out
