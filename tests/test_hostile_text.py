"""Hostile text: whatever a trainee types or a file holds, nothing crashes and nothing reaches the terminal raw.

Each case goes through the coder, the scorer, the `code` command, `play --plain`, the
Textual app (typed into the reply box) and the Markdown/HTML exports. What each front end
shows is checked character by character: no C0/C1 control, no escape sequence, no bidi
override or zero-width character — each is shown literally or as textsafe.PLACEHOLDER —
and markup strings (`[/]`, `[@click=app.quit]x[/]` ...) are shown as typed and do nothing.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from io import StringIO
from pathlib import Path

import pytest

from conversation_coach.textsafe import PLACEHOLDER, clean_for_display
from conversation_coach.transcript.model import SupervisorReview, Transcript, Turn

TUI_DATA = Path(__file__).parent / "data" / "tui"
SCENARIO_ID = "tui-visit"
MEGABYTE = ("What matters to you this week? " * 40000)[:1_000_000]

# name -> text. The note for issue 7 lists what the app does with each (see the module docstring).
CASES: dict[str, str] = {
    "empty": "",
    "whitespace": " \t \u00a0 \u3000  ",
    "nul": "What\x00 matters\x00 to you?",
    "c0_controls": "bell\x07 back\x08space tab\tvt\x0b ff\x0c so\x0e del\x7f what helps?",
    "c1_controls": "next\x85line csi\x9b31m red osc\x9d0;title\x9c dcs\x90q",
    "csi_clear_screen": "\x1b[2J\x1b[HHow are things at home?\x1b[31m",
    "csi_private_modes": "\x1b[?1049h\x1b[?25l\x1b[6n hidden cursor",
    "osc52_clipboard": "\x1b]52;c;cm0gLXJmIH4vKgo=\x07What would help?",
    "osc8_hyperlink": "\x1b]8;;https://example.com\x1b\\click me\x1b]8;;\x1b\\",
    "osc_title_st": "\x1b]0;pwned\x1b\\ and a lone ESC \x1b at the end \x1b",
    "carriage_return": "I think you should\rWhat matters to you?",
    "bidi_override": "What matters \u202eot uoy\u202c most?",
    "bidi_isolates_marks": "\u2066left\u2069 \u2067right\u2069 \u200emark\u200f \u061c",
    "zero_width": "Wh\u200bat mat\u200cters\u2060 to\ufeff you, \u00adreally?",
    "full_width": "Ｗｈａｔ ｍａｔｔｅｒｓ ｔｏ ｙｏｕ ｔｏｄａｙ？",
    "emoji_flood": "\U0001f600" * 3000 + "\U0001f468\u200d\U0001f469\u200d\U0001f467" * 200,
    "combining_flood": "Z" + "\u0301" * 3000 + "algo",
    "megabyte_reply": MEGABYTE,
    "markup_close": "[/]",
    "markup_unclosed": "[/",
    "markup_at": "[@==",
    "markup_click": "[@click=app.quit]x[/]",
    "markup_link": "[link=https://example.com/evil]click me[/link]",
    "markup_style": "[bold red on blue]loud[/] [reverse]x",
    "markup_escaped": "\\[not markup] \\\\[/] [b]",
    "html_and_md": "<script>alert(1)</script> & \"q\" [click](javascript:alert(1)) # heading `code`",
    "lone_surrogate": "half \ud800 a pair \udcff",
}
BLANK = {"empty", "whitespace"}
# Lone surrogates cannot be typed or encoded; they arrive as undecodable bytes on stdin.
NOT_TYPEABLE = {"lone_surrogate"}
# Typed key by key into the app (the others are pasted: setting the reply box's value).
TYPED = {"markup_close", "markup_unclosed", "markup_at", "markup_click"}


def raw_controls(text: str) -> set[str]:
    """Characters that would act on a terminal or hide/reorder text (ZWJ inside emoji is fine)."""
    return {f"U+{ord(ch):04X}" for ch in text
            if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in "\n\t\u200d"}


def raw_control_bytes(data: bytes) -> set[str]:
    """Raw controls in UTF-8 output: C0 (but newline/tab), DEL, C1, and bidi/zero-width characters."""
    return raw_controls(data.decode("utf-8", errors="surrogateescape"))


@pytest.fixture(scope="module")
def rubric():
    from conversation_coach.rubric.load import load_rubric

    return load_rubric()


def _person_then(text: str) -> list[Turn]:
    return [Turn(speaker="person", text="I'm managing, mostly."), Turn(speaker="worker", text=text)]


# ----- the coder ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_coder_takes_every_case(name, rubric):
    from conversation_coach.rubric.coder import code_turns, code_utterance

    text = CASES[name]
    history = [Turn(speaker="person", text=text or "hm")]
    start = time.perf_counter()
    coding = code_utterance(text, history, rubric)
    codings = code_turns([*history, Turn(speaker="worker", text=text), Turn(speaker="person", text=text)], rubric)
    assert time.perf_counter() - start < 5
    assert len(codings) == 3 and codings[2].main is None
    for hit in [*coding.traps, *codings[1].traps]:
        assert not raw_controls(hit.evidence), hit  # quoted words never carry controls
    if name in BLANK:
        assert not coding.traps and coding.stage is None


def test_format_characters_and_full_width_do_not_hide_a_trap(rubric):
    from conversation_coach.rubric.coder import code_utterance

    plain = code_utterance("I think you should move into a home.", [], rubric)
    assert plain.traps
    disguised = [
        "I th\u200bink you sh\u00adould mo\u2060ve into a h\ufeffome.",
        "I think you \u202eshould\u202c move into a home.",
        "Ｉ ｔｈｉｎｋ ｙｏｕ ｓｈｏｕｌｄ ｍｏｖｅ ｉｎｔｏ ａ ｈｏｍｅ.",
        "I think\x1b[2J you should move into a home.",
    ]
    for text in disguised:
        coding = code_utterance(text, [], rubric)
        assert [t.trap for t in coding.traps] == [t.trap for t in plain.traps], text


def test_a_megabyte_reply_is_coded_from_its_start_with_a_note(rubric):
    from conversation_coach.rubric.coder import code_utterance

    start = time.perf_counter()
    coding = code_utterance(MEGABYTE, [], rubric)
    assert time.perf_counter() - start < 5
    assert coding.main == "open_question"
    assert any("long" in note for note in coding.notes)


# ----- the scorer ---------------------------------------------------------------------------------
def _hostile_transcript(names=None, *, review: bool = False) -> Transcript:
    turns: list[Turn] = [Turn(speaker="person", text="Come in, the kettle's on.")]
    for name in names or CASES:
        turns.append(Turn(speaker="worker", text=CASES[name]))
        turns.append(Turn(speaker="person", text=CASES[name] or "Mm."))
    if review:
        turns[1].review = SupervisorReview(comment=CASES["csi_clear_screen"] + CASES["html_and_md"],
                                           reviewer="Rev \x1b]52;c;eA==\x07 [/]")
    return Transcript(mode="imported", person_name="Nia \u202eevans\x1b[2J [/]", turns=turns)


def test_scorer_assesses_every_case_and_its_report_is_clean(rubric):
    from rich.console import Console

    from conversation_coach.report.terminal import render_assessment
    from conversation_coach.rubric.score import assess, assessment_json

    transcript = _hostile_transcript()
    start = time.perf_counter()
    assessment = assess(transcript, rubric)
    assert time.perf_counter() - start < 20
    assert 0 <= assessment.score <= 100
    document = json.dumps(assessment_json(assessment), ensure_ascii=False)
    document.encode("utf-8")  # no lone surrogate survives into the JSON document
    out = StringIO()
    Console(file=out, width=100, highlight=False).print(render_assessment(assessment, rubric))
    shown = out.getvalue()
    assert shown.strip() and not raw_controls(shown)


# ----- the `code` command -------------------------------------------------------------------------
def _run(args: list[str], *, stdin: bytes = b"", env: dict | None = None, timeout: float = 120):
    return subprocess.run([sys.executable, "-m", "conversation_coach", *args], input=stdin,
                          capture_output=True, timeout=timeout, env=env or os.environ.copy())


def test_code_output_carries_no_raw_controls(tmp_path):
    turns = [{"speaker": "person", "text": "Hello."}]
    for text in CASES.values():
        turns += [{"speaker": "worker", "text": text}, {"speaker": "person", "text": text}]
    turns.append({"speaker": "worker", "text": "I think you\x1b[2J should\x9b move\u202e into a home, my \x00love."})
    file = tmp_path / "hostile\x1b[2J\x9b\u202e.jsonl"
    file.write_text("\n".join(json.dumps(t) for t in turns), encoding="utf-8")
    result = _run(["code", str(file)])
    assert result.returncode == 0, result.stderr[-2000:]
    assert b"\x1b" not in result.stdout
    assert not raw_control_bytes(result.stdout.replace(b"\n", b""))
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(lines) == len(turns)
    assert lines[0]["source"] == str(file)  # the path as given, escaped in JSON but unchanged
    assert any(t["trap"] == "expert" for t in lines[-1]["traps"])


def test_code_reads_undecodable_stdin_without_crashing():
    data = b"Person: I'm fine.\nWorker: What \xff\xfe matters \x1b[2J to you?\n"
    result = _run(["code", "-"], stdin=data)
    assert b"Traceback" not in result.stderr
    assert b"\x1b" not in result.stdout and b"\x1b" not in result.stderr


# ----- play --plain -------------------------------------------------------------------------------
@pytest.fixture
def user_scenario(coach_home):
    folder = coach_home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TUI_DATA / "scenarios" / f"{SCENARIO_ID}.yaml", folder / f"{SCENARIO_ID}.yaml")
    return folder / f"{SCENARIO_ID}.yaml"


def _reply_lines(name: str) -> list[bytes]:
    """The lines play --plain reads for a case (text mode turns a lone CR into a line break)."""
    if name == "lone_surrogate":
        return [b"half \xed\xa0\x80 a pair \xff\xfe"]  # invalid UTF-8 arrives as surrogate escapes
    return [part.encode("utf-8") for part in re.split("\r|\n", CASES[name])]


@pytest.mark.parametrize("chunk", [0, 1, 2])
def test_play_plain_never_echoes_raw_and_keeps_every_reply(user_scenario, coach_home, chunk):
    names = list(CASES)[chunk::3]
    lines = [line for name in names for line in _reply_lines(name)]
    result = _run(["play", SCENARIO_ID, "--plain"], stdin=b"\n".join(lines) + b"\n/end\n")
    assert result.returncode == 0, result.stderr[-3000:]
    assert b"Traceback" not in result.stderr
    for stream in (result.stdout, result.stderr):
        assert b"\x1b" not in stream
        assert not raw_control_bytes(stream), raw_control_bytes(stream)
    sent = [ln.decode("utf-8", "surrogateescape").strip() for ln in lines]
    sent = [re.sub("[\ud800-\udfff]", "\N{REPLACEMENT CHARACTER}", s) for s in sent if s]
    person_lines = [ln for ln in result.stdout.decode("utf-8").splitlines() if ln.startswith("Idris Pryce: ")]
    coach_lines = [ln for ln in result.stdout.decode("utf-8").splitlines() if ln.startswith("Coach: ")]
    [path] = list((coach_home / "transcripts").glob("*.json"))
    saved = json.loads(path.read_text(encoding="utf-8"))
    worker = [t["text"] for t in saved["turns"] if t["speaker"] == "worker"]
    assert worker == sent[: len(worker)]
    assert len(person_lines) == len(worker) + 2  # the opening, one answer per reply, the closing
    assert len(coach_lines) == len(worker)
    assert saved["finished"] is True
    if saved["ended_by"] == "trainee":
        assert len(worker) == len(sent)


def test_play_plain_resume_shows_earlier_hostile_turns_cleaned(user_scenario, coach_home, rubric):
    from conversation_coach.scenario.engine import Conversation
    from conversation_coach.scenario.load import load_scenario

    conversation = Conversation(load_scenario(SCENARIO_ID), rubric)
    conversation.respond(CASES["osc52_clipboard"])
    hostile = CASES["csi_clear_screen"] + CASES["markup_click"] + CASES["bidi_override"]
    conversation.respond(hostile)  # resume repeats the last three lines
    result = _run(["play", SCENARIO_ID, "--plain", "--resume"], stdin=b"/end\n")
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout.decode("utf-8")
    assert not raw_controls(out.replace("\n", ""))
    assert f"You: {clean_for_display(hostile.strip())}" in out
    assert "[@click=app.quit]x[/]" in out and PLACEHOLDER in out


# ----- the Textual app ----------------------------------------------------------------------------
def pilot_test(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


def _screen_text(app) -> str:
    """Every character the screen would send to the terminal as text (styles aside)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


@pilot_test
async def test_tui_shows_every_case_literally_and_never_raw(user_scenario):
    from conversation_coach.tui.app import CoachApp
    from conversation_coach.tui.screens.conversation import ConversationScreen
    from conversation_coach.tui.text import clip_line
    from conversation_coach.tui.widgets.chat_log import ChatLine

    async def send(pilot, name: str, text: str) -> None:
        app = pilot.app
        if not isinstance(app.screen, ConversationScreen):  # the person ended the visit: start again
            app.start_conversation(SCENARIO_ID)
            await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        reply = app.screen.query_one("#reply")
        if name in TYPED:
            await pilot.press(*text)  # typed key by key
        else:
            reply.value = text  # pasted
        assert reply.value == text
        before = len(app.screen.query(ChatLine))
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running, name
        shown = _screen_text(app)
        assert not raw_controls(shown), (name, raw_controls(shown))
        if name in BLANK or not isinstance(app.screen, ConversationScreen):
            return
        mine = [w for w in app.screen.query(ChatLine) if w.kind == "trainee"]
        assert len(app.screen.query(ChatLine)) > before
        assert mine[-1].content.plain == "You: " + clean_for_display(clip_line(text)), name

    app = CoachApp(SCENARIO_ID, offer_resume=False, autosave=False)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await pilot.pause()
        # Typed cases first: once floods of emoji are in the log, each key press costs a re-layout.
        for name, text in sorted(CASES.items(), key=lambda case: case[0] not in TYPED):
            if name not in NOT_TYPEABLE and name != "megabyte_reply":
                await send(pilot, name, text)
        # The markup lines are plain text: clicking them does nothing (no app.quit, no link).
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        for widget in [w for w in screen.query(ChatLine) if "[" in w.text]:
            widget.scroll_visible(animate=False, top=True)
            await pilot.pause()
            await pilot.click(widget)
            await pilot.pause()
            assert app.is_running and app.screen is screen
        await send(pilot, "megabyte_reply", MEGABYTE)
        # The summary quotes the trainee's words: they are shown cleaned there too.
        if isinstance(app.screen, ConversationScreen):
            app.screen.action_end_visit()
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ConversationScreen)
        assert not raw_controls(_screen_text(app))


@pilot_test
async def test_tui_clips_a_megabyte_reply_with_a_note_and_keeps_it_whole_in_the_transcript(user_scenario):
    from conversation_coach.tui.app import CoachApp
    from conversation_coach.tui.screens.conversation import ConversationScreen
    from conversation_coach.tui.text import MAX_SHOWN_CHARS
    from conversation_coach.tui.widgets.chat_log import ChatLine
    from conversation_coach.tui.widgets.coach_panel import CoachPanel

    huge = "\x1b[2J" + MEGABYTE[: len(MEGABYTE) - 4]  # an escape at the start: still cleaned when clipped
    note = f"\u2026 ({len(huge) - MAX_SHOWN_CHARS:,} more characters not shown)"
    app = CoachApp(SCENARIO_ID, offer_resume=False, autosave=False)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        screen.query_one("#reply").value = huge
        await pilot.press("enter")
        await pilot.pause()
        [first] = [w for w in screen.query(ChatLine) if w.kind == "trainee"]
        shown = first.content.plain
        assert shown == "You: " + clean_for_display(huge[:MAX_SHOWN_CHARS]) + note
        assert shown.endswith("(996,000 more characters not shown)") and len(shown) < 5000
        assert first.text == huge  # the widget (and the transcript) keep every character
        assert screen.conv.transcript.turns[1].text == huge
        coach = screen.query_one(CoachPanel).text
        assert len(coach) < 10_000 and not raw_controls(coach)
        assert not raw_controls(_screen_text(app))
        # still answering: a second reply typed key by key is sent, shown and answered
        await pilot.press(*"What helps?")
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running and app.screen is screen
        trainee = [w for w in screen.query(ChatLine) if w.kind == "trainee"]
        assert [w.content.plain for w in trainee[1:]] == ["You: What helps?"]
        assert screen.query(ChatLine).last().kind == "person"
        assert "What helps?" in screen.query_one(CoachPanel).text


# ----- exports ------------------------------------------------------------------------------------
def test_markdown_and_html_exports_escape_every_case(rubric):
    from conversation_coach.report.html import render_html
    from conversation_coach.report.markdown import render_markdown
    from conversation_coach.report.record import build_record

    transcript = _hostile_transcript([n for n in CASES if n != "megabyte_reply"], review=True)
    record = build_record(transcript, rubric)
    markdown = render_markdown(record)
    page = render_html(record)
    for document in (markdown, page):
        assert not raw_controls(document), raw_controls(document)
    assert "<script>alert" not in page
    assert html.escape("[@click=app.quit]x[/]") in page or "[@click=app.quit]x[/]" in page
    assert "[click](javascript:" not in markdown and "<script>" not in markdown
    assert "\\[@click=app.quit\\]x\\[/\\]" in markdown
    assert PLACEHOLDER in markdown and PLACEHOLDER in page


def test_export_command_writes_a_clean_html_file_for_a_megabyte_reply(tmp_path, rubric):
    from conversation_coach.transcript.io import save_transcript

    source = tmp_path / "visit.json"
    save_transcript(_hostile_transcript(["megabyte_reply", "csi_clear_screen", "markup_click"]), source)
    for fmt in ("html", "md"):
        out = tmp_path / f"visit.{fmt}"
        result = _run(["export", str(source), "--format", fmt, "-o", str(out)])
        assert result.returncode == 0, result.stderr[-2000:]
        text = out.read_text(encoding="utf-8")
        assert len(text) > 1_000_000 and not raw_controls(text)


# ----- a scenario file someone else wrote -----------------------------------------------------------
def _hostile_scenario(coach_home: Path) -> Path:
    """The test scenario with escape sequences, bidi and markup in the words the app shows from it."""
    import yaml

    data = yaml.safe_load((TUI_DATA / "scenarios" / f"{SCENARIO_ID}.yaml").read_text(encoding="utf-8"))
    data["title"] = "Mr Pryce \x1b]52;c;eA==\x07[@click=app.quit]x[/] \u202eevil"
    data["brief"] = "Visit \x1b[2J[link=https://example.com]him[/link]\x9b31m."
    data["person"]["name"] = "Idris [/] Pryce\x1b[31m"
    data["opening"] = "Come in\x00, [bold]come in[/].\x1b]0;title\x07"
    folder = coach_home / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SCENARIO_ID}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=False, sort_keys=False), encoding="utf-8")
    return path


def test_scenario_text_from_a_file_is_shown_cleaned_in_list_and_play(coach_home):
    _hostile_scenario(coach_home)
    listed = _run(["list"])
    assert listed.returncode == 0, listed.stderr[-2000:]
    played = _run(["play", SCENARIO_ID, "--plain"], stdin=b"What matters to you?\n/end\n")
    assert played.returncode == 0, played.stderr[-2000:]
    for stream in (listed.stdout, listed.stderr, played.stdout, played.stderr):
        assert b"\x1b" not in stream and not raw_control_bytes(stream)
    out = played.stdout.decode("utf-8")
    assert "[@click=app.quit]x[/]" in out and "[bold]come in[/]" in out and PLACEHOLDER in out


@pilot_test
async def test_scenario_text_from_a_file_is_shown_cleaned_in_the_app(coach_home):
    from conversation_coach.tui.app import CoachApp
    from conversation_coach.tui.screens.conversation import ConversationScreen

    _hostile_scenario(coach_home)
    app = CoachApp(offer_resume=False, autosave=False)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await pilot.pause()
        assert not raw_controls(_screen_text(app))  # the picker
        app.start_conversation(SCENARIO_ID)
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        shown = _screen_text(app)
        assert not raw_controls(shown)
        assert "[bold]come in[/]" in shown
        assert app.is_running


# ----- undecodable bytes in command-line arguments ------------------------------------------------
ARGV_BYTES = "\udcff\udcfe"  # what Python makes of the bytes b"\xff\xfe" in sys.argv on a UTF-8 system
SHOWN = "\N{REPLACEMENT CHARACTER}" * 2


def test_names_and_ids_with_undecodable_bytes_are_saved_as_replacement_characters(tmp_path):
    from conversation_coach.review import apply_override
    from conversation_coach.transcript.io import load_transcript, save_transcript

    transcript = Transcript(trainee=f"T-{ARGV_BYTES}", person_name=f"Nia {ARGV_BYTES}",
                            turns=[Turn(speaker="person", text="Hello."), Turn(speaker="worker", text="Hi.")])
    assert transcript.trainee == f"T-{SHOWN}"
    transcript.reviewed_by = f"Rev {ARGV_BYTES}"  # set after creation, as `review --reviewer` does
    apply_override(transcript, 1, main="open_question", comment=f"good {ARGV_BYTES}", reviewer=f"Sam {ARGV_BYTES}")
    transcript.turns[1].review.comment += ARGV_BYTES
    path = tmp_path / "t.json"
    save_transcript(transcript, path)  # would raise UnicodeEncodeError if a surrogate got through
    again = load_transcript(str(path))
    assert (again.trainee, again.person_name, again.reviewed_by) == (f"T-{SHOWN}", f"Nia {SHOWN}", f"Rev {SHOWN}")
    review = again.turns[1].review
    assert (review.comment, review.reviewer) == (f"good {SHOWN}{SHOWN}", f"Sam {SHOWN}")
    assert SupervisorReview(reviewer=ARGV_BYTES).reviewer == SHOWN


def test_commands_given_undecodable_ids_answer_and_save_without_crashing(coach_home, tmp_path, capsys):
    from conversation_coach.cli import main
    from conversation_coach.lifecycle import on_finished
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.rubric.score import assess
    from conversation_coach.store import Store

    practice = Transcript(trainee=f"T{ARGV_BYTES}", scenario_id="home-after-fall",
                          turns=[Turn(speaker="person", text="Hello."),
                                 Turn(speaker="worker", text="What matters to you?")], finished=True)
    assert on_finished(practice, assess(practice, load_rubric()), None) is None
    assert [s.trainee for s in Store().sessions()] == [f"T{SHOWN}"]

    assert main(["progress", "--json", "--trainee", f"T{ARGV_BYTES}"]) == 0
    assert len(json.loads(capsys.readouterr().out)["sessions"]) == 1  # the same trainee, found
    out = tmp_path / "cpd.md"
    assert main(["cpd", "-o", str(out), "--trainee", f"T{ARGV_BYTES}"]) == 0
    assert "1 session(s)" in capsys.readouterr().out and out.is_file()
    assert main(["compare", "home-after-fall", "--json", "--reviewed-by", ARGV_BYTES]) == 0
    json.loads(capsys.readouterr().out)
    assert main(["forget", f"X{ARGV_BYTES}", "--yes"]) == 1
    assert "nothing is recorded" in capsys.readouterr().err
    assert main(["forget", f"T{ARGV_BYTES}", "--yes"]) == 0
    assert Store().sessions() == []


def test_undecodable_argv_bytes_through_a_real_process(coach_home):
    result = subprocess.run([sys.executable.encode(), b"-m", b"conversation_coach", b"forget", b"A\xff\xfe", b"--yes"],
                            capture_output=True, timeout=60, env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr and b"unexpected error" not in result.stderr
    assert "nothing is recorded about 'A\N{REPLACEMENT CHARACTER}\N{REPLACEMENT CHARACTER}'".encode() in result.stderr
