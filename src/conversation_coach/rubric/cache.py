"""A cache of validated rubrics, so that a one-shot command such as `code` starts fast.

Reading the rubric YAML and checking every author pattern costs more than coding a few
hundred replies. The first load validates fully (errors name file and line, as always) and
keeps the validated rubric as JSON in the user data dir, keyed by a hash of the file's
bytes, the app version and the rubric model's own source; any change to one of them is a
new key. A cache file that cannot be read or written is simply ignored.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from conversation_coach.rubric.load import load_rubric
from conversation_coach.rubric.model import Rubric

CACHE_FORMAT = "1"


def _fingerprint(raw: bytes) -> str:
    from conversation_coach import __version__
    from conversation_coach.rubric import model, safe_pattern

    h = hashlib.sha256()
    for part in (CACHE_FORMAT.encode(), __version__.encode(), raw):
        h.update(part)
        h.update(b"\0")
    for module in (model, safe_pattern):
        try:
            h.update(Path(module.__file__).read_bytes())
        except OSError:
            return ""  # cannot tell whether the model changed: do not cache
    return h.hexdigest()[:32]


def load_rubric_cached(path: Path | str | None = None) -> Rubric:
    """Like load_rubric (same errors), served from the validated-rubric cache when possible."""
    from conversation_coach.paths import default_rubric_path, user_home

    p = Path(path) if path else default_rubric_path()
    try:
        key = _fingerprint(p.read_bytes())
    except OSError:
        key = ""
    if not key:
        return load_rubric(path)
    cache_file = user_home() / "cache" / f"rubric-{key}.json"
    try:
        return Rubric.model_validate_json(cache_file.read_bytes(), context={"patterns_checked": True})
    except (OSError, ValueError):
        pass
    rubric = load_rubric(path)
    try:
        from conversation_coach.fsutil import atomic_write_text
        from conversation_coach.paths import ensure_private_dir

        ensure_private_dir(cache_file.parent)
        atomic_write_text(cache_file, rubric.model_dump_json(by_alias=True))
    except OSError:
        pass
    return rubric
