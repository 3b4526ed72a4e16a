"""Record the outcome (issue 8, item 4): the checker's verdict plus whether the record uses the person's words."""

from __future__ import annotations

import io
import json
import sys

import pytest

from conversation_coach.cli import main
from conversation_coach.drills.record import feedback_lines, judge_recorded_outcome, store_outcome_record
from conversation_coach.scenario.load import load_scenario
from conversation_coach.transcript.io import load_transcript
from conversation_coach.transcript.model import Transcript, Turn

# A visit written for these tests: Olwen, who wants to see her greenhouse tomatoes through the summer.
OPENING = "(She pats the chair.) Sit down, love. The hospital sent me home with a frame I don't need."
GREENHOUSE = ("It's the greenhouse I worry about. Forty tomato plants and nobody to water them. "
              "I want my tomatoes ripe for the village show in August.")
GRANDDAUGHTER = "Our Ffion rings every Sunday. She's the one who'd fetch the compost, if I asked."
GOODBYE = "Ta-ra, love. Shut the gate behind you."


def _transcript(*, surfaced: bool = True) -> Transcript:
    person = lambda text, ids=(): Turn(speaker="person", text=text, surfaced=list(ids))  # noqa: E731
    worker = lambda text: Turn(speaker="worker", text=text)  # noqa: E731
    return Transcript(scenario_id="olwen", person_name="Olwen Price", finished=True, turns=[
        person(OPENING),
        worker("How have things been since you came home?"),
        person(GREENHOUSE, ["greenhouse"] if surfaced else []),
        worker("Who helps you with the garden?"),
        person(GRANDDAUGHTER, ["ffion"] if surfaced else []),
        worker("So the greenhouse matters, and Ffion would help."),
        person(GOODBYE),
    ])


def test_a_good_record_in_their_words():
    verdict = judge_recorded_outcome(
        "To get her tomatoes ripe for the village show in August, with Ffion fetching the compost.", _transcript())
    assert verdict.is_outcome and verdict.category == "personal_outcome"
    # phrases of theirs kept whole, as they said them ("fetching" meets their "fetch"), in the record's order
    assert verdict.own_words == ["tomatoes ripe for the village show in August", "Ffion", "fetch the compost"]
    assert verdict.quote is not None and "village show" in verdict.quote  # the sentence sharing most words
    assert any(r.startswith("uses their own words") for r in verdict.reasons)
    lines = feedback_lines(verdict, "Olwen Price")
    assert lines[0] == "That reads as a personal outcome."
    assert lines[-1].startswith("In Olwen's own words: ") and '"Ffion"' in lines[-1]


def test_a_service_named_instead_of_an_outcome():
    verdict = judge_recorded_outcome("Home care twice a week to water the greenhouse.", _transcript())
    assert not verdict.is_outcome and verdict.category == "resource_or_service"
    assert any("home care" in r for r in verdict.reasons)
    assert verdict.own_words == ["home", "water", "greenhouse"]  # it still borrows some of her words
    lines = feedback_lines(verdict, "Olwen Price")
    assert lines[0].startswith("That is not yet a personal outcome: it reads as a resource or service")


def test_a_record_with_none_of_their_words_quotes_what_mattered():
    verdict = judge_recorded_outcome("To maximise wellbeing through meaningful horticultural activity.",
                                     _transcript(), what_matters_ids={"greenhouse"})
    assert verdict.own_words == [] and not verdict.uses_their_words
    assert verdict.quote is not None and verdict.quote.startswith("It's the greenhouse I worry about.")
    assert any(r.startswith('uses none of their words; record it in their words: they said "It\'s the greenhouse')
               for r in verdict.reasons)
    assert "uses none of Olwen's words" in feedback_lines(verdict, "Olwen Price")[-1]


def test_the_quote_prefers_a_what_matters_line_and_falls_back_without_one():
    only_strength = judge_recorded_outcome("Better wellbeing.", _transcript(), what_matters_ids={"ffion"})
    assert only_strength.quote == GRANDDAUGHTER
    nothing_surfaced = judge_recorded_outcome("Better wellbeing.", _transcript(surfaced=False))
    assert nothing_surfaced.quote is not None and nothing_surfaced.quote.startswith("It's the greenhouse")
    assert nothing_surfaced.quote != GOODBYE  # never their goodbye


def test_common_words_and_stage_directions_are_not_their_words():
    # "love", "home", "chair" from the opening: "love" is filler, "chair" was a stage direction only.
    verdict = judge_recorded_outcome("She would love a new chair.", _transcript())
    assert verdict.own_words == []


def test_store_outcome_record_saves_atomically(tmp_path):
    path = tmp_path / "t.json"
    transcript = _transcript()
    store_outcome_record(transcript, "  To see   her tomatoes ripe. ", path)
    assert load_transcript(str(path)).outcome_record == "To see her tomatoes ripe."
    assert (path.stat().st_mode & 0o777) == 0o600


# ----- the plain flow ---------------------------------------------------------------------------------


def _play(monkeypatch, capsys, args: list[str], lines: list[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code = main(["play", "home-after-fall", "--plain", "--no-coach", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _saved(coach_home, folder: str = "transcripts"):
    files = list((coach_home / folder).rglob("*.json"))
    assert len(files) == 1
    return load_transcript(str(files[0]))


def test_plain_summary_asks_for_the_outcome_and_keeps_it(monkeypatch, capsys, coach_home):
    scenario = load_scenario("home-after-fall")
    record = "Nansi wants to get back to choir practice at Bethel on Wednesday nights."
    code, out, _ = _play(monkeypatch, capsys, [], [*scenario.model_path, "/end", record])
    assert code == 0
    summary = out[out.index("Record the outcome"):]
    assert "That reads as a personal outcome." in summary
    assert "In Nansi's own words:" in summary and '"Wednesday nights"' in summary
    assert summary.index("Record the outcome") < summary.index("Transcript saved to")
    assert _saved(coach_home).outcome_record == record


def test_plain_outcome_in_none_of_their_words(monkeypatch, capsys, coach_home):
    scenario = load_scenario("home-after-fall")
    code, out, _ = _play(monkeypatch, capsys, [], [*scenario.model_path, "/end", "A stairlift and a pendant alarm."])
    assert code == 0
    assert "it reads as a resource or service" in out
    assert "It uses none of Nansi's words. Record it in their words: they said \"" in out
    assert _saved(coach_home).outcome_record == "A stairlift and a pendant alarm."


@pytest.mark.parametrize("tail", [[], ["/end", ""]], ids=["end of input", "empty line"])
def test_plain_outcome_can_be_skipped(monkeypatch, capsys, coach_home, tail):
    scenario = load_scenario("home-after-fall")
    code, out, _ = _play(monkeypatch, capsys, [], [*scenario.model_path[:3], *tail])
    assert code == 0 and "Record the outcome" in out and "Skipped." in out
    assert _saved(coach_home).outcome_record is None


def test_no_outcome_step_with_json_or_in_an_assessment(monkeypatch, capsys, coach_home):
    scenario = load_scenario("home-after-fall")
    code, out, err = _play(monkeypatch, capsys, ["--json"], [*scenario.model_path[:3], "/end", "To sing again."])
    assert code == 0 and json.loads(out) and "Record the outcome" not in out + err
    assert _saved(coach_home).outcome_record is None
    code, out, err = _play(monkeypatch, capsys, ["--assessment", "--candidate", "C7"],
                           [*scenario.model_path[:3], "/end", "To sing again."])
    assert code == 0 and "Record the outcome" not in out + err
    assert _saved(coach_home, "assessments").outcome_record is None


def test_their_words_are_cleaned_for_display(monkeypatch, capsys, coach_home):
    data = json.loads(load_scenario("home-after-fall").model_dump_json())
    choir = data["what_matters"][0]
    choir["says"] = "Choir\x1b[31m practice\x07 on a Wednesday. It's the hymns."
    data.update(id="escape-record")
    import yaml

    (coach_home / "scenarios").mkdir(parents=True, exist_ok=True)
    (coach_home / "scenarios" / "escape-record.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    replies = [*data["model_path"], "/end", "To get back to the choir and its hymns."]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in replies)))
    assert main(["play", "escape-record", "--plain", "--no-coach"]) == 0
    out = capsys.readouterr().out
    summary = out[out.index("Record the outcome"):]
    assert "hymns" in summary and "\x1b" not in out and "\x07" not in out


def test_no_outcome_step_when_the_person_ends_the_visit(monkeypatch, capsys, coach_home):
    # Strong traps make Gareth end the visit after the first reply; the lines after it are the trainee's
    # scripted replies, never an outcome record.
    traps = ["You need to stop drinking, you must cut down and you have to go to AA.",
             "I think you should stop, you must, you need to listen to your daughter."]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in traps)))
    assert main(["play", "drinking-and-daughter", "--plain", "--no-coach"]) == 0
    out = capsys.readouterr().out
    assert "visit ended by: person" in out and "Record the outcome" not in out
    assert _saved(coach_home).outcome_record is None
