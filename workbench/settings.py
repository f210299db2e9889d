"""User settings (not project settings): the coder's name and preferences, via platformdirs."""

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
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_user_settings(values: dict[str, Any]) -> None:
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    current = load_user_settings()
    current.update(values)
    path.write_text(json.dumps(current, indent=2), encoding="utf-8")
