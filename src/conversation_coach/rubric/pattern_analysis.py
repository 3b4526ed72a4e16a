"""What a rubric pattern's matches must look like: the letters they start with, the literals they contain.

The coder (rubric/matching.py) uses both to avoid running a pattern where it cannot match: a
pattern is tried only at words starting with one of its prefixes, and a rule is skipped when a
reply holds none of its must-have literals. Both are read off the pattern's parse tree, which
is parsed once (rubric/compiled_patterns.parsed) and shared with the compiler and the safety
check. rubric/cache.py keeps the results on disk between runs.
"""

from __future__ import annotations

from conversation_coach.rubric.compiled_patterns import parsed

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older layouts
    import sre_constants as _c  # type: ignore[no-redef]

MAX_LITERALS = 40  # more alternatives than this make a literal check cost more than it saves

PREFIX_LEN = 6
_MAX_PREFIXES = 2000
PREFIX_LENGTHS = tuple(range(1, PREFIX_LEN + 1))


class _Unknown(Exception):
    pass


def _prefixes(items: list, i: int, cur: str, out: set[str], limit: int = PREFIX_LEN) -> None:
    """Add to `out` every literal prefix (up to `limit` chars) a match of items[i:] can start with."""
    if len(out) > _MAX_PREFIXES:
        raise _Unknown
    if len(cur) >= limit or i >= len(items):
        if not cur:
            raise _Unknown  # could match empty, or starts with something unknown
        out.add(cur[:limit])
        return
    op, arg = items[i]
    rest = items[i + 1 :]
    if op is _c.LITERAL:
        _prefixes(items, i + 1, cur + chr(arg).lower(), out, limit)
    elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        _prefixes(items, i + 1, cur, out, limit)
    elif op is _c.IN:
        chars: list[str] = []
        for o, a in arg:
            if o is _c.LITERAL:
                chars.append(chr(a).lower())
            elif o is _c.RANGE and a[1] - a[0] <= 12:
                chars.extend(chr(x).lower() for x in range(a[0], a[1] + 1))
            elif o is _c.CATEGORY and a is _c.CATEGORY_SPACE:
                chars.append(" ")  # the coder reads replies with every run of white space made one space
            else:
                return _stop(cur, out)
        for ch in chars:
            _prefixes(items, i + 1, cur + ch, out, limit)
    elif op is _c.SUBPATTERN:
        _prefixes(list(arg[-1]) + rest, 0, cur, out, limit)
    elif op is _c.BRANCH:
        for branch in arg[1]:
            _prefixes(list(branch) + rest, 0, cur, out, limit)
    elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, sub = arg
        if low == 0:
            _prefixes(rest, 0, cur, out, limit)
        if high >= 1:
            _prefixes(list(sub) + ([(op, (max(low - 1, 0), high - 1, sub))] if high > 1 else []) + rest, 0, cur, out, limit)
    else:
        _stop(cur, out)


def _stop(cur: str, out: set[str]) -> None:
    if not cur:
        raise _Unknown
    out.add(cur)


# Prefix analyses already done, by pattern source; rubric/cache.py keeps them on disk between runs,
# because parsing every pattern again costs a one-shot command such as `code` a noticeable share of its time.
PREFIX_MEMO: dict[str, list[str] | None] = {}


def match_prefixes(source: str) -> frozenset[str] | None:
    """The literal prefixes (1-3 chars) every match of `source` starts with, or None when unknown.

    The coder then tries the pattern only where a word starts with one of them, instead of
    scanning every position: the same hits, several times faster.
    """
    if source in PREFIX_MEMO:
        known = PREFIX_MEMO[source]
        return None if known is None else frozenset(known)
    found = _match_prefixes(source)
    PREFIX_MEMO[source] = None if found is None else sorted(found)
    return found


def _match_prefixes(source: str) -> frozenset[str] | None:
    try:
        tree = list(parsed(source))
    except Exception:  # noqa: BLE001 - an optimisation only
        return None
    out: set[str] = set()
    for limit in (PREFIX_LEN, 3, 1):  # a big lexicon gives too many long prefixes: then shorter ones
        out = set()
        try:
            _prefixes(tree, 0, "", out, limit)
            break
        except _Unknown:
            if len(out) <= _MAX_PREFIXES:
                return None  # not too many: something unknown
        except RecursionError:
            return None
        except Exception:  # noqa: BLE001 - an optimisation only
            return None
    else:
        return None
    if not out or not all(p[0].isalnum() or p[0] == "'" for p in out):
        return None
    return frozenset(out)


# Required-literal analyses already done, by pattern source (saved with PREFIX_MEMO by rubric/cache.py).
REQUIRED_MEMO: dict[str, list[str]] = {}
_MIN_REQUIRED = 2  # shorter literals are in nearly every reply: not worth checking


def required_literals(source: str) -> tuple[str, ...]:
    """Strings one of which every match of `source` contains (lower case), or () when none is known.

    A pattern such as "... but ... you're too old" cannot match a reply without "but" in it;
    checking that with `in` costs far less than running the pattern. Of the candidates the
    pattern offers, the one with the longest shortest string is kept.
    """
    if source in REQUIRED_MEMO:
        return tuple(REQUIRED_MEMO[source])
    try:
        found = _required(list(parsed(source)), 0)
    except Exception:  # noqa: BLE001 - an optimisation only
        found = None
    result = sorted(found) if found and min(map(len, found)) >= _MIN_REQUIRED else []
    REQUIRED_MEMO[source] = result
    return tuple(result)


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None or b is None:
        return a if b is None else b
    key_a, key_b = (min(map(len, a)), -len(a)), (min(map(len, b)), -len(b))
    return a if key_a >= key_b else b


def _literal_alternatives(items: list, depth: int = 0) -> set[str] | None:
    """The exact strings a sequence of plain literals and alternations of them can match, or None."""
    found = {""}
    for op, arg in items:
        if op is _c.LITERAL:
            found = {f + chr(arg).lower() for f in found}
        elif op is _c.BRANCH and depth < 5:
            options: set[str] = set()
            for branch in arg[1]:
                sub = _literal_alternatives(list(branch), depth + 1)
                if sub is None:
                    return None
                options |= sub
            found = {f + o for f in found for o in options}
        elif op is _c.SUBPATTERN and depth < 5:
            sub = _literal_alternatives(list(arg[-1]), depth + 1)
            if sub is None:
                return None
            found = {f + o for f in found for o in sub}
        else:
            return None
        if len(found) > MAX_LITERALS:
            return None
    return found


def _required(items: list, depth: int) -> frozenset[str] | None:
    """The best set of strings one of which a match of this sequence must contain.

    Adjacent literals and alternations of plain words are joined ("i " + "know|see" gives
    "i know" or "i see"); anything else ends the run of literals.
    """
    if depth > 20:
        return None
    best: frozenset[str] | None = None
    run = {""}
    for op, arg in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # takes no characters: the literals either side are adjacent in the text
        exact = _literal_alternatives([(op, arg)]) if op in (_c.LITERAL, _c.BRANCH, _c.SUBPATTERN) else None
        if exact is not None and len(run) * len(exact) <= MAX_LITERALS:
            run = {r + e for r in run for e in exact}
            continue
        if run != {""}:
            best = _better(best, frozenset(run))
        run = {""}
        if exact is not None:
            run = exact
            continue
        if op is _c.SUBPATTERN:
            best = _better(best, _required(list(arg[-1]), depth + 1))
        elif op is _c.BRANCH:
            branches = [_required(list(b), depth + 1) for b in arg[1]]
            if all(branches):
                best = _better(best, frozenset().union(*branches))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
            best = _better(best, _required(list(arg[2]), depth + 1))
    if run != {""}:
        best = _better(best, frozenset(run))
    return best
