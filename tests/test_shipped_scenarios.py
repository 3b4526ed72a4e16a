"""Every shipped scenario, played through the real coder and engine (SCENARIO-GUIDE.md's checks).

- its model path surfaces everything that matters, reaches stages 1, 2, 3 and 5, falls into no trap;
- a path of closed questions (built from the scenario's own cue words) surfaces at most a third;
- a path of trap replies costs trust or ends the visit, each answered with that trap's reaction;
- the same replies give the same conversation; no person line is said twice in a row.
"""

from __future__ import annotations

import pytest

from conversation_coach.paths import shipped_dir
from conversation_coach.rubric.load import load_rubric
from conversation_coach.rubric.score import assessment_json
from conversation_coach.scenario.engine import TRAP_EFFECTS, Conversation
from conversation_coach.scenario.load import load_scenario_file
from conversation_coach.scenario.model import Scenario

SHIPPED = sorted(shipped_dir("scenarios").glob("*.yaml"))

# Clear-cut trap replies, one per trap that a single reply can fall into; {topic} is filled from the scenario.
TRAP_REPLIES = [
    ("expert", "Given how tired you are, I think you should stop worrying about {topic} and rest."),
    ("power", "I've decided you'll be moving into a care home; it's for the best."),
    ("problem_solving", "We should sort out {topic} for you. I'll arrange it and I think that may make you feel better."),
    ("yes_but", "I see where you're coming from, but you really need more help than you think."),
    ("labelling", "I can see why they say you're being difficult and non-compliant."),
    ("confrontational", "If you carry on like this, the situation is only going to get worse."),
]
GENERIC_CLOSED = [
    "Are you feeling all right today?",
    "Did you sleep well last night?",
    "Is anyone helping you at the moment?",
    "Do you live here on your own?",
    "Have you had any visitors this week?",
    "Is it all right if I sit here?",
]


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def _play(scenario: Scenario, rubric, replies: list[str]) -> Conversation:
    conv = Conversation(scenario, rubric, save_path=None)
    for reply in replies:
        if conv.finished:
            break
        conv.respond(reply)
    return conv


def _trace(conv: Conversation) -> str:
    """The conversation as text with codings, trust and what surfaced: read this when a check fails."""
    lines = []
    for turn in conv.transcript.turns:
        if turn.speaker == "worker":
            c = turn.coding
            traps = ", ".join(f"{t.trap} ({t.evidence!r})" for t in c.traps) if c else ""
            lines.append(f"  W: {turn.text}\n     [{c.main if c else None} {c.moves if c else []} "
                         f"stage {c.stage if c else None}{'; TRAPS ' + traps if traps else ''}]")
        else:
            lines.append(f"  P: {turn.text}\n     [trust {turn.trust} surfaced {turn.surfaced}]")
    return "\n".join(lines)


def _closed_path(scenario: Scenario) -> list[str]:
    """Closed questions that name the scenario's own cue words, with some generic ones between."""
    out: list[str] = []
    templates = ["Do you like {cue}?", "Is {cue} important to you?", "Have you got {cue}?", "Is that about {cue}?"]
    items = [*scenario.what_matters, *scenario.strengths]
    for i, item in enumerate(items):
        for j, cue in enumerate(item.cues[:2]):
            out.append(templates[(i + j) % len(templates)].format(cue=cue))
        out.append(GENERIC_CLOSED[i % len(GENERIC_CLOSED)])
    return out


def _trap_path(scenario: Scenario) -> list[tuple[str, str]]:
    topic = scenario.what_matters[0].cues[0]
    return [(trap, text.format(topic=topic)) for trap, text in TRAP_REPLIES]


@pytest.fixture(params=SHIPPED, ids=[p.stem for p in SHIPPED])
def scenario(request) -> Scenario:
    return load_scenario_file(request.param)


def test_there_are_scenarios_to_check():
    assert len(SHIPPED) >= 2


def test_model_path_surfaces_everything_without_traps(scenario, rubric):
    conv = _play(scenario, rubric, scenario.model_path)
    trace = _trace(conv)
    trapped = [t.text for t in conv.transcript.turns if t.speaker == "worker" and t.coding and t.coding.traps]
    assert not trapped, f"model path falls into traps:\n{trace}"
    missed = [w.id for w in scenario.what_matters if w.id not in conv.surfaced]
    assert not missed, f"model path misses what matters {missed}:\n{trace}"
    assert {1, 2, 3, 5} <= conv.stages_reached, f"stages reached {sorted(conv.stages_reached)}:\n{trace}"
    assert conv.ended_by != "person", f"the person ended the visit on the model path:\n{trace}"
    assert conv.trust > conv.trust_start


def test_closed_questions_surface_at_most_a_third(scenario, rubric):
    path = _closed_path(scenario)
    conv = _play(scenario, rubric, path)
    trace = _trace(conv)
    coded = [t.coding.main for t in conv.transcript.turns if t.speaker == "worker"]
    assert coded.count("closed_question") >= 0.8 * len(coded), f"the path is not closed questions:\n{trace}"
    found = conv.what_matters_found
    assert found <= conv.what_matters_total / 3, f"{found} of {conv.what_matters_total} surfaced:\n{trace}"
    # A closed question gets a short, true answer: the scenario's closed-question reactions or an item's
    # short answer, and nothing more.
    short = set(scenario.reactions.moves["closed_question"])
    short |= {d.short_answer for d in [*scenario.what_matters, *scenario.strengths] if d.short_answer}
    turns = conv.transcript.turns
    for worker, person in zip(turns[1::2], turns[2::2], strict=False):
        if worker.coding.main == "closed_question" and not worker.coding.traps:
            line = person.text.removeprefix("As I said: ")
            ok = any(line == a or line.startswith(a + " ") for a in short) or line == scenario.trust.end_line
            assert ok, f"{worker.text!r} got {person.text!r}:\n{trace}"
        if [t.trap for t in worker.coding.traps] == ["question_answer"]:  # tired, clipped answers
            allowed = {*scenario.reactions.traps["question_answer"], scenario.trust.end_line}
            assert any(person.text.startswith(a) for a in allowed), f"{person.text!r}:\n{trace}"


def test_trap_path_costs_trust_or_ends_the_visit(scenario, rubric):
    conv = _play(scenario, rubric, [r for _t, r in _trap_path(scenario)])
    trace = _trace(conv)
    assert conv.trust < conv.trust_start or conv.ended_by == "person", trace
    assert conv.what_matters_found == 0, trace


@pytest.mark.parametrize("trap,reply", TRAP_REPLIES, ids=[t for t, _r in TRAP_REPLIES])
def test_each_trap_gets_its_own_reaction(scenario, rubric, trap, reply):
    conv = Conversation(scenario, rubric, save_path=None)
    exchange = conv.respond(reply.format(topic=scenario.what_matters[0].cues[0]))
    trace = _trace(conv)
    coded = [t.trap for t in exchange.coding.traps]
    assert trap in coded, f"a clear-cut {trap} reply was not coded as that trap:\n{trace}"
    assert exchange.trust_change < 0 and exchange.newly_surfaced == [], trace
    worst = min(coded, key=lambda t: scenario.trust.effects.get(t, TRAP_EFFECTS[t]))
    line = exchange.person_line
    reactions = scenario.reactions.traps[worst]
    if exchange.ended_by == "person":  # the trap's reaction first, so the trainee hears why, then the goodbye
        assert line.endswith(" " + scenario.trust.end_line), f"{line!r} does not end the visit:\n{trace}"
        line = line.removesuffix(" " + scenario.trust.end_line)
    assert line in reactions, f"{exchange.person_line!r} is not a {worst} reaction:\n{trace}"


def test_same_replies_same_conversation(scenario, rubric):
    replies = [*scenario.model_path[:4], *(r for _t, r in _trap_path(scenario)[:2]), *scenario.model_path[4:]]

    def run():
        conv = _play(scenario, rubric, replies)
        if not conv.finished:
            conv.end()
        lines = [(t.speaker, t.text, t.surfaced, t.trust) for t in conv.transcript.turns]
        return lines, assessment_json(conv.assessment())

    assert run() == run()


def test_no_person_line_twice_in_a_row(scenario, rubric):
    monotone = ["What else?"] * 8 + ["I see."] * 8 + ["Right."] * 6
    for path in (scenario.model_path, _closed_path(scenario), [r for _t, r in _trap_path(scenario)], monotone):
        conv = _play(scenario, rubric, path)
        person = [t.text for t in conv.transcript.turns if t.speaker == "person"]
        repeats = [a for a, b in zip(person, person[1:], strict=False) if a == b]
        assert not repeats, f"said twice in a row: {repeats}\n{_trace(conv)}"
