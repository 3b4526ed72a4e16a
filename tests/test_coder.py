"""The coder on real typing: hard negatives, typos, missing question marks, preambles, context."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversation_coach.rubric.coder import CAPPED_NOTE, code_turns, code_utterance
from conversation_coach.rubric.load import load_rubric
from conversation_coach.rubric.sequence import stage_flow
from conversation_coach.textsafe import MAX_CODED_CHARS
from conversation_coach.transcript.model import Turn

RUBRIC = load_rubric()


def code(text: str, context: str | None = None):
    history = [Turn(speaker="person", text=context)] if context else []
    return code_utterance(text, history, RUBRIC)


def traps(text: str, context: str | None = None) -> set[str]:
    return {t.trap for t in code(text, context).traps}


# --- hard negatives: look like traps, are not -------------------------------------------------

@pytest.mark.parametrize(("text", "not_trap"), [
    ("What do you think you should do?", "expert"),
    ("So what do you reckon you ought to do about the car?", "expert"),
    ("But what would you like to happen?", "yes_but"),
    ("I hear you. But how would you like the mornings to go?", "yes_but"),
    ("You're the expert on your own life.", "labelling"),
    ("What have you tried so far?", "problem_solving"),
    ("If things stay as they are, what do you think might happen?", "confrontational"),
    ("It's your decision, and I'll go along with what you choose.", "power"),
])
def test_hard_negatives_are_not_traps(text, not_trap):
    assert not_trap not in traps(text)


def test_hard_negative_questions_are_open_questions():
    assert code("What do you think you should do?").main == "open_question"
    assert code("But what would you like to happen?").main == "open_question"


def test_a_label_the_person_used_themselves_is_not_labelling():
    assert "labelling" not in traps("You say you're stubborn. What does that get you?",
                                    context="I'm stubborn, me, always have been.")
    assert "labelling" in traps("You're being stubborn.", context="I don't want the carers.")


# --- each trap, with the words that triggered it ------------------------------------------------

@pytest.mark.parametrize(("text", "trap", "evidence"), [
    ("Honestly, I think you should sell the car.", "expert", "I think you should"),
    ("You'll have to accept a carer in the mornings.", "power", "You'll have to accept"),
    ("I know just the thing, a befriending service!", "problem_solving", "I know just the thing"),
    ("I hear what you're saying, but the stairs are dangerous.", "yes_but", "I hear what you're saying, but"),
    ("Don't be so stubborn, Mr Price.", "labelling", "be so stubborn"),
    ("If you keep refusing your tablets, you'll end up in hospital.", "confrontational", "If you keep refusing"),
])
def test_traps_carry_rule_id_and_quoted_evidence(text, trap, evidence):
    coding = code(text)
    hit = next(t for t in coding.traps if t.trap == trap)
    assert hit.rule.startswith(trap + ".")
    assert evidence.lower() in hit.evidence.lower()
    assert text[hit.start:hit.end] == hit.evidence or hit.evidence in text
    assert coding.stage is None  # an utterance that carries a trap serves no stage


def test_typos_still_hit_the_expert_trap_and_evidence_quotes_what_was_typed():
    coding = code("i thinkk you shuold go into a home")
    hit = next(t for t in coding.traps if t.trap == "expert")
    assert "thinkk" in hit.evidence


# --- question form without question marks, lower case, preambles --------------------------------

@pytest.mark.parametrize(("text", "main"), [
    ("how are you getting on with the new flat", "open_question"),
    ("what matters most to you about staying here", "open_question"),
    ("do you still go to chapel", "closed_question"),
    ("is ur son coming sunday", "closed_question"),
    ("Okay. So, what would a good week look like for you?", "open_question"),
    ("Right, well, um, tell me about the allotment.", "open_question"),
    ("Mrs Davies, how have the mornings been?", "open_question"),
    ("How many times did you get up last night?", "closed_question"),
    ("When's the hospital appointment?", "closed_question"),
    ("Can you tell me what happened on Friday?", "open_question"),
])
def test_question_form(text, main):
    assert code(text).main == main


@pytest.mark.parametrize(("text", "main"), [
    # spoken restarts are folded before the question word is read
    ("Wh-what do you miss most about the old house?", "open_question"),
    ("Wha-wha-what helps on the bad days?", "open_question"),
    ("So w-where do you think you'd like to start?", "open_question"),
    # a wh-question wrapped in politeness is still open
    ("Can I ask you, um, what gets you through the long afternoons?", "open_question"),
    ("I wanted to ask you how the new flat is feeling.", "open_question"),
    ("Your daughter rang me. I wonder, what are your thoughts on her idea?", "open_question"),
    ("Do you have any ideas about what would make Sundays easier?", "open_question"),
    ("And what about the day centre do you enjoy?", "open_question"),
    # an open question after a long setting-up clause
    ("The tablets ease the pain, and I know they make you sleepy and the doctor is keen you stay on them, "
     "so what are your thoughts about that?", "open_question"),
    # an invitation to say more, shaped like yes/no
    ("Is there anything else you'd like me to know about the evenings?", "open_question"),
    ("Are there any other things that help when you can't sleep?", "open_question"),
    ("Yeah, say something more about the allotment.", "open_question"),
    # still asking for one fact, even after a clause
    ("Right, and in a normal week, how many nights would you say you sleep through?", "closed_question"),
    ("Is there anything in the fridge for tea?", "closed_question"),
    ("Do you know how to get to the surgery from here?", "closed_question"),
    # asking leave to talk, said as a wondering
    ("I wondered if we could spend ten minutes on how the evenings are going.", "permission"),
    ("I was wondering if you'd be open to looking at the bills together.", "permission"),
    ("I'd like to ask a bit about your tablets, if that's okay with you.", "permission"),
])
def test_question_form_in_real_speech(text, main):
    assert code(text).main == main


@pytest.mark.parametrize("text", [
    "All right, take care, bye.",
    "Thanks, Dilys. We'll see you next Friday.",
    "All right, thanks. Ring me any time.",
    "That'd be great.",
    "All right, lovely to meet you.",
])
def test_goodbyes_and_thanks_are_not_reflections(text):
    """Even when they share a word with what the person said ('Thanks for coming')."""
    coding = code(text, context="Okay, thanks for coming out, it was good to meet you.")
    assert coding.main == "other"


def test_a_hurried_greeting_with_a_name_still_opens_with_a_question():
    coding = code("hey cai hows things been since u moved in")
    assert coding.main == "open_question"
    assert coding.stage == 1


def test_feels_like_is_a_reflective_stem():
    coding = code("feels like a lot of pressure to have it all worked out at your age",
                  context="I'm only seventeen and everyone expects me to have it all sorted.")
    assert coding.main in ("simple_reflection", "complex_reflection")


@pytest.mark.parametrize(("text", "context", "trap", "main"), [
    ("I hear you, Glyn, but the stairs just aren't safe for you any more.", "I want to stay upstairs in my own bed.",
     "yes_but", "information"),
    ("No, that's not true, Mrs Evans, the girls came at ten, I've read their notes.", "Nobody's been near me all day.",
     "confrontational", "information"),
])
def test_a_telling_trap_is_never_read_as_listening(text, context, trap, main):
    """It borrows the person's words, but it overrules or contradicts them: telling, not reflecting."""
    coding = code(text, context=context)
    assert trap in {t.trap for t in coding.traps}
    assert coding.main == main


def test_everyday_misspellings_and_shorthand_are_read_as_meant():
    assert "expert" in traps("you realy ought to be using the frame when ur out")
    assert code("tbh wen did u last see the gp").main == "closed_question"
    assert code("wat wud a gd day look like for u").main == "open_question"


def test_spoken_dropped_gs_and_typed_contractions_are_read_as_meant():
    from conversation_coach.rubric.textprep import canonicalise

    assert canonicalise("I was goin' down the shop, doin nothin much")[0] == "i was going down the shop, doing nothing much"
    assert canonicalise("Robin's van was in'")[0] == "robin's van was in'"  # a name, and no verb before "in'"
    assert code("u'll have to ring them before friday").main == "advice"
    coding = code("So what happens to him later on is weighin' on you.",
                  context="Nobody talks about what happens to our Rhys when we've gone.")
    assert coding.main in ("simple_reflection", "complex_reflection")


def test_a_quoted_sentence_ends_where_its_quote_closes():
    coding = code('You keep telling yourself, "I can\'t manage." What would help you feel more sure?',
                  context="I just keep thinking I can't manage.")
    assert coding.main == "open_question"
    assert {"simple_reflection", "complex_reflection"} & set(coding.moves)


def test_a_tag_ending_does_not_make_a_closed_question():
    coding = code("The garden's your pride and joy, isn't it?", context="I've been doing that garden for forty years.")
    assert coding.main in ("simple_reflection", "complex_reflection")


def test_british_and_american_spelling_code_the_same():
    british = code("You've organised everything brilliantly, well done.")
    american = code("You've organized everything brilliantly, well done.")
    assert british.main == american.main == "affirmation"


def test_three_questions_in_one_turn_are_the_question_answer_trap():
    coding = code("Did you eat? Did you sleep? Are you taking your tablets?")
    assert "question_answer" in {t.trap for t in coding.traps}
    assert coding.main == "closed_question"


def test_one_question_listing_topics_is_not_rapid_fire():
    coding = code("Would it be okay if I asked about your sleep, your eating and the stairs?")
    assert "question_answer" not in {t.trap for t in coding.traps}
    assert coding.main == "permission"


# --- reflections are judged against the person's previous turn ----------------------------------

def test_reflection_mirrors_the_previous_turn():
    coding = code("Your hip has been keeping you awake.", context="My hip's been keeping me up every night.")
    assert coding.main == "simple_reflection"
    assert coding.stage == 2


def test_the_same_sentence_is_a_reflection_only_when_it_mirrors_a_person_turn():
    text = "Your hip has been keeping you awake."
    assert code(text, context="My hip's been keeping me up every night.").main == "simple_reflection"
    assert code(text).main not in ("simple_reflection", "complex_reflection")


def test_a_you_sentence_that_tells_is_not_a_reflection():
    assert code("You need to ring the council.").main == "advice"
    assert code("You need to ring the council.", context="The council never answer.").main == "advice"


def test_a_reflective_stem_that_adds_feeling_is_complex():
    coding = code("It sounds like the nights are the loneliest part of the day for you.",
                  context="Once it's dark, there's nobody.")
    assert coding.main == "complex_reflection"


def test_reflection_then_open_question_is_an_open_question_with_both_moves():
    coding = code("The flat feels quiet. What would make the evenings better?",
                  context="It's so quiet in the flat at night.")
    assert coding.main == "open_question"
    assert "open_question" in coding.moves
    assert {"simple_reflection", "complex_reflection"} & set(coding.moves)
    assert coding.stage == 3


def test_summary_with_actions_is_stage_five():
    coding = code("So, to sum up: the garden matters most, you're going to ask your nephew about a raised bed, "
                  "and I'll find out about the Tuesday group.")
    assert coding.main == "summary"
    assert coding.stage == 5


@pytest.mark.parametrize(("text", "main", "stage"), [
    ("Would you mind if we had a chat about how things are going for you?", "permission", 1),
    ("Would you like me to tell you about the carers' centre?", "permission", 4),
    ("It took courage to tell me that.", "affirmation", 5),
    ("There's a lunch club at the community centre on Wednesdays.", "information", 4),
    ("Tell me a bit about yourself.", "open_question", 1),
    ("What worries you most about the winter?", "open_question", 3),
    ("Mm-hmm.", "other", None),
    ("Sorry, my phone's ringing.", "other", None),
])
def test_moves_and_stages_follow_the_convention(text, main, stage):
    coding = code(text)
    assert (coding.main, coding.stage) == (main, stage)


# --- conversation level --------------------------------------------------------------------------

def _turns(*lines: str) -> list[Turn]:
    return [Turn(speaker="worker" if i % 2 == 0 else "person", text=t) for i, t in enumerate(lines)]


def test_a_run_of_closed_questions_is_reported_once_on_the_turn_that_completes_it():
    turns = _turns("Do you live alone?", "Yes.", "Have you got a stairlift?", "No.", "Do you use a frame?", "Sometimes.",
                   "Any falls?", "One.", "Is there a carer?", "No.")
    codings = code_turns(turns, RUBRIC)
    flagged = [i for i, c in enumerate(codings) if any(t.trap == "question_answer" for t in c.traps)]
    assert flagged == [4]  # three answered questions in a row make the run; reported once
    assert codings[4].stage is None
    assert codings[1].main is None and codings[1].moves == []


def test_questions_with_reflections_between_them_are_not_the_question_answer_trap():
    turns = _turns("How have things been?", "Hard. My wife died in March.",
                   "You've lost your wife, and it's been hard.", "It has.",
                   "What's helped you get through?", "My daughter.",
                   "Your daughter has been there for you. Who else is around?", "A neighbour.")
    codings = code_turns(turns, RUBRIC)
    assert not any(t.trap == "question_answer" for c in codings for t in c.traps)


def test_stage_flow_opening_and_closing():
    turns = _turns("How have things been since you got home?", "Slow.",
                   "Things have been slow.", "Yes.",
                   "So, to sum up, you want to get back to the garden, and you're going to ask your son to help "
                   "with the raised beds next week.")
    flow = stage_flow(code_turns(turns, RUBRIC))
    assert flow.opened_with_stage_1 and flow.closed_with_stage_5
    assert flow.order[0] == 1
    flow = stage_flow(code_turns(_turns("Do you live alone?", "Yes."), RUBRIC))
    assert not flow.opened_with_stage_1 and not flow.closed_with_stage_5


# --- any text, bounded time, never an exception ---------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
       st.one_of(st.none(), st.text(max_size=100)))
def test_the_coder_never_raises(text, context):
    coding = code(text, context)
    assert coding.main is not None
    for hit in coding.traps:
        assert hit.evidence is not None


@pytest.mark.parametrize("text", [
    "", "   ", "\x1b[2J\x1b]0;pwned\x07 how are you?", "\u202eevil\u202c what matters to you?", "[/]", "[bold]hi[/bold]",
    "\x00\x01\x02", "🙂🙂🙂 what matters?", "?" * 500, "- -- --- ...", "I" * 5000,
])
def test_odd_inputs_are_coded(text):
    coding = code(text)
    assert coding.main in ("open_question", "closed_question", "other", "information", "simple_reflection",
                           "complex_reflection", "advice", "affirmation", "summary", "permission")


def test_one_megabyte_reply_is_capped_with_a_visible_note():
    text = ("Tell me about your week. You sound tired. " * 30000)[:1_000_000]
    coding = code(text)
    assert CAPPED_NOTE in coding.notes
    assert f"{MAX_CODED_CHARS:,}" in CAPPED_NOTE
    assert all(h.end <= MAX_CODED_CHARS for h in coding.trace)


# --- follow-up: general phenomena found by playing the scenarios ---------------------------------

@pytest.mark.parametrize(("text", "stage"), [
    ("Since the boys moved out, how have the evenings been for you?", 1),
    ("I've had the referral, but I'd sooner hear it from you: what's been going on?", 1),
    ("Diolch for the tea, Gwen. Could you tell me a little about your family?", 1),
    ("would you tell me a bit about how the week's gone", 1),
    ("ok tell me about your Saturdays", 1),
    ("With the money side of things, what are you proudest of managing?", 3),
    ("Who do you ring when you're having a bad day?", 3),
])
def test_open_questions_behind_clauses_greetings_and_colons(text, stage):
    coding = code(text, context="Saturdays are the worst, to be honest.")
    assert (coding.main, coding.stage, coding.traps) == ("open_question", stage, [])


def test_the_seed_s_how_not_to_open_is_not_credited_as_stage_one():
    coding = code("So what's the problem today, and how can I help?")
    assert coding.stage is None
    assert [t.trap for t in coding.traps] == ["problem_solving"]
    assert "what's the problem" in coding.traps[0].evidence.lower()


def test_a_reflection_of_something_said_two_turns_back_is_still_a_reflection():
    history = [Turn(speaker="person", text="Bowls on a Wednesday was the highlight, me and the lads from the pit."),
               Turn(speaker="worker", text="When did you last go?"),
               Turn(speaker="person", text="Not since the operation in March, my hip won't let me bend like that.")]
    coding = code_utterance("Wednesday bowls with the lads from the pit was the highlight of the week.", history, RUBRIC)
    assert coding.main in ("simple_reflection", "complex_reflection")
    unrelated = code_utterance("The community transport runs on a Wednesday morning.", history, RUBRIC)
    assert unrelated.main not in ("simple_reflection", "complex_reflection")


def test_a_summary_that_ends_by_asking_where_to_start_is_a_stage_five_summary():
    coding = code("So, the stairs are getting harder, you want to stay near the chapel, and your niece is happy to help. "
                  "Where would you like to start?")
    assert (coding.main, coding.stage) == ("summary", 5)
    assert "open_question" in coding.moves


@pytest.mark.parametrize(("text", "context", "main"), [
    ("What matters to you is keeping your own front door.", "I'm not leaving this house, it's mine.",
     "complex_reflection"),
    ("You said you might have a word with Aled about the lifts.", "I could ask Aled, I suppose.", "simple_reflection"),
    ("You must have been a wonderful cook.", "I fed six kids on nothing for years.", "affirmation"),
])
def test_statements_that_only_look_like_questions_or_advice(text, context, main):
    coding = code(text, context)
    assert coding.main == main
    assert coding.traps == []


@pytest.mark.parametrize(("text", "context", "trap"), [
    ("It sounds like you've got a gambling problem.", "I do the scratchcards most days.", "labelling"),
    ("so you're a problem drinker then", "I have a few every night.", "labelling"),
    ("You know that's too much for your heart, don't you?", None, "confrontational"),
    ("I'll refer you to the community mental health team.", None, "power"),
    ("I'm going to have to tell your son about the falls.", None, "power"),
    ("Don't worry, we'll sort all that out for you.", None, "problem_solving"),
    ("Here, let me button your cardigan, it'll be quicker.", None, "power"),
    ("Why don't you keep a diary of the bad nights?", None, "problem_solving"),
    # telling someone they must let staff do their care decides for them (power); telling them what is
    # good for them is the expert trap
    ("You really need to let the nurse dress that leg.", None, "power"),
    ("You really need to rest that leg more.", None, "expert"),
    ("I reckon a few days away would make you feel loads better, let's book one.", None, "problem_solving"),
    ("You're not eating though, are you? Look at the fridge.", None, "confrontational"),
])
def test_traps_found_by_playing_the_scenarios(text, context, trap):
    assert trap in traps(text, context)


def test_deciding_where_someone_lives_is_the_power_trap_not_only_advice():
    found = traps("Honestly, I think the best thing is for you to go into a nursing home.")
    assert found == {"power"}
    assert traps("Given how worn out you are, I think you should rest in the afternoons.") == {"expert"}


@pytest.mark.parametrize("text", [
    "Why don't you tell me a bit more about that?",
    "How about we have a cuppa first?",
    "You know you can ring me any time, don't you?",
    "If you'd like, I can refer you to the falls team.",
    "I'll do my best for you.",
    "It's for you to decide whether a care home is right, nobody else.",
    "What's the problem with the new carers, from where you're sitting?",
])
def test_look_alikes_of_the_new_traps_are_clean(text):
    assert traps(text, context="The new carers are a problem, and I don't know what to do.") == set()


def test_three_answered_closed_questions_in_a_row_are_the_question_answer_trap():
    turns = _turns("Are you on your own now?", "Yes.", "Have you got any help in?", "No.", "Do you go out at all?", "Not really.")
    codings = code_turns(turns, RUBRIC)
    assert [i for i, c in enumerate(codings) if any(t.trap == "question_answer" for t in c.traps)] == [4]
    turns = _turns("How are the mornings?", "Slow.", "Slow mornings. What makes them slow?", "My hands.",
                   "Your hands are stiff first thing. What helps?", "A hot water bottle.")
    assert not any(t.trap == "question_answer" for c in code_turns(turns, RUBRIC) for t in c.traps)
