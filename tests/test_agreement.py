"""Agreement between the supervisor's layer and the coder, on an example worked out by hand."""

from __future__ import annotations

import json

import pytest

from conversation_coach.cli import main
from conversation_coach.review import agreement, cohen_kappa, set_verdict
from conversation_coach.rubric.coding import Coding, TrapHit
from conversation_coach.transcript.io import save_transcript
from conversation_coach.transcript.model import Transcript, Turn

# Ten worker turns: (coder's main move, coder's stage, coder's traps).
CODER = [
    ("open_question", 1, []),
    ("open_question", 3, ["expert"]),  # supervisor: no expert trap here
    ("open_question", 3, ["expert"]),
    ("open_question", 3, []),
    ("closed_question", None, ["expert"]),
    ("closed_question", None, []),  # supervisor: an open question
    ("closed_question", None, []),
    ("simple_reflection", 2, []),  # supervisor: a complex reflection
    ("simple_reflection", 2, []),  # supervisor: the expert trap is here
    ("simple_reflection", 2, []),
]


def hand_made(reviewed: bool = True) -> Transcript:
    turns = []
    for n, (main_move, stage, traps) in enumerate(CODER):
        turns.append(Turn(speaker="person", text=f"Person line {n}."))
        coding = Coding(main=main_move, moves=[main_move], stage=stage,
                        traps=[TrapHit(trap=t, rule=f"{t}.test", evidence="words") for t in traps])
        turns.append(Turn(speaker="worker", text=f"Worker line {n}.", coding=coding))
    transcript = Transcript(id="hand-made", turns=turns)
    if reviewed:
        worker = [i for i, t in enumerate(turns) if t.speaker == "worker"]
        set_verdict(transcript, worker[1], main=None, stage=None, traps=[], comment="advice was asked for")
        set_verdict(transcript, worker[5], main="open_question", stage=None, traps=None)
        set_verdict(transcript, worker[7], main="complex_reflection", stage=None, traps=None)
        set_verdict(transcript, worker[8], main=None, stage=None, traps=["expert"])
        set_verdict(transcript, worker[9], main=None, stage=None, traps=None, comment="spot on")  # agrees
    return transcript


def test_kappa_textbook_two_by_two():
    # yes/yes 20, yes/no 5, no/yes 10, no/no 15: po = .70, pe = .5*.6 + .5*.4 = .50, kappa = .40
    pairs = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_is_undefined_without_variation():
    assert cohen_kappa([(False, False)] * 5) is None
    assert cohen_kappa([]) is None


def test_main_move_agreement_by_hand():
    report = agreement([hand_made()])
    assert report.turns == 10
    move = report.overall_move
    assert (move.n, move.agreed) == (10, 8)
    assert move.percent == pytest.approx(80.0)
    # coder OQ 4, CQ 3, SR 3; supervisor OQ 5, CQ 2, SR 2, CR 1: pe = (20 + 6 + 6) / 100 = .32
    assert move.kappa == pytest.approx((0.8 - 0.32) / (1 - 0.32))


def test_per_move_agreement_by_hand():
    report = agreement([hand_made()])
    oq = report.per_move["open_question"]
    # yes/yes 4, no/yes 1, no/no 5: po = .9, pe = .4*.5 + .6*.5 = .5, kappa = .8
    assert (oq.coder_count, oq.supervisor_count) == (4, 5)
    assert oq.percent == pytest.approx(90.0)
    assert oq.kappa == pytest.approx(0.8)
    cr = report.per_move["complex_reflection"]
    # yes/yes 0, no/yes 1, no/no 9: po = .9, pe = 0*.1 + 1*.9 = .9, kappa = 0
    assert cr.percent == pytest.approx(90.0)
    assert cr.kappa == pytest.approx(0.0)


def test_per_trap_agreement_by_hand():
    report = agreement([hand_made()])
    expert = report.per_trap["expert"]
    # coder yes on turns 2,3,5; supervisor yes on 3,5,9: yes/yes 2, yes/no 1, no/yes 1, no/no 6
    # po = .8, pe = .3*.3 + .7*.7 = .58, kappa = .22 / .42
    assert (expert.coder_count, expert.supervisor_count) == (3, 3)
    assert expert.percent == pytest.approx(80.0)
    assert expert.kappa == pytest.approx(0.22 / 0.42)
    power = report.per_trap["power"]
    assert power.percent == pytest.approx(100.0)
    assert power.kappa is None  # neither side ever saw it


def test_stage_agreement_and_disagreements_listed():
    report = agreement([hand_made()], labels=["a.json"])
    assert report.overall_stage.percent == pytest.approx(100.0)
    assert report.overall_stage.kappa == pytest.approx(1.0)
    found = {(d.turn, d.aspect, d.coder, d.supervisor) for d in report.disagreements}
    assert found == {
        (3, "trap:expert", "yes", "no"),
        (11, "move", "closed_question", "open_question"),
        (15, "move", "simple_reflection", "complex_reflection"),
        (17, "trap:expert", "no", "yes"),
    }
    comments = {d.turn: d.comment for d in report.disagreements}
    assert comments[3] == "advice was asked for"
    assert all(d.source == "a.json" for d in report.disagreements)


def test_unreviewed_transcripts_are_left_out():
    report = agreement([hand_made(), hand_made(reviewed=False)], labels=["reviewed", "raw"])
    assert report.files == ["reviewed"]
    assert report.skipped == ["raw"]
    assert report.turns == 10


def test_agree_command_prints_the_same_figures_as_json(tmp_path, capsys):
    save_transcript(hand_made(), tmp_path / "one.json")
    save_transcript(hand_made(reviewed=False), tmp_path / "two.json")
    assert main(["agree", str(tmp_path / "one.json"), str(tmp_path / "two.json"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["turns"] == 10
    assert data["not_reviewed"] == [str(tmp_path / "two.json")]
    assert data["main_move"]["percent"] == 80.0
    assert data["main_move"]["kappa"] == round((0.8 - 0.32) / 0.68, 3)
    assert data["per_trap"]["expert"]["kappa"] == round(0.22 / 0.42, 3)
    assert data["per_trap"]["power"]["kappa"] is None
    assert len(data["disagreements"]) == 4


def test_agree_command_table_and_bad_file(tmp_path, capsys):
    save_transcript(hand_made(), tmp_path / "one.json")
    (tmp_path / "broken.json").write_text('{"schema_version": 1, "turns": [{"speaker": "worker"}]}')
    code = main(["agree", str(tmp_path / "one.json"), str(tmp_path / "broken.json")])
    out, err = capsys.readouterr()
    assert code == 1  # the broken file is reported and the run still shows the others
    assert "broken.json" in err
    assert "Per trap" in out and "80%" in out and "0.71" in out
    assert "Disagreements" in out and "complex reflection" in out


def test_agree_with_nothing_reviewed_says_so(tmp_path, capsys):
    save_transcript(hand_made(reviewed=False), tmp_path / "raw.json")
    assert main(["agree", str(tmp_path / "raw.json")]) == 1
    assert "review one first" in capsys.readouterr().err
