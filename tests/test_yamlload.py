"""The one YAML loader: every refusal names file, line and field; nothing hangs or expands."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from conversation_coach.yamlload import MAX_BYTES, LoadError, load_model


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    count: int = 0


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    items: list[Inner] = []
    note: str = ""


def _write(tmp_path: Path, text: str | bytes, name: str = "thing.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _problem(tmp_path: Path, text: str | bytes) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(LoadError) as info:
        load_model(path, Outer)
    message = str(info.value)
    assert message.startswith(f"{path}:"), message
    return message


def test_valid_file_loads(tmp_path):
    model = load_model(_write(tmp_path, "title: Tea at 12:30\nitems:\n  - name: a\n    count: 2\n"), Outer)
    assert model.title == "Tea at 12:30"
    assert model.items[0].count == 2


def test_times_stay_text(tmp_path):
    model = load_model(_write(tmp_path, "title: 12:30\n"), Outer)
    assert model.title == "12:30"


def test_syntax_error_names_line(tmp_path):
    message = _problem(tmp_path, "title: ok\nitems: [\n  - broken\n")
    assert "YAML syntax error" in message


def test_top_level_must_be_mapping(tmp_path):
    assert "top level must be a mapping" in _problem(tmp_path, "- a\n- b\n")


def test_duplicate_keys_refused_with_both_lines(tmp_path):
    message = _problem(tmp_path, "title: one\nnote: x\ntitle: two\n")
    assert ":3: title: duplicate key 'title' (first given on line 1)" in message


def test_aliases_refused(tmp_path):
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\ntitle: t\n'
    assert "anchors" in _problem(tmp_path, bomb)


def test_alias_without_anchor_refused(tmp_path):
    assert "not allowed" in _problem(tmp_path, "title: *nothing\n")


def test_deep_nesting_refused(tmp_path):
    deep = "title: t\nnote: " + "[" * 200 + "]" * 200 + "\n"
    assert "nested deeper" in _problem(tmp_path, deep)


def test_size_cap(tmp_path):
    big = "title: t\nnote: '" + "x" * (MAX_BYTES + 10) + "'\n"
    assert "the limit is" in _problem(tmp_path, big)


def test_binary_refused(tmp_path):
    assert "binary" in _problem(tmp_path, b"title: t\x00\x01\n")


def test_not_utf8_refused(tmp_path):
    assert "not UTF-8" in _problem(tmp_path, b"title: caf\xe9\n")


def test_unknown_field_did_you_mean(tmp_path):
    message = _problem(tmp_path, "title: t\nitems:\n  - name: a\n    cuont: 3\n")
    assert ":4: items[0].cuont: unknown field 'cuont'; did you mean 'count'?" in message


def test_yes_no_refused_unless_quoted(tmp_path):
    message = _problem(tmp_path, "title: t\nnote: no\n")
    assert ":2: note:" in message and "quotes" in message
    assert load_model(_write(tmp_path, 'title: t\nnote: "no"\n', "ok.yaml"), Outer).note == "no"


def test_python_tags_refused(tmp_path):
    message = _problem(tmp_path, "title: !!python/object/apply:os.system ['echo hi']\n")
    assert "not allowed" in message or "could not determine a constructor" in message


def test_missing_field_named(tmp_path):
    message = _problem(tmp_path, "note: x\n")
    assert "title: is required but missing" in message


def test_wrong_type_names_line(tmp_path):
    message = _problem(tmp_path, "title: t\nitems:\n  - name: a\n    count: lots\n")
    assert ":4: items[0].count:" in message


def test_empty_file(tmp_path):
    assert "empty" in _problem(tmp_path, "")
