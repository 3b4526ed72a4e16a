"""Writes that never leave a half-written file: temp file in the same dir, fsync, os.replace."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE_FILE_MODE = 0o600


def atomic_write_text(path: Path, text: str, *, mode: int = PRIVATE_FILE_MODE) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = PRIVATE_FILE_MODE) -> None:
    """Replace `path` with `data` atomically; a crash leaves the old file or the new one."""
    path = Path(path)
    directory = path.parent
    make_parent_dirs(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(directory)


def make_parent_dirs(path: Path) -> None:
    """Create the folders `path` needs. Inside the user data dir they are private (0700), like
    everything there, and the folder it lands in is made 0700; elsewhere they are the user's own
    folders and get the usual permissions."""
    from conversation_coach.paths import user_home

    parent = Path(path).resolve().parent
    home = user_home().resolve()
    if not parent.is_relative_to(home):
        parent.mkdir(parents=True, exist_ok=True)
        return
    home.parent.mkdir(parents=True, exist_ok=True)
    missing = [p for p in [parent, *parent.parents] if p.is_relative_to(home) and not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(parent, 0o700)  # the umask may have loosened it


def _fsync_dir(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_new_file(path: Path, text: str, *, force: bool = False, mode: int = 0o644) -> None:
    """Write an export; refuse to overwrite an existing file unless `force`."""
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; use --force to overwrite it")
    atomic_write_text(path, text, mode=mode)
