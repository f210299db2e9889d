"""Reading a .qdpx archive without trusting it.

A .qdpx is a zip that a colleague, a vendor's tool or a stranger made. Nothing in it is extracted
to disk: members are read into memory, by name, after every name in the archive has been checked.
An archive is refused whole, before anything is read, if a member's path climbs out (`../`) or is
absolute (`/etc/…`, `C:\\…`), or if its sizes say it is a zip bomb (too large in total, or one member
inflating far beyond what text and XML compress to). Sizes are enforced again while reading,
because the sizes in a zip's directory are written by whoever made the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from workbench.core.errors import UserError

MAX_TOTAL_BYTES = 2 * 1024**3  # REFI caps one internal file at 2 GiB; a whole project rarely nears it
MAX_MEMBERS = 200_000
MAX_RATIO = 500  # text and XML deflate 2–30×; deflate tops out near 1030× (runs of one byte)
RATIO_FLOOR = 1024 * 1024  # small members may compress absurdly well (a file of spaces); ignore them
_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member_name(name: str) -> str | None:
    """Why a member name is unsafe to honour, or None if it is fine."""
    if "\x00" in name:
        return "contains a NUL character"
    normal = name.replace("\\", "/")
    if normal.startswith("/") or _DRIVE.match(normal):
        return "is an absolute path"
    if any(part == ".." for part in PurePosixPath(normal).parts):
        return "climbs out of the archive (../)"
    return None


@dataclass
class SafeArchive:
    """An opened, checked archive: read members by name (case-insensitive, any folder spelling)."""

    path: Path
    zf: zipfile.ZipFile
    members: dict[str, zipfile.ZipInfo]  # lower-cased, '/'-separated name → entry
    budget: int = MAX_TOTAL_BYTES

    def names(self) -> list[str]:
        return [i.filename for i in self.members.values()]

    def find(self, name: str) -> str | None:
        """The member's real name for `name`, matching case-insensitively ('sources/' or 'Sources/')."""
        info = self.members.get(name.replace("\\", "/").lower())
        return info.filename if info else None

    def read(self, name: str) -> bytes:
        """A member's bytes, refusing to inflate past its declared size or the archive's budget."""
        info = self.members[name.replace("\\", "/").lower()]
        limit = min(info.file_size, self.budget)
        chunks, total = [], 0
        try:
            with self.zf.open(info) as fh:
                while True:
                    chunk = fh.read(1024 * 1024)
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > limit:
                        raise UserError(f"member '{info.filename}' inflates beyond its declared size "
                                        "(a zip bomb?)", str(self.path))
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise UserError(f"damaged archive member '{info.filename}': {e}", str(self.path)) from None
        except RuntimeError as e:  # encrypted members
            raise UserError(f"cannot read '{info.filename}': {e}", str(self.path)) from None
        self.budget -= total
        return b"".join(chunks)

    def stream(self, name: str) -> io.RawIOBase:
        """A member as a file to parse incrementally (a 500 MB project.qde never sits in memory),
        held to the same limits as `read`."""
        return _Limited(self, self.members[name.replace("\\", "/").lower()])

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_archive(path: Path, max_total: int = MAX_TOTAL_BYTES) -> SafeArchive:
    """Open and vet a zip archive; a UserError names the first reason it is refused."""
    if not path.is_file():
        raise UserError("no such file", str(path))
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise UserError("not a zip archive (a .qdpx file is a zip)", str(path)) from None
    except OSError as e:
        raise UserError(f"cannot read: {e.strerror or e}", str(path)) from None
    try:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UserError(f"too many members ({len(infos)}) for a project archive", str(path))
        total = 0
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            why = unsafe_member_name(info.filename)
            if why:
                raise UserError(f"refused: member '{info.filename}' {why}", str(path))
            total += info.file_size
            if total > max_total:
                raise UserError(f"refused: unpacks to more than {max_total // 1024**2} MB (a zip bomb?)", str(path))
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UserError(f"refused: member '{info.filename}' inflates {info.file_size // max(info.compress_size, 1)}"
                                "× (a zip bomb?)", str(path))
            if not info.is_dir():
                members[info.filename.replace("\\", "/").lower()] = info
        return SafeArchive(path, zf, members, max_total)
    except BaseException:
        zf.close()
        raise


class _Limited(io.RawIOBase):
    """A zip member read in chunks, refusing to inflate past its declared size or the archive's budget."""

    def __init__(self, archive: SafeArchive, info: zipfile.ZipInfo) -> None:
        self.archive, self.info = archive, info
        self.limit = min(info.file_size, archive.budget)
        self.total = 0
        try:
            self.fh = archive.zf.open(info)
        except (zipfile.BadZipFile, RuntimeError, OSError) as e:
            raise UserError(f"cannot read '{info.filename}': {e}", str(archive.path)) from None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]  # typeshed's Buffer is 3.12+
        try:
            chunk = self.fh.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise UserError(f"damaged archive member '{self.info.filename}': {e}", str(self.archive.path)) from None
        self.total += len(chunk)
        if self.total > self.limit:
            raise UserError(f"member '{self.info.filename}' inflates beyond its declared size (a zip bomb?)",
                            str(self.archive.path))
        buffer[:len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self.archive.budget -= self.total
            self.fh.close()
        super().close()
