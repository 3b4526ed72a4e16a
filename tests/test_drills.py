"""The trap-rewrite drill: the bank in the rubric, the judging of rewrites, the plain round."""

from __future__ import annotations

import io

import pytest

from conversation_coach.cli import main
from conversation_coach.drills.traps import drill_round, judge_rewrite
from conversation_coach.rubric.coder import code_utterance
from conversation_coach.rubric.coding import TRAPS
from conversation_coach.rubric.load import load_rubric
from conversation_coach.transcript.model import Turn


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def _item(rubric, trap):
    return next(i for i in rubric.drill_bank if i.trap == trap)


def test_bank_covers_every_trap(rubric):
    assert {item.trap for item in rubric.drill_bank} == set(TRAPS)


@pytest.mark.parametrize("index", range(14))
def test_every_bank_statement_falls_into_its_trap(rubric, index):
    """The drill only teaches if the coder agrees the statement is the trap it claims to be."""
    item = rubric.drill_bank[index]
    coding = code_utterance(item.statement, [Turn(speaker="person", text=item.context)], rubric)
    assert item.trap in {hit.trap for hit in coding.traps}, (item.statement, coding.traps)


def test_round_of_ten_covers_all_seven_traps_first(rubric):
    items = drill_round(rubric, 10)
    assert len(items) == 10
    assert {i.trap for i in items[:7]} == set(TRAPS)


def test_good_rewrites_pass(rubric):
    item = _item(rubric, "power")
    judgement = judge_rewrite(item, "What would you like to happen with the house?", rubric)
    assert judgement.passed, judgement.explanation
    reflection = judge_rewrite(_item(rubric, "labelling"), "It sounds like being rushed first thing feels really disrespectful.", rubric)
    assert reflection.passed, reflection.explanation


def test_rewrite_still_in_a_trap_fails_and_quotes_it(rubric):
    item = _item(rubric, "expert")
    judgement = judge_rewrite(item, "I think you should go to bed earlier.", rubric)
    assert not judgement.passed
    assert any("I think you should" in note for note in judgement.explanation)


def test_closed_question_rewrite_is_explained(rubric):
    item = _item(rubric, "yes_but")
    judgement = judge_rewrite(item, "Do you like walking to the shop?", rubric)
    assert not judgement.passed
    assert any("closed question" in note for note in judgement.explanation)


def test_plain_round_reads_stdin_and_tallies(monkeypatch, capsys):
    rewrites = [
        "What matters most to you about that?",
        "I think you should just go to bed earlier.",
        "/end",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(rewrites) + "\n"))
    assert main(["drill", "traps", "--plain"]) == 0
    out = capsys.readouterr().out
    assert "Tally: 1 of 2" in out
    assert "Still the" in out
