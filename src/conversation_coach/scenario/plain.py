"""`play --plain`: the conversation in plain lines, for screen readers and scripts.

One reply per input line; `/end` or the end of input finishes the visit. Live
coaching follows each reply unless switched off (and is never shown in assessment
mode, where the candidate sees only the conversation and a thank-you). With
`--json`, stdout carries nothing but the final assessment document; the
conversation goes to stderr.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from conversation_coach.rubric.coding import Coding
from conversation_coach.rubric.model import Rubric
from conversation_coach.scenario.engine import Conversation, Exchange
from conversation_coach.textsafe import clean_for_display

END_COMMANDS = ("/end", "/quit", "/exit", "/bye")
THANK_YOU = ("Thank you. That is the end of the conversation. Your answers have been saved for the panel, "
             "who will be in touch.")


def _clean(text: str) -> str:
    return clean_for_display(text, keep_newlines=False)


def _say(out: TextIO, name: str, line: str) -> None:
    out.write(f"{_clean(name)}: {_clean(line)}\n")
    out.flush()


def _minutes_left(seconds: float) -> str:
    if seconds <= 0:
        return "Time is up."
    if seconds < 60:
        return "Less than a minute left."
    minutes = max(1, round(seconds / 60))
    return f"About {minutes} minute{'s' if minutes != 1 else ''} left."


def coaching_lines(exchange: Exchange, rubric: Rubric, conversation: Conversation) -> list[str]:
    """What the coach says about one reply: move, stage, traps with the quoted words, why, a rewrite."""
    coding: Coding = exchange.coding
    out: list[str] = []
    main = coding.main or "other"
    move_name = rubric.moves[main].name if main in rubric.moves else main.replace("_", " ")
    others = [rubric.moves[m].name if m in rubric.moves else m for m in coding.moves if m not in (main, "other")]
    head = f"Coach: {move_name}"
    if others:
        head += f" (also {', '.join(others)})"
    if coding.stage:
        head += f"; stage {coding.stage}, {rubric.stage(coding.stage).name}"
    else:
        head += "; no stage"
    out.append(head + ".")
    for hit in coding.traps:
        trap = rubric.traps.get(hit.trap)
        name = trap.name if trap else hit.trap
        evidence = f' "{_clean(hit.evidence)}"' if hit.evidence else ""
        out.append(f"  Trap: {name}{evidence}.")
        if trap:
            out.append(f"  Why: {_clean(trap.why)}")
            out.append(f"  Try: {_clean(trap.rewrite)}")
    for item_id in exchange.newly_surfaced:
        item = conversation._items[item_id]
        kind = "a strength" if item_id in {s.id for s in conversation.scenario.strengths} else "what matters"
        out.append(f"  They opened up ({kind}): {_clean(item.label)}.")
    if exchange.trust_change:
        direction = "more open" if exchange.trust_change > 0 else "more guarded"
        out.append(f"  {conversation.scenario.person.name.split()[0]} is {direction} now.")
    return out


def _read_line(stdin: TextIO, prompt_out: TextIO) -> str | None:
    if stdin.isatty():
        prompt_out.write("You: ")
        prompt_out.flush()
    line = stdin.readline()
    return None if line == "" else line.rstrip("\r\n")


def run_plain(conversation: Conversation, *, coach: bool, as_json: bool, stdin: TextIO | None = None,
              stdout: TextIO | None = None, resumed: bool = False) -> int:
    """Run the conversation to its end; print the summary (or the JSON, or the thank-you)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    out = sys.stderr if as_json else stdout
    scenario = conversation.scenario
    rubric = conversation.rubric
    assessment_mode = conversation.mode == "assessment"
    name = scenario.person.name

    out.write(f"{_clean(scenario.title)}\n\n{_clean(scenario.brief)}\n\n")
    out.write("Type your reply and press Enter. Type /end to finish the visit.\n")
    left = conversation.time_left()
    if left is not None:
        out.write(f"{_minutes_left(left)}\n")
    out.write("\n")
    if resumed:
        out.write("Carrying on where you left off.\n")
        for turn in conversation.transcript.turns[-3:]:
            _say(out, "You" if turn.speaker == "worker" else name, turn.text)
    else:
        _say(out, name, conversation.transcript.turns[0].text)

    while not conversation.finished:
        try:
            line = _read_line(stdin, out)
        except KeyboardInterrupt:
            extra = f" --assessment --candidate {conversation.transcript.candidate}" if assessment_mode else ""
            out.write(f"\nStopped. The conversation so far is saved; carry on with: "
                      f"conversation-coach play {scenario.id} --plain --resume{extra}\n")
            return 130
        if line is None or line.strip().lower() in END_COMMANDS:
            break
        if not line.strip():
            continue
        exchange = conversation.respond(line)
        _say(out, name, exchange.person_line)
        if coach and not assessment_mode:
            for text in coaching_lines(exchange, rubric, conversation):
                out.write(text + "\n")
        if exchange.ended_by == "person":
            out.write(f"({_clean(name.split()[0])} has ended the visit.)\n")
        elif exchange.ended_by == "max_turns":
            out.write("(The visit has reached its length.)\n")
        elif exchange.ended_by == "time_limit":
            out.write("(Time is up.)\n")
        left = conversation.time_left()
        if left is not None and not conversation.finished:
            out.write(f"({_minutes_left(left)})\n")
        out.write("\n")
        out.flush()

    trainee_ended = not conversation.finished
    if trainee_ended:
        _say(out, name, conversation.end("trainee"))
    assessment = conversation.assessment()
    from conversation_coach import lifecycle

    lifecycle.on_finished(conversation.transcript, assessment, conversation.path)

    if assessment_mode:
        out.write(f"\n{THANK_YOU}\n")
        return 0
    if as_json:
        from conversation_coach.rubric.score import assessment_json

        stdout.write(json.dumps(assessment_json(assessment), ensure_ascii=False) + "\n")
        stdout.flush()
    else:
        from rich.console import Console

        from conversation_coach.report.terminal import render_assessment

        out.write("\n")
        console = Console(file=out, highlight=False, soft_wrap=False)
        console.print(render_assessment(assessment, rubric))
        # In a scripted run the next line after a visit the person (or the clock) closed is the trainee's
        # next reply, not a record: ask only when they ended it themselves, or when someone is typing.
        if trainee_ended or stdin.isatty():
            record_the_outcome(conversation, stdin, out)
    if conversation.path is not None:
        out.write(f"\nTranscript saved to {conversation.path}\n")
    return 0


def record_the_outcome(conversation: Conversation, stdin: TextIO, out: TextIO) -> None:
    """The summary's last step: the trainee records the person's outcome in one line; judged and kept.

    An empty line or the end of input skips it. Practice only (the caller does not ask in
    an assessment or with --json).
    """
    from conversation_coach.drills.record import feedback_lines, judge_recorded_outcome, store_outcome_record

    person = conversation.scenario.person.name
    first = person.split()[0]
    out.write(f"\nRecord the outcome: write what matters to {_clean(first)} as you would record it, in one line "
              "(press Enter to skip).\n")
    out.flush()
    if stdin.isatty():
        out.write("Outcome: ")
        out.flush()
    try:
        line = stdin.readline()
    except KeyboardInterrupt:
        line = ""
    text = " ".join(line.split())
    if not text:
        out.write("Skipped.\n")
        return
    ids = {w.id for w in conversation.scenario.what_matters}
    verdict = judge_recorded_outcome(text, conversation.transcript, what_matters_ids=ids)
    for feedback in feedback_lines(verdict, person):
        out.write(_clean(feedback) + "\n")
    store_outcome_record(conversation.transcript, text, conversation.path)
