"""Crash safety: `play --plain` killed with SIGKILL at random points never loses a completed turn.

Real processes, real pipes: replies are fed one at a time, waiting for the person's answer,
and the process is killed (seeded random) while starting, while answering, or while
finishing (scoring, writing the progress log). Afterwards every transcript must be readable
JSON holding every completed turn (a turn is completed once the person's answer to it has
been printed), the progress database must pass `PRAGMA integrity_check`, and
`play --plain --resume` must carry on after the last completed turn.
"""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conversation_coach.transcript.io import load_transcript

TUI_DATA = Path(__file__).parent / "data" / "tui"
SCENARIO_ID = "tui-visit"
PERSON = "Idris Pryce: "
SEED = 20261125
RUNS_PER_WORKER = 13
WORKERS = 2
REPLIES = [
    "Hello, I'm from the support team. How have things been since your fall?",
    "It sounds like the last few weeks have been hard going.",
    "What does a good day look like for you?",
    "You really miss being out there with them.",
    "What would help you get back to doing that?",
    "Who else is around to lend a hand?",
    "So the birds and the yard matter a great deal, and your niece worries about the steps.",
    "What would you like to happen next?",
]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


@dataclass
class Run:
    """One killed process: what it printed and what it was sent."""

    mode: str
    lines: list[str] = field(default_factory=list)
    stderr: str = ""
    new_files: list[Path] = field(default_factory=list)

    @property
    def person_lines(self) -> int:
        return sum(1 for line in self.lines if line.startswith(PERSON))

    @property
    def completed(self) -> int:
        """Replies whose answer was printed (the first person line is the opening)."""
        return max(0, min(self.person_lines - 1, len(REPLIES)))

    @property
    def summary_printed(self) -> bool:
        return any(line.startswith("Score ") for line in self.lines)


def _spawn(home: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "CONVERSATION_COACH_HOME": str(home), "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "conversation_coach", "play", SCENARIO_ID, "--plain", *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _reader(stream, out: queue.Queue) -> None:
    for raw in iter(stream.readline, b""):
        out.put(raw.decode("utf-8", "replace").rstrip("\n"))
    out.put(None)


def _wait_for_person(lines: queue.Queue, seen: list[str], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return False
        if line is None:
            return False
        seen.append(line)
        if line.startswith(PERSON):
            return True
    return False


def _one_run(home: Path, rng: random.Random) -> Run:
    before = set((home / "transcripts").glob("*.json")) if (home / "transcripts").is_dir() else set()
    mode = rng.choice(["start", "mid", "mid", "mid", "end"])
    run = Run(mode)
    proc = _spawn(home, "--no-coach")
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True)
    reader.start()
    try:
        if mode == "start":
            time.sleep(rng.uniform(0.0, 1.2))
        else:
            assert _wait_for_person(lines, run.lines), "no opening line"
            answered = rng.randint(0, len(REPLIES) - 1) if mode == "mid" else len(REPLIES)
            for reply in REPLIES[:answered]:
                proc.stdin.write(reply.encode() + b"\n")
                proc.stdin.flush()
                time.sleep(rng.uniform(0.0, 0.01))  # a person typing, not a firehose
                assert _wait_for_person(lines, run.lines), "no answer"
            if mode == "mid":
                proc.stdin.write(REPLIES[answered].encode() + b"\n")
                proc.stdin.flush()
                time.sleep(rng.uniform(0.0, 0.04))  # killed while the reply is coded, saved, answered
            else:
                proc.stdin.write(b"/end\n")
                proc.stdin.flush()
                time.sleep(rng.uniform(0.0, 0.15))  # killed while scoring or writing the progress log
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
        reader.join(timeout=20)
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            break
        if line is not None:
            run.lines.append(line)
    run.stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stdin.close()
    proc.stdout.close()
    proc.stderr.close()
    after = set((home / "transcripts").glob("*.json")) if (home / "transcripts").is_dir() else set()
    run.new_files = sorted(after - before)
    return run


def _check_transcript(run: Run) -> dict | None:
    """Every completed turn is in the file, and the file is whole."""
    if run.person_lines:  # the opening was printed, so the first save had happened
        assert len(run.new_files) == 1, (run.mode, run.new_files)
    else:
        assert len(run.new_files) <= 1
    if not run.new_files:
        return None
    path = run.new_files[0]
    data = json.loads(path.read_text(encoding="utf-8"))  # readable JSON, never half-written
    transcript = load_transcript(str(path))  # and a valid transcript
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    worker = [t.text for t in transcript.turns if t.speaker == "worker"]
    assert len(worker) >= run.completed, (run.mode, run.completed, worker)
    assert worker == REPLIES[: len(worker)]
    speakers = [t.speaker for t in transcript.turns]
    assert speakers[0] == "person"
    if transcript.finished and speakers[-2:] == ["person", "person"]:
        speakers = speakers[:-1]  # the closing line follows the last answer
    assert all(a != b for a, b in zip(speakers, speakers[1:], strict=False)), speakers  # answered, alternating
    return data


def _check_resume(home: Path, data: dict) -> None:
    """`play --resume` picks up after the last completed turn and carries on from there."""
    saved_workers = [t["text"] for t in data["turns"] if t["speaker"] == "worker"]
    following = REPLIES[len(saved_workers)] if len(saved_workers) < len(REPLIES) else "What matters most to you?"
    env = {**os.environ, "CONVERSATION_COACH_HOME": str(home), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "conversation_coach", "play", SCENARIO_ID, "--plain", "--resume",
                             "--no-coach"], input=(following + "\n/end\n").encode(), capture_output=True,
                            env=env, timeout=60)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert "Carrying on where you left off." in result.stdout.decode()
    files = sorted((home / "transcripts").glob("*.json"), key=lambda p: p.stat().st_mtime)
    resumed = json.loads(files[-1].read_text(encoding="utf-8"))
    assert resumed["id"] == data["id"] and resumed["finished"] is True
    workers = [t["text"] for t in resumed["turns"] if t["speaker"] == "worker"]
    assert workers == [*saved_workers, following]


def _worker(index: int, root: Path) -> tuple[list[Run], Path]:
    rng = random.Random(SEED + index)
    home = root / f"home-{index}"
    (home / "scenarios").mkdir(parents=True)
    shutil.copy(TUI_DATA / "scenarios" / f"{SCENARIO_ID}.yaml", home / "scenarios" / f"{SCENARIO_ID}.yaml")
    runs = []
    for n in range(RUNS_PER_WORKER):
        run = _one_run(home, rng)
        data = _check_transcript(run)
        if data is not None and not data["finished"] and run.completed and n % 2 == 0:
            _check_resume(home, data)
        runs.append(run)
    return runs, home


def test_sigkill_at_random_points_loses_no_completed_turn(tmp_path):
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda i: _worker(i, tmp_path), range(WORKERS)))
    runs = [run for worker_runs, _home in results for run in worker_runs]
    modes = {run.mode for run in runs}
    assert {"mid", "end"} <= modes
    assert sum(run.completed for run in runs) > 0
    for run in runs:
        assert "database is locked" not in run.stderr
        assert "Traceback" not in run.stderr, run.stderr[-2000:]
    for _runs, home in results:
        db = home / "progress.sqlite3"
        summaries = sum(1 for run in _runs if run.summary_printed)
        if not db.exists():
            assert summaries == 0
            continue
        with sqlite3.connect(db) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        env = {**os.environ, "CONVERSATION_COACH_HOME": str(home)}
        result = subprocess.run([sys.executable, "-m", "conversation_coach", "progress", "--json"],
                                capture_output=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        sessions = json.loads(result.stdout)["sessions"]
        assert len(sessions) >= summaries  # a summary is printed only after the session is logged
        for session in sessions:
            assert Path(session["transcript_path"]).is_file()
    assert time.monotonic() - started < 90


def test_a_finished_visit_killed_before_it_was_logged_still_reaches_progress(coach_home, capsys):
    """Exactly the state SIGKILL leaves in that window: the transcript says finished, the log has no row."""
    from conversation_coach.cli import main
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.scenario.engine import Conversation
    from conversation_coach.scenario.load import load_scenario

    (coach_home / "scenarios").mkdir(parents=True, exist_ok=True)
    shutil.copy(TUI_DATA / "scenarios" / f"{SCENARIO_ID}.yaml", coach_home / "scenarios" / f"{SCENARIO_ID}.yaml")
    conversation = Conversation(load_scenario(SCENARIO_ID), load_rubric())
    conversation.respond(REPLIES[0])
    conversation.end("trainee")  # saved with finished: true; the process dies before on_finished
    assert main(["progress", "--json"]) == 0
    sessions = json.loads(capsys.readouterr().out)["sessions"]
    assert [s["transcript_path"] for s in sessions] == [str(conversation.path.resolve())]
    live = conversation.assessment()  # what the front end would have logged
    [logged] = sessions
    assert logged["score"] == live.score
    assert logged["what_matters_surfaced"] == live.what_matters.surfaced
    assert logged["what_matters_missed"] == live.what_matters.missed
    assert logged["ended_by"] == "trainee"
    # asking again, or the front end logging it after all, never makes a second row
    assert main(["progress", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["sessions"]) == 1
    from conversation_coach.lifecycle import on_finished

    assert on_finished(conversation.transcript, live, conversation.path) is None
    assert main(["progress", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["sessions"]) == 1
