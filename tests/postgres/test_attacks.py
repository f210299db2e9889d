"""Each attack on a project server found by hand (issue 13), replayed as the coder would: a plain
psycopg connection with the coder's own password, no workbench in between. Before the server was
hardened every one of them got through; each test asserts that the server now refuses it and that
nothing changed.
"""

from __future__ import annotations

import re
import threading
import time

import psycopg
import pytest
from psycopg import errors

from workbench.store.api import Project


def _sql(url: str, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=autocommit)


def _count(url: str, query: str, *args: object) -> int:
    with _sql(url) as conn:
        return conn.execute(query, args or None).fetchone()[0]  # type: ignore[index]


SHADOW_CODER = "CREATE TEMP TABLE coder (id int, uuid text, name text)"


def test_a_temporary_table_cannot_shadow_coder(team) -> None:  # type: ignore[no-untyped-def]
    """The published bypass: a temp `coder` claiming every coder is amira. Coders cannot create
    temporary tables, and the policy functions name `public.coder` with a pinned search_path."""
    amira, url = team.login("amira")
    ben_codings = _count(team.url, "SELECT count(*) FROM coding c JOIN coder d ON d.id = c.coder_id WHERE d.name = 'ben'")
    with _sql(url) as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="temporary"):
            conn.execute(SHADOW_CODER)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE public.coder_shadow (id int)")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("CREATE SCHEMA mine")
        ben = conn.execute("SELECT id FROM public.coder WHERE name = 'ben'").fetchone()[0]
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM coding WHERE coder_id = %s", (ben,))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO coding (uuid, excerpt_id, subtheme_id, coder_id, note, origin, time) "
                         "VALUES ('forged', 1, 1, %s, '', '', 'now')", (ben,))
    assert _count(team.url, "SELECT count(*) FROM coding c JOIN coder d ON d.id = c.coder_id "
                            "WHERE d.name = 'ben'") == ben_codings


def test_the_policy_functions_resolve_names_only_in_their_own_schemas(team) -> None:  # type: ignore[no-untyped-def]
    """Even a role that may create temporary objects (here the superuser, standing in for a
    mistaken grant) cannot redirect a policy function: each one pins its search_path with pg_temp
    last, and names its tables with the schema."""
    amira, url = team.login("amira")
    with _sql(team.url) as su:
        rows = su.execute("SELECT p.proname, p.proconfig, p.prosrc FROM pg_proc p "
                          "JOIN pg_namespace n ON n.oid = p.pronamespace "
                          "WHERE n.nspname = 'public' AND p.proname LIKE 'workbench\\_%'").fetchall()
    assert len(rows) >= 8
    for name, config, source in rows:
        assert config and "search_path=pg_catalog, public, pg_temp" in config, name
        unqualified = re.findall(r"\b(?:FROM|INTO|JOIN|UPDATE)\s+(?!public\.)([a-z_]+)\b(?!\s*\()", source)
        assert not unqualified, (name, unqualified)
    # Replay the attack with temp rights given back to amira for a moment: still refused.
    with _sql(team.url) as su:
        su.execute(f'GRANT TEMPORARY ON DATABASE "{team.database}" TO "{amira}"')
    with _sql(url) as conn:
        conn.execute(SHADOW_CODER)
        conn.execute("INSERT INTO pg_temp.coder SELECT id, uuid, %s FROM public.coder", (amira,))
        ben = conn.execute("SELECT id FROM public.coder WHERE name = 'ben'").fetchone()[0]
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO coding (uuid, excerpt_id, subtheme_id, coder_id, note, origin, time) "
                         "VALUES ('forged', 1, 1, %s, '', '', 'now')", (ben,))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM workbench_delete('coding', ARRAY(SELECT id FROM public.coding "
                         "WHERE coder_id = %s))", (ben,))


def test_a_reconciler_cannot_claim_another_consensus_coder(team) -> None:  # type: ignore[no-untyped-def]
    """The reconciler's variant: a temp `setting` naming amira as the consensus coder."""
    rita, url = team.login("rita", "reconciler")
    team.login("amira")
    with _sql(url) as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="temporary"):
            conn.execute("CREATE TEMP TABLE setting (key text, value text)")
        amira = conn.execute("SELECT id FROM public.coder WHERE name = 'ben'").fetchone()[0]
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM workbench_delete('coding', ARRAY(SELECT id FROM public.coding "
                         "WHERE coder_id = %s))", (amira,))


def test_nobody_writes_the_audit_log_directly(team) -> None:  # type: ignore[no-untyped-def]
    """A backdated, forged entry would sort first in `workbench log`; the log is written only by the
    server (time from the server's clock, actor = the login), for coders and reconcilers alike."""
    amira, url = team.login("amira")
    rita, rita_url = team.login("rita", "reconciler")
    before = _count(team.url, "SELECT count(*) FROM audit")
    for who in (url, rita_url):
        with _sql(who) as conn:
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("INSERT INTO audit (time, actor, action, entity, entity_uuid, detail) "
                             "VALUES ('2001-01-01T00:00:00.000000Z', 'ben', 'uncode', 'coding', '', '')")
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("UPDATE audit SET actor = 'ben'")
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("DELETE FROM audit")
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute("TRUNCATE audit")
    assert _count(team.url, "SELECT count(*) FROM audit") == before
    # What the app logs goes through the server's function: its time and its idea of who.
    with _sql(url) as conn:
        conn.execute("SELECT workbench_log('code', 'coding', 'x', '')")
        time_, actor = conn.execute("SELECT time, actor FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert actor == amira and time_ > "2026"


def test_the_app_log_names_the_login_with_the_servers_time(team, run) -> None:  # type: ignore[no-untyped-def]
    """`workbench log` still shows what a coder did, through the app."""
    amira, url = team.login("amira")
    result = run("--db", url, "code", "e004", "Boundaries")
    assert result.exit_code == 0, result.output
    with Project.open(None, team.url) as admin:
        entry = admin.audit_log(1)[0]
    assert (entry["actor"], entry["action"]) == (amira, "code")
    result = run("--db", url, "log")
    assert result.exit_code == 0 and amira in result.output


@pytest.mark.parametrize("who", ["coder", "reconciler"])
def test_a_coder_cannot_lock_the_team_out(team, who: str) -> None:  # type: ignore[no-untyped-def]
    """LOCK … ACCESS EXCLUSIVE needs UPDATE, DELETE or TRUNCATE on the table; a coder holds none on
    any table (their updates and deletes go through functions), so the strongest lock they can take
    is ROW EXCLUSIVE, which does not stop anyone else reading or writing."""
    name, url = team.login("amira", who)
    with _sql(team.url) as su:
        tables = [r[0] for r in su.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    lockable = {"theme", "subtheme", "summary", "decision", "judgement", "setting"}
    with _sql(url) as conn:
        for table in tables:
            if who == "reconciler" and table in lockable:
                continue
            for mode in ("ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE ROW EXCLUSIVE", "SHARE"):
                with pytest.raises(errors.InsufficientPrivilege):
                    with conn.transaction():
                        conn.execute(f'LOCK TABLE "{table}" IN {mode} MODE NOWAIT')
            if who == "coder":  # row locks need UPDATE too: no holding a colleague's rows either
                with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
                    conn.execute(f'SELECT 1 FROM "{table}" FOR UPDATE NOWAIT')
                with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
                    conn.execute(f'SELECT 1 FROM "{table}" FOR SHARE NOWAIT')
    # ROW EXCLUSIVE (what an INSERT takes) held open does not block a colleague's coding.
    ben_url = team.login("ben2")[1]
    holder = _sql(url, autocommit=False)
    try:
        holder.execute("LOCK TABLE coding IN ROW EXCLUSIVE MODE")
        done = threading.Event()

        def colleague() -> None:
            with Project.open(None, ben_url) as p:
                from workbench.core.model import Coding

                coder = p.records.coders()
                assert coder is not None
                p.records.add_coding(Coding("e005", "Boundaries", f"{team.database}_ben2", None, None))
                p.records.remove_coding(next(c.uuid for c in p.records.codings([f"{team.database}_ben2"])),
                                f"{team.database}_ben2")
            done.set()

        thread = threading.Thread(target=colleague)
        start = time.monotonic()
        thread.start()
        thread.join(30)
        assert done.is_set() and time.monotonic() - start < 30
    finally:
        holder.rollback()
        holder.close()


def test_summaries_are_written_by_reconcilers_as_themselves(team) -> None:  # type: ignore[no-untyped-def]
    """The owner model: every member reads summaries; reconcilers (and admins) write them, and the
    author is the login, whatever the statement says. A coder can neither overwrite one nor forge
    its author."""
    amira, url = team.login("amira")
    rita, rita_url = team.login("rita", "reconciler")
    first = _count(team.url, "SELECT count(*) FROM summary")
    assert first > 0
    with _sql(url) as conn:
        assert conn.execute("SELECT count(*) FROM summary").fetchone()[0] == first
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE summary SET text = 'mine', author = 'ben'")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO summary (uuid, subtheme_id, perspective_id, text, author, time, version, "
                         "\"references\") VALUES ('s-forged', 1, 1, 'x', 'ben', 'now', 1, '')")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM summary")
    with _sql(rita_url) as conn:
        author = conn.execute("UPDATE summary SET text = text || '.', author = 'ben' "
                              "WHERE id = (SELECT min(id) FROM summary) RETURNING author").fetchone()[0]
    assert author == rita


def test_coders_still_code_and_uncode_their_own_work(team, run) -> None:  # type: ignore[no-untyped-def]
    """Least privilege must not stop the work: a coder codes, notes and uncodes through the app
    (her deletes go through the server's function), and the log shows each step."""
    amira, url = team.login("amira")
    assert run("--db", url, "code", "e006", "Boundaries").exit_code == 0
    result = run("--db", url, "code", "e006", "Boundaries", "--remove")
    assert result.exit_code == 0, result.output
    with Project.open(None, team.url) as admin:
        assert [c for c in admin.records.codings([amira])] == []
        actions = [(e["actor"], e["action"]) for e in admin.audit_log(2)]
    assert actions == [(amira, "uncode"), (amira, "code")]


def test_init_server_upgrades_an_older_server_in_place(team) -> None:  # type: ignore[no-untyped-def]
    """A server set up by an older workbench (temporary tables allowed, unpinned functions, direct
    writes and audit inserts granted) is closed by running init-server again — twice, as a
    careful admin would — with the team's data and logins intact."""
    from workbench.store.server import init_server

    amira, url = team.login("amira")
    coders = f'"{team.database}_coders"'
    with _sql(team.url) as su:
        su.execute(f'GRANT TEMPORARY ON DATABASE "{team.database}" TO {coders}')
        su.execute(f"GRANT INSERT, UPDATE, DELETE ON coding, nothing_applies, memo, summary TO {coders}")
        su.execute(f"GRANT INSERT ON audit TO {coders}")
        su.execute("CREATE OR REPLACE FUNCTION workbench_may_write_coder(cid integer) RETURNS boolean "
                   "LANGUAGE sql STABLE AS $$ SELECT workbench_is('admins') OR EXISTS (SELECT 1 FROM coder c "
                   "WHERE c.id = cid AND workbench_may_write_as(c.name)) $$")
        su.execute("CREATE OR REPLACE FUNCTION workbench_guard_coding() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN IF NOT (workbench_may_write_coder(OLD.coder_id)) THEN RAISE EXCEPTION USING "
                   "ERRCODE = 'insufficient_privilege', MESSAGE = 'workbench: refused'; END IF; "
                   "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$")
        before = su.execute("SELECT count(*) FROM coding").fetchone()[0]
    with _sql(url) as conn:  # the old server lets the attack through
        conn.execute(SHADOW_CODER)
        conn.execute("INSERT INTO pg_temp.coder SELECT id, uuid, %s FROM public.coder", (amira,))
        with conn.transaction(force_rollback=True):
            assert conn.execute("DELETE FROM public.coding WHERE coder_id = (SELECT id FROM public.coder "
                                "WHERE name = 'ben')").rowcount > 0
    init_server(team.url)
    init_server(team.url)
    with _sql(url) as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="temporary"):
            conn.execute(SHADOW_CODER)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM public.coding")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO audit (time, actor, action) VALUES ('2001', 'ben', 'forged')")
        with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
            conn.execute("LOCK TABLE coding IN ACCESS EXCLUSIVE MODE")
    assert _count(team.url, "SELECT count(*) FROM coding") == before
