"""The libpq options workbench sets on a server URL (store/server_connect.py): one round trip less,
never weaker TLS."""

from __future__ import annotations

import pytest

from workbench.store.server_connect import libpq_url


@pytest.fixture(autouse=True)
def _no_libpq_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGGSSENCMODE", raising=False)


def test_gss_encryption_is_not_tried_unless_asked() -> None:
    """A Kerberos ticket would make libpq try GSSAPI encryption first: a refused round trip."""
    u = libpq_url("postgresql://amira@db.example.org/review")
    assert u.drivername == "postgresql+psycopg"
    assert u.query["gssencmode"] == "disable"


def test_a_chosen_gss_mode_and_tls_settings_are_kept() -> None:
    url = "postgresql://amira@db.example.org/review?sslmode=verify-full&sslrootcert=/ca.crt&gssencmode=require"
    u = libpq_url(url)
    assert u.query["gssencmode"] == "require"
    assert u.query["sslmode"] == "verify-full" and u.query["sslrootcert"] == "/ca.crt"


def test_the_environment_may_choose_the_gss_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGGSSENCMODE", "prefer")
    assert "gssencmode" not in libpq_url("postgresql://amira@db.example.org/review").query
