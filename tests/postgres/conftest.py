"""PostgreSQL fixtures: a fresh database per test on the server named by WORKBENCH_TEST_PG.

WORKBENCH_TEST_PG is a superuser URL (`.ci/postgres.sh` starts a throwaway server and sets it).
Without one the server tests are skipped on a developer's machine but FAIL under CI=true: a CI
run that quietly skipped them would prove nothing about PostgreSQL.

Each test gets its own database (and, for permission tests, its own roles, prefixed with the
database's name), dropped afterwards, so tests can run in parallel (pytest -n) on one server.
The example project is pushed once per worker into a template database; a test's database is a
copy of it (CREATE DATABASE … TEMPLATE), which takes a fraction of a second.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

ENV = "WORKBENCH_TEST_PG"


def _with_db(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _admin_engine(url: str):  # type: ignore[no-untyped-def]
    from workbench.store.engine import make_engine

    return make_engine(_with_db(url, "postgres")).execution_options(isolation_level="AUTOCOMMIT")


def _create(url: str, name: str, template: str = "template0") -> str:
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\' LC_COLLATE \'C\''
                              if template == "template0" else f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    finally:
        engine.dispose()
    return _with_db(url, name)


def _drop(url: str, name: str) -> None:
    engine = _admin_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for (role,) in conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
                                        {"p": name + "\\_%"}).all():
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The superuser URL of a reachable server (fails under CI=true when there is none)."""
    url = os.environ.get(ENV, "")
    problem = ""
    if not url:
        problem = f"{ENV} is not set (run the tests through .ci/run or: bash .ci/postgres.sh python3 -m pytest)"
    else:
        try:
            engine = _admin_engine(url)
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
        except Exception as e:  # noqa: BLE001 — any failure to reach the server means the same here
            problem = f"cannot reach the server in {ENV}: {e}"
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(problem)
        pytest.skip(problem)
    return url


def _name() -> str:
    return "wbt_" + uuid.uuid4().hex[:10]


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database for this test; its URL (superuser)."""
    name = _name()
    yield _create(pg_server, name)
    _drop(pg_server, name)


@pytest.fixture
def pg_new_name(pg_server: str) -> Iterator[str]:
    """A database name not yet created (for commands that create it); dropped afterwards, with its roles."""
    name = _name()
    yield name
    _drop(pg_server, name)


@pytest.fixture(scope="session")
def _pg_example_template(pg_server: str, _example_template: Path) -> Iterator[str]:
    """The example project pushed once into a template database (per xdist worker)."""
    from workbench.store.transfer import push

    name = _name() + "_tmpl"
    url = _create(pg_server, name)
    push(_example_template, url, "example")
    yield name
    _drop(pg_server, name)


@pytest.fixture
def pg_example_url(pg_server: str, _pg_example_template: str) -> Iterator[str]:
    """A fresh copy of the example project on the server (superuser URL, no roles yet)."""
    name = _name()
    yield _create(pg_server, name, template=_pg_example_template)
    _drop(pg_server, name)


@pytest.fixture(params=["sqlite", "postgres"])
def any_project(request: pytest.FixtureRequest, _example_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The example project, once in SQLite and once on PostgreSQL: the same tests run on both."""
    from workbench.store.api import Project

    if request.param == "sqlite":
        folder = tmp_path / "any-project-sqlite"
        shutil.copytree(_example_template, folder)
        with Project.open(folder) as project:
            yield project
    else:
        url = request.getfixturevalue("pg_example_url")
        with Project.open(None, url) as project:
            yield project


@dataclass
class Team:
    """A project on the server with row-level security on, and logins made on demand."""

    url: str
    database: str
    passwords: dict[str, str] = field(default_factory=dict)

    def login(self, who: str, kind: str = "coder") -> tuple[str, str]:
        """(role name, URL) of a new login `who` (made unique to this test) in group `kind`."""
        from workbench.store.server import init_server

        name = f"{self.database}_{who}"
        report = init_server(self.url, logins=[(name, kind)])
        self.passwords[name] = report.logins[0][2] or ""
        u = make_url(self.url).set(username=name, password=self.passwords[name])
        return name, u.render_as_string(hide_password=False)


@pytest.fixture
def team(pg_example_url: str) -> Team:
    """The example on the server after `init-server`: roles, grants, row-level security."""
    from workbench.store.server import init_server

    init_server(pg_example_url)
    return Team(pg_example_url, make_url(pg_example_url).database or "")
