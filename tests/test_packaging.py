"""The wheel carries scenarios/ and rubrics/, and the installed package finds them from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conversation_coach.paths import shipped_dir

REPO = Path(__file__).resolve().parents[1]


def test_shipped_data_is_found():
    scenarios = sorted(p.stem for p in shipped_dir("scenarios").glob("*.yaml"))
    assert len(scenarios) >= 8
    assert (shipped_dir("rubrics") / "default.yaml").is_file()


def test_wheel_carries_scenarios_and_rubrics(tmp_path):
    pytest.importorskip("hatchling")
    root = REPO
    if not (root / "pyproject.toml").is_file():
        pytest.skip("not running from a checkout")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(root)],
        check=True, capture_output=True,
    )
    wheel = next(tmp_path.glob("conversation_coach-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {p.name for p in (root / "scenarios").glob("*.yaml")}
    assert "conversation_coach/_data/rubrics/default.yaml" in names
    assert shipped and all(f"conversation_coach/_data/scenarios/{n}" in names for n in shipped)
    assert any(n.endswith("tui/app.tcss") for n in names)


def test_installed_cli_runs_from_another_directory(tmp_path):
    out = subprocess.run([sys.executable, "-m", "conversation_coach", "list", "--json"], cwd=tmp_path,
                         capture_output=True, text=True, check=True)
    assert '"id"' in out.stdout
