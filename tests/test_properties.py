"""Property tests (Hypothesis): any text at all, including controls, format characters and brackets.

- the coder never raises and finishes within a bound (Hypothesis' per-example deadline);
- a transcript survives save -> load unchanged;
- text made safe with textsafe.clean_for_display shows exactly as itself through rich Text,
  textual Content and the app's own `literal` helper: nothing is read as markup, nothing
  dropped, and no control or format character is left to reach the terminal.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from io import StringIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversation_coach.rubric.coding import MOVES, TRAPS, Coding, TrapHit
from conversation_coach.textsafe import PLACEHOLDER, clean_for_display
from conversation_coach.transcript.io import load_transcript, save_transcript
from conversation_coach.transcript.model import SupervisorReview, Transcript, Turn

CODER_DEADLINE = timedelta(seconds=3)  # per example; the coder normally takes milliseconds

# Controls (C0, C1), format characters (bidi, zero-width), surrogates, private use, unassigned:
# every category textsafe has to deal with, plus ordinary letters and the markup characters.
ANY_CHAR = st.characters(codec=None)
HOSTILE_CHAR = st.one_of(
    st.characters(categories=["Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp", "Mn"]),
    st.sampled_from("[]/@=\\:;\"'`{}()<>#*_~|&$!?.,-\x1b\x07\x9b\u202e\u200b\ufeff"),
    st.characters(categories=["L", "N", "P", "S"]),
)
BRACKET_HEAVY = st.text(alphabet=st.sampled_from("[]/@=a click.quit link bold \\\"'"), max_size=80)
WORDS = st.sampled_from([
    "I", "you", "think", "should", "what", "matters", "to", "how", "why", "move", "into", "a", "home",
    "care", "sounds", "like", "it", "feel", "?", ".", ",", "but", "yes", "must", "need", "stubborn",
    "[/]", "[@click=app.quit]", "\x1b[2J", "\u202e", "\u200b", "Ｗｈａｔ", "okay", "so", "tell", "me",
])
SENTENCES = st.lists(WORDS, max_size=40).map(" ".join)
ANY_TEXT = st.one_of(
    st.text(alphabet=HOSTILE_CHAR, max_size=300),
    st.text(alphabet=ANY_CHAR, max_size=200),
    BRACKET_HEAVY,
    SENTENCES,
)


def raw_controls(text: str) -> set[str]:
    return {f"U+{ord(ch):04X}" for ch in text
            if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\n\t\u200d"}


@pytest.fixture(scope="module")
def rubric():
    from conversation_coach.rubric.load import load_rubric

    return load_rubric()


# ----- the coder ----------------------------------------------------------------------------------
@settings(max_examples=150, deadline=CODER_DEADLINE, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reply=ANY_TEXT, previous=ANY_TEXT)
def test_coder_never_raises_on_any_reply(rubric, reply, previous):
    from conversation_coach.rubric.coder import code_utterance

    coding = code_utterance(reply, [Turn(speaker="person", text=previous)], rubric)
    assert coding.main is None or coding.main in MOVES
    assert set(coding.moves) <= set(MOVES)
    assert coding.stage in (None, 1, 2, 3, 4, 5)
    for hit in coding.traps:
        assert hit.trap in TRAPS
        assert not raw_controls(hit.evidence)


@settings(max_examples=40, deadline=CODER_DEADLINE, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turns=st.lists(st.tuples(st.sampled_from(["worker", "person"]), ANY_TEXT), max_size=12))
def test_code_turns_never_raises_and_codes_every_turn(rubric, turns):
    from conversation_coach.rubric.coder import code_turns

    transcript_turns = [Turn(speaker=speaker, text=text) for speaker, text in turns]
    codings = code_turns(transcript_turns, rubric)
    assert len(codings) == len(transcript_turns)
    for turn, coding in zip(transcript_turns, codings, strict=True):
        if turn.speaker == "person":
            assert coding.main is None and not coding.traps


# ----- save -> load ---------------------------------------------------------------------------------
NO_SURROGATES = st.text(alphabet=st.characters(codec=None, exclude_categories=["Cs"]), max_size=60)
CODINGS = st.builds(
    Coding,
    main=st.none() | st.sampled_from(MOVES),
    moves=st.lists(st.sampled_from(MOVES), max_size=3),
    stage=st.none() | st.integers(1, 5),
    traps=st.lists(st.builds(TrapHit, trap=st.sampled_from(TRAPS), rule=st.just("expert.rule"),
                             evidence=NO_SURROGATES, start=st.integers(0, 500), end=st.integers(0, 500),
                             message=NO_SURROGATES), max_size=2),
    notes=st.lists(NO_SURROGATES, max_size=1),
)
REVIEWS = st.none() | st.builds(SupervisorReview, main=st.none() | st.sampled_from(MOVES),
                                comment=NO_SURROGATES, reviewer=NO_SURROGATES)
TURNS = st.builds(
    Turn,
    speaker=st.sampled_from(["worker", "person"]),
    text=ANY_TEXT,  # lone surrogates included: the model turns them into U+FFFD so the turn can be saved
    coding=st.none() | CODINGS,
    review=REVIEWS,
    surfaced=st.lists(st.sampled_from(["choir", "own_home", "garden"]), max_size=2),
    trust=st.none() | st.floats(min_value=0, max_value=10, allow_nan=False),
)


@settings(max_examples=80, deadline=timedelta(seconds=2),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(turns=st.lists(TURNS, max_size=8), person=st.none() | NO_SURROGATES, trainee=st.none() | NO_SURROGATES,
       finished=st.booleans())
def test_transcript_survives_save_and_load_unchanged(tmp_path, turns, person, trainee, finished):
    transcript = Transcript(person_name=person, trainee=trainee, scenario_id="home-after-fall",
                            finished=finished, ended_by="trainee" if finished else None, turns=turns)
    path = tmp_path / "visit.json"
    save_transcript(transcript, path)
    loaded = load_transcript(str(path))
    assert loaded == transcript
    assert loaded.model_dump() == transcript.model_dump()


@given(text=st.text(alphabet=st.characters(categories=["Cs"]) | st.sampled_from("ab "), min_size=1, max_size=20))
def test_lone_surrogates_become_visible_placeholders_in_a_turn(text):
    turn = Turn(speaker="worker", text=text)
    assert turn.text.encode("utf-8")  # always saveable
    assert len(turn.text) == len(text)
    assert all(c == d or (0xD800 <= ord(c) <= 0xDFFF and d == "\N{REPLACEMENT CHARACTER}")
               for c, d in zip(text, turn.text, strict=True))


# ----- display --------------------------------------------------------------------------------------
def _rich_plain(text: str) -> str:
    """What a rich Console prints for Text(text), without wrapping or colour."""
    from rich.console import Console
    from rich.text import Text

    out = StringIO()
    console = Console(file=out, width=1_000_000, color_system=None, highlight=False, markup=False, emoji=False,
                      tab_size=1)
    console.print(Text(text, tab_size=1), soft_wrap=True, end="")
    return out.getvalue()


def _content_plain(text: str) -> str:
    """What textual Content renders for `text`: the text of its segments."""
    from textual.content import Content

    return "".join(segment.text for segment in Content(text).render_segments())


@settings(max_examples=300, deadline=timedelta(seconds=1))
@given(text=ANY_TEXT)
def test_clean_for_display_leaves_nothing_raw_and_is_stable(text):
    shown = clean_for_display(text)
    assert not raw_controls(shown)
    assert clean_for_display(shown) == shown
    one_line = clean_for_display(text, keep_newlines=False)
    assert "\n" not in one_line and not raw_controls(one_line)


@settings(max_examples=300, deadline=timedelta(seconds=1))
@given(text=st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs", "Mn"]), max_size=200))
def test_clean_for_display_keeps_ordinary_text_as_it_is(text):
    assert clean_for_display(text) == text


@settings(max_examples=300, deadline=timedelta(seconds=1))
@given(text=ANY_TEXT)
def test_cleaned_text_round_trips_through_rich_and_textual(text):
    from conversation_coach.tui.text import line, literal

    shown = clean_for_display(text).replace("\t", " ")  # tabs: rich expands them to spaces
    assert _rich_plain(shown) == shown
    assert _content_plain(shown) == shown
    assert literal(text).plain == clean_for_display(text)
    assert line(("You: ", "bold"), text).plain == "You: " + clean_for_display(text)


@settings(max_examples=200, deadline=timedelta(seconds=1))
@given(text=BRACKET_HEAVY)
def test_markup_like_text_is_never_interpreted(text):
    from conversation_coach.tui.text import literal

    assert _rich_plain(text) == text
    assert _content_plain(text) == text
    assert literal(text).plain == text
    assert PLACEHOLDER not in clean_for_display(text)
