"""A project on a PostgreSQL server: the database, its roles, and who may write what.

A team spread over several sites cannot share one SQLite file, so the project lives in a database
on a server the team's IT runs. `init_server` makes that database ready, idempotently:

- the schema, by the same Alembic migrations as a local project, owned by the `<prefix>_admins`
  group role (prefix: the database's name unless told otherwise);
- three group roles, nested: `<prefix>_coders` ⊂ `<prefix>_reconcilers` ⊂ `<prefix>_admins`, and
  login roles for people, members of one of them;
- grants per role, and row-level security on `coding`, `nothing_applies`, `coder`, `memo` and
  `setting`: a coder may insert, change or delete only rows whose coder is the login; a
  reconciler also the consensus coder's; an admin anything. Everyone may read everything (blind
  coding is an app setting, not a secret);
- an audit log only the server writes (its time, the login as actor), summaries written by
  reconcilers, and no privilege for a coder to create objects or lock a table: the details, and
  the attack each rule answers, are in store/server_policies.py.

Enforcement lives in the database, not in the app: a coder with `psql` and their password can do
no more than through workbench. The app turns the server's refusal into a one-line `UserError`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Connection, Engine, make_url, text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from workbench.core.errors import UserError
from workbench.store import schema as t
from workbench.store.engine import make_engine, shared_engine
from workbench.store.server_connect import facts_of
from workbench.store.server_policies import GRANTS, KINDS, apply_policies

KIND_OF = {"coder": "coders", "reconciler": "reconcilers", "admin": "admins"}

RECONCILER_TABLES = {table for _privileges, table in GRANTS["reconcilers"]}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$")


def plain_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def check_name(name: str, what: str = "role") -> str:
    if not _NAME.match(name):
        raise UserError(f"'{name}' cannot be a {what} name: use letters, digits, _ . @ - (at most 63), "
                        "starting with a letter")
    return name


def connect_error(url: str, e: Exception) -> UserError:
    """A server that cannot be reached or refuses the login is the user's to fix, not a traceback."""
    lines = [line.strip() for line in str(getattr(e, "orig", e)).strip().splitlines() if line.strip()]
    fatal = next((line.split("FATAL:", 1)[1].strip() for line in lines if "FATAL:" in line), None)
    if fatal:
        detail = next((line[len("DETAIL:"):].strip() for line in lines if line.startswith("DETAIL:")), "")
        reason = fatal + (f" ({detail.rstrip('.')})" if detail else "")
    else:
        reason = re.sub(r"^connection failed: ", "", lines[0] if lines else "cannot connect")
    return UserError(f"cannot connect to the database: {reason}", plain_url(url))


# ----- who is connected ----------------------------------------------------------------------
@lru_cache(maxsize=8)
def database_user(url: str) -> str:
    """`current_user` on the server: on PostgreSQL the coder is the person logged in."""
    engine = shared_engine(url)  # the project opened next reuses this connection
    try:
        with engine.connect() as conn:
            facts = facts_of(conn)
            if facts is not None:  # asked by the connection's start-up statement
                return str(facts["user"])
            return conn.execute(text("SELECT current_user")).scalar_one()
    except OperationalError as e:
        raise connect_error(url, e) from None


def refused(e: DBAPIError, user: str | None = None) -> UserError | None:
    """The server's refusal (SQLSTATE 42501) as one line a coder can act on; None for other errors."""
    orig = getattr(e, "orig", None)
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    diag = getattr(orig, "diag", None)
    primary = (getattr(diag, "message_primary", None) or str(orig)).strip().splitlines()[0]
    who = f"'{user}'" if user else "your database account"
    if primary.startswith("workbench: "):
        return UserError("the server refused: " + primary[len("workbench: "):])
    m = re.search(r'row-level security policy for table "(\w+)"', primary)
    if m:
        return UserError(f"the server refused: {who} may write only their own {m.group(1).replace('_', ' ')} "
                         "rows (a reconciler also the consensus coder's)")
    m = re.search(r"permission denied for (?:table|relation|sequence) (\w+)", primary)
    if m:
        table = m.group(1)
        whose = "a reconciler's or an admin's job" if table in RECONCILER_TABLES else "an admin's job"
        return UserError(f"the server refused: {who} may not change {table.replace('_', ' ')} ({whose}); "
                         "ask the project's administrator")
    return UserError(f"the server refused: {primary}")


# ----- the database itself -------------------------------------------------------------------
def _maintenance_url(url: str) -> str:
    """The same server and login, database `postgres`: where databases are created from."""
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def database_exists(url: str) -> bool:
    """Try the database itself first: a remote admin's pg_hba.conf line often names only the
    project's database, not the `postgres` one that new databases are created from."""
    engine = make_engine(url)
    try:
        with engine.connect():
            return True
    except OperationalError as e:
        if "does not exist" not in str(e.orig):
            raise connect_error(url, e) from None
    finally:
        engine.dispose()
    return False


def create_database(url: str) -> bool:
    """Create the project's database if it is missing (UTF-8, byte-order collation like SQLite's, so
    names sort the same on both). True when it was created."""
    u = make_url(url)
    if not u.database:
        raise UserError("the URL names no database (postgresql://user@host/DATABASE)", plain_url(url))
    if database_exists(url):
        return False
    engine = make_engine(_maintenance_url(url))
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"CREATE DATABASE {_quote(conn, u.database)} TEMPLATE template0 "
                              "ENCODING 'UTF8' LC_COLLATE 'C'"))
    except OperationalError as e:
        raise connect_error(_maintenance_url(url), e) from None
    except ProgrammingError as e:
        raise UserError(f"cannot create database '{u.database}': "
                        f"{str(e.orig).strip().splitlines()[0]}", plain_url(url)) from None
    finally:
        engine.dispose()
    return True


def role_prefix(conn: Connection) -> str | None:
    """The prefix init_server gave this database's roles, or None before it ran."""
    has = conn.execute(text("SELECT 1 FROM pg_proc WHERE proname = 'workbench_role_prefix'")).first()
    return conn.execute(text("SELECT workbench_role_prefix()")).scalar_one() if has else None


def _role_exists(conn: Connection, name: str) -> bool:
    return conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first() is not None


@dataclass
class ServerReport:
    """What init_server did, for the command to print."""

    database: str
    prefix: str
    created_database: bool = False
    revision: str = ""
    logins: list[tuple[str, str, str | None]] = field(default_factory=list)  # (name, kind, new password)
    revoked: list[str] = field(default_factory=list)


def init_server(url: str, prefix: str | None = None, logins: list[tuple[str, str]] | None = None,
                revoke: list[str] | None = None, passwords: bool = True) -> ServerReport:
    """Make the database at `url` a workbench project server (safe to run again: it upgrades the
    schema, re-applies grants and policies, and adds or revokes people)."""
    created = create_database(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            with conn.begin():
                existing = role_prefix(conn)
                prefix = check_name(prefix or existing or make_url(url).database or "", "role prefix")
                if existing and existing != prefix:
                    raise UserError(f"this database's roles already use the prefix '{existing}'")
                _ensure_groups(conn, prefix)
                conn.execute(text(f"ALTER DATABASE {_quote(conn, make_url(url).database or '')} "
                                  f"OWNER TO {_quote(conn, prefix + '_admins')}"))
                _migrate_as(conn, prefix + "_admins")
                apply_policies(conn, prefix, make_url(url).database or "")
                report = ServerReport(make_url(url).database or "", prefix, created,
                                      conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
                for name, kind in logins or []:
                    report.logins.append((name, kind, add_login(conn, prefix, name, kind, passwords)))
                for name in revoke or []:
                    revoke_login(conn, prefix, name)
                    report.revoked.append(name)
        return report
    except DBAPIError as e:
        problem = refused(e)
        if problem is None and getattr(getattr(e, "orig", None), "sqlstate", None) != "42501":
            raise
        raise UserError(f"init-server needs a PostgreSQL superuser (or a role with CREATEROLE that owns "
                        f"the database): {str(e.orig).strip().splitlines()[0]}", plain_url(url)) from None
    finally:
        engine.dispose()


def _ensure_groups(conn: Connection, prefix: str) -> None:
    q = lambda kind: _quote(conn, f"{prefix}_{kind}")  # noqa: E731
    for kind in KINDS:
        if not _role_exists(conn, f"{prefix}_{kind}"):
            conn.execute(text(f"CREATE ROLE {q(kind)} NOLOGIN"))
    # Nested so that membership tests are one pg_has_role call: an admin is also a reconciler and a coder.
    for inner, outer in (("coders", "reconcilers"), ("reconcilers", "admins")):
        if not conn.execute(text("SELECT pg_has_role(:o, :i, 'MEMBER')"),
                            {"o": f"{prefix}_{outer}", "i": f"{prefix}_{inner}"}).scalar_one():
            conn.execute(text(f"GRANT {q(inner)} TO {q(outer)}"))
    me = conn.execute(text("SELECT current_user")).scalar_one()
    if not conn.execute(text("SELECT pg_has_role(current_user, :a, 'MEMBER')"), {"a": f"{prefix}_admins"}).scalar_one():
        conn.execute(text(f"GRANT {q('admins')} TO {_quote(conn, me)}"))


def _migrate_as(conn: Connection, owner: str) -> None:
    """Run the migrations as the admins group, so the tables belong to the project, not to whoever
    happened to run the command (then any admin can upgrade later)."""
    from workbench.store.migrate import upgrade

    def hand_over() -> None:  # tables made earlier (e.g. by a push before init-server) change owner too
        names = [table.name for table in t.metadata.sorted_tables] + ["alembic_version"]
        present = {r[0] for r in conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))}
        for name in names:
            if name in present:
                conn.execute(text(f"ALTER TABLE {_quote(conn, name)} OWNER TO {_quote(conn, owner)}"))

    hand_over()
    conn.execute(text(f"SET LOCAL ROLE {_quote(conn, owner)}"))
    upgrade(conn)
    conn.execute(text("RESET ROLE"))
    hand_over()


# ----- people ----------------------------------------------------------------------------------
def add_login(conn: Connection, prefix: str, name: str, kind: str, password: bool = True) -> str | None:
    """A login role for one person in group `kind`; a new role gets a random password (returned
    once, to hand over) unless the site authenticates otherwise (password=False)."""
    check_name(name)
    group = f"{prefix}_{KIND_OF.get(kind, kind)}"
    if KIND_OF.get(kind, kind) not in KINDS:
        raise UserError(f"unknown kind of account '{kind}' (coder, reconciler or admin)")
    new_password = None
    if not _role_exists(conn, name):
        if password:
            new_password = secrets.token_urlsafe(15)
            from psycopg import sql

            # Utility statements take no bind parameters: psycopg quotes the literal itself.
            statement = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name),
                                                                          sql.Literal(new_password))
            conn.exec_driver_sql(statement.as_string(conn.connection.driver_connection))
        else:
            conn.execute(text(f"CREATE ROLE {_quote(conn, name)} LOGIN"))
    conn.execute(text(f"GRANT {_quote(conn, group)} TO {_quote(conn, name)}"))
    return new_password


def revoke_login(conn: Connection, prefix: str, name: str) -> None:
    """Take a person out of this project's groups (their role and their codings stay)."""
    if not _role_exists(conn, name):
        raise UserError(f"no database role '{name}'")
    for kind in KINDS:
        conn.execute(text(f"REVOKE {_quote(conn, f'{prefix}_{kind}')} FROM {_quote(conn, name)}"))


def members(engine: Engine) -> list[tuple[str, str]]:
    """(login, strongest group) for everyone in this project's groups, by name."""
    with engine.connect() as conn:
        prefix = role_prefix(conn)
        if prefix is None:
            return []
        out = []
        rows = conn.execute(text("SELECT rolname, rolsuper FROM pg_roles WHERE rolcanlogin ORDER BY rolname")).all()
        for name, superuser in rows:
            if superuser:
                out.append((name, "superuser"))
                continue
            for kind in reversed(KINDS):
                member = conn.execute(text("SELECT pg_has_role(:u, :g, 'MEMBER')"),
                                      {"u": name, "g": f"{prefix}_{kind}"}).scalar_one()
                if member:
                    out.append((name, kind.rstrip("s")))
                    break
        return out
