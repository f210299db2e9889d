"""`workbench open` (also bare `workbench`) and `workbench serve`: the app in a terminal or a browser."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from workbench.cli.common import Context, pass_ctx

if TYPE_CHECKING:
    from workbench.store.api import Project
    from workbench.tui.app import WorkbenchApp


@click.command("open")
@click.option("--high-contrast", is_flag=True, help="Start with the high-contrast colours (F6 toggles them).")
@pass_ctx
def open_app(ctx: Context, high_contrast: bool) -> None:
    """Open the terminal app on the project: code, group, compare perspectives, write summaries, export.

    The coder name comes from --coder, then WORKBENCH_CODER (or the server login); else the app asks,
    offering the name you gave last time on this project.

    Example: workbench -p peer-support --coder amira open
    """
    project = ctx.open()
    try:
        app = build_app(ctx, project, high_contrast)
        app.run()
    finally:
        project.close()
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)


def build_app(ctx: Context, project: Project, high_contrast: bool = False) -> WorkbenchApp:
    """The app as `open` runs it (the benchmark times exactly this path)."""
    from workbench.settings import project_key, remember_coder, remembered_coder
    from workbench.tui.app import make_app

    label = project.setting("name") or ctx.project_dir.name
    key = project_key(project.folder, None if project.is_sqlite else str(project.engine.url))
    return make_app(project, ctx.coder(required=False) or None, label, high_contrast=high_contrast,
                    save_coder=lambda name: remember_coder(key, name), remembered_coder=remembered_coder(key))


@click.command()
@click.option("--port", type=int, default=8000, show_default=True, help="The port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; the default lets only this machine connect. Any other needs "
                   "--certfile/--keyfile or --insecure.")
@click.option("--coder", "coders", multiple=True, metavar="NAME",
              help="Print a link of its own for this coder (repeatable); without, one link asks in each browser.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Another host name browsers may use to reach this server (repeatable).")
@click.option("--certfile", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="TLS certificate (PEM), for --host beyond this machine.")
@click.option("--keyfile", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The certificate's private key (PEM).")
@click.option("--insecure", is_flag=True, help="Serve beyond this machine without TLS (everything in the clear).")
@pass_ctx
def serve(ctx: Context, port: int, host: str, coders: tuple[str, ...], allow_hosts: tuple[str, ...],
          certfile: Path | None, keyfile: Path | None, insecure: bool) -> None:
    """Serve the app to a web browser, for colleagues who will not open a terminal.

    Prints a link carrying a secret made for this launch: only a browser given the link can open
    the app. Each browser tab runs its own copy of the app, asks who is coding and remembers the
    answer in that browser; `--coder NAME` instead prints one link per coder, which codes as them.
    Every page resource is served locally, so nothing leaves the machine (docs/tui.md).

    Example: workbench -p peer-support serve --coder amira --coder ben
    """
    from workbench.tui.serve import serve_app

    ctx.open().close()  # a wrong folder is a one-line error here, not a broken page later
    names = list(coders) + ([ctx.coder_option] if ctx.coder_option and ctx.coder_option not in coders else [])
    serve_app(ctx, host, port, names, list(allow_hosts), certfile, keyfile, insecure)
