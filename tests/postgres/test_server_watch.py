"""Colleagues' codings announced at once on a server (store/server_watch.py, issue 19)."""

from __future__ import annotations

import time

from workbench.core.model import Coding
from workbench.store.api import Project
from workbench.store.server_watch import ChangeWatcher


def test_a_colleagues_coding_is_heard_within_a_second(team) -> None:  # type: ignore[no-untyped-def]
    """ben's app listens; amira codes; ben hears of it long before the app's 5 s poll."""
    amira, amira_url = team.login("amira")
    _ben, ben_url = team.login("ben")
    with ChangeWatcher(ben_url) as watcher:
        assert not watcher.wait(0.2)  # nothing happened yet
        with Project.open(None, amira_url) as project:
            started = time.monotonic()
            project.records.add_coding(Coding("e004", "Role ambiguity", amira, "challenge", "PSWs"))
        assert watcher.wait(5)
        assert time.monotonic() - started < 1.0
        assert not watcher.wait(0.2)  # one change, one wake-up


def test_the_server_says_whether_it_announces(team) -> None:  # type: ignore[no-untyped-def]
    """init-server installs the announcing trigger, and a watcher can tell."""
    _ben, ben_url = team.login("ben")
    with ChangeWatcher(ben_url) as watcher:
        assert watcher.announced()


def test_a_database_without_the_trigger_says_so(pg_example_url: str) -> None:
    """A project pushed but never through init-server is silent (the app then polls it)."""
    with ChangeWatcher(pg_example_url) as watcher:
        assert not watcher.announced()
