"""`workbench serve`: the same app in a browser on this machine, through textual-serve.

Each browser tab starts its own `workbench … open` process on the project, so a colleague who
will not open a terminal gets exactly the terminal app. We ship our own page template: the one in
textual-serve loads a web font from the internet, and nothing may leave the machine.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def app_command(project_dir: Path, db: str | None, coder: str | None) -> str:
    """The shell command each browser session runs (textual-serve starts it with a web driver)."""
    args = [sys.executable, "-m", "workbench", "-p", str(project_dir.resolve())]
    if db:
        args += ["--db", db]
    if coder:
        args += ["--coder", coder]
    return shlex.join([*args, "open"])


def where_message(host: str, port: int) -> str:
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    if host in LOOPBACK:
        reach = "only this machine can connect (--host 0.0.0.0 would let others on your network in)"
    else:
        reach = f"listening on {host}: other machines on your network can connect; nothing is encrypted"
    return f"workbench: serving the app at {url} — {reach}. Ctrl+C stops."


def make_server(command: str, host: str, port: int, title: str) -> Any:
    from textual_serve.server import Server

    class WorkbenchServer(Server):
        async def on_startup(self, app: Any) -> None:  # our own line instead of the banner
            print(where_message(self.host, self.port), flush=True)

    return WorkbenchServer(command, host=host, port=port, title=title, templates_path=TEMPLATES)


def serve_app(ctx: Any, host: str, port: int) -> None:
    from workbench.core.errors import UserError

    if not 0 < port < 65536:
        raise UserError(f"--port must be between 1 and 65535, not {port}")
    coder = ctx.coder(required=False) or None
    command = app_command(ctx.project_dir, ctx.db, coder)
    make_server(command, host, port, f"workbench — {ctx.project_dir.name}").serve()
