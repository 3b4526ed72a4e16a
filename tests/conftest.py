"""Shared fixtures: every test gets its own user data dir, so nothing touches the real one."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def coach_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("coach-home")
    monkeypatch.setenv("CONVERSATION_COACH_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    return home


# On CI, Hypothesis runs a fixed (derandomised) set of examples so a red build always means a change
# broke something; locally it keeps exploring new examples each run.
if os.environ.get("CI"):
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, print_blob=True)
    settings.load_profile("ci")
