"""Privacy: what the trainee says stays in private files and never turns up in crash output or exports.

- After real use (practice and assessment visits, exports, import, CPD record) every file the
  app made is 0600 and every folder 0700.
- An unexpected error in a command prints one line with no traceback and none of the words
  typed; the Textual app's crash report has no local variables (they hold the reply text).
- `export --pseudonymise` removes the person's, trainee's, reviewer's and extra names and the
  candidate id from every format, wherever they occur (text, title, comments, ids).
"""

from __future__ import annotations

import asyncio
import html
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conversation_coach.cli import main

TUI_DATA = Path(__file__).parent / "data" / "tui"
SCENARIO_FILE = TUI_DATA / "scenarios" / "tui-visit.yaml"
SCENARIO_ID = "tui-visit"
SECRET = "my neighbour Ffion hides her insulin behind the bread bin"
NAMES = ["Idris", "Pryce", "cand-zz9", "Sian", "Hughes", "Carys", "Bethan", "Morgan"]


def _cli(home: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {**os.environ, "CONVERSATION_COACH_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "conversation_coach", *args], input=stdin, capture_output=True,
                          env=env, timeout=60)


def _modes(root: Path) -> dict[str, str]:
    out = {}
    for path in [root, *root.rglob("*")]:
        out[str(path.relative_to(root.parent))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return out


def test_files_0600_and_folders_0700_after_real_use(tmp_path):
    home = tmp_path / "home"  # created by the app itself
    exports = tmp_path / "exports"
    exports.mkdir()
    replies = f"Hello, how are things?\nWhat matters to you? You said {SECRET}.\n/end\n".encode()
    assert _cli(home, "play", str(SCENARIO_FILE), "--plain", stdin=replies).returncode == 0
    assert _cli(home, "play", str(SCENARIO_FILE), "--plain", "--assessment", "--candidate", "cand-zz9",
                stdin=replies).returncode == 0
    unfinished = _cli(home, "play", str(SCENARIO_FILE), "--plain", stdin=b"Hello there.\n")  # EOF ends it
    assert unfinished.returncode == 0
    practice = sorted((home / "transcripts").glob("*.json"))[0]
    for fmt in ("md", "html", "json"):
        assert _cli(home, "export", str(practice), "--format", fmt, "-o", str(exports / f"visit.{fmt}")).returncode == 0
    (tmp_path / "note.txt").write_text(f"Worker: How are you?\nPerson: {SECRET}\n", encoding="utf-8")
    assert _cli(home, "import", str(tmp_path / "note.txt"), "-o", str(exports / "note.json")).returncode == 0
    assert _cli(home, "cpd", "-o", str(exports / "cpd.md")).returncode == 0
    assert _cli(home, "progress").returncode == 0

    modes = _modes(home)
    assert any(p.endswith(".json") for p in modes) and any("progress.sqlite3" in p for p in modes)
    wrong = {p: m for p, m in modes.items()
             if m != ("0o700" if (tmp_path / p).is_dir() else "0o600")}
    assert not wrong, wrong
    export_modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in exports.iterdir()}
    assert set(export_modes.values()) == {"0o600"}, export_modes


def test_nothing_outside_the_private_files_holds_what_was_said(tmp_path):
    """No log, cache or temp file: the words typed are only in the transcripts and the progress log."""
    home = tmp_path / "home"
    replies = f"Hello.\nIt sounds like {SECRET}.\n/end\n".encode()
    result = _cli(home, "play", str(SCENARIO_FILE), "--plain", "--no-coach", stdin=replies)
    assert result.returncode == 0
    holders = sorted(str(p.relative_to(home)) for p in home.rglob("*")
                     if p.is_file() and "Ffion" in p.read_bytes().decode("utf-8", "replace"))
    allowed = re.compile(r"^(transcripts/[^/]+\.json|progress\.sqlite3(-wal)?)$")
    assert holders and all(allowed.match(h) for h in holders), holders
    assert "Ffion" not in result.stderr.decode()


def test_an_unexpected_error_prints_one_line_without_what_was_typed(monkeypatch, capsys):
    from conversation_coach.scenario import engine

    def broken_respond(self, text):
        said = text  # a traceback with locals would print this
        raise RuntimeError(f"could not handle {said!r}")

    monkeypatch.setattr(engine.Conversation, "respond", broken_respond)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{SECRET}\n"))
    monkeypatch.delenv("CONVERSATION_COACH_DEBUG", raising=False)
    code = main(["play", str(SCENARIO_FILE), "--plain"])
    err = capsys.readouterr().err
    assert code == 70
    assert "Ffion" not in err and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "unexpected error (RuntimeError)" in lines[0]
    # and for the developer who asks, the full story
    monkeypatch.setenv("CONVERSATION_COACH_DEBUG", "1")
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{SECRET}\n"))
    with pytest.raises(RuntimeError):
        main(["play", str(SCENARIO_FILE), "--plain"])


def test_the_app_crash_report_has_no_local_variables(coach_home, monkeypatch, capsys):
    from conversation_coach.scenario import engine
    from conversation_coach.tui.app import CoachApp

    def broken_respond(self, text):
        said = text  # noqa: F841 - a variable holding the reply
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(engine.Conversation, "respond", broken_respond)
    app = CoachApp(str(SCENARIO_FILE), offer_resume=False, autosave=False)

    async def run() -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            app.screen.query_one("#reply").value = SECRET
            await pilot.press("enter")
            await pilot.pause()

    capsys.readouterr()
    with pytest.raises(RuntimeError):
        asyncio.run(run())
    captured = capsys.readouterr()
    report = captured.err + captured.out  # the app prints its crash report as it closes
    assert "Traceback" in report and "the engine broke" in report
    assert "Ffion" not in report  # show_locals would print `said` and `text` here


# ----- pseudonymised exports ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reviewed_assessment(tmp_path_factory) -> Path:
    """A real assessment transcript, then reviewed by a named supervisor who names others."""
    home = tmp_path_factory.mktemp("pseudo-home")
    replies = (b"Hello Mr Pryce, how are you keeping?\nIdris, what matters most to you? Carys rang us.\n"
               b"I think you should move into a home, IDRIS PRYCE.\n/end\n")
    result = _cli(home, "play", str(SCENARIO_FILE), "--plain", "--assessment", "--candidate", "cand-zz9",
                  stdin=replies)
    assert result.returncode == 0, result.stderr.decode()
    [path] = list((home / "assessments" / SCENARIO_ID).glob("cand-zz9-*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["trainee"] = "Bethan Morgan"
    data["reviewed_by"] = "Sian Hughes"
    data["turns"][1]["review"] = {"main": "open_question", "reviewer": "Sian Hughes",
                                  "comment": "Sian: cand-zz9 could ask Idris what Carys worries about."}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_pseudonymise_removes_every_name_and_id_in_every_format(reviewed_assessment, tmp_path, fmt):
    home = tmp_path / "home"
    plain = _cli(home, "export", str(reviewed_assessment), "--format", fmt)
    assert plain.returncode == 0
    shown = plain.stdout.decode("utf-8")
    assert all(name.lower() in shown.lower() for name in ["Idris", "Pryce", "cand-zz9", "Sian", "Carys"])

    result = _cli(home, "export", str(reviewed_assessment), "--format", fmt, "--pseudonymise", "--hide", "Carys")
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode("utf-8")
    leaks = {name for name in NAMES if name.lower() in text.lower()}
    assert not leaks, leaks
    assert "[person]" in html.unescape(text).replace("\\", "")  # the role label stands in (md escapes [ ])
