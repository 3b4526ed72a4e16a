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
# Where a rule may start matching: a word's first character, or the apostrophe of a contraction
# ("it's", "you'd"), so that patterns written as "(?:is|'s) ..." can be indexed too.
_WORD_START = re.compile(r"(?<![\w'])[\w]|(?<=\w)'(?=\w)")
_GAP = re.compile(r"<gap:(\d{1,2})>")


def expand_macros(pattern: str) -> str:
    return _GAP.sub(lambda m: r"(?:[\w'-]+[,;]? ){0," + str(int(m.group(1))) + "}", pattern)


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
    fuzzy_initials: list[str] = field(default_factory=list)


_PREFIX_LEN = 6
_MAX_PREFIXES = 2000
_PREFIX_LENGTHS = tuple(range(1, _PREFIX_LEN + 1))


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
    from conversation_coach.rubric.safe_pattern import _p

    out: set[str] = set()
    try:
        _prefixes(list(_p.parse(source)), 0, "", out)
    except (_Unknown, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - an optimisation only
        return None
    if not out or not all(p[0].isalnum() or p[0] == "'" for p in out):
        return None
    return frozenset(out)


def _phrase_regex(phrases: list[str]) -> str:
    alts = sorted({re.escape(" ".join(p.lower().split())).replace(r"\ ", " ") for p in phrases if p.strip()},
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
    # Where a match can start: any word for `anywhere` rules, a sentence's first word for `start` rules
    # (its body, or the preamble before it); either way a word start, so the same analysis serves both.
    first = match_prefixes(source) if (word_start or rule.where == "start") else None
    fuzzy_words = [tuple(_FUZZY_WORD.findall(p)) for p in fuzzy if _FUZZY_WORD.findall(p)]
    initials = ["".join(w[0] for w in words) for words in fuzzy_words]
    return CompiledRule(rule, regex, fuzzy, exceptions, first, fuzzy_words, initials)


def _starts_at_word(pattern: str) -> bool:
    if pattern.startswith(("\\b", "^", "(?<![\\w'])", "(?<=", "(?<!", "(?:(?<=", "(?:(?<!", "(?:^|")):
        return True
    # A pattern opening on a plain word ("(?:taken|removed) ...") is read as starting at a word too:
    # rules are written about words, and indexing it by its first words keeps the coder fast.
    return bool(_PLAIN_WORD_START.match(pattern))


_PLAIN_WORD_START = re.compile(r"(?:\(\?:)*[a-z]")


@dataclass
class CompiledRubric:
    rules: list[CompiledRule]
    by_prefix: dict[str, list[int]]  # a word's first 1-3 characters -> rules that may match there
    structural: dict[str, Rule]  # check name -> the first structural rule running it
    groups: dict = field(default_factory=dict)  # (targets, exclude) -> rule indexes, filled as used
    window_rules: dict[str, tuple[int, ...]] = field(default_factory=dict)  # memo for rules_for_window
    always: frozenset[int] = frozenset()  # rules run on every reply: no known first words, or fuzzy

    def rules_for_window(self, window: str) -> tuple[int, ...]:
        """Rules that may match at a word starting with `window` (its first _PREFIX_LEN characters)."""
        found: list[int] = []
        for k in _PREFIX_LENGTHS:
            found.extend(self.by_prefix.get(window[:k], ()))
        result = tuple(sorted(set(found)))
        if len(self.window_rules) < 50_000:
            self.window_rules[window] = result
        return result


def compiled_rubric(rubric: Rubric) -> CompiledRubric:
    cached = rubric._compiled
    if cached is None:
        rules = [compile_rule(r) for r in rubric.rules if r.kind != "structural"]
        by_prefix: dict[str, list[int]] = {}
        for index, c in enumerate(rules):
            for prefix in c.prefixes or ():
                by_prefix.setdefault(prefix, []).append(index)
        structural: dict[str, Rule] = {}
        for rule in rubric.rules:
            if rule.kind == "structural" and rule.check:
                structural.setdefault(rule.check, rule)
        always = frozenset(i for i, c in enumerate(rules) if c.prefixes is None or c.fuzzy)
        cached = CompiledRubric(rules, by_prefix, structural, always=always)
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
_FUZZY_INITIAL = re.compile(r"(?<![a-z0-9'])[a-z0-9']")


def _fuzzy_search(c: CompiledRule, text: str, offset: int) -> tuple[int, int] | None:
    """Find a phrase word by word, each typed word close to the phrase's (same first letter).

    Word by word rather than character by character, so that "i thinkk you shuold" hits
    "i think you should" while "i think you could" does not.
    """
    from rapidfuzz.fuzz import ratio

    threshold = c.rule.threshold or DEFAULT_FUZZY_THRESHOLD
    initials = "".join(_FUZZY_INITIAL.findall(text))  # typos rarely hit a word's first letter: a cheap pre-check
    if not any(p in initials for p in c.fuzzy_initials):
        return None
    words = [(m.group(), m.start(), m.end()) for m in _FUZZY_WORD.finditer(text)]
    for phrase, phrase_initials in zip(c.fuzzy_words, c.fuzzy_initials, strict=True):
        k = len(phrase)
        i = initials.find(phrase_initials)
        while i != -1:
            for j, want in enumerate(phrase):
                got = words[i + j][0]
                if got != want and (len(want) < 3 or ratio(want, got) < threshold):
                    break
            else:
                return offset + words[i][1], offset + words[i + k - 1][2]
            i = initials.find(phrase_initials, i + 1)
    return None


class RuleRunner:
    """Runs a rubric's rules over one prepared reply; rules can be run in groups, each rule once."""

    def __init__(self, prepared: Prepared, compiled: CompiledRubric, previous_person: str | None):
        self.prepared = prepared
        self.compiled = compiled
        self.previous_person = previous_person
        self._echoed: set[str] | None = None
        self._done: set[int] = set()
        candidates: dict[int, list[int]] = {}  # rule index -> word starts where it may match, in order
        canon = prepared.canon
        memo = compiled.window_rules
        for m in _WORD_START.finditer(canon):
            pos = m.start()
            window = canon[pos : pos + _PREFIX_LEN]
            indexes = memo.get(window)
            if indexes is None:
                indexes = compiled.rules_for_window(window)
            for index in indexes:
                candidates.setdefault(index, []).append(pos)
        self.candidates = candidates

    def run(self, targets: frozenset[str] | None = None, exclude: frozenset[str] = frozenset()) -> list[Hit]:
        """Hits of the rules aimed at `targets` (all when None) but not at `exclude`, not run before."""
        key = (targets, exclude)
        indexes = self.compiled.groups.get(key)
        if indexes is None:
            indexes = [i for i, c in enumerate(self.compiled.rules)
                       if (targets is None or c.rule.target in targets) and c.rule.target not in exclude]
            self.compiled.groups[key] = indexes
        hits: list[Hit] = []
        if not self.prepared.sentences:
            return hits
        done = self._done
        candidates = self.candidates
        always = self.compiled.always
        for index in indexes:
            if index not in done:
                done.add(index)
                if index in candidates or index in always:  # else no word in the reply can start a match
                    self._run_one(index, hits)
        return hits

    def _run_one(self, index: int, hits: list[Hit]) -> None:
        c = self.compiled.rules[index]
        rule = c.rule
        canon = self.prepared.canon
        sentences = self.prepared.sentences
        found: list[tuple[int, int, int]] = []  # (sentence, start, end)
        if rule.where == "start":
            for i, s in enumerate(sentences):
                body_start = s.start + s.body_offset
                m = c.regex.match(canon, body_start, s.end) if c.regex else None
                if m is None and s.body_offset and c.regex is not None:
                    m = c.regex.match(canon, s.start, s.end)  # "Thanks, ..." is a preamble and a start
                if m:
                    found.append((i, m.start(), m.end()))
                elif c.fuzzy:
                    span = _fuzzy_search(c, canon[body_start : s.end], body_start)
                    if span and span[0] - body_start <= 2:
                        found.append((i, *span))
        else:
            m = None
            if c.prefixes is not None:
                for pos in self.candidates.get(index, ()):
                    m = c.regex.match(canon, pos)
                    if m:
                        break
            elif c.regex is not None:
                m = c.regex.search(canon)
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
            if rule.unless_echoed and self.previous_person:
                if self._echoed is None:
                    self._echoed = content_stems(words_of(self.previous_person.lower()))
                said = content_stems(words_of(canon[start:end]))
                if said and said <= self._echoed:
                    continue
            hits.append(Hit(rule, i, start, end))


def run_rules(prepared: Prepared, rubric: Rubric, previous_person: str | None,
              targets: frozenset[str] | None = None) -> list[Hit]:
    """Every phrase/pattern/fuzzy rule hit in the reply (or those aimed at `targets`), exceptions applied."""
    return RuleRunner(prepared, compiled_rubric(rubric), previous_person).run(targets)
