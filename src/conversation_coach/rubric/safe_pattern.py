"""Check that a rubric author's regular expression is simple and bounded.

Rubric patterns run on every reply, so one that backtracks catastrophically
(`(a+)+`) would freeze the app. We accept the safe subset: no repeat inside a
repeat, no back-references, no conditionals, bounded repeat counts, short
patterns. The check parses the pattern with the standard library's own parser.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MAX_PATTERN_CHARS = 800
MAX_REPEAT_COUNT = 100

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_FORBIDDEN = {_c.GROUPREF: "back-references are not allowed", _c.GROUPREF_EXISTS: "conditionals are not allowed"}


def pattern_problem(pattern: str) -> str | None:
    """What is unsafe or invalid about `pattern`, or None when it is fine."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"pattern is longer than {MAX_PATTERN_CHARS} characters"
    try:
        re.compile(pattern)
        parsed = _p.parse(pattern)
    except (re.error, RecursionError) as exc:
        return f"not a valid regular expression: {exc}"
    return _walk(parsed, inside_repeat=False)


def _walk(items, inside_repeat: bool) -> str | None:
    for op, arg in items:
        if op in _FORBIDDEN:
            return _FORBIDDEN[op]
        if op in _REPEATS:
            low, high, sub = arg
            if inside_repeat and (high is _c.MAXREPEAT or high > 1):
                return "nested repeats (a repeat inside a repeat) can run for ever; simplify the pattern"
            if high is not _c.MAXREPEAT and high > MAX_REPEAT_COUNT:
                return f"repeat counts above {MAX_REPEAT_COUNT} are not allowed"
            problem = _walk(sub, inside_repeat=inside_repeat or high is _c.MAXREPEAT or high > 1)
            if problem:
                return problem
        elif op == _c.SUBPATTERN:
            problem = _walk(arg[-1], inside_repeat)
            if problem:
                return problem
        elif op == _c.BRANCH:
            for branch in arg[1]:
                problem = _walk(branch, inside_repeat)
                if problem:
                    return problem
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            problem = _walk(arg[1], inside_repeat)
            if problem:
                return problem
        elif op == getattr(_c, "ATOMIC_GROUP", None):
            problem = _walk(arg, inside_repeat)
            if problem:
                return problem
    return None
