"""The app's remembered choices (the theme), kept in the user's settings file.

Other front ends may keep their own keys in the same file, so unknown keys are
preserved; the file is replaced atomically and stays readable only by the user.
"""

from __future__ import annotations

import json
from typing import Any

from conversation_coach import paths
from conversation_coach.fsutil import atomic_write_text


def load_settings() -> dict[str, Any]:
    """The settings, or an empty dict when the file is missing or unreadable."""
    try:
        data = json.loads(paths.settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_setting(key: str, value: Any) -> None:
    """Remember one choice without losing the others; never raises on a read-only home."""
    settings = load_settings()
    settings[key] = value
    try:
        atomic_write_text(paths.settings_path(), json.dumps(settings, indent=2, sort_keys=True) + "\n")
    except OSError:
        pass
