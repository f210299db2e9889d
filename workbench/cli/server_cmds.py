"""`workbench init-server`, `push` and `pull`: a project on a PostgreSQL server.

The server is named the way every command names its database: `--db postgresql://…` before the
command, or WORKBENCH_DB.
"""

from __future__ import annotations

from pathlib import Path

import click

from workbench.cli.common import Context, pass_ctx
from workbench.core.errors import UserError


def _server(ctx: Context, command: str) -> str:
    url = ctx.server_url()
    if not url:
        raise UserError(f"{command} needs a PostgreSQL server: give --db postgresql://USER@HOST/DATABASE "
                        "before the command, or set WORKBENCH_DB")
    return url


@click.command("init-server")
@click.option("--roles", "prefix", default=None, metavar="PREFIX",
              help="Name the group roles PREFIX_coders, PREFIX_reconcilers, PREFIX_admins "
                   "(default: the database's name).")
@click.option("--add-coder", "coders", multiple=True, metavar="NAME", help="Create a login for a coder (repeatable).")
@click.option("--add-reconciler", "reconcilers", multiple=True, metavar="NAME",
              help="Create a login that may also write the consensus coder's codings.")
@click.option("--add-admin", "admins", multiple=True, metavar="NAME",
              help="Create a login that may do anything in this project (push, merges, settings).")
@click.option("--revoke", multiple=True, metavar="NAME", help="Take a person out of this project's roles.")
@click.option("--no-password", is_flag=True,
              help="Create logins without a password (the site authenticates by certificate, LDAP, peer…).")
@click.option("--list", "show", is_flag=True, help="Afterwards, list who is in the project and as what.")
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also copy this local project folder in (as 'push' does).")
@pass_ctx
def init_server(ctx: Context, prefix: str | None, coders: tuple[str, ...], reconcilers: tuple[str, ...],
                admins: tuple[str, ...], revoke: tuple[str, ...], no_password: bool, show: bool,
                source: Path | None) -> None:
    """Make a PostgreSQL database a project server: schema, roles, row-level security.

    Run it as a login with CREATEROLE that owns the database, or as a superuser (see
    docs/server-admin.md). It creates the database if missing, upgrades its schema, and is safe to
    run again (after upgrading workbench, or to add people). A new login gets a random password,
    printed once: hand it to the person over a safe channel.

    Example: workbench --db postgresql://lead@db.example.org/review init-server --add-coder amira --add-reconciler rita
    """
    from workbench.store.server import init_server as run_init

    url = _server(ctx, "init-server")
    logins = [(n, "coder") for n in coders] + [(n, "reconciler") for n in reconcilers] + \
             [(n, "admin") for n in admins]
    report = run_init(url, prefix, logins, list(revoke), passwords=not no_password)
    click.echo(f"database {report.database}" + (" (created)" if report.created_database else "")
               + f": schema {report.revision}; roles {report.prefix}_coders, {report.prefix}_reconcilers, "
                 f"{report.prefix}_admins; row-level security on coding, nothing_applies, coder, memo, setting")
    for name, kind, password in report.logins:
        click.echo(f"{kind} {name}" + (f": password {password}" if password else ": login ready"))
    for name in report.revoked:
        click.echo(f"revoked {name}")
    if show:
        from workbench.store.engine import make_engine
        from workbench.store.server import members

        engine = make_engine(url)
        try:
            for name, kind in members(engine):
                click.echo(f"  {name:<24} {kind}")
        finally:
            engine.dispose()
    if source is not None:
        _push(ctx, url, source)


def _push(ctx: Context, url: str, folder: Path) -> None:
    from workbench.store.transfer import push as run_push

    report = run_push(folder, url, ctx.coder(required=False))
    click.echo(f"pushed {folder}: {report}")


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@pass_ctx
def push(ctx: Context, folder: Path) -> None:
    """Copy the local project in FOLDER to the server (into an empty database).

    Everything is copied as it is: ids, codings with their coders and times, summaries, the audit
    log. Needs an admin of the project (or a superuser); creates the database if it is missing.

    Example: workbench --db postgresql://lead@db.example.org/review push peer-support
    """
    _push(ctx, _server(ctx, "push"), folder)


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@pass_ctx
def pull(ctx: Context, folder: Path) -> None:
    """Copy the server's project into a new local FOLDER (an SQLite project).

    Any member of the project may pull: for an archive, a backup in a researcher's hands, or to
    code offline and bring the work back with 'workbench merge'.

    Example: workbench --db postgresql://amira@db.example.org/review pull review-copy
    """
    from workbench.store.transfer import pull as run_pull

    url = _server(ctx, "pull")
    report = run_pull(url, folder, ctx.coder(required=False))
    click.echo(f"pulled into {folder}: {report}")
