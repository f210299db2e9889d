"""`workbench merge OTHER`: another copy of the project, coded offline, brought in by UUID.

OTHER is a project folder or an archive (a zip holding `workbench.db`, as `workbench export
archive` writes). Either way its database is first copied to a scratch folder — with SQLite's
backup API for a folder — so the other copy is never changed, not even by a schema upgrade, and
a zip's member names never decide where anything is written.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from workbench.core.errors import UserError
from workbench.store.api import Project
from workbench.store.core import ProjectCore
from workbench.store.engine import DB_NAME
from workbench.store.merge_store import MergeReport, snapshot_sqlite

MAX_DB_BYTES = 20 * 1024**3


@contextmanager
def other_copy(path: Path) -> Iterator[Path]:
    """A scratch project folder holding a copy of OTHER's database."""
    if not path.exists():
        raise UserError("no such folder or archive", str(path))
    with tempfile.TemporaryDirectory(prefix="workbench-merge-") as tmp:
        folder = Path(tmp)
        if path.is_dir():
            db = path / DB_NAME
            if not db.is_file():
                raise UserError(f"not a workbench project (no {DB_NAME})", str(path))
            snapshot_sqlite(db, folder / DB_NAME)
        else:
            _extract_db(path, folder / DB_NAME)
        yield folder


def _extract_db(archive: Path, target: Path) -> None:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        raise UserError("not a project folder or a zip archive", str(archive)) from None
    with zf:
        found = [i for i in zf.infolist() if not i.is_dir() and Path(i.filename).name == DB_NAME
                 and len(Path(i.filename).parts) <= 2 and not i.filename.startswith(("/", "\\"))
                 and ".." not in Path(i.filename).parts]
        if len(found) != 1:
            raise UserError(f"the archive must hold exactly one {DB_NAME} (found {len(found)})", str(archive))
        info = found[0]
        if info.file_size > MAX_DB_BYTES:
            raise UserError("the archive's database is implausibly large", str(archive))
        with zf.open(info) as src, target.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
    with target.open("rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise UserError(f"the archive's {DB_NAME} is not a SQLite database", str(archive))


def merge_project(project: Project, other: Path, actor: str) -> MergeReport:
    """Bring OTHER (a folder or an archive of another copy) into `project`, as one transaction."""
    if project.folder is not None and other.is_dir() and other.resolve() == project.folder.resolve():
        raise UserError("that is this project itself", str(other))
    with other_copy(other) as folder:
        theirs = Project.open(folder)
        try:
            return project.collab.merge_from(theirs, actor)
        finally:
            theirs.close()


def report_lines(report: MergeReport) -> list[str]:
    """What came in, what was updated or removed, and each conflict on its own line."""
    lines = []
    came = ", ".join(_count(n, k) for k, n in report.added.items() if n)
    lines.append(f"came in: {came or 'nothing new'}")
    if sum(report.already.values()):
        lines.append("already here: " + ", ".join(f"{n} {k}" for k, n in report.already.items()))
    if sum(report.removed.values()):
        lines.append("removed (the other copy removed them): "
                     + ", ".join(f"{n} {k}" for k, n in report.removed.items()))
    lines += [f"updated {u}" for u in report.updated]
    if sum(report.waiting.values()):
        lines.append("held back until the conflicts are settled: "
                     + ", ".join(f"{n} {k}" for k, n in report.waiting.items()))
    lines += [f"CONFLICT {c}" for c in report.conflicts]
    return lines


def _count(n: int, noun: str) -> str:
    if n == 1 or noun.endswith("s") or noun == "nothing applies":
        return f"{n} {noun}"
    return f"{n} {noun[:-1]}ies" if noun.endswith("y") else f"{n} {noun}s"


def write_archive(project: ProjectCore, out: Path) -> None:
    """A zip with a consistent copy of the database (and a note on how to use it)."""
    with tempfile.TemporaryDirectory(prefix="workbench-archive-") as tmp:
        db = Path(tmp) / DB_NAME
        project.snapshot(db)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.write(db, DB_NAME)
            zf.writestr("README.txt", "A workbench project archive, written "
                        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC.\n"
                        "Bring it into another copy with:  workbench -p FOLDER merge THIS.zip\n"
                        "Or unzip it into an empty folder and open that folder as a project.\n")
