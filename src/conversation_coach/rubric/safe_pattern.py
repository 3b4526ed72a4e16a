"""Check that a rubric author's regular expression is simple and bounded.

Rubric patterns run on every reply, so one that backtracks catastrophically
(`(a+)+`) would freeze the app. We accept the safe subset: no repeat inside a
repeat, no back-references, no conditionals, bounded repeat counts, short
patterns. The check parses the pattern with the standard library's own parser.

Inside an open-ended or long repeat, alternatives (`(a|aa)+`) and optional parts
(`(a?){30}`) are refused too (a short repeat such as `(?:so |very ){0,2}` is fine):
they let the engine split the same words in exponentially many ways. And a
pattern may hold only one open-ended repeat (`*`, `+`, `{n,}`): two or more already
take seconds to minutes on a long reply (`a.*b.*c` on 2,000 characters: ~10 s).

The author writes at most MAX_PATTERN_CHARS; the checks run on the pattern with its macros
(`<gap:N>`, `<list:NAME>`, rubric/macros.py) expanded, which may be up to MAX_EXPANDED_CHARS.
"""

from __future__ import annotations

import re

from conversation_coach.rubric.compiled_patterns import compile_pattern
from conversation_coach.rubric.compiled_patterns import parsed as parsed_tree
from conversation_coach.rubric.macros import UnknownList, expand, macro_problem

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants as _c  # type: ignore[no-redef]

MAX_PATTERN_CHARS = 800
MAX_EXPANDED_CHARS = 8000
MAX_REPEAT_COUNT = 100
MAX_OPEN_ENDED_REPEATS = 1
MAX_SHORT_REPEAT = 4  # alternatives and optional parts are fine inside a repeat of at most this many

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_FORBIDDEN = {_c.GROUPREF: "back-references are not allowed", _c.GROUPREF_EXISTS: "conditionals are not allowed"}


def pattern_problem(pattern: str, lists: dict[str, list[str]] | None = None) -> str | None:
    """What is unsafe or invalid about `pattern` (which may use the rubric's `lists`), or None when it is fine."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"pattern is longer than {MAX_PATTERN_CHARS} characters"
    problem = macro_problem(pattern)
    if problem:
        return problem
    try:
        expanded = expand(pattern, lists, for_check=True)
    except UnknownList as exc:
        return str(exc)
    if len(expanded) > MAX_EXPANDED_CHARS:
        return f"pattern is longer than {MAX_EXPANDED_CHARS} characters once its lists are written out"
    if expanded in _VERDICTS:
        return _VERDICTS[expanded]
    verdict = _expanded_problem(pattern, lists, expanded)
    if len(_VERDICTS) < 20_000:
        _VERDICTS[expanded] = verdict
    return verdict


# Verdicts by expanded pattern: a rubric loaded again in the same process (a test, a second file
# with the same rules) is not parsed again.
_VERDICTS: dict[str, str | None] = {}


def _expanded_problem(pattern: str, lists: dict[str, list[str]] | None, expanded: str) -> str | None:
    try:
        compile_pattern(expand(pattern, lists))  # as the coder will run it; its code is kept for the coder
        parsed = list(parsed_tree(expanded))
    except (re.error, RecursionError, OverflowError) as exc:
        return f"not a valid regular expression: {exc}"
    problem = _walk(parsed, inside_repeat=False)
    if problem:
        return problem
    if _open_ended_repeats(parsed) > MAX_OPEN_ENDED_REPEATS:
        return ("more than one open-ended repeat (*, + or {n,}) makes a search slow on long replies; "
                "keep one and bound the others, e.g. {0,20}")
    return None


def _open_ended_repeats(items) -> int:
    """How many `*`, `+` or `{n,}` repeats the parsed pattern holds, at any depth."""
    count = 0
    for op, arg in items:
        if op in _REPEATS:
            _low, high, sub = arg
            count += (high is _c.MAXREPEAT) + _open_ended_repeats(sub)
        elif op == _c.SUBPATTERN:
            count += _open_ended_repeats(arg[-1])
        elif op == _c.BRANCH:
            count += sum(_open_ended_repeats(branch) for branch in arg[1])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            count += _open_ended_repeats(arg[1])
        elif op == getattr(_c, "ATOMIC_GROUP", None):
            count += _open_ended_repeats(arg)
    return count


def _walk(items, inside_repeat: bool, long_repeat: bool = False) -> str | None:
    """`inside_repeat`: some enclosing repeat can run more than once; `long_repeat`: more than a few times."""
    for op, arg in items:
        if op in _FORBIDDEN:
            return _FORBIDDEN[op]
        if op in _REPEATS:
            low, high, sub = arg
            if inside_repeat and (high is _c.MAXREPEAT or high > 1):
                return "nested repeats (a repeat inside a repeat) can run for ever; simplify the pattern"
            if long_repeat and low != high:
                return "an optional part inside a repeat, such as (a?){30}, can run for ever; simplify the pattern"
            if high is not _c.MAXREPEAT and high > MAX_REPEAT_COUNT:
                return f"repeat counts above {MAX_REPEAT_COUNT} are not allowed"
            many = high is _c.MAXREPEAT or high > 1
            long = high is _c.MAXREPEAT or high > MAX_SHORT_REPEAT
            problem = _walk(sub, inside_repeat or many, long_repeat or long)
            if problem:
                return problem
        elif op == _c.SUBPATTERN:
            problem = _walk(arg[-1], inside_repeat, long_repeat)
            if problem:
                return problem
        elif op == _c.BRANCH:
            if long_repeat:
                return ("alternatives inside a long or open-ended repeat, such as (a|aa)+, can run for ever; "
                        "simplify the pattern")
            for branch in arg[1]:
                problem = _walk(branch, inside_repeat, long_repeat)
                if problem:
                    return problem
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            problem = _walk(arg[1], inside_repeat, long_repeat)
            if problem:
                return problem
        elif op == getattr(_c, "ATOMIC_GROUP", None):
            problem = _walk(arg, inside_repeat, long_repeat)
            if problem:
                return problem
    return None
