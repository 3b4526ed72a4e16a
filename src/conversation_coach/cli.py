"""The command line: parses arguments and hands over to the core. No logic of its own.

Each command group lives in `commands/<group>.py` and registers its subcommands;
heavy imports happen inside the handlers so that `code` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

DEBUG_ENV = "CONVERSATION_COACH_DEBUG"  # set it to see the traceback of an unexpected error
COMMAND_MODULES = (
    "coding",  # code
    "scoring",  # score
    "scenarios",  # list, play, validate, schema
    "supervision",  # import, review, export, agree
    "recruitment",  # compare, forget, purge, progress, cpd
    "drills",  # drill, check-outcome, quiz
)


def _version_text() -> str:
    from conversation_coach import __version__

    try:
        from conversation_coach.rubric.load import load_rubric

        rubric = load_rubric()
        return f"conversation-coach {__version__} (rubric {rubric.id} {rubric.version})"
    except Exception as exc:  # the version must print even with a broken rubric
        return f"conversation-coach {__version__} (rubric unavailable: {exc})"


class _VersionAction(argparse.Action):
    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(_version_text())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conversation-coach",
        description="Practise 'what matters' conversations. With no command, opens the app.",
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and the rubric's id and version")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"conversation_coach.commands.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        return _open_app(args)
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last resort: one line, no traceback, no locals, no user text
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"conversation-coach {args.command}: unexpected error ({type(exc).__name__}); the details are "
              f"hidden as they can hold what was typed. Set {DEBUG_ENV}=1 to see them.", file=sys.stderr)
        return 70


def _open_app(args: argparse.Namespace) -> int:
    try:
        from conversation_coach.tui.app import run_app
    except ImportError:
        build_parser().print_help()
        return 0
    return int(run_app() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
