"""CLI commands for supervisors: `import`, `review`, `export`, `agree`.

import  turns a typed-up conversation (plain text, JSON Lines, an export) into a coded transcript
review  opens the review screen: verdicts with evidence, overrides and comments
export  a supervision record as Markdown, self-contained HTML or versioned JSON
agree   how often supervisors agreed with the coder, per move and per trap (percent, Cohen's kappa)
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from conversation_coach.commands.output import print_error, write_report

EXPORT_SUFFIX = {"md": ".md", "html": ".html", "json": ".json"}


def register(sub) -> None:
    imp = sub.add_parser(
        "import", help="turn a typed-up conversation into a coded transcript",
        description="Read plain text ('Speaker: text' lines), JSON Lines of {speaker, text}, a JSON list of "
                    "turns, a transcript or an export, and save it as a coded transcript. Common speaker "
                    "names (worker, trainee, client, carer...) are recognised; map others with --worker "
                    "and --person. Lines that cannot be attributed are reported with their line numbers.")
    imp.add_argument("file", metavar="FILE", help="the conversation to import ('-' reads stdin)")
    imp.add_argument("-o", "--output", metavar="OUT",
                     help="where to save the transcript (default: a new file in your transcripts folder)")
    imp.add_argument("--worker", action="append", default=[], metavar="NAME",
                     help="this speaker is the worker (repeatable)")
    imp.add_argument("--person", action="append", default=[], metavar="NAME",
                     help="this speaker is the person (repeatable)")
    imp.add_argument("--ignore", action="append", default=[], metavar="NAME",
                     help="leave this speaker's lines out, e.g. 'Note' (reported, repeatable)")
    imp.add_argument("--rubric", metavar="PATH", help="code with this rubric instead of the default")
    imp.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    imp.set_defaults(handler=_import)

    rev = sub.add_parser(
        "review", help="review a transcript: verdicts, evidence, overrides, comments",
        description="Open the review screen. Every worker turn shows the coder's move, stage and traps; "
                    "select one to see which rule fired on which words, override the verdict and add a "
                    "comment. Changes are saved into the transcript as the supervisor's layer.")
    rev.add_argument("transcript", metavar="TRANSCRIPT", help="a transcript JSON file (import other formats first)")
    rev.add_argument("--reviewer", metavar="NAME", default="", help="your name, stored with your verdicts")
    rev.add_argument("--rubric", metavar="PATH", help="use this rubric instead of the default")
    rev.set_defaults(handler=_review)

    exp = sub.add_parser(
        "export", help="write a supervision record (Markdown, HTML or JSON)",
        description="Write a supervision record: the score and its parts, stage coverage, traps quoted "
                    "with why and a rewrite, the transcript annotated turn by turn, the supervisor's "
                    "verdicts and comments, and the questions for supervision. Without -o it is printed.")
    exp.add_argument("transcript", metavar="TRANSCRIPT")
    exp.add_argument("--format", required=True, choices=("md", "html", "json"))
    exp.add_argument("-o", "--output", metavar="PATH", help="write here (never over an existing file without --force)")
    exp.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    exp.add_argument("--pseudonymise", action="store_true",
                     help="replace the person's, worker's, reviewer's names and candidate ids everywhere")
    exp.add_argument("--hide", action="append", default=[], metavar="NAME",
                     help="with --pseudonymise: another name to replace (repeatable)")
    exp.add_argument("--rubric", metavar="PATH", help="use this rubric instead of the default")
    exp.set_defaults(handler=_export)

    agr = sub.add_parser(
        "agree", help="agreement between supervisors' verdicts and the coder (percent, Cohen's kappa)",
        description="Compare the supervisor's layer of reviewed transcripts with the coder: per move "
                    "and per trap, percent agreement and Cohen's kappa, with the disagreements listed. "
                    "A turn the supervisor left alone counts as agreement.")
    agr.add_argument("files", nargs="+", metavar="FILE")
    agr.add_argument("--rubric", metavar="PATH",
                     help="re-code with this rubric and compare it with the supervisors' verdicts")
    agr.add_argument("--json", action="store_true", help="print the figures as JSON")
    agr.set_defaults(handler=_agree)


_err = functools.partial(print_error, keep_newlines=True)


def _load_rubric(path: str | None):
    """The rubric, or None after reporting why it cannot be loaded."""
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.yamlload import LoadError

    try:
        return load_rubric(path)
    except (LoadError, OSError) as exc:
        _err(f"cannot load the rubric: {exc}")
    return None


# ------------------------------------------------------------------------------------ import


@dataclass
class ImportResult:
    transcript: object  # Transcript
    unattributed: list[tuple[int, str]] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)
    unknown: dict[str, int] = field(default_factory=dict)


Ask = Callable[[str, int, str], str | None]  # (name, first line, sample) -> "worker" | "person" | "ignore" | None


def _name_key(name: str) -> str:
    return " ".join(name.lower().strip("*_ ").split())


def import_text(text: str, source: str, *, workers: list[str], persons: list[str], ignore: list[str],
                ask: Ask | None = None) -> ImportResult:
    """Parse leniently; ask about unknown speakers (when `ask` is given) and parse again with the answers."""
    from conversation_coach.transcript.io import parse_transcript_text

    workers, persons, ignore = list(workers), list(persons), list(ignore)
    # The names as the file writes them ("Gwen", not the "gwen" typed after --person).
    as_written = {_name_key(n): n for n in
                  parse_transcript_text(text, source, strict=False).unknown_speakers}
    while True:
        parsed = parse_transcript_text(text, source, worker_names=set(workers), person_names=set(persons),
                                       strict=False)
        ignored_keys = {_name_key(n) for n in ignore}
        unknown = {n: line for n, line in parsed.unknown_speakers.items() if _name_key(n) not in ignored_keys}
        if not unknown or ask is None:
            break
        for name, line in unknown.items():
            sample = next((t for ln, t in parsed.unattributed if ln == line), "")
            answer = ask(name, line, sample)
            if answer == "worker":
                workers.append(name)
            elif answer == "person":
                persons.append(name)
            elif answer == "ignore":
                ignore.append(name)
            else:
                return ImportResult(parsed.transcript, parsed.unattributed, [], unknown)
    result = ImportResult(parsed.transcript, unknown=unknown)
    for line, content in parsed.unattributed:
        label = content.split(":", 1)[0].strip()
        if ":" in content and _name_key(label) in {_name_key(n) for n in ignore}:
            result.ignored.append((line, content))
        elif not (":" in content and label in unknown):
            result.unattributed.append((line, content))
    transcript = parsed.transcript
    if transcript.person_name is None and len({_name_key(p) for p in persons}) == 1:
        transcript.person_name = as_written.get(_name_key(persons[0]), persons[0].strip())
    if transcript.trainee is None and len({_name_key(w) for w in workers}) == 1:
        transcript.trainee = as_written.get(_name_key(workers[0]), workers[0].strip())
    return result


def _ask_on_tty(name: str, line: int, sample: str) -> str | None:
    from conversation_coach.textsafe import clean_for_display

    shown = clean_for_display(sample, keep_newlines=False)[:90]
    print(f"Line {line}: who is '{clean_for_display(name)}'?  {shown}", file=sys.stderr)
    while True:
        print("  [w]orker, [p]erson, [i]gnore their lines, [q]uit: ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline()
        if not answer:
            return None
        key = answer.strip().lower()[:1]
        choice = {"w": "worker", "p": "person", "i": "ignore", "q": None}.get(key, "?")
        if choice != "?":
            return choice


def _default_import_path(stem: str) -> Path:
    import secrets
    import time

    from conversation_coach.paths import user_dir

    safe_stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)[:40].strip("-") or "imported"
    return user_dir("transcripts") / f"{time.strftime('%Y%m%d-%H%M%S')}-imported-{safe_stem}-{secrets.token_hex(3)}.json"


def _import(args: argparse.Namespace) -> int:
    from conversation_coach import __version__
    from conversation_coach.rubric.coder import code_turns
    from conversation_coach.transcript.io import TranscriptError, dump_transcript, read_source
    from conversation_coach.transcript.model import now_iso

    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        _err(f"{output} exists; use --force to overwrite it")
        return 1
    try:
        source, text = read_source(args.file)
        interactive = args.file != "-" and sys.stdin.isatty()
        result = import_text(text, source, workers=args.worker, persons=args.person, ignore=args.ignore,
                             ask=_ask_on_tty if interactive else None)
    except TranscriptError as exc:
        _err(str(exc))
        return 1
    for line, content in result.unattributed:
        _err(f"{source}:{line}: not attributed to a speaker, left out: {content[:100]}")
    if result.unknown:
        for name, line in result.unknown.items():
            _err(f"{source}:{line}: unknown speaker '{name}'")
        name = next(iter(result.unknown))
        _err(f"Say who they are with --worker NAME or --person NAME (or --ignore NAME to leave their lines "
             f"out), e.g. --person '{name}' or --worker '{name}'. Nothing was saved.")
        return 2
    transcript = result.transcript
    for line, content in result.ignored:
        _err(f"{source}:{line}: ignored (--ignore): {content[:100]}")
    if not transcript.turns:
        _err(f"{source}: no turns could be attributed to the worker or the person. Nothing was saved.")
        return 1
    if not any(t.speaker == "worker" for t in transcript.turns):
        _err(f"{source}: warning: no worker turns, so there is nothing to code")
    rubric = _load_rubric(args.rubric)
    if rubric is None:
        return 1
    stored = [t.coding for t in transcript.turns if t.speaker == "worker"]
    if not (all(c is not None for c in stored) and transcript.rubric_id in (None, rubric.id)
            and transcript.rubric_version in (None, rubric.version)):
        for turn, coding in zip(transcript.turns, code_turns(transcript.turns, rubric), strict=True):
            turn.coding = coding if turn.speaker == "worker" else None
    transcript.rubric_id, transcript.rubric_version = rubric.id, rubric.version
    if transcript.mode == "imported":
        transcript.app_version = transcript.app_version or __version__
        transcript.id = transcript.id or f"imported-{Path(source).stem if source != '-' else 'stdin'}"
        transcript.finished = True
    transcript.updated = now_iso()
    path = output or _default_import_path(Path(source).stem if source != "-" else "stdin")
    if not write_report(path, dump_transcript(transcript), force=args.force):
        return 1
    workers = sum(t.speaker == "worker" for t in transcript.turns)
    left_out = len(result.unattributed) + len(result.ignored)
    note = f"; {left_out} line{'s' if left_out != 1 else ''} left out (listed above)" if left_out else ""
    print(f"Imported {len(transcript.turns)} turns ({workers} by the worker, coded){note}.")
    print(f"Saved to {path}")
    print(f"Next: conversation-coach review {path}")
    return 0


# ------------------------------------------------------------------------------------ review


def _load_for_review(path: str):
    """A project transcript, or None after saying why (other formats must be imported first)."""
    from conversation_coach.transcript.io import TranscriptError, parse_transcript_text, read_source

    try:
        source, text = read_source(path)
        stripped = text.lstrip()
        if not (stripped.startswith("{") and '"schema_version"' in text):
            _err(f"{path}: not a transcript JSON file. Import it first: conversation-coach import {path} -o FILE.json")
            return None
        return parse_transcript_text(text, source).transcript
    except TranscriptError as exc:
        _err(str(exc))
        return None


def _review(args: argparse.Namespace) -> int:
    transcript = _load_for_review(args.transcript)
    if transcript is None:
        return 1
    rubric = _load_rubric(args.rubric)
    if rubric is None:
        return 1
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        _err("review opens a full-screen terminal app: run it in a terminal. "
             "For a record on paper or in a file, use: conversation-coach export TRANSCRIPT --format html")
        return 2
    from conversation_coach.review import fill_missing_codings
    from conversation_coach.transcript.model import encodable
    from conversation_coach.tui.review import ReviewApp

    fill_missing_codings(transcript, rubric)  # saved with the first verdict
    app = ReviewApp(Path(args.transcript), rubric=rubric, reviewer=encodable(args.reviewer), transcript=transcript)
    app.run()
    return 0


# ------------------------------------------------------------------------------------ export


def _export(args: argparse.Namespace) -> int:
    from conversation_coach.transcript.io import TranscriptError, load_transcript

    if args.output and Path(args.output).exists() and not args.force:
        _err(f"{args.output} exists; use --force to overwrite it")
        return 1
    if args.hide and not args.pseudonymise:
        _err("--hide works with --pseudonymise")
        return 2
    try:
        transcript = load_transcript(args.transcript)
    except TranscriptError as exc:
        _err(str(exc))
        return 1
    rubric = _load_rubric(args.rubric)
    if rubric is None:
        return 1
    from conversation_coach.report.record import build_record

    record = build_record(transcript, rubric, pseudonymise=args.pseudonymise, extra_names=args.hide)
    if args.format == "md":
        from conversation_coach.report.markdown import render_markdown as render
    elif args.format == "html":
        from conversation_coach.report.html import render_html as render
    else:
        from conversation_coach.report.json_export import render_json as render
    text = render(record)
    if not args.output:
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    if not path.suffix:
        path = path.with_suffix(EXPORT_SUFFIX[args.format])
    if not write_report(path, text, force=args.force):
        return 1
    from conversation_coach.lifecycle import note_export  # so `forget ID` can find this file

    note_export(path, transcript)
    print(f"Wrote {path}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------------------------ agree


def _agree(args: argparse.Namespace) -> int:
    from conversation_coach.review import agreement, agreement_dict
    from conversation_coach.transcript.io import TranscriptError, parse_transcript_text, read_source

    transcripts, labels, failed = [], [], False
    for path in args.files:
        try:
            source, text = read_source(path)
            transcripts.append(parse_transcript_text(text, source).transcript)
            labels.append(path)
        except TranscriptError as exc:
            _err(str(exc))
            failed = True
    codings = None
    if args.rubric:
        rubric = _load_rubric(args.rubric)
        if rubric is None:
            return 1
        from conversation_coach.rubric.coder import code_turns

        codings = [code_turns(t.turns, rubric) for t in transcripts]
    report = agreement(transcripts, labels=labels, codings=codings)
    if args.json:
        print(json.dumps(agreement_dict(report), indent=2, ensure_ascii=False))
    else:
        _print_agreement(report)
    if not report.files:
        _err("No reviewed transcripts: review one first (conversation-coach review FILE).")
        return 1
    return 1 if failed else 0


def _print_agreement(report) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from conversation_coach.review import format_kappa, format_percent
    from conversation_coach.textsafe import clean_for_display

    console = Console(highlight=False)
    for label in report.skipped:
        console.print(Text(f"not reviewed, left out: {clean_for_display(label)}", style="dim"))
    if not report.files:
        return
    console.print(Text(f"{report.turns} coded worker turns in {len(report.files)} reviewed transcript(s). "
                       "A turn the supervisor left alone counts as agreement."))

    def table(title: str, first: str, rows) -> Table:
        t = Table(title=title, title_justify="left", show_edge=False)
        t.add_column(first)
        for name in ("turns", "coder", "supervisor", "agree", "kappa"):
            t.add_column(name, justify="right")
        for item in rows:
            t.add_row(Text(item.label.replace("_", " ")), str(item.n), str(item.coder_count),
                      str(item.supervisor_count), format_percent(item.percent), format_kappa(item.kappa))
        return t

    overall = Table(title="Overall", title_justify="left", show_edge=False)
    overall.add_column("verdict")
    overall.add_column("turns", justify="right")
    overall.add_column("agree", justify="right")
    overall.add_column("kappa", justify="right")
    for item in (report.overall_move, report.overall_stage, report.overall_traps):
        overall.add_row(item.label, str(item.n), format_percent(item.percent), format_kappa(item.kappa))
    console.print(overall)
    console.print(table("Per move (main move)", "move", report.per_move.values()))
    console.print(table("Per trap", "trap", report.per_trap.values()))
    if not report.disagreements:
        console.print(Text("No disagreements."))
        return
    console.print(Text("Disagreements", style="bold"))
    by_turn: dict[tuple[str, int], list] = {}
    for d in report.disagreements:
        by_turn.setdefault((d.source, d.turn), []).append(d)
    for (source, turn), items in by_turn.items():
        said = clean_for_display(items[0].text, keep_newlines=False)
        said = said if len(said) <= 100 else said[:99] + "…"
        console.print(Text.assemble((f"{clean_for_display(source)}, turn {turn + 1}: ", "bold"), f"“{said}”"))
        for d in items:
            if d.aspect.startswith("trap:"):
                line = f"  {d.aspect[5:].replace('_', ' ')} trap: coder {d.coder}, supervisor {d.supervisor}"
            else:
                line = f"  {d.aspect}: {d.coder.replace('_', ' ')} → {d.supervisor.replace('_', ' ')}"
            console.print(Text(line))
        if items[0].comment:
            console.print(Text("  comment: " + clean_for_display(items[0].comment, keep_newlines=False), style="italic"))
    console.print(Text("kappa n/a: neither side varied on that category.", style="dim"))
