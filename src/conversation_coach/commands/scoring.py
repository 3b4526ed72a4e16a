"""CLI command `score`: assess one transcript (readable summary or --json), or many (table, --csv)."""

from __future__ import annotations

import argparse
import functools
import os
import sys

from conversation_coach.commands.output import print_error, write_report

TRAP_COLUMNS = ("expert", "power", "problem_solving", "question_answer", "yes_but", "labelling", "confrontational")


def register(sub) -> None:
    """Add this group's subcommands to the parser."""
    parser = sub.add_parser(
        "score",
        help="assess transcripts: stages, traps, listening metrics, a 0-100 score and what to try next",
        description=(
            "Assess a conversation. One transcript: a readable summary (or --json). "
            "Several: a progress bar, then a table of score, stages reached and traps per file (--csv to save it)."
        ),
    )
    parser.add_argument("transcripts", nargs="+", metavar="TRANSCRIPT",
                        help="transcript JSON, JSON Lines or 'Speaker: text' lines; '-' reads standard input")
    parser.add_argument("--rubric", metavar="PATH", help="use this rubric instead of the default")
    parser.add_argument("--json", action="store_true",
                        help="print the assessment as JSON (one document; one line per file for several files)")
    parser.add_argument("--csv", metavar="PATH", help="also write the per-file table as CSV to PATH")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --csv file")
    parser.set_defaults(handler=run_score)


_PREFIX = "conversation-coach score: "
_error = functools.partial(print_error, prefix=_PREFIX)


def run_score(args: argparse.Namespace) -> int:
    from conversation_coach.yamlload import LoadError

    try:
        from conversation_coach.rubric.load import load_rubric

        rubric = load_rubric(args.rubric)
    except LoadError as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        for problem in problems:
            _error(f"rubric: {problem}")
        return 2
    except OSError as exc:
        _error(f"{args.rubric}: cannot read the rubric: {exc.strerror or exc}")
        return 2

    if args.csv and not args.force and os.path.exists(args.csv):
        _error(f"{args.csv} exists; use --force to overwrite it")
        return 1
    if len(args.transcripts) == 1 and not args.csv:
        return _score_one(args, rubric)
    return _score_many(args, rubric)


def _load_and_assess(path: str, rubric):
    """(assessment, None) or (None, error message naming the file)."""
    from conversation_coach.rubric.score import assess
    from conversation_coach.transcript.io import TranscriptError, load_transcript

    try:
        transcript = load_transcript(path)
    except TranscriptError as exc:
        return None, str(exc)
    try:
        return assess(transcript, rubric), None
    except ValueError as exc:
        return None, f"{path}: cannot be assessed: {exc}"


def _score_one(args: argparse.Namespace, rubric) -> int:
    import json

    from rich.console import Console

    from conversation_coach.report.terminal import render_assessment
    from conversation_coach.rubric.score import assessment_json

    path = args.transcripts[0]
    assessment, error = _load_and_assess(path, rubric)
    if error:
        _error(error)
        return 1
    if args.json:
        document = {"source": path, **assessment_json(assessment)}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        Console(highlight=False).print(render_assessment(assessment, rubric))
    return 0


def _row(path: str, assessment, error: str | None) -> dict:
    row: dict = {"file": path, "score": "", "stages_reached": "", "traps": "", "error": error or ""}
    for trap in TRAP_COLUMNS:
        row[trap] = ""
    if assessment is not None:
        row["score"] = assessment.score
        row["stages_reached"] = " ".join(str(s.stage) for s in assessment.stages if s.reached)
        row["traps"] = len(assessment.traps)
        for trap in TRAP_COLUMNS:
            row[trap] = sum(1 for t in assessment.traps if t.trap == trap)
    return row


def _score_many(args: argparse.Namespace, rubric) -> int:
    import json

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from conversation_coach.rubric.score import assessment_json
    from conversation_coach.textsafe import clean_for_display

    rows: list[dict] = []
    failed = 0
    err_console = Console(stderr=True, highlight=False)
    with Progress(
        TextColumn("Scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"), console=err_console, transient=False,
    ) as progress:
        task = progress.add_task("score", total=len(args.transcripts), current="")
        for path in args.transcripts:
            progress.update(task, current=fit_path(display_path(path), 40))
            assessment, error = _load_and_assess(path, rubric)
            if error:
                failed += 1
                progress.console.print(
                    Text("conversation-coach score: " + clean_for_display(error, keep_newlines=False)),
                    soft_wrap=True,
                )
            elif args.json:
                sys.stdout.write(json.dumps({"source": path, **assessment_json(assessment)}, ensure_ascii=False) + "\n")
            rows.append(_row(path, assessment, error))
            progress.advance(task)
        progress.update(task, current="")

    if not args.json:
        console = Console(highlight=False)
        console.print(_table(rows, console.width))
    if args.csv:
        if not write_report(args.csv, _csv_text(rows), force=args.force, prefix=_PREFIX):
            return 1
    return 1 if failed else 0


# Width the other columns of the batch table take at most, borders and padding included.
OTHER_COLUMNS_WIDTH = 50
MIN_FILE_WIDTH = 12


def display_path(path: str) -> str:
    """The path as the user would like to read it: relative to the current directory when that is
    shorter, control characters made visible."""
    from conversation_coach.textsafe import clean_for_display

    shown = path
    if path != "-":
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            relative = path
        if len(relative) < len(path):
            shown = relative
    return clean_for_display(shown, keep_newlines=False)


def fit_path(shown: str, width: int) -> str:
    """Shortened from the left, whole directories at a time, so the file name stays readable:
    "…/testing/home-after-fall.json"."""
    if len(shown) <= width:
        return shown
    parts = shown.replace(os.sep, "/").split("/")
    tail = parts[-1]
    for part in reversed(parts[:-1]):
        if len(part) + 1 + len(tail) + 2 > width:
            break
        tail = f"{part}/{tail}"
    fitted = "…/" + tail
    return fitted if len(fitted) <= width else "…" + shown[-(width - 1):]


def _table(rows: list[dict], width: int = 80):
    from rich.table import Table
    from rich.text import Text

    file_width = max(MIN_FILE_WIDTH, width - OTHER_COLUMNS_WIDTH)
    table = Table(title=Text("Scores"), title_justify="left")
    table.add_column("File", no_wrap=True, overflow="ellipsis")
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Stages", no_wrap=True)
    table.add_column("Traps", justify="right", no_wrap=True)
    table.add_column("Which traps", overflow="fold", min_width=8)
    for row in rows:
        name = Text(fit_path(display_path(row["file"]), file_width))
        if row["error"]:
            table.add_row(name, Text("–"), Text("unreadable", style="red"), Text(""), Text(""))
            continue
        counts = ", ".join(f"{trap.replace('_', ' ')} {row[trap]}" for trap in TRAP_COLUMNS if row[trap])
        table.add_row(
            name, Text(str(row["score"])), Text(row["stages_reached"] or "none"), Text(str(row["traps"])),
            Text(counts or "none"),
        )
    return table


def _csv_cell(value) -> str:
    """Plain text for spreadsheets: a leading =, +, - or @ would be run as a formula."""
    text = str(value)
    risky = text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and len(text) > 1)
    return "'" + text if risky else text


def _csv_text(rows: list[dict]) -> str:
    import csv
    import io

    columns = ["file", "score", "stages_reached", "traps", *TRAP_COLUMNS, "error"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[c]) if c in ("file", "error") else row[c] for c in columns])
    return buffer.getvalue()
