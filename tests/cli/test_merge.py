"""`workbench merge`: another copy coded offline comes back in, by UUID, idempotently, conflicts listed."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import update

from workbench.core.model import Coding
from workbench.store import schema as t
from workbench.store.api import Project


@pytest.fixture
def copies(independent_dir: Path, run, tmp_path: Path) -> tuple[Path, Path, Path]:  # type: ignore[no-untyped-def]
    """The office copy, an archive of it, and the laptop copy unzipped from that archive."""
    archive = tmp_path / "laptop.zip"
    result = run("-p", str(independent_dir), "export", "archive", "-o", str(archive))
    assert result.exit_code == 0 and f"wrote {archive}" in result.output
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == ["README.txt", "workbench.db"]
        zf.extractall(laptop)
    return independent_dir, archive, laptop


def snapshot(folder: Path) -> tuple:  # type: ignore[type-arg]
    with Project.open(folder) as p:
        return (sorted(c.uuid for c in p.records.codings()), sorted(s.name for s in p.codebook.get().all_subthemes()),
                sorted((e.key, e.text) for e in p.records.excerpts()), len(p.audit_log()), sorted(p.collab.marks()))


def test_offline_work_comes_in_and_merging_twice_changes_nothing(copies, run) -> None:  # type: ignore[no-untyped-def]
    office, _, laptop = copies
    with Project.open(laptop) as p:
        new = p.records.add_coding(Coding("e005", "Workload", "carla", "challenge", "PSWs", note="offline"))
        p.records.mark_nothing_applies("e006", "carla")
        p.codebook.add_subtheme("Peer networks", "Other", "carla")
        p.records.add_coding(Coding("e007", "Peer networks", "carla", "benefit", "PSWs"))
        removed = next(c for c in p.records.codings(["ben"]) if c.excerpt == "e001")
        p.records.remove_coding(removed.uuid, "ben")
        p.codebook.rename_subtheme("Workload", "Heavy workload", "carla")
    first = run("-p", str(office), "merge", str(laptop))
    assert first.exit_code == 0, first.output
    assert "came in: 1 subtheme, 1 coder, 2 codings, 1 nothing applies" in first.output
    assert "removed (the other copy removed them): 1 coding" in first.output
    assert "updated subtheme Workload: name → 'Heavy workload'" in first.output
    with Project.open(office) as p:
        mine = {c.uuid: c for c in p.records.codings()}
        assert new in mine and mine[new].subtheme == "Heavy workload" and mine[new].note == "offline"
        assert removed.uuid not in mine
        assert ("e006", "carla") in p.collab.marks(["carla"])
        assert p.codebook.get().theme_of("Peer networks") == "Other"
        assert any(e["action"] == "merge" for e in p.audit_log(3))
        assert any(e["action"] == "rename subtheme" and e["actor"] == "carla" for e in p.audit_log())
    before = snapshot(office)
    second = run("-p", str(office), "merge", str(laptop))
    assert second.exit_code == 0 and "came in: nothing new" in second.output
    assert snapshot(office) == before


def test_an_archive_merges_like_a_folder(copies, run) -> None:  # type: ignore[no-untyped-def]
    office, archive, laptop = copies
    with Project.open(laptop) as p:
        p.records.add_coding(Coding("e005", "Workload", "carla", "challenge", "PSWs"))
    zip2 = archive.with_name("back.zip")
    assert run("-p", str(laptop), "export", "archive", "-o", str(zip2)).exit_code == 0
    result = run("-p", str(office), "merge", str(zip2))
    assert result.exit_code == 0 and "1 coder, 1 coding" in result.output
    assert "came in: nothing new" in run("-p", str(office), "merge", str(zip2)).output


def test_conflicts_are_listed_left_alone_and_exit_1(copies, run) -> None:  # type: ignore[no-untyped-def]
    office, _, laptop = copies
    with Project.open(office) as p:
        p.codebook.rename_subtheme("Boundaries", "Friendship boundaries", "amira")
        with p.write() as conn:
            conn.execute(update(t.excerpt).where(t.excerpt.c.key == "e010").values(text="Office wording."))
    with Project.open(laptop) as p:
        p.codebook.rename_subtheme("Boundaries", "Professional boundaries", "ben")
        with p.write() as conn:
            conn.execute(update(t.excerpt).where(t.excerpt.c.key == "e010").values(text="Laptop wording."))
        p.records.add_coding(Coding("e011", "Workload", "carla", "challenge", "PSWs"))
    before = snapshot(office)
    result = run("-p", str(office), "merge", str(laptop))
    assert result.exit_code == 1
    assert ("CONFLICT subtheme Friendship boundaries: name differs — here 'Friendship boundaries', "
            "there 'Professional boundaries'") in result.output
    assert "CONFLICT excerpt e010: text differs — here 'Office wording.', there 'Laptop wording.'" in result.output
    assert "conflicts left for you to settle" in result.output
    with Project.open(office) as p:
        assert "Friendship boundaries" in {s.name for s in p.codebook.get().all_subthemes()}
        assert next(e.text for e in p.records.excerpts() if e.key == "e010") == "Office wording."
        assert "carla" in p.records.coders()  # what does not conflict still comes in
    # settle by hand, merge again: clean
    with Project.open(office) as p:
        p.codebook.rename_subtheme("Friendship boundaries", "Professional boundaries", "amira")
        with p.write() as conn:
            conn.execute(update(t.excerpt).where(t.excerpt.c.key == "e010").values(text="Laptop wording."))
    again = run("-p", str(office), "merge", str(laptop))
    assert again.exit_code == 0 and "CONFLICT" not in again.output
    assert snapshot(office) != before


def test_merge_never_changes_the_other_copy(copies, run) -> None:  # type: ignore[no-untyped-def]
    office, _, laptop = copies
    db = (laptop / "workbench.db").read_bytes()
    run("-p", str(office), "merge", str(laptop))
    assert (laptop / "workbench.db").read_bytes() == db


@pytest.mark.parametrize("kind", ["missing", "not-a-project", "itself", "bad-zip", "two-dbs", "escape", "not-sqlite"])
def test_bad_others_are_user_errors(independent_dir: Path, run, tmp_path: Path, kind: str) -> None:
    other = tmp_path / "other"
    if kind == "not-a-project":
        other.mkdir()
    elif kind == "itself":
        other = independent_dir
    elif kind == "bad-zip":
        other = tmp_path / "x.zip"
        other.write_text("not a zip")
    else:
        other = tmp_path / "x.zip"
        with zipfile.ZipFile(other, "w") as zf:
            if kind == "two-dbs":
                zf.writestr("a/workbench.db", "x")
                zf.writestr("b/workbench.db", "x")
            elif kind == "escape":
                zf.writestr("../../workbench.db", "SQLite format 3\x00")
            elif kind == "not-sqlite":
                zf.writestr("workbench.db", "hello")
    before = snapshot(independent_dir)
    result = run("-p", str(independent_dir), "merge", str(other))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("workbench: ")
    assert snapshot(independent_dir) == before
    assert not (tmp_path.parent / "workbench.db").exists()


def test_merge_from_an_older_copy_with_a_new_subtheme_name_clash(copies, run) -> None:  # type: ignore[no-untyped-def]
    office, _, laptop = copies
    with Project.open(office) as p:
        p.codebook.add_subtheme("Peer networks", None, "amira")
    with Project.open(laptop) as p:
        p.codebook.add_subtheme("Peer networks", None, "ben")
        p.records.add_coding(Coding("e003", "Peer networks", "ben", "benefit", "PSWs"))
    shutil.rmtree(laptop / "exports", ignore_errors=True)
    result = run("-p", str(office), "merge", str(laptop))
    # both made the same name: uuids are the name's uuid5, so they are the same subtheme
    assert result.exit_code == 0, result.output
    assert "1 coding" in result.output
