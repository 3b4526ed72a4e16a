"""SVG snapshots of the picker, a conversation in progress with the coach, the summary and the drill.

Deterministic by construction: the scenarios come from tests/data/tui (the shipped folder is
pointed there), autosave is off (no dated paths on screen), the terminal is 100x32, NO_COLOR is
set by conftest and the reply box does not blink. The rubric is the shipped default, so a change
to its wording or to the coder or scorer changes these pictures on purpose: update with
`pytest tests/test_tui_snapshots.py --snapshot-update` and look at the SVGs before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from conversation_coach.rubric.load import load_rubric
from conversation_coach.tui.app import CoachApp

DATA = Path(__file__).parent / "data" / "tui"
SIZE = (100, 32)
REPLIES = [
    "Can you tell me a bit about what's been happening with the yard?",
    "I think you should move somewhere without steps.",
]


@pytest.fixture
def snapshot_app(monkeypatch, coach_home):
    """An app that sees only the test scenario (as shipped) and one user scenario."""
    import conversation_coach.paths as paths

    def test_shipped(kind: str) -> Path:
        return DATA / "scenarios" if kind == "scenarios" else real_shipped(kind)

    real_shipped = paths.shipped_dir
    monkeypatch.setattr(paths, "shipped_dir", test_shipped)
    user = coach_home / "scenarios"
    user.mkdir(parents=True, exist_ok=True)
    text = (DATA / "scenarios" / "tui-visit.yaml").read_text(encoding="utf-8")
    text = text.replace("id: tui-visit", "id: my-own-visit").replace(
        "title: Mr Pryce and the pigeon loft", "title: My own practice visit"
    ).replace("difficulty: gentle", "difficulty: moderate")
    (user / "my-own-visit.yaml").write_text(text, encoding="utf-8")
    return CoachApp(rubric=load_rubric(), autosave=False, offer_resume=False)


def _no_blink(app) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


async def _converse(pilot) -> None:
    await pilot.press(*"pigeon", "enter")
    await pilot.pause()
    for reply in REPLIES:
        pilot.app.screen.query_one("#reply").value = reply
        await pilot.press("enter")
        await pilot.pause()
    _no_blink(pilot.app)
    await pilot.pause()


def test_picker_snapshot(snapshot_app, snap_compare):
    async def run_before(pilot):
        await pilot.pause()
        _no_blink(pilot.app)
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)


def test_conversation_with_coach_snapshot(snapshot_app, snap_compare):
    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=_converse)


def test_summary_snapshot(snapshot_app, snap_compare):
    async def run_before(pilot):
        await _converse(pilot)
        pilot.app.screen.query_one("#reply").value = "/end"
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(snapshot_app, terminal_size=SIZE, run_before=run_before)



def test_drill_snapshot(snap_compare):
    """The trap-rewrite drill after one rewrite has been judged (the bank is the default rubric's)."""
    app = CoachApp(rubric=load_rubric(), start="drill")

    async def run_before(pilot):
        await pilot.pause()
        _no_blink(pilot.app)
        pilot.app.screen.query_one("#drill-rewrite").value = "What is it about the afternoons that wears you out?"
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
