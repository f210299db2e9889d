"""Round trips per command on a server (issue 19): a regression here costs every remote user.

Each command runs as a whole process (what a user waits for) through the project's delay proxy
(benchmarks/delay_proxy.py), which counts client turns: each time the client sends after having
received an answer. A short delay (5 ms each way) makes the count exact: psycopg's pipeline sends
its statements within microseconds, before any answer can come back. The handshake — TLS
negotiation, the startup packet, SCRAM's two exchanges and the Terminate on close — is measured
by a bare psycopg connect and subtracted, so the budgets below are what workbench itself asks.
Figures and what each turn is: docs/server-admin.md "What each command costs".
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from delay_proxy import Proxy  # noqa: E402

# Beyond the handshake: the start-up statement, the command's own round trips, and nothing else.
BUDGET = {
    "status": 1 + 1,  # start-up; the status statements in one message
    "code": 1 + 2,  # start-up; the lookup; insert + "nothing applies" + audit entry in one statement
    # (a coder's very first coding adds two: their coder row is looked up and registered)
    "table": 1 + 5,  # start-up; codebook; view facts; cells; summaries; provenance counts
    "query": 1 + 5,  # start-up; view facts; cells; codebook; sources; the cells' excerpts and coders
}
CONNECT = "import sys, psycopg\npsycopg.connect(sys.argv[1]).close()\n"


def _turns(proxy: Proxy, args: list[str]) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env["PYTHONPATH"] = str(ROOT)
    proxy.reset()
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return proxy.round_trips


@pytest.fixture
def far(team):  # type: ignore[no-untyped-def]
    """A coder's URL through the counting proxy, and the proxy."""
    _name, url = team.login("amira")
    u = make_url(url)
    with Proxy(u.host or "127.0.0.1", u.port or 5432, 0.005) as proxy:
        yield u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy


def test_each_command_stays_within_its_round_trips(far) -> None:  # type: ignore[no-untyped-def]
    """status, one coding, a query and the table export, counted beyond psycopg's own connect."""
    url, proxy = far
    handshake = _turns(proxy, [sys.executable, "-c", CONNECT, url])
    assert 3 <= handshake <= 8  # sanity: the proxy sees the connection at all
    wb = [sys.executable, "-m", "workbench", "--db", url]
    code = [*wb, "code", "e002", "Role ambiguity", "--valence", "challenge", "--perspective", "PSWs"]
    assert _turns(proxy, code) - handshake <= BUDGET["code"] + 2  # a coder's first coding also registers them
    commands = {
        "status": [*wb, "status"],
        "code": [*wb, "code", "e003", "Role ambiguity", "--valence", "challenge", "--perspective", "PSWs"],
        "table": [*wb, "export", "table", "--format", "json"],
        "query": [*wb, "query", "supports", "Role ambiguity", "--json"],
    }
    used = {what: _turns(proxy, args) - handshake for what, args in commands.items()}
    over = {what: f"{n} > {BUDGET[what]}" for what, n in used.items() if n > BUDGET[what]}
    assert not over, f"round trips beyond the handshake: {used}"


def test_a_connection_dropped_while_idle_is_replaced(pg_example_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """No ping on every checkout any more: one after idling, and a dead connection is replaced."""
    from sqlalchemy import text

    from workbench.store import server_connect
    from workbench.store.engine import make_engine

    engine = make_engine(pg_example_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin = make_engine(pg_example_url)
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        monkeypatch.setattr(server_connect, "IDLE_PING_S", 0.0)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()


def test_the_one_statement_coding_is_checked_logged_and_safe_to_resend(team) -> None:  # type: ignore[no-untyped-def]
    """A coding sent again (the answer to the first was lost with the connection) is not doubled;
    the audit entry is the server's; another coder's row is still refused."""
    from sqlalchemy import func, select

    from workbench.core.errors import UserError
    from workbench.core.model import Coding
    from workbench.store import schema as t
    from workbench.store.api import Project

    amira, url = team.login("amira")
    ben, ben_url = team.login("ben")
    with Project.open(None, ben_url) as project:  # ben's coder row exists: the coding INSERT itself is refused
        project.records.add_coding(Coding("e007", "Role ambiguity", ben, "challenge", "PSWs"))
    with Project.open(None, url) as project:
        project.records.mark_nothing_applies("e005", amira)
        c = Coding("e005", "Role ambiguity", amira, "challenge", "PSWs", uuid="0b5e55ed-0000-4000-8000-000000000001")
        assert project.records.add_coding(c) == c.uuid
        assert project.records.add_coding(c) == c.uuid  # resent: the same coding, not a second one
        with project.read() as conn:
            mine = select(t.coder.c.id).where(t.coder.c.name == amira).scalar_subquery()
            assert conn.execute(select(func.count()).select_from(t.coding).where(t.coding.c.uuid == c.uuid)).scalar() == 1
            assert conn.execute(select(func.count()).select_from(t.nothing_applies)
                                .where(t.nothing_applies.c.coder_id == mine)).scalar() == 0
            logged = conn.execute(select(t.audit.c.actor).where(t.audit.c.entity_uuid == c.uuid)).scalars().all()
        assert logged == [amira]
        try:
            project.records.add_coding(Coding("e006", "Role ambiguity", ben, "challenge", "PSWs"))
        except UserError as e:
            assert "refused" in str(e)
        else:
            raise AssertionError("a coder wrote another coder's coding")


def test_the_app_reads_an_excerpt_in_one_round_trip(far) -> None:  # type: ignore[no-untyped-def]
    """What the Code screen shows of an excerpt (codings, memos, "nothing applies") — read on every
    move and after every save — costs one round trip on a warm connection, and reads the same as
    the statements one by one."""
    from workbench.store.api import Project

    url, proxy = far
    with Project.open(None, url) as project:
        me = project.engine.url.username or ""
        project.records.mark_nothing_applies("e002", me)
        project.interchange.add_memo("excerpt", project.workspace.excerpt_meta("e002")[0], "a memo", me)
        project.workspace.excerpt_detail("e001", None, me)  # the connection is made and warm
        proxy.reset()
        f = project.workspace.excerpt_detail("e002", None, me)
        assert proxy.round_trips == 1
        assert f.codings == project.workspace.excerpt_codings("e002")
        assert (f.uuid, f.location) == project.workspace.excerpt_meta("e002")
        assert [m.text for m in f.memos] == ["a memo"] and f.nothing_applies
