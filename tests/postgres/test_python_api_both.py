"""The analyst's door on PostgreSQL: `workbench.open(postgresql://…)` gives the very frames the
example's SQLite folder gives, blind scope included."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import workbench
from workbench.core.errors import UserError


def _frames(syn: workbench.Synthesis) -> dict[str, object]:
    return {"codings": syn.codings(), "excerpts": syn.excerpts(), "sources": syn.sources(),
            "summaries": syn.summaries(), "codebook": syn.codebook(), "cells": syn.cells(),
            "cells all": syn.cells("all"), "matrix": syn.matrix("all"), "agreement": syn.agreement(),
            "co-occurrence": syn.cooccurrence("source", "all")}


def test_the_same_frames_on_both(pg_example_url: str, example_dir: Path) -> None:
    with workbench.open(example_dir) as local, workbench.open(pg_example_url) as server:
        mine, theirs = _frames(local), _frames(server)
        for name, frame in mine.items():
            assert isinstance(frame, pd.DataFrame) and len(frame) > 0, name
            pd.testing.assert_frame_equal(frame, theirs[name], obj=name)  # type: ignore[arg-type]
        g, h = local.graph(), server.graph()
        assert sorted(g.edges(data="weight")) == sorted(h.edges(data="weight")) and g.number_of_edges() > 50


def test_blind_scope_on_the_server(pg_example_url: str, run) -> None:  # type: ignore[no-untyped-def]
    assert run("--db", pg_example_url, "--coder", "amira", "settings", "blind", "on").exit_code == 0
    with workbench.open(pg_example_url, coder="amira") as syn:
        assert set(syn.codings()["coder"]) == {"amira"}
        with pytest.raises(UserError, match="codes blind"):
            syn.cells("ben")
    with workbench.open(pg_example_url) as login:  # no coder given: the login (a superuser with no codings)
        assert login.coder and login.codings().empty
