"""The permission model, proven against a real server: a coder writes only their own codings,
through the app and through plain SQL with their own credentials; a reconciler also writes the
consensus coder's; the audit log names the database user, whatever the app was told."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors

from workbench.core.errors import UserError
from workbench.core.model import Coding
from workbench.store.api import Project


def _sql(url: str):  # type: ignore[no-untyped-def]
    """A plain psycopg connection (no workbench in between), as a coder with psql would have."""
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def _coder_id(conn, name: str) -> int:  # type: ignore[no-untyped-def]
    return conn.execute("SELECT id FROM coder WHERE name = %s", (name,)).fetchone()[0]


def test_coder_codes_as_themselves_and_audit_names_them(team) -> None:  # type: ignore[no-untyped-def]
    """The coding is recorded under the login; the audit actor is the login even if the app lies."""
    amira, url = team.login("amira")
    with Project.open(None, url) as p:
        p.records.add_coding(Coding("e001", "Boundaries", amira, "challenge", "PSWs"), actor="somebody else")
        assert [c.coder for c in p.records.codings([amira])] == [amira]
        entry = p.audit_log(1)[0]
    assert (entry["action"], entry["actor"]) == ("code", amira)


def test_coder_cannot_write_change_or_delete_others_codings_through_the_app(team, run) -> None:  # type: ignore[no-untyped-def]
    amira, url = team.login("amira")
    ben_coding = next(c for c in Project.open(None, team.url).records.codings(["ben"]))
    with Project.open(None, url) as p:
        with pytest.raises(UserError, match="the server refused"):
            p.records.add_coding(Coding("e001", "Boundaries", "ben", "challenge", "PSWs"))
        with pytest.raises(UserError, match="may not change or delete rows in coding that belong to ben"):
            p.records.remove_coding(ben_coding.uuid, amira)
        with pytest.raises(UserError, match="the server refused"):
            p.codebook.merge_subthemes("Boundaries", "Role ambiguity", amira)
        with pytest.raises(UserError, match="the server refused"):
            p.records.add_codings([(2, Coding("e002", "Boundaries", amira, None, None)),
                           (3, Coding("e003", "Boundaries", "ben", None, None))], amira, "sheet.csv")
    # The same through the command line: one line on stderr, exit status 1, nothing changed.
    result = run("--db", url, "--coder", "ben", "code", "e001", "Boundaries", "--valence", "challenge")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "the server refused" in result.output
    result = run("--db", url, "--coder", "ben", "code", ben_coding.excerpt, ben_coding.subtheme, "--remove",
                 *(["--valence", ben_coding.valence] if ben_coding.valence else []),
                 *(["--perspective", ben_coding.perspective] if ben_coding.perspective else []))
    assert result.exit_code == 1 and "rows in coding that belong to ben" in result.output
    with Project.open(None, team.url) as admin:
        assert admin.counts()["codings"] == 295
        assert ben_coding.uuid in {c.uuid for c in admin.records.codings(["ben"])}


def test_coder_cannot_touch_others_codings_with_plain_sql(team) -> None:  # type: ignore[no-untyped-def]
    """Enforced by the database: psql with the coder's own password can do no more than the app."""
    amira, url = team.login("amira")
    with _sql(url) as conn:
        ben = _coder_id(conn, "ben")
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO coding (uuid, excerpt_id, subtheme_id, coder_id, note, origin, time) "
                         "VALUES ('forged', 1, 1, %s, '', '', 'now')", (ben,))
        # No UPDATE or DELETE privilege at all (it would let her lock the table); the server's
        # functions, which the app goes through, check every row against her login.
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied for table coding"):
            conn.execute("UPDATE coding SET note = 'mine now' WHERE coder_id = %s", (ben,))
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied for table coding"):
            conn.execute("DELETE FROM coding WHERE coder_id = %s", (ben,))
        with pytest.raises(errors.InsufficientPrivilege, match="rows in coding that belong to ben"):
            conn.execute("SELECT workbench_update('coding', ARRAY(SELECT id FROM coding WHERE coder_id = %s), "
                         "'{\"note\": \"mine now\"}')", (ben,))
        with pytest.raises(errors.InsufficientPrivilege, match="rows in coding that belong to ben"):
            conn.execute("SELECT workbench_delete('coding', ARRAY(SELECT id FROM coding WHERE coder_id = %s))", (ben,))
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO coder (uuid, name) VALUES ('forged', 'mallory')")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE audit SET actor = 'ben'")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE setting SET value = %s WHERE key = 'consensus_coder'", (amira,))
        # Her own codings she may write, and may not hand them to someone else.
        conn.execute("INSERT INTO coder (uuid, name) VALUES ('amira-uuid', %s)", (amira,))
        me = _coder_id(conn, amira)
        conn.execute("INSERT INTO coding (uuid, excerpt_id, subtheme_id, coder_id, note, origin, time) "
                     "VALUES ('mine', 1, 1, %s, '', '', 'now')", (me,))
        mine = "ARRAY(SELECT id FROM coding WHERE uuid = 'mine')"
        conn.execute(f"SELECT workbench_update('coding', {mine}, '{{\"note\": \"checked\"}}')")
        with pytest.raises(errors.InsufficientPrivilege, match="workbench_update"):
            conn.execute(f"SELECT workbench_update('coding', {mine}, %s)", (f'{{"coder_id": {ben}}}',))
        # Audit rows she cannot write at all; what she does is logged under her login.
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("INSERT INTO audit (time, actor, action, entity, entity_uuid, detail) "
                         "VALUES ('now', 'ben', 'forged', '', '', '')")
        assert conn.execute(f"SELECT count(*) FROM workbench_delete('coding', {mine})").fetchone()[0] == 1
        # Everyone may read everything.
        assert conn.execute("SELECT count(*) FROM coding WHERE coder_id = %s", (ben,)).fetchone()[0] > 0
    with _sql(team.url) as admin:
        assert admin.execute("SELECT count(*) FROM coding").fetchone()[0] == 295


def test_reconciler_writes_consensus_codings_and_a_coder_cannot(team, run) -> None:  # type: ignore[no-untyped-def]
    rita, rita_url = team.login("rita", "reconciler")
    amira, amira_url = team.login("amira")
    result = run("--db", amira_url, "--coder", "consensus", "code", "e002", "Boundaries", "--valence", "challenge")
    assert result.exit_code == 1 and "the server refused" in result.output
    result = run("--db", rita_url, "--coder", "consensus", "code", "e002", "Boundaries", "--valence", "challenge")
    assert result.exit_code == 0, result.output
    with Project.open(None, team.url) as admin:
        mine = [c for c in admin.records.codings(["consensus"]) if (c.excerpt, c.subtheme) == ("e002", "Boundaries")]
        assert len(mine) == 1
        entry = admin.audit_log(1)[0]
        assert (entry["actor"], entry["action"]) == (rita, "code")
    with _sql(rita_url) as conn:
        victim = conn.execute("SELECT uuid FROM coding WHERE uuid = %s", (mine[0].uuid,)).fetchone()[0]
        conn.execute("SELECT workbench_delete('coding', ARRAY(SELECT id FROM coding WHERE uuid = %s))", (victim,))
        with pytest.raises(errors.InsufficientPrivilege, match="rows in coding that belong to ben"):
            conn.execute("SELECT workbench_delete('coding', ARRAY(SELECT id FROM coding WHERE coder_id = %s))",
                         (_coder_id(conn, "ben"),))
        with pytest.raises(errors.InsufficientPrivilege, match="rows in setting that belong to the administrators"):
            conn.execute("UPDATE setting SET value = %s WHERE key = 'consensus_coder'", (rita,))


def test_cli_codes_as_the_logged_in_user(team, run) -> None:  # type: ignore[no-untyped-def]
    """Without --coder, the command line codes as the database user (WORKBENCH_CODER is a local name)."""
    amira, url = team.login("amira")
    result = run("--db", url, "code", "e004", "Boundaries", env={"WORKBENCH_CODER": "ben"})
    assert result.exit_code == 0, result.output
    with Project.open(None, team.url) as admin:
        assert [c.excerpt for c in admin.records.codings([amira])] == ["e004"]


def test_admin_may_restructure_the_codebook(team) -> None:  # type: ignore[no-untyped-def]
    lead, url = team.login("lead", "admin")
    with Project.open(None, url) as p:
        result = p.codebook.merge_subthemes("Boundaries", "Role ambiguity", lead)
        assert result["moved"] + result["duplicates"] > 0
        assert p.audit_log(1)[0]["actor"] == lead


def test_revoked_person_can_no_longer_connect(team, run) -> None:  # type: ignore[no-untyped-def]
    from workbench.store.server import init_server

    amira, url = team.login("amira")
    init_server(team.url, revoke=[amira])
    result = run("--db", url, "status")
    assert result.exit_code == 1
    assert result.output.startswith("workbench: ") and result.output.count("\n") == 1


def test_init_server_lists_the_team(team, run) -> None:  # type: ignore[no-untyped-def]
    amira, _ = team.login("amira")
    rita, _ = team.login("rita", "reconciler")
    result = run("--db", team.url, "init-server", "--list")
    assert result.exit_code == 0
    lines = {tuple(line.split()) for line in result.output.splitlines() if line.startswith("  ")}
    assert {(amira, "coder"), (rita, "reconciler")} <= lines
