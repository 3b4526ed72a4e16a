"""CLI commands `list`, `play`, `validate` and `schema`: the scenarios and the person who reacts."""

from __future__ import annotations

import argparse
import sys

from conversation_coach.commands.output import print_error


def register(sub) -> None:
    """Add this group's subcommands to the parser."""
    p = sub.add_parser("list", help="list the shipped and your own scenarios",
                       description="List the scenarios you can play: the shipped ones and your own.")
    p.add_argument("--json", action="store_true", help='print a JSON list of {"id", "title", "audience", "difficulty"}')
    p.set_defaults(handler=run_list)

    p = sub.add_parser(
        "play", help="talk with a scenario's person (--plain for line mode)",
        description=("Have a 'what matters' conversation with the person in a scenario. --plain reads one reply "
                     "per line from standard input and prints the person's answers and live coaching; /end or "
                     "the end of input finishes the visit, then the summary is printed."),
    )
    p.add_argument("scenario", metavar="SCENARIO", help="a scenario id (see `list`) or a path to a scenario file")
    p.add_argument("--plain", action="store_true", help="line mode for screen readers and scripts")
    p.add_argument("--no-coach", action="store_true", help="no live coaching after each reply")
    p.add_argument("--json", action="store_true",
                   help=("print only the final assessment as one JSON document on stdout; implies --plain "
                         "(line mode, the conversation on stderr)"))
    p.add_argument("--resume", action="store_true", help="carry on the newest unfinished conversation with SCENARIO")
    p.add_argument("--rubric", metavar="PATH", help="use this rubric instead of the default")
    p.add_argument("--assessment", action="store_true",
                   help="recruitment assessment: no coaching, no score shown; saved for the panel")
    p.add_argument("--candidate", metavar="ID", help="the candidate's id (an assessment needs one; not a name)")
    p.add_argument("--trainee", metavar="ID",
                   help="practice: the trainee's id (not a name), so progress, cpd and forget find the session")
    p.add_argument("--minutes", type=float, metavar="N",
                   help=("a time limit; at the limit the person closes the visit. In line mode (--plain) the "
                         "limit is checked when you send your next reply, so the visit ends with that reply"))
    p.set_defaults(handler=run_play)

    p = sub.add_parser(
        "validate", help="check scenario and rubric files (every shipped and user file by default)",
        description=("Check scenario and rubric YAML with the loader the app uses. Prints file:line: field: "
                     "message for each problem and exits 1 if there are any."),
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: every shipped and user file)")
    p.set_defaults(handler=run_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario or rubric format",
                       description="Print the JSON Schema of a format, for editors that validate YAML as you type.")
    p.add_argument("kind", choices=("scenario", "rubric"))
    p.set_defaults(handler=run_schema)


def _error(command: str, message: str) -> None:
    print_error(message, prefix=f"conversation-coach {command}: ", keep_newlines=True)


# ----- list -----------------------------------------------------------------------------------
def run_list(args: argparse.Namespace) -> int:
    import json

    from conversation_coach.scenario.load import list_scenarios
    from conversation_coach.textsafe import clean_for_display

    problems: list = []
    entries = list_scenarios(problems=problems)
    for exc in problems:
        for problem in exc.problems[:1]:
            _error("list", f"skipped a scenario that does not load ({problem}); run `conversation-coach validate`")
    if args.json:
        print(json.dumps([e.contract_dict() for e in entries], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print("No scenarios found.")
        return 0
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    for column in ("audience", "difficulty", "source"):
        table.add_column(column, no_wrap=True)
    for e in entries:
        table.add_row(*(Text(clean_for_display(v, keep_newlines=False))
                        for v in (e.id, e.title, e.audience, e.difficulty, e.source)))
    Console(highlight=False).print(table)
    return 0


# ----- play -----------------------------------------------------------------------------------
def run_play(args: argparse.Namespace) -> int:
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.scenario.load import UnknownScenario, load_scenario
    from conversation_coach.yamlload import LoadError

    if args.candidate and not args.assessment:
        _error("play", "--candidate goes with --assessment")
        return 2
    if args.assessment and not args.candidate:
        _error("play", "an assessment needs --candidate ID (an id, not a name)")
        return 2
    if args.assessment and args.json:
        _error("play", "--json is not available in an assessment: the candidate sees no score. "
               "The panel compares candidates with `conversation-coach compare`.")
        return 2
    if args.minutes is not None and args.minutes <= 0:
        _error("play", "--minutes must be more than 0")
        return 2
    if args.trainee is not None:
        from conversation_coach.scenario.engine import CANDIDATE_ID

        if args.assessment:
            _error("play", "--trainee is for practice; an assessment uses --candidate ID")
            return 2
        if not CANDIDATE_ID.match(args.trainee):
            _error("play", "a trainee id is 1-64 letters, digits, '.', '_' or '-' (no spaces or slashes)")
            return 2
    try:
        scenario = load_scenario(args.scenario)
    except UnknownScenario as exc:
        _error("play", str(exc))
        return 2
    except LoadError as exc:
        for problem in exc.problems:
            _error("play", str(problem))
        return 2
    try:
        rubric = load_rubric(args.rubric)
    except LoadError as exc:
        for problem in exc.problems:
            _error("play", f"rubric: {problem}")
        return 2

    if args.json:
        args.plain = True  # the full-screen app has no JSON output: --json means line mode
    if not args.plain and sys.stdin.isatty() and sys.stdout.isatty():
        return _play_in_app(args, scenario)
    if not args.plain:
        _error("play", "not a terminal: playing in line mode (--plain)")

    from conversation_coach.scenario.engine import Conversation, find_unfinished
    from conversation_coach.scenario.plain import run_plain

    mode = "assessment" if args.assessment else "practice"
    try:
        if args.resume:
            path = _unfinished_for(find_unfinished(mode), scenario.id, args.candidate)
            if path is None:
                _error("play", f"no unfinished conversation with '{scenario.id}' to resume; "
                       f"start one with: conversation-coach play {scenario.id} --plain")
                return 1
            conversation = Conversation.resume(path, scenario=scenario, rubric=rubric)
            for warning in conversation.version_warnings:
                _error("play", f"warning: {warning}")
        else:
            conversation = Conversation(scenario, rubric, mode=mode, candidate=args.candidate,
                                        trainee=args.trainee, time_limit_minutes=args.minutes)
    except ValueError as exc:
        _error("play", str(exc))
        return 2
    return run_plain(conversation, coach=not args.no_coach, as_json=args.json, resumed=args.resume)


def _unfinished_for(paths, scenario_id: str, candidate: str | None):
    import json

    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data.get("scenario_id") == scenario_id and (candidate is None or data.get("candidate") == candidate):
            return path
    return None


def _play_in_app(args: argparse.Namespace, scenario) -> int:
    """The full-screen app; where it cannot be imported, say how to play in line mode."""
    try:
        from conversation_coach.tui.app import run_app
    except ImportError:
        _error("play", "the full-screen app is not available here; use --plain for line mode")
        return 2
    return int(run_app(scenario=args.scenario, rubric=args.rubric, mode="assessment" if args.assessment
                       else "practice", candidate=args.candidate, minutes=args.minutes,
                       coach=not args.no_coach, resume=args.resume, trainee=args.trainee) or 0)


# ----- validate -------------------------------------------------------------------------------
def run_validate(args: argparse.Namespace) -> int:
    from conversation_coach.scenario.validate import check_file, default_targets, expand, shadowed_ids
    from conversation_coach.textsafe import clean_for_display

    if args.paths:
        targets, problems = expand(args.paths)
    else:
        targets, problems = default_targets(), []
    reports = [check_file(p) for p in targets]
    problems += [problem for r in reports for problem in r.problems]
    problems += shadowed_ids(reports)
    for problem in problems:
        print(clean_for_display(str(problem), keep_newlines=False))
    scenarios = sum(1 for r in reports if r.kind == "scenario")
    rubrics = len(reports) - scenarios
    bad = len({p.file for p in problems})
    summary = f"checked {scenarios} scenario{'s' if scenarios != 1 else ''} and {rubrics} " \
              f"rubric{'s' if rubrics != 1 else ''}: "
    summary += f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {bad} file{'s' if bad != 1 else ''}" \
        if problems else "all valid"
    print(summary, file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


# ----- schema ---------------------------------------------------------------------------------
def run_schema(args: argparse.Namespace) -> int:
    import json

    if args.kind == "scenario":
        from conversation_coach.scenario.model import Scenario as model
    else:
        from conversation_coach.rubric.model import Rubric as model
    print(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False))
    return 0
