"""Where shipped data and the user's own files live.

One resolver serves an installed wheel and a source checkout: in a checkout the
repo-root `scenarios/` and `rubrics/` win (hatchling's editable install copies
force-included folders only once, so the copy may be stale).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
HOME_ENV = "CONVERSATION_COACH_HOME"


def _checkout_root() -> Path | None:
    root = PACKAGE_DIR.parent.parent
    if (root / "pyproject.toml").is_file() and (root / "scenarios").is_dir() and (root / "rubrics").is_dir():
        return root
    return None


def shipped_dir(kind: str) -> Path:
    """The shipped `scenarios` or `rubrics` folder, from the checkout or the wheel."""
    if kind not in ("scenarios", "rubrics"):
        raise ValueError(kind)
    root = _checkout_root()
    if root is not None:
        return root / kind
    return PACKAGE_DIR / "_data" / kind


def default_rubric_path() -> Path:
    return shipped_dir("rubrics") / "default.yaml"


def user_home() -> Path:
    """The user data dir (created 0700 on first use); CONVERSATION_COACH_HOME overrides it."""
    override = os.environ.get(HOME_ENV)
    if override:
        home = Path(override).expanduser()
    else:
        from platformdirs import user_data_dir

        home = Path(user_data_dir("conversation-coach", appauthor=False))
    return home


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it readable only by the user."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


def user_dir(kind: str) -> Path:
    """A private sub-folder of the user data dir: scenarios, rubrics, transcripts, exports."""
    home = ensure_private_dir(user_home())
    return ensure_private_dir(home / kind)


def user_dir_if_exists(kind: str) -> Path | None:
    """The user's folder for `kind` without creating anything (for listing)."""
    path = user_home() / kind
    return path if path.is_dir() else None


def progress_db_path() -> Path:
    return ensure_private_dir(user_home()) / "progress.sqlite3"


def settings_path() -> Path:
    return ensure_private_dir(user_home()) / "settings.json"
