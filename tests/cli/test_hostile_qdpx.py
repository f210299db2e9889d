"""Hostile or broken .qdpx files: one clear line on stderr, exit status 1, nothing written.

Each archive is checked twice: as `workbench new DIR --qdpx` (no folder may appear) and as
`workbench import qdpx` into the example project (its counts and audit log must not move).
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.core.errors import UserError
from workbench.formats.refi.safezip import open_archive
from workbench.store.api import Project

SOURCE = "0a0a0a0a-0000-4000-8000-000000000001"


def qde(codes: str = '<Code guid="0b0b0b0b-0000-4000-8000-000000000001" name="Hope" isCodable="true"/>',
        head: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>{head}\n'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="x">'
            f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
            f'<Sources><TextSource guid="{SOURCE}" name="s" plainTextPath="internal://{SOURCE}.txt">'
            '<PlainTextSelection guid="0c0c0c0c-0000-4000-8000-000000000001" startPosition="0" endPosition="4">'
            '<Coding guid="0d0d0d0d-0000-4000-8000-000000000001"><CodeRef targetGUID="0b0b0b0b-0000-4000-8000-000000000001"/>'
            "</Coding></PlainTextSelection></TextSource></Sources></Project>")


def archive(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def valid(extra: dict[str, bytes | str] | None = None, project: str | None = None) -> dict[str, bytes | str]:
    return {"project.qde": project or qde(), f"sources/{SOURCE}.txt": "Hope is what peers gave.", **(extra or {})}


def patch_declared_size(path: Path, member: str, size: int) -> Path:
    """Rewrite the uncompressed size a zip's central directory states for `member` (a lying header)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02" + b"\x00" * 0, 0)
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len].decode() == member:
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


BOMB_ENTITIES = ('<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                 '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
XXE = '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
DEEP = '<Code guid="0b0b0b0b-0000-4000-8000-000000000002" name="n" isCodable="true">' * 70 + "</Code>" * 70

CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "climbing path": (lambda p: archive(p, valid({"../../evil.txt": "x"})), "climbs out"),
    "absolute path": (lambda p: archive(p, valid({"/tmp/evil.txt": "x"})), "absolute path"),
    "drive path": (lambda p: archive(p, valid({"C:\\Windows\\evil.txt": "x"})), "absolute path"),
    "zip bomb (ratio)": (lambda p: archive(p, valid({"sources/bomb.txt": b"\0" * 8_000_000})), "zip bomb"),
    "zip bomb (declared size)": (lambda p: patch_declared_size(
        archive(p, valid()), f"sources/{SOURCE}.txt", 0xFFFFFFF0), "zip bomb"),
    "lying header": (lambda p: patch_declared_size(archive(p, valid()), "project.qde", 40), "damaged"),
    "entity bomb": (lambda p: archive(p, valid(project=qde(
        '<Code guid="0b0b0b0b-0000-4000-8000-000000000001" name="&d;" isCodable="true"/>', BOMB_ENTITIES))),
                    "DTD or entities"),
    "external entity": (lambda p: archive(p, valid(project=qde(
        '<Code guid="0b0b0b0b-0000-4000-8000-000000000001" name="&x;" isCodable="true"/>', XXE))),
                        "DTD or entities"),
    "not the schema": (lambda p: archive(p, valid(project=qde('<Code name="no guid" isCodable="true"/>'))),
                       "not a valid REFI-QDA project"),
    "not XML": (lambda p: archive(p, valid(project="this is not <xml")), "malformed XML"),
    "a codebook, not a project": (lambda p: archive(p, valid(project='<CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
                                                                      "<Codes/></CodeBook>")), "root element"),
    "unknown namespace": (lambda p: archive(p, valid(project=qde().replace("project:1.0", "project:9.9"))),
                          "unknown namespace"),
    "codes nested too deep": (lambda p: archive(p, valid(project=qde(DEEP))), "nested more than"),
    "text not UTF-8": (lambda p: archive(p, {**valid(), f"sources/{SOURCE}.txt": "Hope é".encode("latin-1")}),
                       "not UTF-8"),
    "not a zip": (lambda p: (p.write_bytes(b"PK but not really a zip"), p)[1], "not a zip archive"),
    "no project file": (lambda p: archive(p, {"sources/a.txt": "x"}), "no project file"),
    "two project files": (lambda p: archive(p, {**valid(), "other/project.qde": qde()}), "several project files"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_new_refuses_and_leaves_no_folder(case: str, tmp_path: Path, run) -> None:
    make, words = CASES[case]
    bad = make(tmp_path / "bad.qdpx")
    target = tmp_path / "project"
    result = run("new", str(target), "--qdpx", str(bad))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: ") and words in lines[0], lines
    assert "Traceback" not in result.output
    assert not target.exists() and not list(tmp_path.glob(".project*"))


@pytest.mark.parametrize("case", ["climbing path", "zip bomb (ratio)", "entity bomb", "not the schema",
                                  "text not UTF-8"])
def test_import_refuses_and_changes_nothing(case: str, tmp_path: Path, example_dir: Path, run) -> None:
    with Project.open(example_dir) as p:
        before = (p.counts(), len(p.audit_log()))
    bad = CASES[case][0](tmp_path / "bad.qdpx")
    result = run("-p", str(example_dir), "import", "qdpx", str(bad))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    with Project.open(example_dir) as p:
        assert (p.counts(), len(p.audit_log())) == before


def test_the_archive_limit_is_a_parameter(tmp_path: Path) -> None:
    text = " ".join(f"word{i}" for i in range(200_000))  # 1.4 MB that compresses like text
    path = archive(tmp_path / "ok.qdpx", valid({"sources/big.txt": text}))
    with open_archive(path) as a:
        assert a.find(f"SOURCES/{SOURCE}.TXT") == f"sources/{SOURCE}.txt"
    with pytest.raises(UserError, match="more than 1 MB"):
        open_archive(path, max_total=1024**2)
