"""Named lists in a rubric: `<list:NAME>` in a pattern means any item of the list NAME.

An organisation adds a word to one list and every rule using it learns the word. Lists are
checked like patterns, and a pattern using a list is checked as it will run: a list or a
gap inside a repeat is refused for what it expands to.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from conversation_coach.cli import main
from conversation_coach.paths import default_rubric_path
from conversation_coach.rubric.coder import code_utterance
from conversation_coach.rubric.model import Rubric
from conversation_coach.yamlload import LoadError, parse_model

RULE = '''
- id: labelling.pet-names
  kind: pattern
  target: trap:labelling
  message: "Calls the person by a pet name that makes them smaller."
  patterns: ["{pattern}"]
  examples:
    fire: ["Come on, {fire}, let's get you sorted"]
    pass: ["Come on, let's get you sorted"]
'''


def _rubric(pattern: str, lists: dict[str, list[str]], fire: str = "sweetie") -> str:
    """The shipped rubric's text with extra lists and one extra rule, as an author would write them."""
    text = default_rubric_path().read_text(encoding="utf-8")
    extra_lists = "".join(f"  {name}:\n" + "".join(f'    - "{item}"\n' for item in items)
                          for name, items in lists.items())
    assert "\nlists:\n" in text and "\nrules:\n" in text
    text = text.replace("\nlists:\n", "\nlists:\n" + extra_lists, 1)
    rule = textwrap.indent(RULE.strip().format(pattern=pattern, fire=fire), "  ") + "\n"
    return text.replace("\nrules:\n", "\nrules:\n" + rule, 1)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_pattern_using_a_list_fires_on_any_item_and_quotes_it():
    text = _rubric(r"\\b<list:pet-names>\\b", {"pet-names": ["sweetie", "pet", "my love", "darlin'?g?"]})
    rubric = parse_model(text, "mine.yaml", Rubric)
    for said in ("Come on sweetie, up you get", "There you go, my love.", "alright darlin, nearly done"):
        traps = code_utterance(said, [], rubric).traps
        assert [(t.trap, t.rule) for t in traps] == [("labelling", "labelling.pet-names")], said
    hit = code_utterance("There you go, my love.", [], rubric).traps[0]
    assert hit.evidence == "my love"
    assert code_utterance("There you go, love it.", [], rubric).traps == []  # "my love" is the item, not "love"


def test_adding_a_word_to_the_list_teaches_every_rule_that_uses_it():
    before = parse_model(_rubric(r"\\b<list:pet-names>\\b", {"pet-names": ["sweetie"]}), "r.yaml", Rubric)
    after = parse_model(_rubric(r"\\b<list:pet-names>\\b", {"pet-names": ["sweetie", "duck"]}), "r.yaml", Rubric)
    assert code_utterance("Right duck, shall we get you dressed?", [], before).traps == []
    assert [t.rule for t in code_utterance("Right duck, shall we get you dressed?", [], after).traps] == [
        "labelling.pet-names"]


def test_an_unknown_list_is_refused_on_the_pattern_line_with_a_suggestion():
    text = _rubric(r"\\b<list:pet-nmes>\\b", {"pet-names": ["sweetie"]})
    with pytest.raises(LoadError) as info:
        parse_model(text, "mine.yaml", Rubric)
    message = str(info.value)
    assert "unknown list 'pet-nmes'" in message and "did you mean 'pet-names'" in message
    assert "labelling.pet-names" in message
    line = int(re.search(r"mine\.yaml:(\d+):", message).group(1))
    assert line == _line_of(text, "<list:pet-nmes>")


def test_an_unsafe_list_item_is_refused_naming_the_list_and_its_line():
    text = _rubric(r"\\b<list:pet-names>\\b", {"pet-names": ["sweetie", "(a+)+b"]})
    with pytest.raises(LoadError) as info:
        parse_model(text, "mine.yaml", Rubric)
    message = str(info.value)
    assert "list 'pet-names'" in message and "nested repeats" in message
    assert message.count("nested repeats") == 1  # not again for the pattern that uses the list
    assert int(re.search(r"mine\.yaml:(\d+):", message).group(1)) == _line_of(text, "(a+)+b")


@pytest.mark.parametrize(("pattern", "why"), [
    (r"(?:<list:pet-names> ){0,30}x", "alternatives inside a long or open-ended repeat"),
    (r"(?:<gap:3>x)+", "nested repeats"),
    (r"<list:pet-names>.*<list:pet-names>.*x", "more than one open-ended repeat"),
])
def test_a_list_or_gap_inside_a_repeat_is_judged_as_it_expands(pattern, why):
    text = _rubric(pattern.replace("\\", "\\\\"), {"pet-names": ["sweetie", "pet"]})
    with pytest.raises(LoadError, match=re.escape(why)):
        parse_model(text, "mine.yaml", Rubric)


@pytest.mark.parametrize(("pattern", "why"), [
    (r"\\b<list:Pet Names>\\b", "write a list as <list:NAME>"),
    (r"\\bkeep <gap:few>and", "write a gap as <gap:N>"),
])
def test_a_misspelt_macro_is_refused_rather_than_matched_as_text(pattern, why):
    with pytest.raises(LoadError, match=re.escape(why)):
        parse_model(_rubric(pattern, {"pet-names": ["sweetie"]}), "r.yaml", Rubric)


def test_a_list_may_not_use_another_list_or_be_empty():
    with pytest.raises(LoadError, match="may not use another list"):
        parse_model(_rubric(r"\\b<list:pet-names>\\b", {"pet-names": ["<list:other>"]}), "r.yaml", Rubric)
    text = _rubric(r"\\b<list:pet-names>\\b", {"pet-names": ["sweetie"]}).replace(
        '  pet-names:\n    - "sweetie"\n', "  pet-names: []\n", 1)
    with pytest.raises(LoadError, match="list 'pet-names' is empty"):
        parse_model(text, "r.yaml", Rubric)


def test_a_list_that_expands_too_far_is_refused():
    items = [f"word{i:04d} and more" for i in range(600)]
    with pytest.raises(LoadError, match="once its lists are written out"):
        parse_model(_rubric(r"\\b<list:pet-names>\\b", {"pet-names": items}), "r.yaml", Rubric)


def test_validate_and_code_use_the_lists_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "mine.yaml"
    path.write_text(_rubric(r"\\b<list:pet-names>\\b", {"pet-names": ["sweetie", "duck"]}), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    transcript = tmp_path / "t.txt"
    transcript.write_text("Person: I'm tired.\nWorker: Come on duck, up you get.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["code", "--rubric", str(path), str(transcript)]) == 0
    assert '"rule": "labelling.pet-names"' in capsys.readouterr().out.splitlines()[1]
    bad = tmp_path / "bad.yaml"
    bad.write_text(_rubric(r"\\b<list:pets>\\b", {"pet-names": ["sweetie"]}), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    assert "unknown list 'pets'" in capsys.readouterr().out


def test_the_shipped_rubric_uses_its_lists_and_every_list_is_used():
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.rubric.macros import list_names

    rubric = load_rubric()
    used = {name for rule in rubric.rules for p in [*rule.patterns, *rule.exceptions] for name in list_names(p)}
    assert used and used == set(rubric.lists)
