"""Author safety: a rubric pattern that could freeze the coder is refused at load, naming the rule and the file.

Rubric patterns run on every reply. A pattern that backtracks catastrophically (`^(a|aa)+$`,
`(x+x+)+y`) or polynomially (`a.*b.*c`) would hang the app on a long reply, so the loader
refuses it — through `validate PATH` and through `code --rubric PATH` — with file:line and
the rule id. The timing tests prove the refused patterns really are dangerous (so the
refusals are not arbitrary) and that the shipped rubric stays quick on the worst replies.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from conversation_coach.cli import main
from conversation_coach.paths import default_rubric_path
from conversation_coach.rubric.safe_pattern import pattern_problem

PATHOLOGICAL = [
    r"^(a|aa)+$",  # overlapping alternatives in an open-ended repeat
    r"(x+x+)+y",  # a repeat inside a repeat
    r"(a+)+b",
    r"(\w+\s?)+$",
    r"(a|a)*b",
    r"(.|\s)*x",
    r"(a?){30}a{30}",  # optional parts inside a long repeat
    r"(.*a){20}",
    r"\bi\b.*\bthink\b.*\bshould\b",  # two open-ended repeats: polynomial, seconds on a long reply
    r"(a)\1",  # back-reference
]
SAFE = [
    r"\b(?:i think|i reckon) you should\b",
    r"\?\s*$",
    r"\b(?:so |very |a bit ){0,2}(?:stubborn|difficult)\b",
    r"\b(?:worr|concern|hope)\w*",
    r"(?:ab|cd){2}",
]


def _rubric_with(tmp_path: Path, pattern: str, rule_id: str = "expert.author-added",
                 exceptions: list[str] | None = None) -> Path:
    """The shipped rubric plus one author-added pattern rule, written as an author would save it."""
    data = yaml.safe_load(default_rubric_path().read_text(encoding="utf-8"))
    rule = {"id": rule_id, "kind": "pattern", "target": "trap:expert", "message": "An author-added rule.",
            "patterns": [pattern]}
    if exceptions:
        rule["exceptions"] = exceptions
    data["rules"].append(rule)
    folder = tmp_path / "rubrics"
    folder.mkdir(exist_ok=True)
    path = folder / "custom.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200), encoding="utf-8")
    return path


def _rule_line(path: Path, rule_id: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() in (f"- id: {rule_id}", f"id: {rule_id}"))


def _transcript(tmp_path: Path) -> Path:
    path = tmp_path / "t.txt"
    path.write_text("Person: I'm fine.\nWorker: What would make today a good day?\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("pattern", PATHOLOGICAL)
def test_pattern_check_refuses_pathological_patterns(pattern):
    assert pattern_problem(pattern), pattern


@pytest.mark.parametrize("pattern", SAFE)
def test_pattern_check_accepts_ordinary_patterns(pattern):
    assert pattern_problem(pattern) is None


@pytest.mark.parametrize("pattern", [r"^(a|aa)+$", r"(x+x+)+y", r"\bi\b.*\bthink\b.*\bshould\b"])
def test_validate_refuses_the_rubric_naming_rule_and_file(tmp_path, capsys, pattern):
    path = _rubric_with(tmp_path, pattern)
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    assert code == 1
    problem_lines = [line for line in out.out.splitlines() if "expert.author-added" in line]
    assert problem_lines, out.out
    # file:line: ... naming the rule id; the line is inside the appended rule
    match = re.match(rf"^{re.escape(str(path))}:(\d+):", problem_lines[0])
    assert match, problem_lines[0]
    rule_line = _rule_line(path, "expert.author-added")
    assert rule_line <= int(match.group(1)) <= rule_line + 6  # the line of the rule or its pattern


@pytest.mark.parametrize("pattern", [r"^(a|aa)+$", r"(x+x+)+y"])
def test_code_with_the_rubric_refuses_before_coding(tmp_path, capsys, pattern):
    path = _rubric_with(tmp_path, pattern)
    code = main(["code", "--rubric", str(path), str(_transcript(tmp_path))])
    out = capsys.readouterr()
    assert code != 0
    assert out.out == ""  # nothing coded with a rubric that could hang
    assert str(path) in out.err and "expert.author-added" in out.err


def test_the_same_rule_with_a_safe_pattern_loads_and_codes(tmp_path, capsys):
    path = _rubric_with(tmp_path, r"\bmake today a good\b")
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    assert main(["code", "--rubric", str(path), str(_transcript(tmp_path))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and '"rule": "expert.author-added"' in out[1]


def test_an_exception_pattern_is_checked_too(tmp_path, capsys):
    path = _rubric_with(tmp_path, r"\bshould\b", exceptions=[r"^(a|aa)+$"])
    assert main(["validate", str(path)]) == 1
    assert "expert.author-added" in capsys.readouterr().out


def _seconds(pattern: str, text: str) -> float:
    regex = re.compile(pattern)
    start = time.perf_counter()
    regex.search(text)
    return time.perf_counter() - start


def test_the_refused_shapes_really_blow_up():
    """Measured growth, so the refusals are not arbitrary: each few extra characters multiply the time."""
    small = _seconds(r"^(a|aa)+$", "a" * 18 + "b")
    large = _seconds(r"^(a|aa)+$", "a" * 26 + "b")
    assert large > small * 10
    small = _seconds(r"a.*b.*c", "ab" * 100)
    large = _seconds(r"a.*b.*c", "ab" * 400)
    assert large > small * 15  # cubic: 4x the text, ~64x the time


def test_shipped_rubric_codes_hostile_long_replies_quickly():
    """Every shipped pattern passes the check, and the coder stays quick on replies built to hurt regexes."""
    from conversation_coach.rubric.coder import code_utterance
    from conversation_coach.rubric.load import load_rubric

    rubric = load_rubric()
    for rule in rubric.rules:
        for pattern in [*rule.patterns, *rule.exceptions]:
            assert pattern_problem(pattern, rubric.lists) is None, (rule.id, pattern)
    replies = ["a" * 5000, "you " * 2000, "? " * 3000, "I think you should " * 300, ", isn't it" * 500,
               "call yourself a " * 400, "keep on and " * 500]
    start = time.perf_counter()
    for reply in replies:
        code_utterance(reply, [], rubric)
    assert time.perf_counter() - start < 10
