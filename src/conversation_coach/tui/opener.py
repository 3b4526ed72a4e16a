"""Open a folder in the desktop's file manager, when there is one; never fail the app over it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def opener_command() -> list[str] | None:
    """`open` on macOS, `xdg-open` elsewhere — only if it is installed."""
    name = "open" if sys.platform == "darwin" else "xdg-open"
    found = shutil.which(name)
    return [found] if found else None


def open_folder(folder: Path) -> bool:
    """Ask the desktop to show `folder`; True if an opener was started."""
    command = opener_command()
    if command is None or not folder.is_dir():
        return False
    try:
        subprocess.Popen(
            [*command, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        return False
    return True
