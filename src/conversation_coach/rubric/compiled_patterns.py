"""Compile the rubric's regular expressions, reusing the engine's code from an earlier run.

Compiling every rubric pattern with `re.compile` costs a one-shot command such as `code`
about a third of a second on each start, nearly all of it in `re`'s pure-Python parser and
code generator; handing the generated code to the engine takes a few milliseconds. So the
generated code is kept in CODES, which rubric/cache.py saves beside the validated rubric,
keyed by the Python version and the engine's MAGIC number. The engine checks any code it is
given and refuses bad code; anything unexpected falls back to a plain `re.compile`.

Parsing is the dear part, and four things need a pattern's parse tree when a rubric is first
loaded: the safety check, the compiler and the two analyses of rubric/pattern_analysis.py. So
`parsed` keeps the most recent trees, and the coder lets a tree go once it is done with it.
"""

from __future__ import annotations

import array
import re
import sys

try:
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python implementation: plain re.compile
    _sre = None

FLAGS = re.IGNORECASE
# Which engine built the saved code: code from any other Python is never reused.
ENGINE = f"{sys.implementation.cache_tag}-{getattr(_sre, 'MAGIC', 0)}-{getattr(_sre, 'CODESIZE', 0)}"
_ITEM = "I" if array.array("I").itemsize == getattr(_sre, "CODESIZE", 4) else "L"

# pattern source -> (flags, code as bytes, group count, named groups); filled as patterns are compiled.
CODES: dict[str, tuple[int, bytes, int, dict[str, int]]] = {}
_PARSED: dict[str, object] = {}
_MAX_PARSED = 1000  # about 20 MB of trees at most


def parsed(source: str):
    """The parse tree of `source` (as `re` parses it with IGNORECASE); raises re.error when invalid."""
    tree = _PARSED.get(source)
    if tree is None:
        tree = _parser.parse(source, FLAGS)
        if len(_PARSED) >= _MAX_PARSED:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[source] = tree
    return tree


def forget(source: str) -> None:
    """Let the parse tree of `source` go: its code and analyses are made."""
    _PARSED.pop(source, None)


def compile_pattern(source: str) -> re.Pattern[str]:
    """`re.compile(source, re.IGNORECASE)`, from saved code when there is some."""
    known = CODES.get(source)
    if known is not None:
        try:
            return _build(source, *known)
        except Exception:  # noqa: BLE001 - damaged or foreign code: compile afresh
            del CODES[source]
    if _sre is None:
        return re.compile(source, FLAGS)
    try:
        tree = parsed(source)
        code = array.array(_ITEM, _compiler._code(tree, FLAGS)).tobytes()
        entry = (int(FLAGS | tree.state.flags), code, tree.state.groups, dict(tree.state.groupdict))
        pattern = _build(source, *entry)
    except Exception:  # noqa: BLE001 - `re` internals changed: the public way still works
        return re.compile(source, FLAGS)
    CODES[source] = entry
    return pattern


def _build(source: str, flags: int, code: bytes, groups: int, groupindex: dict[str, int]) -> re.Pattern[str]:
    indexgroup: list[str | None] = [None] * groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    words = array.array(_ITEM)
    words.frombytes(code)
    return _sre.compile(source, flags, words.tolist(), groups - 1, groupindex, tuple(indexgroup))
