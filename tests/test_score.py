"""The scorer: stage coverage, flow, traps, MITI-style metrics, the score and suggestions.

Most tests give every worker turn an explicit Coding, so they test the scorer's
logic rather than the coder's verdicts; a few at the end go through the real coder.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from conversation_coach.report.terminal import render_assessment
from conversation_coach.rubric.assessment import Discovery, TrustRange
from conversation_coach.rubric.coding import MOVES, TRAPS, Coding, TrapHit
from conversation_coach.rubric.model import Rubric
from conversation_coach.rubric.score import ScenarioOutcome, assess, assessment_json
from conversation_coach.rubric.suggest import (
    SLOT,
    Topic,
    _bank,
    _fill,
    _fill_gap,
    _person_facing,
    address_name,
    person_gist,
    person_topics,
)
from conversation_coach.transcript.model import SupervisorReview, Transcript, Turn

STAGE_QUESTIONS = {
    1: ["Would it be all right if we had a chat?", "Can you tell me how things have been lately?"],
    2: ["So what I'm hearing is ... Is that right?", "It sounds as if {topic} means a great deal to you."],
    3: ["What worries you most at the moment?", "What would a good day look like for you?",
        "Who else could help you with this?", "What would you like to happen next?"],
    4: ["Would it help if I told you a bit about what's available?", "Could I ask a few more details?"],
    5: ["What have you decided to do first?", "What strengths will help you get there?"],
}


def make_rubric() -> Rubric:
    return Rubric(
        id="test-rubric",
        version="1",
        title="A small rubric for the scorer's tests",
        stages=[
            {"number": n, "name": name, "purpose": "p", "questions": STAGE_QUESTIONS[n]}
            for n, name in enumerate(
                ["Open, engaging questions", "Active listening", "Open, exploratory questions",
                 "Information exchange", "Summary and actions"], start=1)
        ],
        traps={
            t: {"name": t.replace("_", " ").capitalize() + " trap", "meaning": f"meaning of {t}",
                "why": f"why {t} harms", "rewrite": f"rewrite for {t}, {{name}}"}
            for t in TRAPS
        },
        moves={m: {"name": m, "description": m} for m in MOVES},
    )


@pytest.fixture()
def rubric() -> Rubric:
    return make_rubric()


def c(main: str, stage: int | None = None, *, moves: list[str] | None = None, traps: list[tuple] = ()) -> Coding:
    """A coding: `traps` are (trap, evidence) pairs."""
    return Coding(
        main=main,
        moves=moves or [main],
        stage=stage,
        traps=[TrapHit(trap=t, rule=f"{t}.test-rule", evidence=ev) for t, ev in traps],
    )


def P(text: str) -> Turn:
    return Turn(speaker="person", text=text, coding=Coding())


def W(text: str, coding: Coding) -> Turn:
    return Turn(speaker="worker", text=text, coding=coding)


def exemplary() -> Transcript:
    return Transcript(person_name="Glenys", turns=[
        P("Oh hello, come in. I'm not sure why they sent you really."),
        W("Would it be all right if we had a chat about how things are for you at the moment?",
          c("open_question", 1)),
        P("Well since the fall I don't go out much. My garden has gone to rack and ruin."),
        W("The garden was a big part of your days, and since the fall it feels out of reach.",
          c("complex_reflection", 2)),
        P("It was everything. I grew all my own veg. Now I just look at it through the window."),
        W("You miss the growing.", c("simple_reflection", 2)),
        P("I do. And my daughter frets, she rings every night."),
        W("What worries you most about how things are now?", c("open_question", 3)),
        P("That I'll end up stuck inside for good. That I'm a worry to her."),
        W("Being a worry to her sits heavily with you, more than the fall itself.",
          c("complex_reflection", 2)),
        P("Yes. That's it really."),
        W("What would a good week look like for you, if things were a bit better?", c("open_question", 3)),
        P("Out in the garden on a dry day. Maybe the allotment club again on Thursdays."),
        W("Would it help if I told you a bit about a gardening group near you?", c("permission", 4)),
        P("Go on then."),
        W("So getting back to the garden and the Thursday club matter most, and you'd like your daughter "
          "to worry less. You've decided to try the group and talk to her on Sunday.",
          c("summary", 5)),
        P("That sounds right."),
    ])


def closed_run() -> Transcript:
    questions = ["Do you live alone?", "Do you have stairs?", "Are you on any tablets?", "Do you smoke?",
                 "Can you get to the shops?", "Do you have a carer?", "Is your GP local?", "Any falls this year?"]
    turns: list[Turn] = [P("Hello.")]
    for n, q in enumerate(questions):
        traps = [("question_answer", "Do you smoke?")] if n in (3, 7) else []
        turns += [W(q, c("closed_question", 4, traps=traps)), P("Yes.")]
    return Transcript(turns=turns)


def trap_laden() -> Transcript:
    return Transcript(turns=[
        P("Hello."),
        W("So what's the problem and how can I help?", c("open_question", 1,
          traps=[("problem_solving", "what's the problem and how can I help")])),
        P("I've been struggling with the stairs."),
        W("I think you should move into a care home.", c("advice", traps=[("power", "I think you should")])),
        P("I'm not going into a home."),
        W("I hear you, but you can't manage on your own.", c("simple_reflection", 2,
          moves=["simple_reflection", "advice"], traps=[("yes_but", "I hear you, but")])),
        P("I manage fine."),
        W("You're being quite stubborn about this.", c("other", traps=[("labelling", "You're being quite stubborn")])),
        P("Well!"),
        W("If you carry on like this you'll end up in hospital.",
          c("information", traps=[("confrontational", "If you carry on like this")])),
        P("I think you should go."),
    ])


# --- stage coverage and flow -----------------------------------------------------------------


def test_stage_coverage_counts_and_best_example(rubric):
    a = assess(exemplary(), rubric)
    by_stage = {s.stage: s for s in a.stages}
    assert [s.stage for s in a.stages] == [1, 2, 3, 4, 5]
    assert by_stage[2].reached and by_stage[2].count == 3
    assert by_stage[2].name == "Active listening"
    # The best example is the typical move for the stage: a complex reflection, not "You miss the growing."
    assert by_stage[2].example.startswith("The garden was a big part of your days")
    assert by_stage[2].example_turn == 3
    assert by_stage[3].count == 2 and by_stage[4].count == 1 and by_stage[5].count == 1
    assert a.stage_flow.opened_with_stage_1 and a.stage_flow.closed_with_stage_5
    assert a.stage_flow.sequence == [1, 2, 2, 3, 2, 3, 4, 5]


def test_best_example_prefers_a_reply_without_a_trap(rubric):
    t = Transcript(turns=[
        P("I'm fed up."),
        W("You're fed up, but honestly you just need to get out more and stop moping about the house all day.",
          c("simple_reflection", 2, traps=[("yes_but", "but honestly")])),
        P("Maybe."),
        W("Being stuck indoors is wearing you down.", c("complex_reflection", 2)),
    ])
    stage2 = assess(t, rubric).stages[1]
    assert stage2.count == 2 and stage2.example == "Being stuck indoors is wearing you down."


def test_missing_stages_and_flow(rubric):
    t = Transcript(turns=[
        P("Hi."),
        W("Have you had a fall?", c("closed_question", 4)),
        P("Yes."),
        W("Did you hurt yourself?", c("closed_question", 4)),
        P("A bit."),
        W("What happened?", c("open_question", 1)),
        P("I tripped."),
        W("Right, I'll get that written up for you now then, and then we'll see about it.", c("other")),
        P("Oh."),
    ])
    a = assess(t, rubric)
    assert [s.stage for s in a.stages if s.reached] == [1, 4]
    assert not a.stage_flow.opened_with_stage_1  # two closed questions before the open one
    assert not a.stage_flow.closed_with_stage_5
    assert a.stages[4].example is None and a.stages[4].count == 0


# --- traps -----------------------------------------------------------------------------------


def test_traps_carry_quoted_words_why_and_rewrite(rubric):
    t = trap_laden()
    t.person_name = "Mr Pryce"
    a = assess(t, rubric)
    assert [f.trap for f in a.traps] == ["problem_solving", "power", "yes_but", "labelling", "confrontational"]
    power = a.traps[1]
    assert power.turn == 3 and power.evidence == "I think you should" and power.rule == "power.test-rule"
    assert power.why == "why power harms" and power.meaning == "meaning of power"
    assert power.rewrite == "rewrite for power, Mr Pryce"  # {name} filled from the transcript
    assert power.name == "Power trap"


def test_supervisor_review_replaces_verdicts_only_when_asked(rubric):
    t = Transcript(turns=[
        P("I can't do the stairs."),
        W("The stairs have become a real barrier.", c("complex_reflection", 2, traps=[("labelling", "barrier")])),
    ])
    t.turns[1].review = SupervisorReview(traps=[], stage=2, comment="not labelling")
    assert len(assess(t, rubric).traps) == 1
    assert assess(t, rubric, use_review=True).traps == []
    t.turns[1].review = SupervisorReview(traps=["expert"], main="advice", no_stage=True)
    reviewed = assess(t, rubric, use_review=True)
    assert [f.trap for f in reviewed.traps] == ["expert"] and reviewed.traps[0].rule == "supervisor"
    assert not reviewed.stages[1].reached and reviewed.counts.get("advice") == 1


# --- metrics ---------------------------------------------------------------------------------


def test_metrics_against_miti_bands(rubric):
    a = assess(exemplary(), rubric)
    m = a.metrics
    # 4 reflections incl. the summary (complex: 2 + summary) over 3 questions (all open).
    assert m["reflection_to_question"].value == pytest.approx(4 / 3, abs=0.01)
    assert m["reflection_to_question"].band == "fair"
    assert m["percent_open_questions"].value == 100.0 and m["percent_open_questions"].band == "good"
    assert "MITI 3" in m["percent_open_questions"].note
    assert m["percent_complex_reflections"].value == 75.0 and m["percent_complex_reflections"].band == "good"
    share = m["worker_talk_share"].value
    assert 30 < share < 70


def test_metric_bands_at_thresholds(rubric):
    def turns(spec):
        out = [P("Well, I have been thinking about it a lot lately and it is complicated.")]
        for main in spec:
            out += [W("Some words here.", c(main, None)), P("Right.")]
        return Transcript(turns=out)

    two_to_one = assess(turns(["simple_reflection", "complex_reflection", "open_question"]), rubric).metrics
    assert two_to_one["reflection_to_question"].value == 2.0 and two_to_one["reflection_to_question"].band == "good"
    assert two_to_one["percent_complex_reflections"].value == 50.0
    assert two_to_one["percent_complex_reflections"].band == "good"
    low = assess(turns(["closed_question", "closed_question", "open_question", "simple_reflection"]), rubric).metrics
    assert low["reflection_to_question"].band == "below fair"
    assert low["percent_open_questions"].value == pytest.approx(33.3) and low["percent_open_questions"].band == "below fair"
    assert low["percent_complex_reflections"].band == "below fair"
    none = assess(Transcript(turns=[P("Hello.")]), rubric)
    assert none.metrics["reflection_to_question"].value is None and none.metrics["reflection_to_question"].band == "n/a"
    assert none.score == 0


def test_every_move_in_a_reply_is_counted_once(rubric):
    t = Transcript(turns=[
        P("My knees are bad."),
        W("Your knees are holding you back. What would help?",
          c("open_question", 3, moves=["complex_reflection", "open_question"])),
    ])
    a = assess(t, rubric)
    assert a.counts["complex_reflection"] == 1 and a.counts["open_question"] == 1
    assert a.metrics["reflection_to_question"].value == 1.0


# --- the score -------------------------------------------------------------------------------


def test_exemplary_scores_high_closed_run_low_traps_lowest(rubric):
    good = assess(exemplary(), rubric)
    closed = assess(closed_run(), rubric)
    traps = assess(trap_laden(), rubric)
    assert 85 <= good.score <= 100
    assert closed.score < 40
    assert traps.score < closed.score
    for a in (good, closed, traps):
        assert round(sum(p.points for p in a.score_parts)) == a.score
        assert sum(p.max_points for p in a.score_parts) == pytest.approx(100)


def test_one_trap_costs_points_and_the_reply_earns_no_credit(rubric):
    clean = exemplary()
    tainted = exemplary()
    tainted.turns[7].coding = c("open_question", 3, traps=[("expert", "you ought to")])
    a, b = assess(clean, rubric), assess(tainted, rubric)
    assert b.score < a.score
    parts_a = {p.name: p.points for p in a.score_parts}
    parts_b = {p.name: p.points for p in b.score_parts}
    assert parts_b["Traps avoided"] == parts_a["Traps avoided"] - 10
    assert parts_b["Open questions"] < parts_a["Open questions"]
    assert "not counting 1 reply with a trap" in next(p.detail for p in b.score_parts if p.name == "Open questions")


def test_stage_reached_only_in_a_trap_earns_no_coverage(rubric):
    a = assess(trap_laden(), rubric)
    cover = next(p for p in a.score_parts if p.name == "Stage coverage")
    assert a.stages[0].reached  # shown as reached...
    assert cover.points < 10 and "only in replies with a trap" in cover.detail  # ...but not credited
    flow = next(p for p in a.score_parts if p.name == "Stage flow")
    assert a.stage_flow.opened_with_stage_1 and flow.points == 0 and "fell into a trap" in flow.detail


def test_scenario_outcome_adds_what_matters_part(rubric):
    found_all = ScenarioOutcome(
        scenario_id="garden",
        what_matters=Discovery(surfaced=["garden", "daughter"], missed=[], labels={"garden": "The garden"}),
        strengths=Discovery(surfaced=["club"], missed=["neighbour"]),
        trust=TrustRange(start=5, end=8),
        ended_by="trainee",
    )
    found_none = found_all.__class__(
        scenario_id="garden",
        what_matters=Discovery(surfaced=[], missed=["garden", "daughter"]),
        strengths=Discovery(surfaced=[], missed=["club", "neighbour"]),
        trust=TrustRange(start=5, end=2),
        ended_by="person",
    )
    a = assess(exemplary(), rubric, discovery=found_all)
    b = assess(exemplary(), rubric, discovery=found_none)
    part = next(p for p in a.score_parts if p.name == "What matters found")
    assert part.max_points == 20 and part.points == pytest.approx(15 + 2.5)
    assert "2 of 2 things that matter" in part.detail
    assert sum(p.max_points for p in a.score_parts) == pytest.approx(100)
    assert b.score < a.score and b.ended_by == "person"
    assert a.what_matters.surfaced == ["garden", "daughter"] and a.trust.end == 8 and a.scenario_id == "garden"
    plain = assess(exemplary(), rubric)
    assert all(p.name != "What matters found" for p in plain.score_parts)


def test_deterministic(rubric):
    first = assessment_json(assess(trap_laden(), rubric))
    second = assessment_json(assess(trap_laden(), rubric))
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_codings_argument_wins_and_must_match_turns(rubric):
    t = exemplary()
    blank = [Coding() for _ in t.turns]
    blank_score = assess(t, rubric, codings=blank)
    assert blank_score.score < 40 and not any(s.reached for s in blank_score.stages)
    with pytest.raises(ValueError):
        assess(t, rubric, codings=blank[:-1])


# --- suggestions -----------------------------------------------------------------------------


def test_suggestions_aim_at_missed_stages_and_traps(rubric):
    t = trap_laden()
    t.turns[2] = P("I've been struggling with the stairs and my garden.")
    t.person_name = "Mr Pryce"
    a = assess(t, rubric)
    stages = [s.stage for s in a.suggestions]
    # Missed stages (3 and 5 — 1 and 2 were reached, though only in replies with a trap) come first.
    assert stages[:2] == [3, 5]
    explore = a.suggestions[0]
    assert explore.question == "You mentioned your garden. What worries you most at the moment?"
    assert "Stage 3" in explore.why
    why = " ".join(s.why for s in a.suggestions)
    assert "Instead of the power trap at turn 4." in why  # counted from 1 for people; the JSON turn is 3
    questions = [s.question for s in a.suggestions]
    assert len(questions) == len(set(questions)) <= 5
    bank = {q for qs in STAGE_QUESTIONS.values() for q in qs}
    assert all(any(re.split(r"\{|\.\.\.", b)[0].strip() in q for b in bank) for q in questions)


def test_suggestions_skip_questions_already_asked(rubric):
    t = Transcript(turns=[P("Hello."), W("what worries you most at the moment", c("open_question", 1)), P("Money.")])
    a = assess(t, rubric)
    assert all("What worries you most" not in s.question for s in a.suggestions)
    assert any(s.stage == 3 and "What would a good day look like" in s.question for s in a.suggestions)


def test_suggestions_use_the_persons_name_and_words(rubric):
    t = Transcript(person_name="Dilys Morgan", turns=[
        P("You sound like my son. My chapel choir was my whole week. I miss my chapel."),
        W("Right.", c("other")),
    ])
    texts = [s.question for s in assess(t, rubric).suggestions]
    assert texts[0] == "Dilys, would it be all right if we had a chat?"
    # A reflection built from what she said about herself, not from what she said to the worker.
    assert texts[1] == "So what I'm hearing is you miss your chapel. Is that right?"
    assert person_topics(t) == ["your chapel", "your son"]


def test_suggestion_helpers():
    t = Transcript(turns=[P("My late husband built that wall. My son's in Cardiff. Our Rhodri rings. I was fine.")])
    assert person_topics(t) == ["your late husband", "your son", "Rhodri"]  # "our Rhodri" is a name
    assert _fill_gap("It sounds like ... really matters to you.", "your garden", None) == (
        "It sounds like your garden really matters to you.")
    # Nothing to fill the gap with: no suggestion rather than one that shows its "...".
    assert _fill_gap("So you're saying ... Is that right?", None, None) is None
    assert person_gist(t, None) == "your late husband built that wall"
    assert person_gist(t, None, exclude={"your late husband built that wall"}) == "your son's in Cardiff"
    assert person_gist(Transcript(turns=[P("Well, I was poorly then.")]), None) == "you were poorly then"
    assert person_gist(Transcript(turns=[P("Everyone tells me what to do.")]), None) == "everyone tells you what to do"
    named = Transcript(turns=[P("Dai comes round for me on Sundays. Good lad, Dai.")])
    assert person_gist(named, None) == "Dai comes round for you on Sundays"
    assert address_name("Mrs Evans") == "Mrs Evans" and address_name("Nansi Pritchard") == "Nansi"
    assert _fill("Hello {name}, how is {topic}?", "Bryn", "your dog") == "Hello Bryn, how is your dog?"
    assert _fill("How is {topic}?", "Bryn", None) is None


def test_reflections_use_what_the_person_said_about_themselves():
    def gist(*said: str) -> str | None:
        return person_gist(Transcript(turns=[P(s) for s in said]), None)

    # Stage directions, tags and endearments go; orders to the worker and small talk are not reflected.
    assert gist("(She smiles.) I've walked that prom every morning for fifty years, you know. Sit down, love. "
                "I'll put the kettle on after.") == "you've walked that prom every morning for fifty years"
    assert gist("I'm doing my best, butt.") == "you're doing your best"
    # Not statements: a clause and a question typed without its question mark.
    assert gist("If I get in.") is None and gist("Do I know how many units I drink.") is None
    # A name at the start keeps its capital; an ordinary word does not.
    assert gist("Cerys has been on at me again.") == "Cerys has been on at you again"
    assert gist("No one asks me anything these days.") == "no one asks you anything these days"
    assert gist("So I gave up the choir in the end.") == "you gave up the choir in the end"


@pytest.mark.parametrize(("said", "topics"), [
    # A possessive ends the topic: never "your daughter's".
    ("My daughter's house is too far. My daughter's the one who worries.", ["your daughter"]),
    ("I miss my mates' nights out.", ["your mates"]),
    # Function words, pronouns and idioms are not topics.
    ("I did it on my own this morning. Oh my goodness. It's on my mind. My own stuff, my name.", []),
    ("It's my decision and my way of doing it, at my age.", []),
    # Modifiers and compounds keep the words that make the topic.
    ("My social worker rang. I keep my walking stick by my front door.",
     ["your social worker", "your walking stick", "your front door"]),
    ("My late husband built it; my old man too.", ["your late husband", "your old man"]),
    # "our Sian" is a name; "my mam" stays kin, whatever the capital.
    ("Our Sian rang. My Mam knows.", ["Sian", "your mam"]),
    ("MY VEST is missing!", ["your vest"]),
    # A body part said in passing is not a topic; one the person comes back to is.
    ("I touch the bar with my toe.", []),
    ("My eyes are no good. Everyone's an expert on my eyes.", ["your eyes"]),
])
def test_topics_are_whole_noun_phrases(said, topics):
    assert person_topics(Transcript(turns=[P(said)])) == topics


_WORDS = ["my", "our", "my", "daughter's", "mates'", "own", "the", "this", "garden", "Sian", "late", "social",
          "worker", "is", "and", "goodness", "it", "walking", "stick", "left", "arm", "one", "he", "'s", ",", "."]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=25))
@example(words=["my", "own", "one"])
def test_a_topic_never_dangles(words):
    for topic in person_topics(Transcript(turns=[P(" ".join(words))]), limit=10):
        last = topic.split()[-1]
        assert not last.endswith(("'s", "'")) and last.isalpha(), topic
        assert last.lower() not in {"own", "the", "this", "is", "and", "it", "one", "he", "left", "late", "social"}
        assert topic.startswith("your ") or topic[:1].isupper()


def test_filled_questions_agree_with_the_topic():
    mates = Topic("your mates", plural=True)
    assert _fill("It sounds as if {topic} means a great deal to you.", None, mates) == (
        "It sounds as if your mates mean a great deal to you.")
    assert _fill("How is {topic} these days?", None, mates) == "How are your mates these days?"
    assert _fill_gap("It sounds like ... matters a lot to you.", Topic("your teachers", plural=True), None) == (
        "It sounds like your teachers matter a lot to you.")
    assert _fill_gap("It sounds like ... matters a lot to you.", Topic("Rhodri", kind="name"), None) == (
        "It sounds like Rhodri matters a lot to you.")
    # "It sounds like your hip matters a lot to you" is not a reflection anyone would make.
    assert _fill_gap("It sounds like ... matters a lot to you.", Topic("your hip", kind="body"), None) is None


def test_bank_prompts_are_put_to_the_person():
    from conversation_coach.rubric.load import load_rubric

    default = load_rubric()
    # The seed's stage-5 prompt is for the worker's own reflection: it is turned round, and offered last.
    assert _person_facing("What are the strengths/skills/motivators you notice?") == (
        "What strengths have helped you get through this?")
    offered = [question for _raw, question in _bank(default, 5)]
    assert offered[-1] == "What strengths have helped you get through this?"
    assert not any("you notice" in q for q in offered)
    # One wording for "talked/had a chat"; a request ends with a full stop.
    assert _person_facing("Would you mind if we talked/had a chat?") == "Would you mind if we had a chat?"
    assert _person_facing("Tell me a bit about what's happening?") == "Tell me a bit about what's happening."
    # Follow-ups that need the question before them are never offered on their own.
    explore = [question for _raw, question in _bank(default, 3)]
    assert not any("for that to happen" in q or "next number" in q for q in explore)
    assert all("/" not in q for stage in (1, 2, 3, 4, 5) for _raw, q in _bank(default, stage))


def test_exemplary_conversation_gets_few_suggestions(rubric):
    a = assess(exemplary(), rubric)
    assert a.suggestions == [] or all(s.stage in (2, 3) for s in a.suggestions)


# --- JSON and terminal report ----------------------------------------------------------------


def test_assessment_json_has_contract_fields(rubric):
    doc = assessment_json(assess(trap_laden(), rubric))
    json.dumps(doc)  # serialisable
    for key in ("schema_version", "stages", "traps", "metrics", "score", "score_parts", "suggestions"):
        assert key in doc
    assert set(doc["stages"][0]) >= {"stage", "name", "reached", "count", "example"}
    assert set(doc["traps"][0]) >= {"trap", "turn", "evidence", "rule", "why", "rewrite"}
    assert isinstance(doc["score"], int)


def _render(assessment, rubric, width=100) -> str:
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    console.print(render_assessment(assessment, rubric))
    return console.export_text()


def test_terminal_report_shows_every_section(rubric):
    outcome = ScenarioOutcome("garden", Discovery(surfaced=["garden"], missed=["daughter"],
                                                  labels={"garden": "Back in the garden", "daughter": "Less worry"}),
                              Discovery(surfaced=[], missed=["club"], labels={"club": "Thursday club"}),
                              TrustRange(start=5, end=3), "person")
    text = _render(assess(trap_laden(), rubric, discovery=outcome), rubric)
    for expected in ("Score", "Stage coverage", "Traps avoided", "Power trap", "“I think you should”",
                     "why power harms", "rewrite for power", "Reflection-to-question ratio", "below fair",
                     "Back in the garden", "Less worry", "Thursday club", "5 → 3", "Try next time"):
        assert expected in text, expected


def test_terminal_report_never_parses_user_text_as_markup(rubric):
    t = Transcript(turns=[
        P("[bold]me[/bold]"),
        W("[/] [red]What [link=x]matters\x1b[2J to you?\x07", c("open_question", 1,
          traps=[("expert", "[/]\x1b]8;;http://x\x07")])),
    ])
    text = _render(assess(t, rubric), rubric)
    assert "[/] [red]What [link=x]matters" in text
    assert "\x1b" not in text and "\x07" not in text


def test_text_for_people_counts_turns_from_one(rubric):
    """The JSON keeps the index from 0 (contract); everything a person reads counts from 1, as the
    exported records do, and says "turn N"."""
    t = trap_laden()
    a = assess(t, rubric)
    assert [f.turn for f in a.traps][:2] == [1, 3]  # JSON: index in the transcript, from 0
    text = _render(a, rubric, width=80)
    assert "(turn 2)" in text and "(turn 4)" in text  # the same replies, counted from 1
    assert not re.search(r"\bturn 0\b", text) and not re.search(r"\bTurn \d", text)
    assert "Instead of the power trap at turn 4." in " ".join(s.why for s in a.suggestions)
    example = next(s for s in a.stages if s.example_turn is not None)
    assert f"(turn {example.example_turn + 1})" in text


def test_terminal_report_explains_each_kind_of_trap_once(rubric):
    t = closed_run()  # two question-and-answer traps
    text = _render(assess(t, rubric), rubric, width=80)
    assert text.count("why question_answer harms") == 1
    assert "Why it matters and what to try: as at turn 8." in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_summary_then_goodbye_still_closes_with_stage_5(rubric):
    t = exemplary()
    t.turns += [W("Thank you, Glenys. I'll see you on Tuesday.", c("other")), P("Ta-ra.")]
    assert assess(t, rubric).stage_flow.closed_with_stage_5


# --- any conversation ------------------------------------------------------------------------

_codings = st.builds(
    lambda main, extra, stage, traps: Coding(
        main=main, moves=[main, *extra], stage=stage,
        traps=[TrapHit(trap=t, rule=f"{t}.x", evidence=ev) for t, ev in traps]),
    st.sampled_from(MOVES), st.lists(st.sampled_from(MOVES), max_size=2),
    st.one_of(st.none(), st.integers(1, 5)),
    st.lists(st.tuples(st.sampled_from(TRAPS), st.text(max_size=20)), max_size=3),
)
_turns = st.lists(
    st.one_of(
        st.builds(lambda text: Turn(speaker="person", text=text, coding=Coding()), st.text(max_size=80)),
        st.builds(lambda text, coding: Turn(speaker="worker", text=text, coding=coding), st.text(max_size=80), _codings),
    ),
    max_size=14,
)


@settings(max_examples=60, deadline=None)
@given(turns=_turns, name=st.one_of(st.none(), st.text(max_size=12)))
def test_any_conversation_gives_a_consistent_assessment(turns, name):
    rubric = make_rubric()
    a = assess(Transcript(turns=turns, person_name=name), rubric)
    assert 0 <= a.score <= 100
    assert round(sum(p.points for p in a.score_parts)) == a.score
    assert all(0 <= p.points <= p.max_points for p in a.score_parts)
    assert len(a.traps) == sum(len(t.coding.traps) for t in turns if t.speaker == "worker")
    assert len(a.suggestions) <= 5
    json.dumps(assessment_json(a))
    _render(a, rubric, width=60)


# --- every suggestion on the shipped scenarios reads as something to say -----------------------

# A topic ending in one of these is a fragment: "your own", "your left", "your social".
_DANGLING = {"own", "the", "this", "that", "a", "my", "your", "and", "of", "is", "it", "he", "she", "one", "left",
             "right", "social", "late", "old", "little", "new", "best"}


def _problems(question: str) -> list[str]:
    """Why a suggested question would not do as something a trainee says to the person."""
    problems = []
    if re.search(r"\.\.\.|…|[{}/]", question.replace(SLOT, "")):
        problems.append("an unfilled gap, placeholder or slash")
    if not question[:1].isupper() or not question.endswith(("?", ".")):
        problems.append("not a sentence")
    if re.search(r"[.?!] [a-z]", question):
        problems.append("a sentence starting in lower case")
    if re.search(r"\b(\w+) \1\b", question, re.IGNORECASE):
        problems.append("a doubled word")
    for topic in re.findall(r"You mentioned ([^.?]+)[.?]", question):
        last = topic.split()[-1]
        if last.endswith(("'s", "'")) or last.lower() in _DANGLING:
            problems.append(f"a dangling topic {topic!r}")
    if re.search(r"\byou notice\b", question) and re.search(r"strength|skill|motivator", question):
        problems.append("a prompt for the worker, not the person")
    if len(question.split()) > 40:
        problems.append("too long to say")
    return problems


def _paths(scenario) -> dict[str, list[str]]:
    model = list(scenario.model_path)
    closed = [f"Do you like {cue}?" if i % 2 else f"Is {cue} important to you?"
              for i, item in enumerate([*scenario.what_matters, *scenario.strengths]) for cue in item.cues[:2]]
    closed += ["Are you feeling all right today?", "Did you sleep well last night?",
               "Is anyone helping you at the moment?", "Do you live here on your own?"]
    traps = ["Given how tired you are, I think you should stop worrying and rest.",
             "I've decided you'll be moving into a care home; it's for the best.",
             "I see where you're coming from, but you really need more help than you think."]
    return {"model": model, "model without its close": model[:-1], "model opening": model[:3],
            "model then traps": model[:4] + traps, "closed questions": closed}


def test_suggestions_on_every_shipped_scenario_read_well():
    from conversation_coach.paths import shipped_dir
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.scenario.engine import Conversation
    from conversation_coach.scenario.load import load_scenario_file

    default = load_rubric()
    files = sorted(shipped_dir("scenarios").glob("*.yaml"))
    assert len(files) >= 8
    bad: list[str] = []
    checked = 0
    for file in files:
        scenario = load_scenario_file(file)
        for label, replies in _paths(scenario).items():
            conv = Conversation(scenario, default, save_path=None)
            for reply in replies:
                if conv.finished:
                    break
                conv.respond(reply)
            turns = conv.transcript.turns
            for s in conv.assessment().suggestions:
                checked += 1
                problems = _problems(s.question)
                for n in map(int, re.findall(r"\bturn (\d+)", s.why)):
                    # Counted from 1: turn N is the worker's reply at index N - 1.
                    if not (1 <= n <= len(turns) and turns[n - 1].speaker == "worker"):
                        problems.append(f"turn {n} is not a worker's reply")
                if problems:
                    bad.append(f"{file.stem} [{label}]: {s.question!r}: {', '.join(problems)}")
    assert checked >= 80
    assert not bad, "\n".join(bad)
