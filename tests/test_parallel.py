"""Parallel use: several `play --plain` processes finishing at the same moment all land in the progress store.

Eight real processes share one user data dir (one SQLite file). Each plays a whole visit
and then waits; all are told `/end` at once, so their progress/assessment writes collide.
Every one must exit 0, none may say "database is locked", and `progress --json` (and the
panel's `compare --json` for the assessments) must list every one of them.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

TUI_DATA = Path(__file__).parent / "data" / "tui"
SCENARIO_ID = "tui-visit"
PRACTICE = 6
ASSESSMENTS = 2
REPLIES = [
    "Hello, thanks for having me. How have things been lately?",
    "It sounds like you've had a lot to manage on your own.",
    "What matters most to you at the moment?",
    "So being able to get out to the birds is what keeps you going.",
]


def _cli(home: Path, *args: str, stdin: bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONVERSATION_COACH_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "conversation_coach", *args], input=stdin, capture_output=True,
                          env=env, timeout=timeout)


def _play_until_ready(home: Path, extra: list[str], ready: threading.Barrier, results: list, index: int) -> None:
    """Play the whole visit, wait at the barrier with the others, then all send /end together."""
    env = {**os.environ, "CONVERSATION_COACH_HOME": str(home), "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "conversation_coach", "play", SCENARIO_ID, "--plain", *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        answers = 0
        proc.stdin.write(("\n".join(REPLIES) + "\n").encode())
        proc.stdin.flush()
        while answers < len(REPLIES) + 1:  # the opening and one answer per reply
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith(b"Idris Pryce: "):
                answers += 1
        ready.wait(timeout=60)
        proc.stdin.write(b"/end\n")
        proc.stdin.close()
        rest, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=60)
        results[index] = (proc.returncode, answers, rest.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
    finally:
        if proc.poll() is None:
            proc.kill()


def test_visits_finishing_at_once_all_land_in_the_store(tmp_path):
    home = tmp_path / "home"
    (home / "scenarios").mkdir(parents=True)
    shutil.copy(TUI_DATA / "scenarios" / f"{SCENARIO_ID}.yaml", home / "scenarios" / f"{SCENARIO_ID}.yaml")
    runs = [["--no-coach"]] * PRACTICE + [["--assessment", "--candidate", f"cand-{n:02d}"] for n in range(ASSESSMENTS)]
    ready = threading.Barrier(len(runs))
    results: list = [None] * len(runs)
    threads = [threading.Thread(target=_play_until_ready, args=(home, extra, ready, results, i))
               for i, extra in enumerate(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    for returncode, answers, out, err in results:
        assert returncode == 0, err[-2000:]
        assert answers == len(REPLIES) + 1
        assert "database is locked" not in err.lower() and "database is locked" not in out.lower()
        assert "could not be added to the progress log" not in err
    transcripts = sorted(str(p.resolve()) for p in (home / "transcripts").glob("*.json"))
    assert len(transcripts) == PRACTICE

    progress = _cli(home, "progress", "--json")
    assert progress.returncode == 0, progress.stderr.decode()[-2000:]
    sessions = json.loads(progress.stdout)["sessions"]
    assert sorted(s["transcript_path"] for s in sessions) == transcripts

    compare = _cli(home, "compare", SCENARIO_ID, "--json")
    assert compare.returncode == 0, compare.stderr.decode()[-2000:]
    candidates = json.loads(compare.stdout)["candidates"]
    assert sorted(c["candidate"] for c in candidates) == [f"cand-{n:02d}" for n in range(ASSESSMENTS)]

    with sqlite3.connect(home / "progress.sqlite3") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
