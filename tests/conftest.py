"""Shared fixtures: every test gets its own user data dir, so nothing touches the real one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def coach_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("coach-home")
    monkeypatch.setenv("CONVERSATION_COACH_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    return home
