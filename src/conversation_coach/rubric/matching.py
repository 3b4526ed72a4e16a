"""Compile a rubric's phrase, pattern and fuzzy rules once, and run them over a prepared reply.

Compiled rules are cached on the rubric object, so the coder pays the compile cost once per
rubric. Patterns may use the macro `<gap:N>` for "up to N words" (expanded here, after the
safety check, into a bounded form the author could not write directly).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conversation_coach.rubric.model import Rubric, Rule
from conversation_coach.rubric.textprep import Prepared, Sentence, content_stems, words_of

DEFAULT_FUZZY_THRESHOLD = 80.0
_WORD_START = re.compile(r"(?<![\w'])[\w]")
_GAP = re.compile(r"<gap:(\d{1,2})>")


def expand_macros(pattern: str) -> str:
    return _GAP.sub(lambda m: r"(?:[\w'-]+[,;]? ){0,%d}" % int(m.group(1)), pattern)


@dataclass
class Hit:
    rule: Rule
    sentence: int  # index into Prepared.sentences
    start: int  # canonical-text span
    end: int

    @property
    def target(self) -> str:
        return self.rule.target


@dataclass
class CompiledRule:
    rule: Rule
    regex: re.Pattern[str] | None
    fuzzy: list[str]
    exceptions: re.Pattern[str] | None
    prefixes: frozenset[str] | None = None  # a match starts at a word beginning with one of these
    fuzzy_words: list[tuple[str, ...]] = field(default_factory=list)


_PREFIX_LEN = 3
_MAX_PREFIXES = 600


class _Unknown(Exception):
    pass


def _prefixes(items: list, i: int, cur: str, out: set[str]) -> None:
    """Add to `out` every literal prefix (up to _PREFIX_LEN chars) a match of items[i:] can start with."""
    from conversation_coach.rubric.safe_pattern import _c

    if len(out) > _MAX_PREFIXES:
        raise _Unknown
    if len(cur) >= _PREFIX_LEN or i >= len(items):
        if not cur:
            raise _Unknown  # could match empty, or starts with something unknown
        out.add(cur[:_PREFIX_LEN])
        return
    op, arg = items[i]
    rest = items[i + 1 :]
    if op is _c.LITERAL:
        _prefixes(items, i + 1, cur + chr(arg).lower(), out)
    elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        _prefixes(items, i + 1, cur, out)
    elif op is _c.IN:
        chars: list[str] = []
        for o, a in arg:
            if o is _c.LITERAL:
                chars.append(chr(a).lower())
            elif o is _c.RANGE and a[1] - a[0] <= 12:
                chars.extend(chr(x).lower() for x in range(a[0], a[1] + 1))
            else:
                return _stop(cur, out)
        for ch in chars:
            _prefixes(items, i + 1, cur + ch, out)
    elif op is _c.SUBPATTERN:
        _prefixes(list(arg[-1]) + rest, 0, cur, out)
    elif op is _c.BRANCH:
        for branch in arg[1]:
            _prefixes(list(branch) + rest, 0, cur, out)
    elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, sub = arg
        if low == 0:
            _prefixes(rest, 0, cur, out)
        if high >= 1:
            _prefixes(list(sub) + ([(op, (max(low - 1, 0), high - 1, sub))] if high > 1 else []) + rest, 0, cur, out)
    else:
        _stop(cur, out)


def _stop(cur: str, out: set[str]) -> None:
    if not cur:
        raise _Unknown
    out.add(cur)


def match_prefixes(source: str) -> frozenset[str] | None:
    """The literal prefixes (1-3 chars) every match of `source` starts with, or None when unknown.

    The coder then tries the pattern only where a word starts with one of them, instead of
    scanning every position: the same hits, several times faster.
    """
    from conversation_coach.rubric.safe_pattern import _p

    out: set[str] = set()
    try:
        _prefixes(list(_p.parse(source)), 0, "", out)
    except (_Unknown, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - an optimisation only
        return None
    if not out or not all(p[0].isalnum() for p in out):
        return None
    return frozenset(out)


def _phrase_regex(phrases: list[str]) -> str:
    alts = sorted({re.escape(p.lower().strip()).replace(r"\ ", r"\s+") for p in phrases if p.strip()},
                  key=len, reverse=True)
    return r"(?<![\w'])(?:" + "|".join(alts) + r")(?![\w'])"


def compile_rule(rule: Rule) -> CompiledRule:
    regex = None
    source = ""
    if rule.kind in ("phrase", "fuzzy"):
        source = _phrase_regex(rule.phrases)
    elif rule.kind == "pattern":
        source = "|".join(f"(?:{expand_macros(p)})" for p in rule.patterns)
    if source:
        regex = re.compile(source, re.IGNORECASE)
    word_start = bool(source) and all(_starts_at_word(p) for p in (
        rule.patterns if rule.kind == "pattern" else [source]))
    exceptions = None
    if rule.exceptions:
        exceptions = re.compile("|".join(f"(?:{expand_macros(p)})" for p in rule.exceptions), re.IGNORECASE)
    fuzzy = [p.lower() for p in rule.phrases] if rule.kind == "fuzzy" else []
    first = match_prefixes(source) if word_start and rule.where == "anywhere" else None
    fuzzy_words = [tuple(_FUZZY_WORD.findall(p)) for p in fuzzy if _FUZZY_WORD.findall(p)]
    return CompiledRule(rule, regex, fuzzy, exceptions, first, fuzzy_words)


def _starts_at_word(pattern: str) -> bool:
    return pattern.startswith(("\\b", "^", "(?<![\\w'])", "(?<="))


@dataclass
class CompiledRubric:
    rules: list[CompiledRule]
    by_prefix: dict[str, list[int]]  # a word's first 1-3 characters -> rules that may match there


def compiled_rubric(rubric: Rubric) -> CompiledRubric:
    cached = rubric._compiled
    if cached is None:
        rules = [compile_rule(r) for r in rubric.rules if r.kind != "structural"]
        by_prefix: dict[str, list[int]] = {}
        for index, c in enumerate(rules):
            for prefix in c.prefixes or ():
                by_prefix.setdefault(prefix, []).append(index)
        cached = CompiledRubric(rules, by_prefix)
        rubric._compiled = cached
    return cached  # type: ignore[return-value]


def compiled_rules(rubric: Rubric) -> list[CompiledRule]:
    return compiled_rubric(rubric).rules


def _sentence_at(sentences: list[Sentence], pos: int) -> int:
    for i, s in enumerate(sentences):
        if pos < s.end:
            return i
    return max(len(sentences) - 1, 0)


_FUZZY_WORD = re.compile(r"[a-z0-9']+")


def _fuzzy_search(c: CompiledRule, text: str, offset: int) -> tuple[int, int] | None:
    """Find a phrase word by word, each typed word close to the phrase's (same first letter).

    Word by word rather than character by character, so that "i thinkk you shuold" hits
    "i think you should" while "i think you could" does not.
    """
    from rapidfuzz.fuzz import ratio

    threshold = c.rule.threshold or DEFAULT_FUZZY_THRESHOLD
    words = [(m.group(), m.start(), m.end()) for m in _FUZZY_WORD.finditer(text)]
    for phrase in c.fuzzy_words:
        k = len(phrase)
        for i in range(len(words) - k + 1):
            for j, want in enumerate(phrase):
                got = words[i + j][0]
                if got == want:
                    continue
                if got[0] != want[0] or len(want) < 3 or ratio(want, got) < threshold:
                    break
            else:
                return offset + words[i][1], offset + words[i + k - 1][2]
    return None


def run_rules(prepared: Prepared, rubric: Rubric, previous_person: str | None) -> list[Hit]:
    """Every phrase/pattern/fuzzy rule hit in the reply, exceptions already applied."""
    hits: list[Hit] = []
    sentences = prepared.sentences
    if not sentences:
        return hits
    canon = prepared.canon
    echoed: set[str] | None = None
    compiled = compiled_rubric(rubric)
    by_prefix = compiled.by_prefix
    candidates: dict[int, list[int]] = {}  # rule index -> word starts where it may match, in order
    for m in _WORD_START.finditer(canon):
        pos = m.start()
        for k in (1, 2, 3):
            for index in by_prefix.get(canon[pos : pos + k], ()):
                candidates.setdefault(index, []).append(pos)
    for index, c in enumerate(compiled.rules):
        rule = c.rule
        found: list[tuple[int, int, int]] = []  # (sentence, start, end)
        if rule.where == "start":
            for i, s in enumerate(sentences):
                body_start = s.start + s.body_offset
                m = c.regex.match(canon, body_start, s.end) if c.regex else None
                if m:
                    found.append((i, m.start(), m.end()))
                elif c.fuzzy:
                    span = _fuzzy_search(c, canon[body_start : s.end], body_start)
                    if span and span[0] - body_start <= 2:
                        found.append((i, *span))
        elif c.prefixes is not None:
            m = None
            for pos in candidates.get(index, ()):
                m = c.regex.match(canon, pos)
                if m:
                    break
            if m:
                found.append((_sentence_at(sentences, m.start()), m.start(), m.end()))
            elif c.fuzzy:
                span = _fuzzy_search(c, canon, 0)
                if span:
                    found.append((_sentence_at(sentences, span[0]), *span))
        else:
            m = c.regex.search(canon) if c.regex else None
            if m:
                found.append((_sentence_at(sentences, m.start()), m.start(), m.end()))
            elif c.fuzzy:
                span = _fuzzy_search(c, canon, 0)
                if span:
                    found.append((_sentence_at(sentences, span[0]), *span))
        for i, start, end in found:
            if c.exceptions is not None:
                last = sentences[_sentence_at(sentences, max(end - 1, start))]
                if c.exceptions.search(canon, min(sentences[i].start, start), max(last.end, end)):
                    continue
            if rule.unless_echoed and previous_person:
                if echoed is None:
                    echoed = content_stems(words_of(previous_person.lower()))
                said = content_stems(words_of(canon[start:end]))
                if said and said <= echoed:
                    continue
            hits.append(Hit(rule, i, start, end))
    return hits
