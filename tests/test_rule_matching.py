"""The coder's fast rule matching finds exactly what a plain search of every rule would.

The matcher tries a rule only at words its patterns can start with, tries only the patterns
that can start there, skips a rule whose must-have words are missing, and builds patterns
from the regex engine's code saved by an earlier run. Each is an optimisation, so each is
checked against the plain way: one alternation of the rule's patterns, searched everywhere.
"""

from __future__ import annotations

import marshal
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversation_coach.rubric import compiled_patterns
from conversation_coach.rubric.load import load_rubric
from conversation_coach.rubric.matching import (
    CompiledRubric,
    CompiledRule,
    Part,
    RuleRunner,
    compile_rule,
    compiled_rubric,
)
from conversation_coach.rubric.pattern_analysis import required_literals
from conversation_coach.rubric.textprep import prepare

RUBRIC = load_rubric()


def _plain_rubric() -> CompiledRubric:
    """Every rule as one alternation of its patterns, with no index and no must-have words: searched everywhere."""
    rules = []
    for rule in RUBRIC.rules:
        if rule.kind == "structural":
            continue
        c = compile_rule(rule, RUBRIC.lists)
        whole = re.compile("|".join(f"(?:{part.regex.pattern})" for part in c.parts), re.IGNORECASE)
        rules.append(CompiledRule(rule, [Part(0, whole, None)], c.fuzzy, c.exceptions, None, True, (),
                                  c.fuzzy_words, c.fuzzy_initials))
    return CompiledRubric(rules, {}, {}, always=frozenset(range(len(rules))))


PLAIN = _plain_rubric()


def _hits(compiled: CompiledRubric, reply: str, previous: str | None) -> list[tuple[str, int, int, int]]:
    runner = RuleRunner(prepare(" ".join(reply.split())), compiled, previous)
    return [(h.rule.id, h.sentence, h.start, h.end) for h in runner.run()]


def _examples() -> list[tuple[str, str | None]]:
    found = []
    for rule in RUBRIC.rules:
        for example in [*rule.examples.fire, *rule.examples.pass_]:
            if isinstance(example, str):
                found.append((example, None))
            elif example.text:
                found.append((example.text, example.context))
    return found


EXAMPLES = _examples()


def test_every_rule_example_gets_the_same_hits_as_a_plain_search():
    fast = compiled_rubric(RUBRIC)
    assert len(EXAMPLES) > 900
    differ = [(text, _hits(fast, text, ctx), _hits(PLAIN, text, ctx))
              for text, ctx in EXAMPLES if _hits(fast, text, ctx) != _hits(PLAIN, text, ctx)]
    assert differ == []


_WORDS = sorted({w for text, _ in EXAMPLES for w in re.findall(r"[\w']+|[.,?!]", text.lower())})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=40), st.sampled_from(["", "Mm. ", "Okay, so "]),
       st.booleans())
def test_replies_spliced_from_rule_words_get_the_same_hits_as_a_plain_search(words, opening, shout):
    reply = opening + " ".join(words)
    if shout:
        reply = reply.upper()
    assert _hits(compiled_rubric(RUBRIC), reply, None) == _hits(PLAIN, reply, None)


def test_must_have_words_are_found_through_groups_and_alternatives():
    assert required_literals(r"\b(?:i know|i see)\b[^.?!]{0,60}? (?:but|though)\b") == ("i know", "i see")
    assert required_literals(r"\bif (?:this|that) carries on\b") == ("if that carries on", "if this carries on")
    assert required_literals(r"\b(?:that's|it is)\b [^.?!]{0,9} (?:too|very) late") == (" too late", " very late")
    assert required_literals(r"(?:a|b)?c") == ()  # nothing longer than a letter is certain


def test_patterns_built_from_saved_engine_code_are_the_patterns_re_would_build(monkeypatch):
    """A compiled pattern compares equal only when its engine code is identical."""
    sources = [part.regex.pattern for c in compiled_rubric(RUBRIC).rules for part in c.parts]
    sources += [c.exceptions.pattern for c in compiled_rubric(RUBRIC).rules if c.exceptions is not None]
    monkeypatch.setattr(compiled_patterns, "CODES", {})
    for source in sources:
        compiled_patterns.compile_pattern(source)
    saved = marshal.loads(marshal.dumps(compiled_patterns.CODES))  # as rubric/cache.py keeps them
    assert set(saved) == set(sources)
    monkeypatch.setattr(compiled_patterns, "CODES", saved)
    for source in sources:
        assert compiled_patterns.compile_pattern(source) == re.compile(source, re.IGNORECASE), source


def test_damaged_saved_code_falls_back_to_compiling(monkeypatch):
    source = r"\bi think you should\b"
    monkeypatch.setattr(compiled_patterns, "CODES", {source: (34, b"\x01\x00\x00\x00\xff\xff", 1, {})})
    pattern = compiled_patterns.compile_pattern(source)
    assert pattern == re.compile(source, re.IGNORECASE)
    assert pattern.search("Well I think you should rest")
