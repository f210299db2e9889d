"""User settings (not project settings), via platformdirs: preferences, and the name a person gave
the app's "Who is coding?" prompt, remembered per project.

Identity is never machine-wide: a remembered name belongs to one project for one OS user, is only
ever offered as the prompt's answer (the person confirms it), and no command reads it. A shared
machine or a second project therefore never codes as the last person who opened the app.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def settings_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("workbench")) / "settings.json"


def load_user_settings() -> dict[str, Any]:
    path = settings_file()
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def save_user_settings(values: dict[str, Any]) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    current = load_user_settings()
    current.update(values)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(current, indent=2), encoding="utf-8")
    tmp.replace(path)


def project_key(folder: Path | None, url: str | None = None) -> str:
    """What a remembered name is filed under: the project's folder, or its server URL without the
    password (a password never lands in a settings file)."""
    if folder is not None and not url:
        return str(folder.resolve())
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url or "").set(password=None).render_as_string(hide_password=True)
    except ArgumentError:  # an odd URL is still a key; it was checked when the project opened
        return str(url)


def remembered_coder(key: str) -> str | None:
    """The name last given to the app's prompt on this project by this OS user, if any."""
    entry = load_user_settings().get("projects", {}).get(key, {})
    name = entry.get("coder") if isinstance(entry, dict) else None
    return name if isinstance(name, str) and name else None


def remember_coder(key: str, name: str) -> None:
    projects = load_user_settings().get("projects", {})
    if not isinstance(projects, dict):
        projects = {}
    projects[key] = {**(projects.get(key) or {}), "coder": name}
    save_user_settings({"projects": projects})
