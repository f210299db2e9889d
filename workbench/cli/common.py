"""What every command shares: the project it works on, who is coding, where output goes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from workbench.core.errors import UserError

if TYPE_CHECKING:
    from workbench.store.api import Project
    from workbench.store.core import ProjectCore
    from workbench.store.viewer import CoderView

BINARY_FORMATS = {"docx", "xlsx", "png", "qdpx", "qdc_zip", "pdf"}


@dataclass
class Context:
    project_dir: Path
    db: str | None
    coder_option: str | None

    def open(self) -> Project:
        """The project named by -p/--db (one factory for CLI, TUI and tests)."""
        from workbench.store.api import Project

        project = Project.open(self.project_dir, self.db)
        if project.is_sqlite:
            warn_if_synced(project.folder)
        return project

    def open_reader(self) -> ProjectCore:
        """The project's core without its stores, for read-only commands on the start-up path
        (`status`): importing every store module costs a tenth of a second they do not need."""
        from workbench.store.core import ProjectCore

        project = ProjectCore.open(self.project_dir, self.db)
        if project.is_sqlite:
            warn_if_synced(project.folder)
        return project

    def server_url(self) -> str | None:
        """The PostgreSQL URL this command works on (--db, then WORKBENCH_DB), or None for SQLite."""
        url = self.db or os.environ.get("WORKBENCH_DB")
        return url if url and url.split(":", 1)[0].split("+", 1)[0] == "postgresql" else None

    def coder(self, required: bool = True) -> str:
        """Who is working in this command: --coder, then the server login, then WORKBENCH_CODER.

        Identity belongs to the session: no name is ever read from a machine-wide setting, so one
        person's answer to the app's prompt cannot make every later command run as them. On a
        PostgreSQL server the login is the coder (--coder may still name another, e.g. the consensus
        coder for a reconciler: the server's row-level security decides)."""
        if not self.coder_option and self.server_url():
            from workbench.store.server import database_user

            return database_user(self.server_url() or "")
        name = self.coder_option or os.environ.get("WORKBENCH_CODER") or ""
        if not name and required:
            raise UserError("who is coding? give --coder NAME (before the command) or set WORKBENCH_CODER")
        return name

    def viewer(self, project: Project) -> CoderView:
        """The coder-scoped view every command that shows codings reads through (store/viewer.py)."""
        return project.viewer(self.coder(required=False) or None)


def tell_scope(provenance: dict[str, object]) -> None:
    """Say on stderr when the blind rule narrowed what a command shows, so an export is never
    silently someone's own codings only (its provenance says so too)."""
    if provenance.get("blind"):
        click.echo(f"workbench: blind coding is on: showing only the codings of {provenance.get('coders')}",
                   err=True)


_warned_synced: set[str] = set()


def warn_if_synced(folder: Path | None) -> None:
    """Once per folder and run: a project inside OneDrive/Dropbox/… gets a warning pointing to merge."""
    from workbench.core.synced import synced_warning

    if folder is None or str(folder) in _warned_synced:
        return
    message = synced_warning(folder.resolve())
    if message:
        _warned_synced.add(str(folder))
        click.echo(f"workbench: {message}", err=True)


pass_ctx = click.make_pass_decorator(Context)


def output_options(formats: tuple[str, ...], default: str | None = None) -> Callable[[Any], Any]:
    """`-o FILE` and `--format`: format from the extension unless --format says (DESIGN.md)."""

    def decorate(f: Any) -> Any:
        f = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                         help="File to write (default: stdout for text, exports/ for binary formats).")(f)
        f = click.option("--format", "fmt", type=click.Choice(formats), default=None,
                         help=f"One of {', '.join(formats)} (default: from the file's extension"
                              f"{', else ' + default if default else ''}).")(f)
        return f

    return decorate


def choose_format(output: Path | None, fmt: str | None, formats: tuple[str, ...], default: str) -> str:
    if fmt:
        return fmt
    if output is not None:
        ext = output.suffix.lstrip(".").lower()
        ext = {"yml": "yaml", "markdown": "md", "htm": "html", "ndjson": "jsonl"}.get(ext, ext)
        if ext in formats:
            return ext
        raise UserError(f"cannot tell the format from '{output.name}'; add --format ({', '.join(formats)})")
    return default


@contextmanager
def output_target(ctx: Context, output: Path | None, fmt: str, stem: str) -> Iterator[Path | IO[str]]:
    """Where to write: -o FILE; else stdout for text, the project's exports/ for binary (path printed)."""
    if output is None and fmt not in BINARY_FORMATS:
        yield sys.stdout
        return
    if output is None:
        folder = ctx.project_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        output = folder / f"{stem}.{fmt}"
    if output.parent and not output.parent.exists():
        raise UserError("no such folder", str(output.parent))
    tmp = output.with_name(output.name + ".part")
    try:
        yield tmp
        os.replace(tmp, output)
    finally:
        if tmp.exists():
            tmp.unlink()
    click.echo(f"wrote {output}", err=fmt not in BINARY_FORMATS)


@contextmanager
def binary_target(ctx: Context, output: Path | None, fmt: str, stem: str) -> Iterator[Path]:
    """`output_target` for a binary format (DOCX, XLSX, QDPX …), which always goes to a file."""
    if fmt not in BINARY_FORMATS:
        raise ValueError(f"{fmt} is not a binary format")
    with output_target(ctx, output, fmt, stem) as out:
        assert isinstance(out, Path)  # binary formats never go to stdout (output_target)
        yield out


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on a terminal; silent when stderr is not one (DESIGN.md)."""
    if not sys.stderr.isatty() or total < 1000:
        yield lambda _done: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=min(done, total))


@contextmanager
def busy(label: str) -> Iterator[None]:
    """A spinner on a terminal for work that cannot count its steps (reading a 500,000-row file);
    nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(label):
        yield


class TerminalFeedback:
    """The use cases' `Feedback` on this terminal: rich bars and spinners only when stderr is one."""

    def busy(self, label: str) -> AbstractContextManager[None]:
        return busy(label)

    def progress(self, total: int, label: str) -> AbstractContextManager[Callable[[int], None]]:
        return progress(total, label)

    def note(self, text: str) -> None:
        click.echo(text, err=True)
