"""The person engine: trust, surfacing, hints, traps, endings, autosave, resume and time limits.

Most tests pin the coder's verdicts with a table (so they test the engine's rules, not the
coder's); the last few use the real coder on clear-cut replies.
"""

from __future__ import annotations

import json
import stat

import pytest

from conversation_coach.rubric.coding import MOVES, TRAPS, Coding, TrapHit
from conversation_coach.rubric.model import Rubric
from conversation_coach.scenario import engine as engine_mod
from conversation_coach.scenario.cues import cue_matches, is_broad_question
from conversation_coach.scenario.engine import Conversation, find_unfinished
from conversation_coach.scenario.model import Scenario
from conversation_coach.transcript.io import load_transcript

# ----- a small scenario and rubric built in the test --------------------------------------------


def _scenario(**overrides) -> Scenario:
    data = {
        "id": "bryn-allotment",
        "title": "Bryn and the allotment",
        "audience": "induction",
        "difficulty": "moderate",
        "setting": "A bungalow in Llanelli.",
        "brief": "Visit Bryn.",
        "person": {"name": "Bryn Evans", "age": 79, "about": "Retired fitter."},
        "opening": "Come in. I haven't been down the allotment since my knee went.",
        "what_matters": [
            {"id": "allotment", "label": "Getting back to the allotment", "cues": ["allotment", "knee"],
             "says": "The allotment is where I think straight.", "moves": ["open_question", "simple_reflection"],
             "trust": 5, "hint": "I used to be down there every morning.",
             "follow_up": "And the lads down there would miss my onions.",
             "short_answer": "Not since March."},
            {"id": "grandson", "label": "Teaching his grandson to grow", "cues": ["grandson", "Cai"],
             "says": "Cai is eight. I promised I'd show him how to grow beans.",
             "moves": ["open_question", "complex_reflection"], "trust": 6.5,
             "hint": "Our Cai keeps asking about the beans."},
            {"id": "own_pace", "label": "Doing things at his own pace", "cues": ["pace", "rush", "hurry"],
             "says": "I don't like being hurried. I get there.", "moves": ["open_question", "simple_reflection"],
             "trust": 8},
        ],
        "strengths": [
            {"id": "mechanic", "label": "Good with his hands", "kind": "soft", "scope": "individual",
             "cues": ["hands", "fix", "fitter"], "says": "Forty years a fitter. I can fix most things.",
             "moves": ["open_question", "affirmation"], "trust": 5},
            {"id": "neighbour", "label": "Dilys over the road", "kind": "soft", "scope": "community",
             "cues": ["Dilys", "neighbour"], "says": "Dilys over the road drives me to the shop.",
             "moves": ["open_question"], "trust": 5},
        ],
        "worries": ["losing his independence"],
        "reactions": {
            "moves": {m: [f"{m} one.", f"{m} two."] for m in MOVES},
            "traps": {t: [f"{t} hurts.", f"{t} again."] for t in TRAPS},
        },
        "trust": {"start": 4, "low": 1, "end_line": "I think you should go now."},
        "closing": "Ta-ra then.",
        "max_turns": 12,
        "model_path": ["a", "b", "c"],
    }
    data.update(overrides)
    return Scenario.model_validate(data)


def _rubric() -> Rubric:
    return Rubric.model_validate({
        "id": "test-rubric", "version": "9", "title": "t",
        "stages": [{"number": i, "name": f"Stage {i}", "purpose": "p", "questions": ["q?"]} for i in range(1, 6)],
        "traps": {t: {"name": t, "meaning": "m", "why": "w", "rewrite": "r"} for t in TRAPS},
        "moves": {m: {"name": m, "description": "d"} for m in MOVES},
    })


# Replies and the coding the stub coder gives them.
CODES: dict[str, Coding] = {
    "Tell me what's been happening.": Coding(main="open_question", moves=["open_question"], stage=1),
    "What would make a good day for you?": Coding(main="open_question", moves=["open_question"], stage=3),
    "What else?": Coding(main="open_question", moves=["open_question"], stage=3),
    "Tell me about the allotment.": Coding(main="open_question", moves=["open_question"], stage=3),
    "Do you miss the allotment?": Coding(main="closed_question", moves=["closed_question"]),
    "Is it nice out?": Coding(main="closed_question", moves=["closed_question"]),
    "You haven't been down since your knee went.": Coding(main="simple_reflection", moves=["simple_reflection"],
                                                          stage=2),
    "The allotment is where you feel most yourself.": Coding(main="simple_reflection",
                                                             moves=["simple_reflection"], stage=2),
    "You really care about this.": Coding(main="complex_reflection", moves=["complex_reflection"], stage=2),
    "You've kept going through a lot.": Coding(main="affirmation", moves=["affirmation"], stage=2),
    "I think you should move into a home.": Coding(main="advice", moves=["advice"], traps=[
        TrapHit(trap="power", rule="power.x", evidence="move into a home")]),
    "You ought to just rest.": Coding(main="advice", moves=["advice"], traps=[
        TrapHit(trap="expert", rule="expert.x", evidence="You ought to")]),
}


@pytest.fixture
def stub_coder(monkeypatch):
    def code_utterance(text, history, rubric):
        return CODES.get(text, Coding(main="other", moves=["other"])).model_copy(deep=True)

    def code_turns(turns, rubric):
        return [code_utterance(t.text, turns[:i], rubric) if t.speaker == "worker" else Coding()
                for i, t in enumerate(turns)]

    monkeypatch.setattr("conversation_coach.rubric.coder.code_utterance", code_utterance)
    monkeypatch.setattr("conversation_coach.rubric.coder.code_turns", code_turns)


def _conv(**kwargs) -> Conversation:
    kwargs.setdefault("save_path", None)
    return Conversation(_scenario(), _rubric(), **kwargs)


# ----- cues --------------------------------------------------------------------------------------


def test_cues_forgive_endings_typos_and_accents():
    assert cue_matches("You miss your allotments", ["allotment"]) == 1
    assert cue_matches("the alotment", ["allotment"]) == 1  # a typo still counts as listening
    assert cue_matches("walking to the shop", ["walks"]) == 1
    assert cue_matches("your grandchildren", ["grandchild"]) == 1
    assert cue_matches("Sian is busy", ["Siân"]) == 1
    assert cue_matches("the bus stop", ["next door"]) == 0
    assert cue_matches("next to the door", ["next door"]) == 1
    assert cue_matches("What about the weather?", ["allotment", "knee"]) == 0


def test_broad_questions_are_recognised():
    assert is_broad_question("What matters most to you?")
    assert is_broad_question("What would a good day look like?")
    assert not is_broad_question("Who else could help you?")
    assert is_broad_question("Who else could help you?", about="strengths")
    assert not is_broad_question("Did you take your tablets?")


# ----- the engine's rules --------------------------------------------------------------------------


def test_opening_line_and_transcript_record(stub_coder):
    conv = _conv(trainee="tr1")
    first = conv.transcript.turns[0]
    assert (first.speaker, first.text) == ("person", _scenario().opening)
    t = conv.transcript
    assert (t.scenario_id, t.scenario_version, t.rubric_id, t.rubric_version) == ("bryn-allotment", "1",
                                                                                  "test-rubric", "9")
    assert t.mode == "practice" and t.trainee == "tr1" and t.app_version
    assert conv.trust == conv.trust_start == 4 and not conv.finished


def test_reflection_raises_trust_and_surfaces_only_with_cues_and_trust(stub_coder):
    conv = _conv()
    first = conv.respond("Tell me what's been happening.")  # open, no cue, trust 4 -> 4.4
    assert first.trust_change > 0 and first.newly_surfaced == []
    second = conv.respond("You haven't been down since your knee went.")  # reflection with a cue
    assert second.trust_change > first.trust_change
    assert second.trust >= 5 and second.newly_surfaced == ["allotment"]
    assert second.person_line == "The allotment is where I think straight."
    assert conv.surfaced == ["allotment"] and conv.what_matters_found == 1 and conv.what_matters_total == 3
    assert second.coding.main == "simple_reflection"
    assert conv.transcript.turns[-2].coding == second.coding  # the worker turn carries its coding
    assert conv.transcript.turns[-1].surfaced == ["allotment"]


def test_not_enough_trust_gives_the_hint_not_the_item(stub_coder):
    conv = _conv()  # trust 4; the allotment needs 5
    exchange = conv.respond("Tell me about the allotment.")
    assert exchange.newly_surfaced == []
    assert exchange.person_line == "I used to be down there every morning."


def test_closed_question_gets_a_short_answer_even_with_cues(stub_coder):
    conv = _conv()
    conv.respond("You haven't been down since your knee went.")
    conv.respond("You've kept going through a lot.")
    exchange = conv.respond("Do you miss the allotment?")
    assert exchange.newly_surfaced == [] and "allotment" not in conv.surfaced or conv.surfaced == ["allotment"]
    assert exchange.person_line in ("Not since March.", "closed_question one.", "closed_question two.")
    assert exchange.trust_change <= 0


def test_broad_question_surfaces_the_next_item_whose_trust_is_met(stub_coder):
    conv = _conv()
    conv.respond("You haven't been down since your knee went.")  # trust 4.6, surfaces nothing (< 5)
    conv.respond("You really care about this.")  # 5.6
    exchange = conv.respond("What would make a good day for you?")
    assert exchange.newly_surfaced == ["allotment"]  # the first what-matters item whose trust is met
    again = conv.respond("What would make a good day for you?")  # the same words again earn nothing new
    assert again.newly_surfaced == [] and again.trust_change == 0


def test_follow_up_when_the_trainee_reflects_what_surfaced(stub_coder):
    conv = _conv()
    conv.respond("You really care about this.")
    conv.respond("You haven't been down since your knee went.")
    assert conv.surfaced == ["allotment"]
    exchange = conv.respond("The allotment is where you feel most yourself.")
    assert exchange.person_line == "And the lads down there would miss my onions."


def test_traps_cost_trust_and_get_their_own_reaction(stub_coder):
    scenario = _scenario(trust={"start": 7, "low": 1, "end_line": "I think you should go now."})
    conv = Conversation(scenario, _rubric(), save_path=None)
    exchange = conv.respond("You ought to just rest.")
    assert exchange.trust_change < 0 and exchange.person_line == "expert hurts."
    assert [t.trap for t in exchange.coding.traps] == ["expert"]
    again = conv.respond("You ought to just rest.")
    assert again.person_line == "expert again."  # cycles; never the same line twice in a row


def test_person_ends_the_visit_when_trust_runs_out(stub_coder):
    conv = _conv()
    first = conv.respond("I think you should move into a home.")  # 4 - 2.5 = 1.5
    assert not first.ended and first.person_line == "power hurts."
    second = conv.respond("You ought to just rest.")  # 1.5 - 1.5 = 0 <= low
    assert second.ended and second.ended_by == "person" and conv.finished
    # The trap's own reaction first (why they have had enough), then the goodbye.
    assert second.person_line == "expert hurts. I think you should go now."
    assert conv.transcript.finished and conv.transcript.ended_by == "person"
    with pytest.raises(RuntimeError):
        conv.respond("Tell me what's been happening.")


def test_max_turns_ends_the_visit_with_the_closing(stub_coder):
    conv = Conversation(_scenario(max_turns=3), _rubric(), save_path=None)
    for _ in range(2):
        assert not conv.respond("What else?").ended
    last = conv.respond("What else?")
    assert last.ended and last.ended_by == "max_turns" and last.person_line.endswith("Ta-ra then.")


def test_no_line_twice_in_a_row_even_when_the_trainee_repeats(stub_coder):
    conv = Conversation(_scenario(max_turns=40), _rubric(), save_path=None)
    for text in ["What else?"] * 5 + ["Is it nice out?"] * 5 + ["Hmm."] * 5:
        conv.respond(text)
    person = [t.text for t in conv.transcript.turns if t.speaker == "person"]
    assert all(a != b for a, b in zip(person, person[1:], strict=False))


def test_same_replies_same_conversation(stub_coder):
    replies = ["Tell me what's been happening.", "You ought to just rest.", "You really care about this.",
               "You haven't been down since your knee went.", "What else?", "Is it nice out?"]

    def run():
        conv = _conv()
        for r in replies:
            conv.respond(r)
        return [(t.speaker, t.text, t.surfaced, t.trust) for t in conv.transcript.turns]

    assert run() == run()


def test_end_by_trainee(stub_coder):
    conv = _conv()
    conv.respond("What else?")
    assert conv.end() == "Ta-ra then."
    assert conv.finished and conv.ended_by == "trainee"
    assert conv.end() == ""  # ending twice adds nothing


def test_trust_effects_in_the_scenario_override_defaults(stub_coder):
    scenario = _scenario(trust={"start": 4, "low": 1, "end_line": "Go.", "effects": {"simple_reflection": 2}})
    conv = Conversation(scenario, _rubric(), save_path=None)
    assert conv.respond("You haven't been down since your knee went.").trust_change == 2


# ----- saving, resuming, time ----------------------------------------------------------------------


def test_autosaves_after_every_turn_privately(stub_coder, coach_home):
    conv = _conv(save_path="auto")
    path = conv.path
    assert path.parent == coach_home / "transcripts" and path.name.endswith(".json")
    assert "bryn-allotment" in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(load_transcript(str(path)).turns) == 1
    conv.respond("Tell me what's been happening.")
    saved = load_transcript(str(path))
    assert len(saved.turns) == 3 and saved.turns[1].coding.main == "open_question" and not saved.finished
    conv.end()
    assert load_transcript(str(path)).finished


def test_assessment_saves_under_assessments_with_candidate(stub_coder, coach_home):
    conv = _conv(save_path="auto", mode="assessment", candidate="C-017")
    assert conv.path.parent == coach_home / "assessments" / "bryn-allotment"
    assert conv.path.name.startswith("C-017-")
    data = json.loads(conv.path.read_text())
    assert data["candidate"] == "C-017" and data["mode"] == "assessment"
    with pytest.raises(ValueError):
        _conv(mode="assessment")  # no candidate
    with pytest.raises(ValueError):
        _conv(mode="assessment", candidate="../../etc")


def test_resume_continues_after_the_last_complete_turn(stub_coder):
    replies = ["Tell me what's been happening.", "You haven't been down since your knee went.",
               "You ought to just rest."]
    conv = _conv(save_path="auto")
    for r in replies:
        conv.respond(r)
    path, trust, surfaced = conv.path, conv.trust, list(conv.surfaced)
    # A crash after the trainee's reply was saved but before the person answered:
    saved = load_transcript(str(path))
    from conversation_coach.transcript.model import Turn

    saved.turns.append(Turn(speaker="worker", text="What else?"))
    from conversation_coach.transcript.io import save_transcript

    save_transcript(saved, path)
    assert find_unfinished() == [path]
    resumed = Conversation.resume(path, scenario=_scenario(), rubric=_rubric())
    assert resumed.path == path and resumed.trust == trust and resumed.surfaced == surfaced
    assert len(resumed.transcript.turns) == 7 and resumed.transcript.turns[-1].speaker == "person"
    exchange = resumed.respond("You really care about this.")
    assert exchange.trust > trust
    resumed.end()
    assert find_unfinished() == []
    with pytest.raises(ValueError):
        Conversation.resume(path, scenario=_scenario(), rubric=_rubric())


def test_find_unfinished_newest_first(stub_coder):
    import os

    a = _conv(save_path="auto")
    b = _conv(save_path="auto")
    os.utime(a.path, (1_000_000, 1_000_000))
    assert find_unfinished() == [b.path, a.path]
    assert find_unfinished("assessment") == []


def test_time_limit_closes_the_visit_politely(stub_coder):
    now = [100.0]
    conv = _conv(time_limit_minutes=2, clock=lambda: now[0])
    assert conv.time_left() == 120
    conv.respond("What else?")
    now[0] += 90
    assert conv.time_left() == 30
    now[0] += 40
    assert conv.time_left() == 0
    exchange = conv.respond("Tell me about the allotment.")
    assert exchange.ended and exchange.ended_by == "time_limit"
    assert exchange.person_line.endswith("Ta-ra then.")
    assert _conv().time_left() is None


def test_exchange_is_the_documented_shape(stub_coder):
    exchange = _conv().respond("What else?")
    assert isinstance(exchange, engine_mod.Exchange)
    assert exchange.text == "What else?" and isinstance(exchange.coding, Coding)
    assert isinstance(exchange.person_line, str) and exchange.ended is False and exchange.ended_by is None


# ----- with the real coder, on clear-cut replies ---------------------------------------------------


@pytest.fixture
def real_rubric():
    from conversation_coach.rubric.load import load_rubric

    return load_rubric()


def test_real_coder_trap_costs_trust(real_rubric):
    conv = Conversation(_scenario(), real_rubric, save_path=None)
    exchange = conv.respond("If you carry on like this, the situation is only going to get worse.")
    assert [t.trap for t in exchange.coding.traps] == ["confrontational"]
    assert exchange.trust_change < 0 and exchange.person_line == "confrontational hurts."


def test_real_coder_reflection_surfaces_and_assessment_has_discovery(real_rubric):
    conv = Conversation(_scenario(), real_rubric, save_path=None)
    conv.respond("Can you tell me a bit about what's been happening?")
    conv.respond("You've really missed being at the allotment since your knee went.")
    conv.respond("It sounds like the allotment matters a great deal to you.")
    assert "allotment" in conv.surfaced
    conv.end()
    assessment = conv.assessment()
    assert assessment.what_matters.surfaced == ["allotment"]
    assert set(assessment.what_matters.missed) == {"grandson", "own_pace"}
    assert assessment.trust.start == 4 and assessment.trust.end == conv.trust
    assert assessment.ended_by == "trainee" and assessment.scenario_id == "bryn-allotment"


def test_any_sequence_of_replies_keeps_the_rules(real_rubric):
    """Whatever the trainee says, in any order: no crash, trust in 0..10, no line twice in a row."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from conversation_coach.scenario.load import load_scenario

    scenario = load_scenario("home-after-fall")
    pool = [*scenario.model_path, *CODES, "", "?", "[/]", "\x1b[2J", "ok " * 500, "Who else could help you?",
            "I think you should move to a care home.", "Did you eat today?"]

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.one_of(st.sampled_from(pool), st.text(max_size=40)), max_size=30))
    def run(replies):
        conv = Conversation(scenario, real_rubric, save_path=None)
        for reply in replies:
            if conv.finished:
                break
            if not reply.strip():
                with pytest.raises(ValueError):
                    conv.respond(reply)
                continue
            exchange = conv.respond(reply)
            assert 0 <= exchange.trust <= 10
        person = [t.text for t in conv.transcript.turns if t.speaker == "person"]
        assert all(a != b for a, b in zip(person, person[1:], strict=False))
        assert len(set(conv.surfaced)) == len(conv.surfaced)

    run()


# ----- goodbyes that fit the visit -----------------------------------------------------------------

CLOSINGS = {"warm": "Come again, won't you.", "cool": "Door's behind you."}


def test_closing_follows_how_the_visit_went(stub_coder):
    scenario = _scenario(closings=CLOSINGS, max_turns=40)
    neutral = Conversation(scenario, _rubric(), save_path=None)
    neutral.respond("Is it nice out?")  # trust stays where it began
    assert neutral.closing_mood() == "neutral" and neutral.end() == "Ta-ra then."

    cool = Conversation(scenario, _rubric(), save_path=None)
    cool.respond("You ought to just rest.")  # a trap: below where it began
    assert cool.closing_mood() == "cool" and cool.end() == "Door's behind you."

    warm = Conversation(scenario, _rubric(), save_path=None)
    for reply in ["You really care about this.", "You haven't been down since your knee went.",
                  "You've kept going through a lot.", "The allotment is where you feel most yourself.",
                  "Tell me what's been happening."]:
        warm.respond(reply)
    assert warm.trust >= engine_mod.WARM_CLOSING_TRUST
    assert warm.closing_mood() == "warm" and warm.end() == "Come again, won't you."


def test_closing_without_closings_is_the_plain_closing_whatever_the_mood(stub_coder):
    conv = _conv()
    conv.respond("You ought to just rest.")
    assert conv.closing_mood() == "cool" and conv.end() == "Ta-ra then."
    only_warm = Conversation(_scenario(closings={"warm": "Lovely."}), _rubric(), save_path=None)
    only_warm.respond("You ought to just rest.")
    assert only_warm.end() == "Ta-ra then."  # no cool line written: the plain one


def test_max_turns_and_time_limit_use_the_fitting_closing(stub_coder):
    conv = Conversation(_scenario(closings=CLOSINGS, max_turns=3), _rubric(), save_path=None)
    conv.respond("You ought to just rest.")
    conv.respond("Is it nice out?")
    last = conv.respond("Is it nice out?")
    assert last.ended_by == "max_turns" and last.person_line.endswith(" Door's behind you.")
    now = [0.0]
    timed = Conversation(_scenario(closings=CLOSINGS), _rubric(), save_path=None, time_limit_minutes=1,
                         clock=lambda: now[0])
    timed.respond("You ought to just rest.")
    now[0] = 61
    exchange = timed.respond("Is it nice out?")
    assert exchange.ended_by == "time_limit" and exchange.person_line.endswith("Door's behind you.")


def test_a_trap_that_ends_the_visit_keeps_its_reaction_in_every_scenario_shape(stub_coder):
    scenario = _scenario(trust={"start": 3, "low": 1, "end_line": "Out."})
    conv = Conversation(scenario, _rubric(), save_path=None)
    exchange = conv.respond("I think you should move into a home.")  # 3 - 2.5 = 0.5: ends at once
    assert exchange.ended_by == "person"
    assert exchange.person_line == "power hurts. Out."
    assert conv.transcript.turns[-1].text == "power hurts. Out."


# ----- resuming against changed files --------------------------------------------------------------


def test_resume_warns_when_the_scenario_or_rubric_version_changed(stub_coder):
    conv = _conv(save_path="auto")
    conv.respond("Tell me what's been happening.")
    same = Conversation.resume(conv.path, scenario=_scenario(), rubric=_rubric())
    assert same.version_warnings == []
    newer_scenario = _scenario(version="2")
    newer_rubric = _rubric().model_copy(update={"version": "10"})
    changed = Conversation.resume(conv.path, scenario=newer_scenario, rubric=newer_rubric)
    assert len(changed.version_warnings) == 2
    scenario_warning, rubric_warning = changed.version_warnings
    assert "scenario 'bryn-allotment'" in scenario_warning and "version 1 then, 2 now" in scenario_warning
    assert "rubric" in rubric_warning and "version 9 then, 10 now" in rubric_warning
    assert _conv().version_warnings == []  # a new conversation has nothing to warn about


# ----- stricter cue matching -----------------------------------------------------------------------


@pytest.mark.parametrize("cue,reply", [
    # the pairs a scenario writer reported, in the forms a trainee would type them
    ("beach", "Do you teach?"), ("water", "Shall we talk later?"), ("night", "Is that right?"),
    ("wander", "I wonder what you think."), ("wandering", "I was wondering about that."),
    ("stranger", "You sound stronger today."), ("shift", "Is that a new shirt?"),
    ("mouth", "How has this month been?"), ("cans", "Can you tell me more?"),
    # my own: real words one slip from a cue, and function words
    ("conversation", "Tell me about conservation."), ("morning", "You are in mourning."),
    ("present", "How can we prevent it?"), ("career", "Who is your carer?"), ("care", "Tell me about your career."),
    ("home", "How is the homework going?"), ("week", "What about the weekend?"), ("others", "What other things?"),
    ("wills", "What will you do?"), ("started", "That startled you."),
])
def test_common_words_do_not_pass_for_cues(cue, reply):
    assert cue_matches(reply, [cue]) == 0


@pytest.mark.parametrize("cue,reply", [
    ("allotment", "the alotment"), ("allotment", "the allotmnet"),  # slips of the keyboard
    ("stranger", "a strnger at the door"), ("Wednesday", "every Wedensday"),
    ("rehabilitation", "the rehabilitaton course"), ("grandchildren", "my grandchlidren"),
    ("grandchild", "your grandchildren"), ("neighbour", "the neighbourhood"), ("cans", "a few cans"),
    ("walks", "walking the dog"), ("Siân", "Sian rang"),
])
def test_true_matches_still_count(cue, reply):
    assert cue_matches(reply, [cue]) == 1


def test_function_words_in_cues():
    assert cue_matches("Would you rather be on your own?", ["on your own"]) == 1
    assert cue_matches("your own way of doing it, on Sunday", ["on your own"]) == 0  # not the phrase
    assert cue_matches("Who else is there?", ["who else"]) == 1
    assert cue_matches("Who is there?", ["who else"]) == 0
    assert cue_matches("Can you get to the shop?", ["get to"]) == 1
    assert cue_matches("Can you tell me?", ["can"]) == 0  # a lone function word never counts


def test_a_lone_function_word_cue_is_refused():
    from pydantic import ValidationError

    item = {"id": "x", "label": "x", "says": "x", "moves": ["open_question"]}
    with pytest.raises(ValidationError, match="function word"):
        _scenario(what_matters=[{**item, "cues": ["can"]}, *_scenario().model_dump()["what_matters"][1:]])
