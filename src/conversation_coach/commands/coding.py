"""CLI command `code`: every turn of every transcript, coded, as JSON Lines (DESIGN.md contract)."""

from __future__ import annotations

import argparse
import json
import re
import sys


def register(sub) -> None:
    """Add this group's subcommands to the parser."""
    p = sub.add_parser(
        "code",
        help="code every turn of one or more transcripts (JSON Lines out)",
        description="Code every turn of each TRANSCRIPT with the rubric and print one JSON object per turn: "
        "source, turn, speaker, main, moves, stage, traps. A TRANSCRIPT is a path or '-' for standard input: "
        "transcript JSON, JSON Lines of {\"speaker\", \"text\"}, or plain 'Speaker: text' lines.",
    )
    p.add_argument("--rubric", metavar="PATH", help="use this rubric YAML instead of the default")
    p.add_argument("transcripts", nargs="+", metavar="TRANSCRIPT", help="a transcript file, or - for stdin")
    p.set_defaults(handler=run_code)


# JSON escapes C0 controls (ESC included) by itself; C1 controls, bidi and other invisible format
# characters and lone surrogates (from undecodable file names) are escaped too, so a terminal never
# acts on the output. The parsed values are unchanged.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
                          "\ud800-\udfff]")


def _terminal_safe_json(line: str) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def _warn(message: str) -> None:
    from conversation_coach.textsafe import clean_for_display

    print(clean_for_display(message, keep_newlines=False), file=sys.stderr)


def run_code(args: argparse.Namespace) -> int:
    from conversation_coach.rubric.cache import load_rubric_cached
    from conversation_coach.rubric.coder import code_turns
    from conversation_coach.transcript.io import TranscriptError, load_transcript
    from conversation_coach.yamlload import LoadError

    try:
        rubric = load_rubric_cached(args.rubric)
    except LoadError as exc:
        for problem in exc.problems:
            _warn(f"conversation-coach code: rubric: {problem}")
        return 2
    failed = 0
    out = sys.stdout
    for source in args.transcripts:
        try:
            transcript = load_transcript(source)
        except TranscriptError as exc:
            _warn(f"conversation-coach code: {exc}")
            failed += 1
            continue
        except (OSError, ValueError) as exc:  # e.g. an unreadable stdin, a decoding problem
            _warn(f"conversation-coach code: {source}: cannot read: {exc}")
            failed += 1
            continue
        codings = code_turns(transcript.turns, rubric, full_trace=False)
        lines = []
        for i, (turn, coding) in enumerate(zip(transcript.turns, codings, strict=True)):
            record = {"source": source, "turn": i, "speaker": turn.speaker}
            record.update(coding.contract_dict())
            if turn.speaker != "worker":
                record.update({"main": None, "moves": [], "stage": None, "traps": []})
            lines.append(_terminal_safe_json(json.dumps(record, ensure_ascii=False)))
        if lines:
            out.write("\n".join(lines) + "\n")
    out.flush()
    return 1 if failed else 0
