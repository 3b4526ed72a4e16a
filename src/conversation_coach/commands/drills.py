"""CLI commands: `drill traps`, `check-outcome`, `quiz outcomes` — five-minute exercises from the seed."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub) -> None:
    check = sub.add_parser(
        "check-outcome",
        help="is this a personal outcome? (need/barrier, resource/service, output) with reasons",
        description="Judge outcome statements against the seed's definitions. '-' reads one statement per line.",
    )
    check.add_argument("statements", nargs="+", metavar="STATEMENT")
    check.add_argument("--json", action="store_true", help="one JSON object per statement, in order")
    check.set_defaults(handler=_check_outcome)

    quiz = sub.add_parser("quiz", help="the personal-outcomes quiz (the seed's 25 statements)")
    quiz.add_argument("which", choices=["outcomes"])
    quiz.add_argument("--plain", action="store_true", help="line mode: read answers from stdin")
    quiz.set_defaults(handler=_quiz)

    drill = sub.add_parser("drill", help="rewrite conversational traps into open questions or reflections")
    drill.add_argument("which", choices=["traps"])
    drill.add_argument("--plain", action="store_true", help="line mode: read rewrites from stdin, one per line")
    drill.add_argument("--rubric", metavar="PATH", help="use this rubric instead of the default")
    drill.add_argument("--count", type=int, default=10, help="how many items in a round (default 10)")
    drill.set_defaults(handler=_drill)


def _statements(args: argparse.Namespace) -> list[str]:
    out: list[str] = []
    for item in args.statements:
        if item == "-":
            out.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            out.append(item)
    return out


def _check_outcome(args: argparse.Namespace) -> int:
    from conversation_coach.drills.outcome import CATEGORY_LABELS, check_outcome
    from conversation_coach.textsafe import clean_for_display

    for statement in _statements(args):
        verdict = check_outcome(statement)
        if args.json:
            print(json.dumps(verdict.as_dict(), ensure_ascii=False))
            continue
        mark = "personal outcome" if verdict.is_outcome else f"not a personal outcome: {CATEGORY_LABELS[verdict.category]}"
        print(f"{clean_for_display(statement, keep_newlines=False)}\n  -> {mark}")
        for reason in verdict.reasons:
            print(f"     - {reason}")
    return 0


def _prompt(text: str) -> str | None:
    print(text, end="", flush=True)
    line = sys.stdin.readline()
    return None if line == "" else line.strip()


def _quiz(args: argparse.Namespace) -> int:
    if not args.plain and sys.stdin.isatty() and sys.stdout.isatty():
        from conversation_coach.tui.app import run_app

        return int(run_app(start="quiz") or 0)
    from conversation_coach.drills.quiz import judge, load_quiz, parse_answer

    quiz = load_quiz()
    print("Personal-outcomes quiz: for each statement, is it a personal outcome?")
    print("Answer yes/outcome, or no — or say which it is: need, resource, output. /end stops.\n")
    right = asked = 0
    for number, item in enumerate(quiz.items, 1):
        print(f"{number}. {item.statement}")
        while True:
            answer = _prompt("   your answer: ")
            if answer is None or answer == "/end":
                return _quiz_tally(right, asked, len(quiz.items))
            parsed = parse_answer(answer)
            if parsed is not None:
                break
            print("   (answer yes or no, or need / resource / output)")
        feedback = judge(item, *parsed)
        asked += 1
        right += feedback.correct
        print(f"   {feedback.message()}\n")
    return _quiz_tally(right, asked, len(quiz.items))


def _quiz_tally(right: int, asked: int, total: int) -> int:
    print(f"You got {right} of {asked} right" + (f" ({total - asked} not answered)." if asked < total else "."))
    return 0


def _drill(args: argparse.Namespace) -> int:
    if not args.plain and sys.stdin.isatty() and sys.stdout.isatty():
        from conversation_coach.tui.app import run_app

        return int(run_app(start="drill", rubric_path=args.rubric, count=args.count) or 0)
    from conversation_coach.drills.traps import run_plain_drill

    return run_plain_drill(rubric_path=args.rubric, count=args.count)
