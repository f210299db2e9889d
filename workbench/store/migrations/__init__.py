"""Alembic migrations. HEAD names the newest revision so that opening a project can check the
schema version without importing Alembic (which costs start-up time on every command)."""

HEAD = "0001"
