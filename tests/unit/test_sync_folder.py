"""Projects inside OneDrive/Dropbox/Google Drive/iCloud get one warning pointing to merge."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.core.synced import synced_service, synced_warning


@pytest.mark.parametrize(("path", "service"), [
    ("/Users/amira/Library/Mobile Documents/com~apple~CloudDocs/review", "iCloud"),
    ("/Users/amira/iCloud Drive/review", "iCloud"),
    ("C:/Users/ben/OneDrive - University of Somewhere/review", "OneDrive"),
    ("/home/ben/OneDrive/review", "OneDrive"),
    ("/home/ben/Dropbox (Personal)/review", "Dropbox"),
    ("/home/ben/Dropbox (Team Leeds)/review", "Dropbox"),
    ("/home/ben/Dropbox/projects/review", "Dropbox"),
    ("G:/My Drive/review", "Google Drive"),
    ("/Users/ben/Library/CloudStorage/GoogleDrive-ben@example.org/review", "Google Drive"),
    ("/Volumes/Google Drive/review", "Google Drive"),
    ("/home/ben/projects/review", None),
    ("/home/ben/dropboxes/review", None),
])
def test_detects_the_services_folders(path: str, service: str | None) -> None:
    assert synced_service(path) == service


def test_warning_points_to_merge() -> None:
    message = synced_warning("/home/ben/Dropbox/review")
    assert message is not None and "Dropbox" in message and "workbench merge" in message
    assert synced_warning("/srv/review") is None


def test_cli_warns_once_on_stderr(example_dir: Path, run, tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "team" / "review"
    synced.parent.mkdir(parents=True)
    shutil.copytree(example_dir, synced)
    result = run("-p", str(synced), "status")
    assert result.exit_code == 0
    assert result.output.count("inside a Dropbox folder") == 1
    plain = run("-p", str(example_dir), "status")
    assert "Dropbox" not in plain.output
