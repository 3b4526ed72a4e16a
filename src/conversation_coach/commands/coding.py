"""CLI command `code`: every turn of every transcript, coded, as JSON Lines (DESIGN.md contract)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

from conversation_coach.commands.output import print_error


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


def run_code(args: argparse.Namespace) -> int:
    from conversation_coach.rubric.cache import load_rubric_cached

    try:
        rubric = load_rubric_cached(args.rubric)
    except Exception as exc:
        from conversation_coach.yamlload import LoadError  # only on failure: a cached rubric needs no YAML

        if not isinstance(exc, LoadError):
            raise
        for problem in exc.problems:
            print_error(f"conversation-coach code: rubric: {problem}")
        return 2
    failed = 0
    out = sys.stdout
    for lines, error in _code_all(args.transcripts, rubric):
        if error:
            print_error(f"conversation-coach code: {error}")
            failed += 1
        elif lines:
            out.write("\n".join(lines) + "\n")
    out.flush()
    return 1 if failed else 0


_PARALLEL_MIN_FILES = 8
_WORKER_RUBRIC = None  # set in the parent before forking, so workers inherit the compiled rules


def _code_all(sources: list[str], rubric):
    """Code every source in order; many files are split across the machine's cores (same output)."""
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or len(sources) < _PARALLEL_MIN_FILES or "-" in sources or not _can_fork():
        for source in sources:
            yield _code_one(source, rubric)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from conversation_coach.rubric.matching import compiled_rubric

    global _WORKER_RUBRIC
    compiled_rubric(rubric)  # compile the rules once, before forking, not once per worker
    _WORKER_RUBRIC = rubric
    import gc

    gc.freeze()  # the garbage collector leaves the inherited objects alone: fewer pages copied into each worker
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            chunk = max(1, len(sources) // (workers * 16))
            yield from pool.map(_code_one_in_worker, sources, chunksize=chunk)
    finally:
        gc.unfreeze()  # `code` may run inside a longer process (the tests): its garbage is collected again


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _code_one_in_worker(source: str) -> tuple[list[str], str | None]:
    return _code_one(source, _WORKER_RUBRIC)


def _code_one(source: str, rubric) -> tuple[list[str], str | None]:
    """One transcript's JSON lines, or the message saying why it could not be read."""
    from conversation_coach.rubric.coder import code_turns
    from conversation_coach.transcript.io import TranscriptError, load_transcript

    try:
        transcript = load_transcript(source)
    except TranscriptError as exc:
        return [], str(exc)
    except (OSError, ValueError) as exc:  # e.g. an unreadable stdin, a decoding problem
        return [], f"{source}: cannot read: {exc}"
    codings = code_turns(transcript.turns, rubric, full_trace=False)
    lines = []
    for i, (turn, coding) in enumerate(zip(transcript.turns, codings, strict=True)):
        record = {"source": source, "turn": i, "speaker": turn.speaker}
        record.update(coding.contract_dict())
        if turn.speaker != "worker":
            record.update({"main": None, "moves": [], "stage": None, "traps": []})
        lines.append(_terminal_safe_json(json.dumps(record, ensure_ascii=False)))
    return lines, None
