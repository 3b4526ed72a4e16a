"""Benchmark the coder on the AnnoMI development set: utterances per second in-process, and the
whole-process time of `conversation-coach code` over all its transcripts.

    python benchmarks/bench_coder.py [--shared PATH] [--runs N]

Looks for the shared data in --shared, /work/shared or ../shared (relative to the repo); skips
with a note when it is not there. Prints figures only: timings depend on the machine, so no
test asserts them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path("data/annomi/annomi-dev.csv")


def find_shared(given: str | None) -> Path | None:
    for candidate in ([Path(given)] if given else []) + [Path("/work/shared"), REPO.parent / "shared"]:
        if (candidate / DATA).is_file():
            return candidate
    return None


def load_conversations(csv_path: Path) -> list[list[tuple[str, str]]]:
    by_transcript: dict[str, list[dict]] = defaultdict(list)
    with csv_path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by_transcript[row["transcript_id"]].append(row)
    conversations = []
    for rows in by_transcript.values():
        rows.sort(key=lambda r: int(r["utterance_id"]))
        conversations.append([("worker" if r["interlocutor"] == "therapist" else "person", r["utterance_text"])
                              for r in rows])
    return conversations


def bench_in_process(conversations) -> tuple[int, int, float]:
    from conversation_coach.rubric.coder import code_turns
    from conversation_coach.rubric.load import load_rubric
    from conversation_coach.transcript.model import Turn

    rubric = load_rubric()
    code_turns([Turn(speaker="worker", text="Warm up: how are you?")], rubric)  # compile the rules once
    turns = [[Turn(speaker=s, text=t) for s, t in conv] for conv in conversations]
    rows = sum(len(t) for t in turns)
    worker = sum(1 for conv in turns for t in conv if t.speaker == "worker")
    start = time.perf_counter()
    for conv in turns:
        code_turns(conv, rubric)
    return rows, worker, time.perf_counter() - start


def bench_whole_process(conversations, runs: int) -> tuple[float, list[tuple[float, float | None]]]:
    """The first run with an empty cache folder (it builds the rubric cache), then `runs` ordinary runs."""
    with tempfile.TemporaryDirectory(prefix="bench-coder-") as tmp:
        files = []
        for i, conv in enumerate(conversations):
            path = Path(tmp) / f"t{i:03d}.jsonl"
            path.write_text("".join(json.dumps({"speaker": s, "text": t}) + "\n" for s, t in conv), encoding="utf-8")
            files.append(str(path))
        cmd = [sys.executable, "-m", "conversation_coach", "code", *files]
        env = dict(os.environ, CONVERSATION_COACH_HOME=str(Path(tmp) / "home"))
        first, _ = _timed(cmd, env)
        return first, [_timed(cmd, env) for _ in range(runs)]


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"`code` failed ({proc.returncode}): {proc.stderr[-500:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu or None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="the shared folder holding data/annomi/annomi-dev.csv")
    ap.add_argument("--runs", type=int, default=5, help="whole-process runs to time (default 5)")
    args = ap.parse_args()
    shared = find_shared(args.shared)
    if shared is None:
        print("skipped: the AnnoMI development set was not found (give --shared PATH)")
        return 0
    conversations = load_conversations(shared / DATA)
    rows, worker, seconds = bench_in_process(conversations)
    print(f"in-process: {rows:,} rows ({worker:,} worker utterances coded) in {seconds:.2f} s "
          f"= {rows / seconds:,.0f} rows/s, {worker / seconds:,.0f} worker utterances/s")
    first, timed = bench_whole_process(conversations, max(1, args.runs))
    walls = sorted(wall for wall, _ in timed)
    cpus = sorted(cpu for _, cpu in timed if cpu)
    cpu_text = f", {statistics.median(cpus):.2f} s CPU" if cpus else ""
    print(f"whole process: `conversation-coach code` on {len(conversations)} transcripts ({rows:,} rows): "
          f"median {statistics.median(walls):.2f} s wall{cpu_text}, best {walls[0]:.2f} s, worst {walls[-1]:.2f} s "
          f"over {len(walls)} runs (goal: under 1 s)")
    print(f"  the first run after installing or editing the rubric builds its cache: {first:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
