"""The validated-rubric cache behind `code`: same rubric as a full load, and never stale."""

from __future__ import annotations

from conversation_coach.paths import default_rubric_path, user_home
from conversation_coach.rubric.cache import load_rubric_cached
from conversation_coach.rubric.load import load_rubric


def _cache_files():
    folder = user_home() / "cache"
    return sorted(folder.glob("rubric-*.json")) if folder.is_dir() else []


def test_the_cached_rubric_equals_a_full_load_and_is_private():
    first = load_rubric_cached()
    files = _cache_files()
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600
    second = load_rubric_cached()
    assert second.model_dump() == first.model_dump() == load_rubric().model_dump()


def test_an_edited_rubric_gets_a_new_cache_entry(tmp_path):
    mine = tmp_path / "mine.yaml"
    text = default_rubric_path().read_text(encoding="utf-8")
    mine.write_text(text, encoding="utf-8")
    assert load_rubric_cached(mine).version == "1.0.0"
    mine.write_text(text.replace('version: "1.0.0"', 'version: "9.9.9"', 1), encoding="utf-8")
    assert load_rubric_cached(mine).version == "9.9.9"
    assert len(_cache_files()) == 2


def test_a_damaged_cache_file_is_ignored():
    load_rubric_cached()
    (cache_file,) = _cache_files()
    cache_file.write_text("{not json", encoding="utf-8")
    assert load_rubric_cached().id == "default"
