"""How every command reports a problem and writes a file it was asked for: one line, never markup.

The message can carry a file name or a user's words, so control characters are made visible
before it reaches the terminal (textsafe.clean_for_display).
"""

from __future__ import annotations

import sys
from pathlib import Path


def print_error(message: str, *, prefix: str = "", keep_newlines: bool = False) -> None:
    """Print `prefix` + the cleaned message on stderr."""
    from conversation_coach.textsafe import clean_for_display

    print(f"{prefix}{clean_for_display(message, keep_newlines=keep_newlines)}", file=sys.stderr)


def write_report(path: str | Path, text: str, *, force: bool, prefix: str = "") -> bool:
    """Write a new private file (0600), or say in one line why not: an existing file needs --force.

    Returns True when the file was written, so a command can `return 1` otherwise.
    """
    from conversation_coach.fsutil import write_new_file

    try:
        write_new_file(Path(path), text, force=force, mode=0o600)
    except OSError as exc:
        if isinstance(exc, FileExistsError) and exc.errno is None:  # write_new_file's own refusal
            print_error(str(exc), prefix=prefix)
        else:  # the system's: a folder that is a file, no permission, a full disk...
            print_error(f"cannot write {path}: {exc.strerror or exc}", prefix=prefix)
        return False
    return True
