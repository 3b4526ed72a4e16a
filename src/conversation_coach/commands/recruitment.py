"""CLI commands: `compare`, `forget`, `purge`, `progress`, `cpd` — panels, retention, progress and CPD."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from conversation_coach.commands.output import print_error, write_report


def register(sub) -> None:
    compare = sub.add_parser(
        "compare", help="recruitment: candidates who played a scenario, side by side (advice; a person decides)",
        description="Put candidates' assessments on one scenario side by side: score and parts, stages, traps, "
        "what matters surfaced and evidence of the Code of Professional Practice's values, quoted.")
    compare.add_argument("scenario", metavar="SCENARIO")
    out = compare.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help='print {"candidates": [...]}, highest score first')
    out.add_argument("--csv", metavar="PATH", help="write one row per candidate to PATH")
    compare.add_argument("--reviewed-by", metavar="NAME", default="", help="the panel member reviewing the report")
    compare.add_argument("--force", action="store_true", help="overwrite an existing --csv file")
    compare.set_defaults(handler=_compare)

    forget = sub.add_parser("forget", help="remove every file and record about a candidate or trainee",
                            description="Remove the transcripts, exports and progress rows about ID.")
    forget.add_argument("subject", metavar="ID", help="candidate or trainee id")
    forget.add_argument("--yes", action="store_true", help="really remove (without it, nothing is removed)")
    forget.set_defaults(handler=_forget)

    purge = sub.add_parser("purge", help="remove assessment records and files older than DAYS days")
    purge.add_argument("--older-than", metavar="DAYS", type=float, required=True)
    purge.add_argument("--yes", action="store_true", help="remove without asking")
    purge.set_defaults(handler=_purge)

    progress = sub.add_parser("progress", help="your practice over time: scores, recurring traps, what next")
    progress.add_argument("--json", action="store_true", help='print {"sessions": [...], ...}')
    progress.add_argument("--trainee", metavar="ID", help="only this trainee's sessions")
    progress.set_defaults(handler=_progress)

    cpd = sub.add_parser("cpd", help="write a CPD record of your practice (Markdown)")
    cpd.add_argument("-o", "--output", metavar="FILE.md", required=True)
    cpd.add_argument("--since", metavar="DATE", help="only sessions on or after DATE (YYYY-MM-DD)")
    cpd.add_argument("--trainee", metavar="ID", help="only this trainee's sessions")
    cpd.add_argument("--force", action="store_true", help="overwrite FILE.md if it exists")
    cpd.set_defaults(handler=_cpd)


def _ids_saveable(args: argparse.Namespace) -> None:
    """Ids and names from the command line with undecodable bytes (surrogate escapes in sys.argv)
    turned into U+FFFD, as transcripts store them: they are looked up in and written to UTF-8 files."""
    from conversation_coach.transcript.model import encodable

    for name in ("subject", "trainee", "reviewed_by"):
        if isinstance(getattr(args, name, None), str):
            setattr(args, name, encodable(getattr(args, name)))


_PREFIX = "conversation-coach: "
_error = functools.partial(print_error, prefix=_PREFIX)


def _console():
    from rich.console import Console

    return Console(highlight=False)


# --------------------------------------------------------------------------- compare


def _compare(args: argparse.Namespace) -> int:
    from conversation_coach.panel import PanelReport, build_panel, panel_csv, render_panel
    from conversation_coach.store import Store, StoreError

    _ids_saveable(args)
    store = Store()
    try:
        _catch_up(store)
        report = build_panel(args.scenario, store=store, reviewed_by=args.reviewed_by) if store.path.exists() \
            else PanelReport(scenario_id=args.scenario, candidates=[], reviewed_by=args.reviewed_by)
        if not report.candidates:
            recorded = sorted({r.scenario_id for r in store.assessments()}) if store.path.exists() else []
            if args.scenario not in _scenario_ids():
                listed = ", ".join(recorded) if recorded else "none yet"
                _error(f"no scenario or assessments called '{args.scenario}'. Scenarios with assessments: {listed}")
                return 1
            if not args.json:
                print(f"No candidate has been assessed on {args.scenario} yet.")
                return 0
        if args.json:
            print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
            return 0
        if args.csv:
            path = Path(args.csv)
            if not write_report(path, panel_csv(report), force=args.force, prefix=_PREFIX):
                return 1
            store.record_export(path, [c.candidate for c in report.candidates])
            print(f"Wrote {len(report.candidates)} candidate(s) to {path}. Scores are advice; a person decides.")
            return 0
    except StoreError as exc:
        _error(str(exc))
        return 1
    _console().print(render_panel(report))
    return 0


def _scenario_ids() -> set[str]:
    try:
        from conversation_coach.scenario.load import list_scenarios

        return {entry.id for entry in list_scenarios()}
    except Exception:  # a broken scenario folder must not stop a panel reading its records
        return set()


# --------------------------------------------------------------------------- retention


def _print_list(heading: str, lines: list[str]) -> None:
    """A heading, then one indented line per item: what a removal will touch or touched."""
    print(heading)
    for line in lines:
        print(f"  {line}")


def _forget(args: argparse.Namespace) -> int:
    from conversation_coach.retention import forget, plan_forget
    from conversation_coach.store import StoreError

    _ids_saveable(args)
    subject = args.subject
    try:
        plan = plan_forget(subject)
    except StoreError as exc:
        _error(f"{exc}. Nothing was removed.")
        return 1
    if plan.empty:
        _error(f"nothing is recorded about '{subject}' (no transcripts, exports or progress rows). Nothing was removed.")
        return 1
    if not args.yes:
        _print_list(f"This would remove everything about '{subject}':", plan.describe())
        _error("nothing was removed; run again with --yes to remove it.")
        return 2
    try:
        done = forget(subject, plan)
    except (StoreError, OSError) as exc:
        _error(f"{exc}. Some items may remain; run the command again.")
        return 1
    _print_list(f"Removed everything about '{subject}':", done.describe() or ["(nothing left to remove)"])
    print("The progress file was compacted so no copy of the removed rows remains in it.")
    return 0


MAX_PURGE_DAYS = 36500  # a hundred years


def _purge(args: argparse.Namespace) -> int:
    import math

    from conversation_coach.retention import plan_purge, purge
    from conversation_coach.store import StoreError

    # nan and inf parse as floats; past a century the cut-off date would fall outside the calendar.
    if not math.isfinite(args.older_than) or not 0 <= args.older_than <= MAX_PURGE_DAYS:
        _error(f"--older-than needs a number of days from 0 to {MAX_PURGE_DAYS}")
        return 2
    try:
        plan = plan_purge(args.older_than)
    except StoreError as exc:
        _error(f"{exc}. Nothing was removed.")
        return 1
    days = f"{args.older_than:g}"
    if plan.empty:
        print(f"No assessment records or files older than {days} days. Nothing was removed.")
        return 0
    if not args.yes:
        _print_list(f"Assessment records and files older than {days} days:", plan.describe())
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            _error("nothing was removed; run again with --yes to remove them.")
            return 2
        answer = input("Remove them? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("Nothing was removed.")
            return 1
    try:
        done = purge(plan)
    except (StoreError, OSError) as exc:
        _error(f"{exc}. Some items may remain; run the command again.")
        return 1
    _print_list(f"Removed assessment records and files older than {days} days:",
                done.describe() or ["(nothing left to remove)"])
    return 0


# --------------------------------------------------------------------------- progress and CPD


def _catch_up(store) -> None:
    """Log finished visits that were saved but never logged (a run killed in between); StoreError passes up."""
    from conversation_coach.reconcile import reconcile

    reconcile(store)


def _sessions(trainee: str | None, since: datetime | None = None):
    from conversation_coach.store import Store

    store = Store()
    _catch_up(store)
    if not store.path.exists():
        return []
    return store.sessions(trainee=trainee, since=since)


def _progress(args: argparse.Namespace) -> int:
    from conversation_coach.progress_report import render_progress, summarise
    from conversation_coach.store import StoreError

    _ids_saveable(args)
    try:
        summary = summarise(_sessions(args.trainee))
    except StoreError as exc:
        _error(str(exc))
        return 1
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
        return 0
    _console().print(render_progress(summary))
    return 0


def _parse_since(text: str) -> datetime:
    day = datetime.strptime(text, "%Y-%m-%d")
    return day.astimezone(UTC)  # local midnight of that day


def _cpd(args: argparse.Namespace) -> int:
    from conversation_coach import __version__
    from conversation_coach.cpd import render_cpd
    from conversation_coach.store import Store, StoreError

    _ids_saveable(args)
    since = None
    if args.since:
        try:
            since = _parse_since(args.since)
        except ValueError:
            _error(f"--since needs a date as YYYY-MM-DD, not '{args.since}'")
            return 2
    try:
        sessions = _sessions(args.trainee, since)
    except StoreError as exc:
        _error(str(exc))
        return 1
    text = render_cpd(sessions, since=since, trainee=args.trainee, app_version=__version__)
    path = Path(args.output)
    if not write_report(path, text, force=args.force, prefix=_PREFIX):
        return 1
    if args.trainee:
        try:
            Store().record_export(path, [args.trainee])
        except StoreError:
            pass
    print(f"Wrote a CPD record of {len(sessions)} session(s) to {path}.")
    return 0
