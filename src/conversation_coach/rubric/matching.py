r"""Compile a rubric's phrase, pattern and fuzzy rules once, and run them over a prepared reply.

Compiled rules are cached on the rubric object, so the coder pays the compile cost once per
rubric. Patterns may use the macros `<gap:N>` and `<list:NAME>` (rubric/macros.py).

To stay quick as the rubric grows, every pattern is analysed once (rubric/cache.py keeps the
analysis between runs): the first letters its matches can start with, and literals one of
which every match contains. A rule is then tried only at words where it can start, only with
its patterns that can start there, and not at all when the reply holds none of its must-have
literals. The hits are exactly those of a plain search (tests/test_rule_matching.py). Replies
must be single-spaced, as the coder makes them: the analysis reads `\s` as one space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conversation_coach.rubric.compiled_patterns import compile_pattern, forget
from conversation_coach.rubric.macros import expand
from conversation_coach.rubric.model import Rubric, Rule
from conversation_coach.rubric.pattern_analysis import (
    MAX_LITERALS,
    PREFIX_LEN,
    PREFIX_LENGTHS,
    match_prefixes,
    required_literals,
)
from conversation_coach.rubric.textprep import Prepared, Sentence, content_stems, words_of

DEFAULT_FUZZY_THRESHOLD = 80.0
# Where a rule may start matching: a word's first character, or the apostrophe of a contraction
# ("it's", "you'd"), so that patterns written as "(?:is|'s) ..." can be indexed too.
_WORD_START = re.compile(r"(?<![\w'])[\w]|(?<=\w)'(?=\w)")


@dataclass
class Hit:
    rule: Rule
    sentence: int  # index into Prepared.sentences
    start: int  # canonical-text span
    end: int

    @property
    def target(self) -> str:
        return self.rule.target


@dataclass(eq=False)
class Part:
    """One of a rule's patterns (a phrase rule has one, for all its phrases), compiled."""

    order: int  # its place among the rule's patterns: the first that matches at a word wins
    regex: re.Pattern[str]
    prefixes: frozenset[str] | None  # every match starts with one of these; None: try it anywhere
    required: tuple[str, ...] = ()  # every match contains one of these: a reply with none is skipped at once


@dataclass
class CompiledRule:
    """A rule's patterns, kept apart so that at each word only those that can start there are tried.

    Trying the parts in order, skipping those whose first words cannot match here, finds
    exactly what one alternation of them all would, without walking the rule's whole lexicon
    at every word.
    """

    rule: Rule
    parts: list[Part]
    fuzzy: list[str]
    exceptions: re.Pattern[str] | None
    prefixes: frozenset[str] | None = None  # the rule may match at a word starting with one of these
    open_parts: bool = False  # some part has no known first words: search for it everywhere
    required: tuple[str, ...] = ()  # every match contains one of these (fuzzy rules: none known)
    fuzzy_words: list[tuple[str, ...]] = field(default_factory=list)
    fuzzy_initials: list[str] = field(default_factory=list)
    _by_prefix: dict[str, list[int]] = field(default_factory=dict)
    _window_parts: dict[str, tuple[Part, ...]] = field(default_factory=dict)
    _single: tuple[Part, ...] = ()

    def __post_init__(self) -> None:
        self._single = tuple(self.parts[:1])
        for index, part in enumerate(self.parts):
            for prefix in part.prefixes or ():
                self._by_prefix.setdefault(prefix, []).append(index)

    def parts_at(self, window: str) -> tuple[Part, ...]:
        """The parts, in order, that may match where the text reads `window` (its next few characters).

        A rule's only part is returned as it is: where it cannot start, trying it simply fails.
        """
        if len(self.parts) == 1:
            return self._single
        found = self._window_parts.get(window)
        if found is None:
            indexes = {i for i, part in enumerate(self.parts) if part.prefixes is None}
            for k in PREFIX_LENGTHS:
                indexes.update(self._by_prefix.get(window[:k], ()))
            found = tuple(self.parts[i] for i in sorted(indexes))
            if len(self._window_parts) < 20_000:
                self._window_parts[window] = found
        return found


def _phrase_regex(phrases: list[str]) -> str:
    alts = sorted({re.escape(" ".join(p.lower().split())).replace(r"\ ", " ") for p in phrases if p.strip()},
                  key=len, reverse=True)
    return r"(?<![\w'])(?:" + "|".join(alts) + r")(?![\w'])"


def compile_rule(rule: Rule, lists: dict[str, list[str]] | None = None) -> CompiledRule:
    if rule.kind in ("phrase", "fuzzy"):
        sources = [(_phrase_regex(rule.phrases), True)]
    elif rule.kind == "pattern":
        sources = [(source, _starts_at_word(source)) for source in (expand(p, lists) for p in rule.patterns)]
    else:
        sources = []
    # Where a match can start: any word for `anywhere` rules, a sentence's first word for `start` rules
    # (its body, or the preamble before it); either way a word start, so the same analysis serves both.
    parts = [Part(order, compile_pattern(source),
                  match_prefixes(source) if (word_start or rule.where == "start") else None,
                  required_literals(source))
             for order, (source, word_start) in enumerate(sources)]
    for source, _ in sources:
        forget(source)  # compiled and analysed: the parse tree is no longer needed
    known = [part.prefixes for part in parts if part.prefixes is not None]
    prefixes = frozenset().union(*known) if known else None
    exceptions = None
    if rule.exceptions:
        exceptions = compile_pattern("|".join(f"(?:{expand(p, lists)})" for p in rule.exceptions))
    fuzzy = [p.lower() for p in rule.phrases] if rule.kind == "fuzzy" else []
    fuzzy_words = [tuple(_FUZZY_WORD.findall(p)) for p in fuzzy if _FUZZY_WORD.findall(p)]
    initials = ["".join(w[0] for w in words) for words in fuzzy_words]
    return CompiledRule(rule, parts, fuzzy, exceptions, prefixes, len(known) < len(parts),
                        () if fuzzy else _rule_required(parts), fuzzy_words, initials)


def _rule_required(parts: list[Part]) -> tuple[str, ...]:
    """The literals one of which any match of any part contains, when that is a short, telling list."""
    if not parts or not all(part.required for part in parts):
        return ()
    union = sorted({literal for part in parts for literal in part.required})
    return tuple(union) if len(union) <= MAX_LITERALS and min(map(len, union)) >= 3 else ()


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
        """Rules that may match at a word starting with `window` (its first PREFIX_LEN characters)."""
        found: list[int] = []
        for k in PREFIX_LENGTHS:
            found.extend(self.by_prefix.get(window[:k], ()))
        result = tuple(sorted(set(found)))
        if len(self.window_rules) < 50_000:
            self.window_rules[window] = result
        return result


def compiled_rubric(rubric: Rubric) -> CompiledRubric:
    cached = rubric._compiled
    if cached is None:
        rules = [compile_rule(r, rubric.lists) for r in rubric.rules if r.kind != "structural"]
        by_prefix: dict[str, list[int]] = {}
        for index, c in enumerate(rules):
            for prefix in c.prefixes or ():
                by_prefix.setdefault(prefix, []).append(index)
        structural: dict[str, Rule] = {}
        for rule in rubric.rules:
            if rule.kind == "structural" and rule.check:
                structural.setdefault(rule.check, rule)
        always = frozenset(i for i, c in enumerate(rules) if c.prefixes is None or c.open_parts or c.fuzzy)
        cached = CompiledRubric(rules, by_prefix, structural, always=always)
        rubric._compiled = cached
    return cached  # type: ignore[return-value]


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
        self._pending: list[int] | None = None  # rules that may match and have not been run yet
        # The literal check compares lower-cased text; `re` also folds a few non-ASCII letters ("ſ" as "s").
        self._check_literals = prepared.canon.isascii()
        candidates: dict[int, list[int]] = {}  # rule index -> word starts where it may match, in order
        canon = prepared.canon
        memo = compiled.window_rules
        for m in _WORD_START.finditer(canon):
            pos = m.start()
            window = canon[pos : pos + PREFIX_LEN]
            indexes = memo.get(window)
            if indexes is None:
                indexes = compiled.rules_for_window(window)
            for index in indexes:
                candidates.setdefault(index, []).append(pos)
        self.candidates = candidates

    def run(self, targets: frozenset[str] | None = None, exclude: frozenset[str] = frozenset()) -> list[Hit]:
        """Hits of the rules aimed at `targets` (all when None) but not at `exclude`, not run before."""
        key = (targets, exclude)
        members = self.compiled.groups.get(key)
        if members is None:
            members = frozenset(i for i, c in enumerate(self.compiled.rules)
                                if (targets is None or c.rule.target in targets) and c.rule.target not in exclude)
            self.compiled.groups[key] = members
        hits: list[Hit] = []
        if not self.prepared.sentences:
            return hits
        if self._pending is None:
            self._pending = self._rules_that_can_match()
        left = []
        for index in self._pending:  # in rule order, so hits come in the rubric's order
            if index in members:
                self._run_one(index, hits)
            else:
                left.append(index)
        self._pending = left
        return hits

    def _rules_that_can_match(self) -> list[int]:
        """Rules with a word in the reply where a match could start (or none known), holding a must-have word."""
        rules = self.compiled.rules
        possible = self._possible_in_reply
        return [i for i in sorted(self.candidates.keys() | self.compiled.always) if possible(rules[i].required)]

    def _run_one(self, index: int, hits: list[Hit]) -> None:
        c = self.compiled.rules[index]
        rule = c.rule
        canon = self.prepared.canon
        sentences = self.prepared.sentences
        found: list[tuple[int, int, int]] = []  # (sentence, start, end)
        if rule.where == "start":
            for i, s in enumerate(sentences):
                body_start = s.start + s.body_offset
                m = self._match_at(c, body_start, s.end)
                if m is None and s.body_offset:
                    m = self._match_at(c, s.start, s.end)  # "Thanks, ..." is a preamble and a start
                if m:
                    found.append((i, m.start(), m.end()))
                elif c.fuzzy:
                    span = _fuzzy_search(c, canon[body_start : s.end], body_start)
                    if span and span[0] - body_start <= 2:
                        found.append((i, *span))
        else:
            m = self._leftmost(c, index)
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

    def _possible_in_reply(self, required: tuple[str, ...]) -> bool:
        """False when the reply lacks every one of the `required` literals (so a pattern needing one cannot match)."""
        if not required or not self._check_literals:
            return True
        canon = self.prepared.canon
        return any(literal in canon for literal in required)

    def _leftmost(self, c: CompiledRule, index: int) -> re.Match[str] | None:
        """The match a search for all the rule's parts as one alternation would find: leftmost, then first part."""
        canon = self.prepared.canon
        best: re.Match[str] | None = None
        best_order = 0
        if c.open_parts:
            for order, part in enumerate(c.parts):
                if part.prefixes is None and self._possible_in_reply(part.required):
                    m = part.regex.search(canon)
                    if m and (best is None or m.start() < best.start()):
                        best, best_order = m, order
        for pos in self.candidates.get(index, ()):
            if best is not None and pos > best.start():
                break
            for part in c.parts_at(canon[pos : pos + PREFIX_LEN]):
                if part.prefixes is None:
                    continue
                m = part.regex.match(canon, pos)
                if m:
                    if best is None or pos < best.start() or part.order < best_order:
                        best, best_order = m, part.order
                    break
            else:
                continue
            break
        return best

    def _match_at(self, c: CompiledRule, pos: int, end: int) -> re.Match[str] | None:
        """The first of the rule's parts, in order, that matches at `pos` (as one alternation would)."""
        text = self.prepared.canon
        for part in c.parts_at(text[pos : pos + PREFIX_LEN]):
            if part.prefixes is None and not self._possible_in_reply(part.required):
                continue  # a part tried at every sentence start is worth the cheap check first
            m = part.regex.match(text, pos, end)
            if m:
                return m
        return None


def run_rules(prepared: Prepared, rubric: Rubric, previous_person: str | None,
              targets: frozenset[str] | None = None) -> list[Hit]:
    """Every phrase/pattern/fuzzy rule hit in the reply (or those aimed at `targets`), exceptions applied."""
    return RuleRunner(prepared, compiled_rubric(rubric), previous_person).run(targets)
