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


def _analysis_files():
    folder = user_home() / "cache"
    return sorted(folder.glob("compiled-*.bin")) if folder.is_dir() else []


def _codes(rubric):
    from conversation_coach.rubric.coder import code_utterance

    replies = ["You're too old to be living on your own, love.", "What would a good day look like?",
               "I know you love the garden, but at your age it's just not safe."]
    return [code_utterance(r, [], rubric).contract_dict() for r in replies]


def test_the_compiled_patterns_are_kept_privately_and_a_damaged_file_is_ignored(monkeypatch):
    from conversation_coach.rubric import compiled_patterns, pattern_analysis

    expected = _codes(load_rubric())
    load_rubric_cached()
    (analysis,) = _analysis_files()
    assert analysis.stat().st_mode & 0o777 == 0o600
    assert compiled_patterns.ENGINE in analysis.name  # code from another Python is never reused
    for damage in (b"", b"\x00garbage", analysis.read_bytes()[:1000]):
        analysis.write_bytes(damage)
        monkeypatch.setattr(compiled_patterns, "CODES", {})
        monkeypatch.setattr(pattern_analysis, "PREFIX_MEMO", {})
        monkeypatch.setattr(pattern_analysis, "REQUIRED_MEMO", {})
        assert _codes(load_rubric_cached()) == expected


def test_old_cache_entries_are_pruned_when_a_new_one_is_written(tmp_path):
    import os
    import time

    from conversation_coach.rubric.cache import KEEP_ENTRIES

    folder = user_home() / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    long_ago = time.time() - 86_400
    for i in range(KEEP_ENTRIES + 3):
        for name in (f"rubric-old{i:02d}.json", f"compiled-old{i:02d}-x.bin", f"prefixes-old{i:02d}.json"):
            (folder / name).write_text("{}", encoding="utf-8")
            os.utime(folder / name, (long_ago + i, long_ago + i))
    load_rubric_cached()  # a new entry of each kind
    rubric_files = sorted(f.name for f in folder.glob("rubric-*.json"))
    compiled_files = sorted(f.name for f in folder.glob("compiled-*.bin"))
    assert len(rubric_files) == len(compiled_files) == KEEP_ENTRIES
    assert "rubric-old00.json" not in rubric_files and f"rubric-old{KEEP_ENTRIES + 2:02d}.json" in rubric_files
    assert not list(folder.glob("prefixes-*.json"))
    assert load_rubric_cached().id == "default"  # the new entries were kept
    assert len(list(folder.glob("rubric-*.json"))) == KEEP_ENTRIES
