"""The outcome-statement checker on the seed's 25 quiz statements and on 30 statements written for the project."""

from __future__ import annotations

import json

import pytest

from conversation_coach.cli import main
from conversation_coach.drills.outcome import check_outcome
from conversation_coach.drills.quiz import judge, load_quiz, parse_answer

# Written for the project (not from the seed's quiz): statement -> category.
OWN_STATEMENTS = [
    ("I want to get back to my allotment on Saturdays so I can see the lads and grow my own beans", "personal_outcome"),
    ("To be able to bath my baby on my own without worrying that I'll drop her", "personal_outcome"),
    ("We'd like Nain to come to her great-grandson's christening and feel part of the day", "personal_outcome"),
    ("I want to cook Sunday dinner for my family again, even if it's a simpler one", "personal_outcome"),
    ("To feel confident getting the bus into Carmarthen so I can meet my sister for coffee", "personal_outcome"),
    ("I'd love to keep singing with the chapel choir, it's where my friends are", "personal_outcome"),
    ("I can still walk the dog round the park each morning, which keeps me going", "personal_outcome"),
    ("I hope to manage my own money so that I never get a letter from the bailiffs again", "personal_outcome"),
    ("To have my hair done every week so I feel like myself when people visit", "personal_outcome"),
    ("I want the boys to go to school with their PE kit and not get picked on", "personal_outcome"),
    ("I want to stay living in my own bungalow near my neighbours who look out for me", "personal_outcome"),
    ("I'd like to get a part-time job at the garden centre so I have a reason to get up", "personal_outcome"),
    ("He can't remember to take his tablets since the stroke", "need_or_barrier"),
    ("My knees are bad and I can't manage the stairs to the bathroom", "need_or_barrier"),
    ("She has been very isolated since her husband died", "need_or_barrier"),
    ("I keep falling at night when I get up for the toilet", "need_or_barrier"),
    ("Our son doesn't sleep and is exhausted at school", "need_or_barrier"),
    ("I'm behind with the electric and gas bills", "need_or_barrier"),
    ("He doesn't go out anymore because he's worried about the kerbs", "need_or_barrier"),
    ("Stairlift to be fitted", "output"),
    ("Review meeting to be held in six weeks", "output"),
    ("Referral to occupational therapy for a kitchen assessment", "output"),
    ("Carry out a carer's assessment for Mrs Evans", "output"),
    ("Home visit by the social worker next Tuesday", "output"),
    ("Mr Price needs a package of care", "resource_or_service"),
    ("She goes to the day centre on Mondays and Thursdays", "resource_or_service"),
    ("A pendant alarm for when he's on his own", "resource_or_service"),
    ("Meals on wheels five days a week", "resource_or_service"),
    ("Mum wants a walk-in shower", "resource_or_service"),
    ("Attending the parenting course at the family centre", "resource_or_service"),
]


@pytest.fixture(scope="module")
def quiz():
    return load_quiz()


def _accuracy(pairs):
    outcome_hits = category_hits = 0
    for statement, category in pairs:
        verdict = check_outcome(statement)
        outcome_hits += verdict.is_outcome == (category == "personal_outcome")
        category_hits += verdict.category == category
    return outcome_hits / len(pairs), category_hits / len(pairs)


def test_seed_quiz_has_25_items_with_answer_key(quiz):
    assert len(quiz.items) == 25
    assert sum(item.is_outcome for item in quiz.items) == 12


def test_checker_accuracy_on_seed_quiz(quiz):
    outcome_acc, category_acc = _accuracy([(i.statement, i.category) for i in quiz.items])
    print(f"seed quiz: outcome accuracy {outcome_acc:.2f}, category accuracy {category_acc:.2f}")
    assert outcome_acc >= 0.9 and category_acc >= 0.9


def test_checker_accuracy_on_own_statements():
    assert len(OWN_STATEMENTS) == 30
    outcome_acc, category_acc = _accuracy(OWN_STATEMENTS)
    print(f"own statements: outcome accuracy {outcome_acc:.2f}, category accuracy {category_acc:.2f}")
    assert outcome_acc >= 0.9 and category_acc >= 0.8


def test_reasons_explain_a_service():
    verdict = check_outcome("Mum needs home care")
    assert not verdict.is_outcome and verdict.category == "resource_or_service"
    assert "names a service" in verdict.reasons[0] and "home care" in verdict.reasons[0]


def test_check_outcome_json_contract(capsys):
    assert main(["check-outcome", "--json", "Going to a lunch club", "I want to see my grandchildren more"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["is_outcome"] for line in lines] == [False, True]
    for line in lines:
        assert set(line) >= {"statement", "is_outcome", "category", "reasons"}
        assert line["category"] in ("personal_outcome", "need_or_barrier", "resource_or_service", "output")
    assert lines[0]["statement"] == "Going to a lunch club"


def test_check_outcome_reads_stdin(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Respite care\n\nTo feel safe in my own flat\n"))
    assert main(["check-outcome", "--json", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["statement"] for line in lines] == ["Respite care", "To feel safe in my own flat"]


def test_quiz_judging_uses_checker_reasons(quiz):
    item = next(i for i in quiz.items if i.category == "output")
    feedback = judge(item, *parse_answer("yes"))
    assert not feedback.correct and "activity or process" in feedback.message()
    assert judge(item, *parse_answer("output")).category_correct is True


def test_quiz_plain_runs_a_round(monkeypatch, capsys):
    import io

    answers = "\n".join(["no"] * 25) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    assert main(["quiz", "outcomes", "--plain"]) == 0
    out = capsys.readouterr().out
    assert "13 of 25" in out  # 25 items, 12 are outcomes: answering 'no' to all gets the other 13 right
