"""Every rule in the shipped rubric proves itself: its 'fire' examples fire it, its 'pass' examples don't.

Proselint style: the examples live next to the rule in rubrics/default.yaml and are run
through the real coder (with the person's previous turn as context where given). A rule
with no examples of both kinds fails the suite.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from conversation_coach.rubric.coder import code_turns, code_utterance
from conversation_coach.rubric.load import load_rubric
from conversation_coach.rubric.model import Rubric, RuleExample
from conversation_coach.transcript.model import Turn
from conversation_coach.yamlload import LoadError, parse_model

RUBRIC = load_rubric()
RULES = RUBRIC.rules


def _example(item: RuleExample | str) -> RuleExample:
    return RuleExample(text=item) if isinstance(item, str) else item


def _fired_rule_ids(example: RuleExample) -> set[str]:
    if example.conversation:
        turns = []
        for line in example.conversation:
            speaker, _, text = line.partition(":")
            turns.append(Turn(speaker=speaker.strip(), text=text.strip()))
        codings = code_turns(turns, RUBRIC)
        return {hit.rule for c in codings for hit in c.trace} | {t.rule for c in codings for t in c.traps}
    history = [Turn(speaker="person", text=example.context)] if example.context else []
    coding = code_utterance(example.text, history, RUBRIC)
    return {hit.rule for hit in coding.trace} | {t.rule for t in coding.traps}


def _cases(kind: str):
    for rule in RULES:
        items = rule.examples.fire if kind == "fire" else rule.examples.pass_
        for n, item in enumerate(items):
            yield pytest.param(rule.id, _example(item), id=f"{rule.id}-{kind}-{n}")


def test_the_default_rubric_has_rules_for_every_trap():
    targeted = {r.target.split(":", 1)[1] for r in RULES if r.target.startswith("trap:")}
    assert targeted == set(RUBRIC.traps)


@pytest.mark.parametrize("rule_id", [r.id for r in RULES])
def test_every_rule_has_examples_of_both_kinds(rule_id):
    rule = next(r for r in RULES if r.id == rule_id)
    assert rule.examples.fire, f"{rule_id} has no examples that must fire"
    assert rule.examples.pass_, f"{rule_id} has no examples that must pass"


@pytest.mark.parametrize(("rule_id", "example"), list(_cases("fire")))
def test_fire_examples_fire(rule_id, example):
    fired = _fired_rule_ids(example)
    assert rule_id in fired, f"{rule_id} did not fire on {example.text or example.conversation!r}; fired: {sorted(fired)}"


@pytest.mark.parametrize(("rule_id", "example"), list(_cases("pass")))
def test_pass_examples_pass(rule_id, example):
    fired = _fired_rule_ids(example)
    assert rule_id not in fired, f"{rule_id} fired on {example.text or example.conversation!r}"


def _rubric_with_rule(rule_yaml: str) -> str:
    """The shipped rubric's text with one extra rule first in its rule list (for load-time checks)."""
    from conversation_coach.paths import default_rubric_path

    text = default_rubric_path().read_text(encoding="utf-8")
    assert "\nrules:\n" in text
    extra = textwrap.indent(textwrap.dedent(rule_yaml).strip(), "  ") + "\n"
    return text.replace("\nrules:\n", "\nrules:\n" + extra, 1)


def test_a_pattern_with_nested_repeats_is_refused_at_load_time_naming_the_rule_and_file():
    text = _rubric_with_rule(r'''
        - id: expert.runaway
          kind: pattern
          target: trap:expert
          message: "bad"
          patterns: ["(a+)+b"]
        ''')
    with pytest.raises(LoadError) as info:
        parse_model(text, "my-rubric.yaml", Rubric)
    message = str(info.value)
    assert "my-rubric.yaml:" in message
    assert "expert.runaway" in message
    assert "nested repeats" in message


def test_a_pattern_with_a_back_reference_is_refused():
    text = _rubric_with_rule(r'''
        - id: expert.backref
          kind: pattern
          target: trap:expert
          message: "bad"
          patterns: ["(you) \\1"]
        ''')
    with pytest.raises(LoadError, match="back-references"):
        parse_model(text, "r.yaml", Rubric)


def test_an_unknown_trap_target_is_refused_with_the_line():
    text = _rubric_with_rule('''
        - id: expert.typo
          kind: phrase
          target: trap:expret
          message: "typo"
          phrases: ["you must"]
        ''')
    with pytest.raises(LoadError) as info:
        parse_model(text, "r.yaml", Rubric)
    assert re.search(r"r\.yaml:\d+: rules\[\d+\]", str(info.value))
    assert "unknown trap 'expret'" in str(info.value)


def test_gap_macro_matches_a_few_words_only():
    from conversation_coach.rubric.macros import expand

    regex = re.compile(r"\bkeep " + expand("<gap:2>") + r"and you'll")
    assert regex.search("keep on drinking and you'll")
    assert not regex.search("keep on drinking every single night and you'll")
