"""Every importer, fed mutated valid files: exit 0/1/2, never a traceback, a refusal changes nothing.

One test per importer family; each draws the format and the mutations (see fuzz_harness.py). An
accepted file is followed by an export of what it brought in, because the fuzzing of issue 16 found
inputs that imported fine and then made the export fail (a NUL in an excerpt, then XLSX).
"""

from __future__ import annotations

from pathlib import Path

from fuzz_harness import (
    check,
    digest,
    fresh_project,
    invoke,
    mutate_bytes,
    mutate_csv,
    mutate_jsonl,
    mutate_text,
    mutate_xlsx,
    mutate_xml,
    mutate_yaml,
    mutate_zip,
    run_import,
)
from hypothesis import given
from hypothesis import strategies as st

MUTATE = {"csv": mutate_csv, "xlsx": mutate_xlsx, "jsonl": mutate_jsonl}


def _export_after(project: Path, folder: Path, *args: str) -> None:
    """What was accepted must export without a traceback (a too-long XLSX cell may be refused)."""
    check(invoke("-p", str(project), *args), f"export after import: {args}")


@given(data=st.data())
def test_record_files(data: st.DataObject, fuzz_template: Path, seeds: dict[str, bytes], scratch) -> None:  # type: ignore[no-untyped-def]
    kind = data.draw(st.sampled_from(["sources", "excerpts", "codings"]), "kind")
    fmt = data.draw(st.sampled_from(["csv", "xlsx", "jsonl"]), "format")
    folder = scratch()
    project = fresh_project(fuzz_template, folder)
    file = folder / f"{kind}.{fmt}"
    file.write_bytes(MUTATE[fmt](data, seeds[f"{kind}.{fmt}"]))
    result = run_import(project, ["import", kind, str(file)], f"import {kind} .{fmt}")
    if result.exit_code == 0:
        _export_after(project, folder, "export", kind, "-o", str(folder / "back.xlsx"))
        _export_after(project, folder, "export", "coding-sheet", "--coder", "amira", "-o", str(folder / "sheet.xlsx"))


@given(data=st.data())
def test_summaries(data: st.DataObject, fuzz_template: Path, seeds: dict[str, bytes], scratch) -> None:  # type: ignore[no-untyped-def]
    name = data.draw(st.sampled_from(["summaries.csv", "summaries-sheet.xlsx", "summaries-sheet.docx"]), "seed")
    raw = seeds[name]
    if name.endswith(".csv"):
        mutated = mutate_csv(data, raw)
    elif name.endswith(".xlsx"):
        mutated = mutate_xlsx(data, raw)
    else:
        mutated = mutate_zip(data, raw, mutate_xml)
    folder = scratch()
    project = fresh_project(fuzz_template, folder)
    file = folder / name
    file.write_bytes(mutated)
    result = run_import(project, ["--coder", "lead", "import", "summaries", str(file)], f"import summaries {name}")
    if result.exit_code == 0:
        _export_after(project, folder, "export", "summaries", "-o", str(folder / "back.docx"))
        _export_after(project, folder, "export", "summaries", "-o", str(folder / "back.xlsx"))


@given(data=st.data())
def test_new_from_files(data: st.DataObject, seeds: dict[str, bytes], scratch) -> None:  # type: ignore[no-untyped-def]
    """`new` with one of its inputs mutated (the codebook included); a refusal leaves no folder."""
    folder = scratch()
    fmt = data.draw(st.sampled_from(["csv", "xlsx", "jsonl"]), "format")
    files = {"codebook": "codebook.yaml", **{k: f"{k}.{fmt}" for k in ("sources", "excerpts", "codings")},
             "summaries": "summaries.csv"}
    which = data.draw(st.sampled_from(sorted(files)), "mutated input")
    for key, name in files.items():
        raw = seeds[name]
        if key == which:
            raw = mutate_yaml(data, raw) if key == "codebook" else MUTATE[name.rsplit(".", 1)[1]](data, raw)
        (folder / name).write_bytes(raw)
    before = digest(folder)
    target = folder / "project"
    result = invoke("new", str(target), *(x for key, name in files.items() for x in (f"--{key}", str(folder / name))))
    check(result, f"new with a mutated {which}")
    if result.exit_code != 0:
        assert not target.exists() and digest(folder) == before, "a refused 'new' left something behind"
    else:
        _export_after(target, folder, "export", "codebook", "-o", str(folder / "back.yaml"))
        _export_after(target, folder, "export", "excerpts", "-o", str(folder / "back.xlsx"))
        _export_after(target, folder, "export", "table", "--format", "md", "-o", str(folder / "table.md"))


@given(data=st.data())
def test_qdpx(data: st.DataObject, fuzz_template: Path, seeds: dict[str, bytes], scratch) -> None:  # type: ignore[no-untyped-def]
    folder = scratch()
    file = folder / "in.qdpx"
    file.write_bytes(mutate_zip(data, seeds["qdpx"], mutate_xml) if data.draw(st.integers(0, 5), "zip") == 0
                     else _mutate_qde(data, seeds["qdpx"]))
    if data.draw(st.booleans(), "into a new project"):
        before = digest(folder)
        target = folder / "project"
        result = invoke("new", str(target), "--qdpx", str(file))
        check(result, "new --qdpx")
        if result.exit_code != 0:
            assert not target.exists() and digest(folder) == before
        else:
            _export_after(target, folder, "export", "qdpx", "-o", str(folder / "back.qdpx"))
    else:
        project = fresh_project(fuzz_template, folder)
        run_import(project, ["import", "qdpx", str(file)], "import qdpx")


def _mutate_qde(data: st.DataObject, raw: bytes) -> bytes:
    import io
    import zipfile

    zin = zipfile.ZipFile(io.BytesIO(raw))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            content = zin.read(name)
            zout.writestr(name, mutate_xml(data, content) if name.endswith(".qde") else content)
    return buf.getvalue()


@given(data=st.data())
def test_coding_sheet(data: st.DataObject, fuzz_template: Path, seeds: dict[str, bytes], scratch) -> None:  # type: ignore[no-untyped-def]
    folder = scratch()
    project = fresh_project(fuzz_template, folder)
    file = folder / "amira.xlsx"
    file.write_bytes(mutate_xlsx(data, seeds["coding-sheet.xlsx"]))
    result = run_import(project, ["--coder", "amira", "import", "codings", str(file)], "import coding sheet")
    if result.exit_code == 0:
        _export_after(project, folder, "export", "codings", "-o", str(folder / "back.xlsx"))


@given(data=st.data())
def test_documents(data: st.DataObject, fuzz_template: Path, seeds: dict[str, bytes], scratch) -> None:  # type: ignore[no-untyped-def]
    name = data.draw(st.sampled_from(["document.txt", "document.docx", "document.pdf"]), "seed")
    raw = seeds[name]
    if name.endswith(".txt"):
        mutated = mutate_text(data, raw)
    elif name.endswith(".docx"):
        mutated = mutate_zip(data, raw, mutate_xml)
    else:
        mutated = mutate_bytes(data, raw) if data.draw(st.booleans(), "bytes") else mutate_text(data, raw)
    folder = scratch()
    project = fresh_project(fuzz_template, folder)
    file = folder / name
    file.write_bytes(mutated)
    split = data.draw(st.sampled_from(["none", "paragraph", "sentence"]), "split")
    result = run_import(project, ["import", "document", "--source", "23", "--split", split, str(file)],
                        f"import document {name}")
    if result.exit_code == 0:
        _export_after(project, folder, "export", "excerpts", "-o", str(folder / "back.xlsx"))


@given(data=st.data())
def test_bibliographies(data: st.DataObject, fuzz_template: Path, seeds: dict[str, bytes], scratch) -> None:  # type: ignore[no-untyped-def]
    name = data.draw(st.sampled_from(["library.ris", "library.bib"]), "seed")
    folder = scratch()
    project = fresh_project(fuzz_template, folder)
    file = folder / name
    file.write_bytes(mutate_text(data, seeds[name]))
    result = run_import(project, ["import", "sources", str(file)], f"import sources {name}")
    if result.exit_code == 0:
        _export_after(project, folder, "export", "sources", "-o", str(folder / "back.xlsx"))
