"""A cache of validated rubrics, so that a one-shot command such as `code` starts fast.

Reading the rubric YAML and checking every author pattern costs more than coding a few
hundred replies. The first load validates fully (errors name file and line, as always) and
keeps the validated rubric as JSON in the user data dir, keyed by a hash of the file's
bytes, the app version and the rubric model's own source; any change to one of them is a
new key. Beside it goes the coder's analysis of each pattern (which words a match can start
with, rubric/pattern_analysis.py) and the regex engine's code for it (rubric/compiled_patterns.py),
which otherwise mean parsing and compiling every pattern again on each run.
A cache file that cannot be read or written is simply ignored. Each edit of a rubric makes
new entries, so when one is written only the few most recent of each kind are kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from conversation_coach.rubric.model import Rubric

# yamlload.MAX_BYTES, repeated so that a cache hit never imports the YAML loader (a test keeps them equal).
MAX_RUBRIC_BYTES = 1_000_000

CACHE_FORMAT = "2"
KEEP_ENTRIES = 8  # of each kind of cache file: enough for the rubrics in use, without piling up edits
_KINDS = ("rubric-*.json", "compiled-*.bin", "prefixes-*.json")  # prefixes-*: an older analysis file, superseded


def _fingerprint(raw: bytes) -> str:
    from conversation_coach import __version__
    from conversation_coach.rubric import (
        compiled_patterns,
        macros,
        matching,
        model,
        pattern_analysis,
        safe_pattern,
    )

    h = hashlib.sha256()
    for part in (CACHE_FORMAT.encode(), __version__.encode(), raw):
        h.update(part)
        h.update(b"\0")
    for module in (model, safe_pattern, matching, macros, compiled_patterns, pattern_analysis):
        try:
            h.update(Path(module.__file__).read_bytes())
        except OSError:
            return ""  # cannot tell whether the model changed: do not cache
    return h.hexdigest()[:32]


def _write(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        from conversation_coach.fsutil import atomic_write_bytes
        from conversation_coach.paths import ensure_private_dir

        ensure_private_dir(path.parent)
        atomic_write_bytes(path, data)
    except OSError:
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the KEEP_ENTRIES newest files of each kind (the legacy kind: none)."""
    for kind in _KINDS:
        try:
            files = sorted(folder.glob(kind), key=lambda f: f.stat().st_mtime, reverse=True)
            keep = 0 if kind.startswith("prefixes-") else KEEP_ENTRIES
            for old in files[keep:]:
                old.unlink()
        except OSError:
            pass


def _with_analysis(rubric: Rubric, analysis_file: Path) -> Rubric:
    """Seed the coder's pattern analysis and compiled code from disk; compile now and save when not there."""
    import marshal

    from conversation_coach.rubric.compiled_patterns import CODES
    from conversation_coach.rubric.matching import compiled_rubric
    from conversation_coach.rubric.pattern_analysis import PREFIX_MEMO, REQUIRED_MEMO

    try:
        saved = marshal.loads(analysis_file.read_bytes())  # our own file, in the private data dir
        if isinstance(saved, dict) and all(isinstance(saved.get(k), dict) for k in ("prefixes", "required", "codes")):
            PREFIX_MEMO.update({k: v for k, v in saved["prefixes"].items()
                                if isinstance(k, str) and (v is None or isinstance(v, list))})
            REQUIRED_MEMO.update({k: v for k, v in saved["required"].items() if isinstance(k, str) and isinstance(v, list)})
            CODES.update({k: v for k, v in saved["codes"].items() if isinstance(k, str) and isinstance(v, tuple)})
            return rubric
    except (OSError, ValueError, EOFError, TypeError):
        pass
    compiled_rubric(rubric)
    _write_bytes(analysis_file, marshal.dumps({"prefixes": PREFIX_MEMO, "required": REQUIRED_MEMO, "codes": CODES}))
    return rubric


def load_rubric_cached(path: Path | str | None = None) -> Rubric:
    """Like load_rubric (same errors), served from the validated-rubric cache when possible."""
    from conversation_coach.paths import default_rubric_path, user_home

    p = Path(path) if path else default_rubric_path()
    try:
        # Too big for the YAML loader: never read it here; the loader refuses it with file:line.
        key = _fingerprint(p.read_bytes()) if p.stat().st_size <= MAX_RUBRIC_BYTES else ""
    except OSError:
        key = ""
    if not key:
        from conversation_coach.rubric.load import load_rubric

        return load_rubric(path)
    cache_dir = user_home() / "cache"
    cache_file = cache_dir / f"rubric-{key}.json"
    from conversation_coach.rubric.compiled_patterns import ENGINE

    analysis_file = cache_dir / f"compiled-{key}-{ENGINE}.bin"
    try:
        rubric = Rubric.model_validate_json(cache_file.read_bytes(), context={"patterns_checked": True})
    except (OSError, ValueError):
        from conversation_coach.rubric.load import load_rubric

        rubric = load_rubric(path)
        _write(cache_file, rubric.model_dump_json(by_alias=True))
    return _with_analysis(rubric, analysis_file)
