"""Time from launch to the scenario picker being ready, against a bare Textual app, as a ratio.

Each run is a fresh interpreter (imports included, as a user pays them), headless, stopping as soon
as the picker has mounted with its scenarios and refreshed. "first launch" deletes the picker's
scenario index first, so every scenario goes through the full loader. Prints medians and the
ratios; asserts nothing.

    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

BARE = """
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.exit)

Bare().run(headless=True, size=(100, 32))
"""

COACH = """
from conversation_coach.tui.app import CoachApp
from conversation_coach.tui.screens.picker import PickerScreen

class Timed(CoachApp):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self._check)

    def _check(self):
        assert isinstance(self.screen, PickerScreen) and self.screen.entries, "picker not ready"
        self.exit()

Timed(offer_resume=False).run(headless=True, size=(100, 32))
"""


def time_once(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh interpreter; CPU time is steadier on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def report(label: str, runs: list[tuple[float, float]]) -> tuple[float, float]:
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    print(f"{label}: wall median {wall * 1000:4.0f} ms (min {min(r[0] for r in runs) * 1000:4.0f}), "
          f"CPU median {cpu * 1000:4.0f} ms over {len(runs)} runs")
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CONVERSATION_COACH_HOME": home}
        time_once(BARE, env), time_once(COACH, env)  # warm the OS file cache and .pyc files
        bare, coach, cold = [], [], []
        index = os.path.join(home, "cache", "scenario-index.json")
        for _ in range(args.runs):  # interleaved, so drift in machine load hits all alike
            bare.append(time_once(BARE, env))
            coach.append(time_once(COACH, env))
            os.remove(index)  # a first launch: every scenario goes through the full loader
            cold.append(time_once(COACH, env))
    bare_wall, bare_cpu = report("bare Textual app", bare)
    coach_wall, coach_cpu = report("picker ready    ", coach)
    cold_wall, _ = report("first launch    ", cold)
    print(f"ratio: wall {coach_wall / bare_wall:.2f}x, CPU {coach_cpu / bare_cpu:.2f}x  (goal < 1.5x); "
          f"first launch (no scenario index yet) {cold_wall / bare_wall:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
