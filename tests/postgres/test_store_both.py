"""The store's behaviour, run once on SQLite and once on PostgreSQL (`any_project`): one suite,
two databases, the same answers."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from workbench.analysis.table import build_table
from workbench.core.errors import UserError
from workbench.core.model import Coding
from workbench.formats.table_json import table_json
from workbench.store import queries

EXAMPLE_COUNTS = {"sources": 11, "excerpts": 75, "codings": 295, "coders": 3, "summaries": 42}


def _table(project) -> dict:  # type: ignore[no-untyped-def]
    out = StringIO()
    table_json(build_table(project.viewer(None)), out)
    return json.loads(out.getvalue())


def test_counts_and_status(any_project) -> None:  # type: ignore[no-untyped-def]
    """The example holds the same records on either database, and status aggregates agree."""
    counts = any_project.counts()
    assert {k: counts[k] for k in EXAMPLE_COUNTS} == EXAMPLE_COUNTS
    with any_project.read() as conn:
        s = queries.status_counts(conn)
    assert [name for name, _, _ in s["per_coder"]] == ["amira", "ben", "consensus"]
    assert sum(n for _, n, _ in s["per_coder"]) == 295
    assert s["uncoded_count"] == 0


def test_table_is_the_same_on_both(any_project, example_project) -> None:  # type: ignore[no-untyped-def]
    """The one cell derivation gives the same Table 6 from SQLite and from the server."""
    assert _table(any_project) == _table(example_project)


def test_one_coding_is_durable_and_idempotent(any_project) -> None:  # type: ignore[no-untyped-def]
    """A coding is committed when add_coding returns; coding the same thing again changes nothing."""
    c = Coding("e001", "Boundaries", "amira", "challenge", "PSWs")
    uuid = any_project.records.add_coding(c)
    assert any_project.records.add_coding(c) == uuid
    mine = [x for x in any_project.records.codings(["amira"]) if x.uuid == uuid]
    assert len(mine) == 1 and mine[0].subtheme == "Boundaries"
    assert any_project.counts()["codings"] == 296
    assert any_project.audit_log(1)[0]["action"] == "code"


def test_new_coder_is_registered_on_first_coding(any_project) -> None:  # type: ignore[no-untyped-def]
    any_project.records.add_coding(Coding("e002", "Boundaries", "zoe", None, None))
    assert "zoe" in any_project.records.coders()


def test_remove_coding_keeps_it_in_the_audit_log(any_project) -> None:  # type: ignore[no-untyped-def]
    victim = any_project.records.codings(["ben"])[0]
    removed = any_project.records.remove_coding(victim.uuid, "ben")
    assert removed.uuid == victim.uuid
    assert victim.uuid not in {c.uuid for c in any_project.records.codings()}
    entry = any_project.audit_log(1)[0]
    assert entry["action"] == "uncode" and json.loads(entry["detail"])["subtheme"] == victim.subtheme


def test_import_skips_and_counts_rows_already_present(any_project) -> None:  # type: ignore[no-untyped-def]
    """Re-importing existing codings is a no-op that is counted (ON CONFLICT on both dialects)."""
    existing = any_project.records.codings()[:20]
    rows = [(i + 2, Coding(c.excerpt, c.subtheme, c.coder, c.valence, c.perspective)) for i, c in enumerate(existing)]
    rows.append((99, Coding("e003", "Boundaries", "ben", "benefit", "PSWs")))
    result = any_project.records.add_codings(rows, "ben", "more.csv")
    assert (result.added, result.already) == (1, 20)


def test_bad_import_changes_nothing(any_project) -> None:  # type: ignore[no-untyped-def]
    rows = [(2, Coding("e003", "Boundaries", "ben", "benefit", "PSWs")),
            (3, Coding("e004", "No such subtheme", "ben", "benefit", "PSWs"))]
    with pytest.raises(UserError, match="row 3: unknown subtheme"):
        any_project.records.add_codings(rows, "ben", "bad.csv")
    assert any_project.counts()["codings"] == 295


def test_merge_moves_codings_and_joins_summaries(any_project) -> None:  # type: ignore[no-untyped-def]
    before = len([c for c in any_project.records.codings() if c.subtheme in ("Boundaries", "Role ambiguity")])
    result = any_project.codebook.merge_subthemes("Boundaries", "Role ambiguity", "lead")
    after = [c for c in any_project.records.codings() if c.subtheme == "Role ambiguity"]
    assert len(after) == before - result["duplicates"]
    assert "Boundaries" not in [s.name for th in any_project.codebook.get().themes for s in th.subthemes]


def test_summary_versions_refuse_a_stale_write(any_project) -> None:  # type: ignore[no-untyped-def]
    from workbench.store.api import SummaryConflict

    s = any_project.summaries.all()[0]
    any_project.summaries.set(s.subtheme, s.valence, s.perspective, "first edit", "amira", expected_version=s.version)
    with pytest.raises(SummaryConflict):
        any_project.summaries.set(s.subtheme, s.valence, s.perspective, "second edit", "ben",
                                expected_version=s.version)
    assert any_project.summaries.get(s.subtheme, s.valence, s.perspective).text == "first edit"


def test_nothing_applies_is_cleared_by_a_coding(any_project) -> None:  # type: ignore[no-untyped-def]
    any_project.records.mark_nothing_applies("e005", "zoe")
    assert ("e005", "zoe") in any_project.records.nothing_applies()
    any_project.records.add_coding(Coding("e005", "Boundaries", "zoe", None, None))
    assert ("e005", "zoe") not in any_project.records.nothing_applies()


def test_codebook_edits_are_one_transaction_each(any_project) -> None:  # type: ignore[no-untyped-def]
    any_project.codebook.add_theme("Extra", "lead")
    any_project.codebook.add_subtheme("Peer supervision", "Extra", "lead", "Supervision by a peer")
    any_project.codebook.rename_subtheme("Peer supervision", "Supervision by peers", "lead")
    any_project.codebook.reorder("theme", "Extra", 1, "lead")
    cb = any_project.codebook.get()
    assert cb.themes[0].name == "Extra"
    assert [s.name for s in cb.themes[0].subthemes] == ["Supervision by peers"]
    with pytest.raises(UserError, match="already exists"):
        any_project.codebook.add_theme("Extra", "lead")
