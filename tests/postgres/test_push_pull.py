"""A project moved to the server and back is the same project; the CLI gives the same answers on
either database; init-server is safe to run again; the migrations build the schema module there too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import make_url, select, text

from workbench.store import schema as t
from workbench.store.api import Project
from workbench.store.engine import make_engine

EXPORTS = ("codebook", "sources", "excerpts", "codings")


def _all_rows(project) -> dict[str, list[tuple]]:  # type: ignore[no-untyped-def]
    """Every row of every table; push/pull's own audit entries left out."""
    out = {}
    with project.read() as conn:
        for table in t.metadata.sorted_tables:
            q = select(table).order_by(*table.primary_key.columns)
            if table is t.audit:
                q = q.where(t.audit.c.action.not_in(["push", "pull"]))
            out[table.name] = [tuple(r) for r in conn.execute(q)]
    return out


def _exports(run, *where: str, folder: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    folder.mkdir()
    texts = {}
    for kind in EXPORTS:
        out = folder / (f"{kind}.yaml" if kind == "codebook" else f"{kind}.csv")
        result = run(*where, "export", kind, "-o", str(out))
        assert result.exit_code == 0, result.output
        texts[kind] = out.read_text(encoding="utf-8")
    out = folder / "table.json"
    assert run(*where, "export", "table", "--format", "json", "-o", str(out)).exit_code == 0
    texts["table"] = out.read_text(encoding="utf-8")
    return texts


def test_push_then_pull_gives_back_the_same_project(example_dir: Path, pg_url: str, run, tmp_path: Path) -> None:
    result = run("--db", pg_url, "push", str(example_dir))
    assert result.exit_code == 0, result.output
    assert "295 codings" in result.output
    back = tmp_path / "back"
    result = run("--db", pg_url, "pull", str(back))
    assert result.exit_code == 0, result.output
    with Project.open(example_dir) as a, Project.open(back) as b:
        assert _all_rows(a) == _all_rows(b)
        assert b.audit_log(1)[0]["action"] == "pull"
    assert _exports(run, "-p", str(example_dir), folder=tmp_path / "a") == \
        _exports(run, "-p", str(back), folder=tmp_path / "b")


def test_cli_on_the_server_answers_as_on_sqlite(example_dir: Path, pg_url: str, run, tmp_path: Path) -> None:
    """`--db URL` runs the same commands: the table JSON and status agree with the local project."""
    assert run("--db", pg_url, "push", str(example_dir)).exit_code == 0
    assert _exports(run, "--db", pg_url, folder=tmp_path / "server") == \
        _exports(run, "-p", str(example_dir), folder=tmp_path / "local")
    server, local = run("--db", pg_url, "status"), run("-p", str(example_dir), "status")
    assert server.exit_code == local.exit_code == 0
    assert server.output == local.output


def test_push_refuses_a_database_that_holds_a_project(example_dir: Path, pg_url: str, run) -> None:
    assert run("--db", pg_url, "push", str(example_dir)).exit_code == 0
    again = run("--db", pg_url, "push", str(example_dir))
    assert again.exit_code == 1
    assert "already holds a project (295 codings)" in again.output and again.output.count("\n") == 1
    with Project.open(None, pg_url) as p:
        assert p.counts()["codings"] == 295


def test_pull_refuses_an_existing_project(example_dir: Path, pg_url: str, run) -> None:
    assert run("--db", pg_url, "push", str(example_dir)).exit_code == 0
    result = run("--db", pg_url, "pull", str(example_dir))
    assert result.exit_code == 1 and "a project already exists here" in result.output


def test_server_commands_need_a_server_url(example_dir: Path, run) -> None:
    for args in (("init-server",), ("push", str(example_dir)), ("pull", "x")):
        result = run("-p", str(example_dir), *args, env={"WORKBENCH_DB": ""})
        assert result.exit_code == 1 and "needs a PostgreSQL server" in result.output


def test_wrong_password_is_one_line(pg_url: str, run) -> None:
    bad = make_url(pg_url).set(password="wrong").render_as_string(hide_password=False)
    result = run("--db", bad, "status")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "password authentication failed" in result.output
    assert "wrong" not in result.output


def test_init_server_creates_the_database_and_can_run_again(pg_server: str, pg_new_name: str, run,
                                                            example_dir: Path) -> None:
    name = pg_new_name
    url = make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    result = run("--db", url, "init-server", "--add-coder", f"{name}_amira", "--from", str(example_dir))
    assert result.exit_code == 0, result.output
    assert f"database {name} (created): schema" in result.output
    assert f"coder {name}_amira: password " in result.output and "pushed" in result.output
    again = run("--db", url, "init-server", "--add-coder", f"{name}_amira")
    assert again.exit_code == 0 and f"coder {name}_amira: login ready" in again.output
    engine = make_engine(url)
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'coding'")).scalar()
        rls = conn.execute(text("SELECT relrowsecurity FROM pg_class WHERE relname = 'coding'")).scalar()
    engine.dispose()
    assert (owner, rls) == (f"{name}_admins", True)


def test_migrations_build_the_schema_module_on_postgres(pg_url: str) -> None:
    """The same Alembic migrations give exactly store/schema.py on PostgreSQL (as on SQLite)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    Project.create(None, pg_url).close()
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), t.metadata)
    engine.dispose()
    # Expression indexes (coalesce(…)) are created by op.execute and cannot be compared by autogenerate.
    diff = [d for d in diff if not (d[0] in ("add_index", "remove_index")
                                     and d[1].name in ("ux_coding_natural", "ux_summary_cell", "ux_judgement"))]
    assert diff == []


def test_a_real_subprocess_reads_the_server_from_workbench_db(example_dir: Path, pg_url: str, run) -> None:
    assert run("--db", pg_url, "push", str(example_dir)).exit_code == 0
    env = {**os.environ, "WORKBENCH_DB": pg_url}
    done = subprocess.run([sys.executable, "-m", "workbench", "export", "table", "--format", "json"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["themes"]


def test_push_and_pull_with_workbench_db_in_the_environment(example_dir: Path, pg_url: str, run,
                                                            tmp_path: Path) -> None:
    """A coder's profile sets WORKBENCH_DB: push still reads the folder, pull still writes a folder."""
    env = {"WORKBENCH_DB": pg_url}
    assert "295 codings" in run("push", str(example_dir), env=env).output
    result = run("pull", str(tmp_path / "copy"), env=env)
    assert result.exit_code == 0 and "295 codings" in result.output
    assert (tmp_path / "copy" / "workbench.db").is_file()
    with Project.open(None, pg_url) as server:
        assert server.counts()["codings"] == 295
