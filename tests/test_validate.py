"""`validate`, `list`, `schema` and scenario lookup: every shipped file passes; bad files fail with file:line."""

from __future__ import annotations

import json
import re

import pytest

from conversation_coach.cli import main
from conversation_coach.paths import shipped_dir
from conversation_coach.scenario.load import UnknownScenario, list_scenarios, load_scenario

GOOD = (shipped_dir("scenarios") / "home-after-fall.yaml").read_text(encoding="utf-8")


def _validate(capsys, *paths) -> tuple[int, str, str]:
    code = main(["validate", *map(str, paths)])
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_everything_shipped_is_valid(capsys):
    code, out, err = _validate(capsys)
    assert code == 0, out + err
    n = len(list(shipped_dir("scenarios").glob("*.yaml")))
    assert f"checked {n} scenario" in out and "all valid" in out


def test_a_good_copy_is_valid(capsys, tmp_path):
    path = _write(tmp_path, "home-after-fall.yaml", GOOD)
    code, out, _err = _validate(capsys, path)
    assert code == 0 and "all valid" in out


# Each case: file name, text, the line the problem is on, words the message must hold.
def _cases():
    deep = "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)) + "  " * 40 + "v: 1\n"
    laughs = 'a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\n'
    return [
        ("syntax", "id: x\ntitle: [unclosed\nperson: y\n", 3, "YAML syntax error"),
        ("not-mapping", "- just\n- a list\n", 1, "top level must be a mapping"),
        ("dupe", GOOD.replace("difficulty: gentle", "difficulty: gentle\ndifficulty: moderate"),
         _line_of(GOOD, "difficulty: gentle") + 1, "duplicate key 'difficulty'"),
        ("alias", GOOD.replace("audience: induction", "audience: &aud induction"),
         _line_of(GOOD, "audience: induction"), "anchors"),
        ("laughs", laughs, 1, "not allowed"),
        ("deep", deep, None, "nested deeper"),
        ("unknown-field", GOOD.replace("difficulty: gentle", "dificulty: gentle"),
         _line_of(GOOD, "difficulty: gentle"), "did you mean 'difficulty'"),
        ("yes-no", GOOD.replace("pronouns: she/her", "pronouns: no"), _line_of(GOOD, "pronouns:"),
         "would be read as a yes/no value"),
        ("python-tag", GOOD.replace("title: ", "title: !!python/object/apply:os.system ['echo hi'] #", 1),
         _line_of(GOOD, "title: "), "tag"),
        ("wrong-id", GOOD, _line_of(GOOD, "id: home-after-fall"), "must equal the file name"),
        ("missing-trap-reaction", GOOD.replace("    labelling:\n", "    labelling_typo:\n"),
         _line_of(GOOD, "  traps:\n    expert") + 1, "missing: labelling"),
        ("bad-move", GOOD.replace("moves: [open_question, simple_reflection, complex_reflection]\n",
                                  "moves: [open_question, reflecting]\n", 1),
         _line_of(GOOD, "moves: [open_question, simple_reflection, complex_reflection]\n"), "moves"),
        ("function-word-cue", GOOD.replace("cues: [Wednesday, choir,", "cues: [can, choir,", 1),
         _line_of(GOOD, "cues: [Wednesday, choir,"), "'can' is a common function word"),
        ("closings-typo", GOOD.replace("closings:\n  warm:", "closings:\n  wram:", 1),
         _line_of(GOOD, "closings:\n  warm:") + 1, "did you mean 'warm'"),
    ]


@pytest.mark.parametrize("name,text,line,words", _cases(), ids=[c[0] for c in _cases()])
def test_bad_files_fail_with_file_and_line(capsys, tmp_path, name, text, line, words):
    path = _write(tmp_path, f"{name}.yaml", text)
    code, out, err = _validate(capsys, path)
    assert code == 1
    assert "Traceback" not in out + err
    problems = [p for p in out.splitlines() if p.startswith(str(path) + ":")]
    assert problems, out
    assert re.match(rf"^{re.escape(str(path))}:\d+: \S.*: .+", problems[0])
    if line is not None:
        assert any(p.startswith(f"{path}:{line}:") for p in problems), (line, out)
    assert any(words in p for p in problems), out
    assert "1 problem" in err or "problems" in err


def test_size_cap_and_binary_files(capsys, tmp_path):
    big = _write(tmp_path, "big.yaml", "a: " + "x" * 1_100_000 + "\n")
    nul = _write(tmp_path, "nul.yaml", b"id: x\n\x00\x01\x02")
    latin = _write(tmp_path, "latin.yaml", b"id: x\ntitle: caf\xe9\n")
    code, out, _err = _validate(capsys, big, nul, latin)
    assert code == 1
    assert f"{big}:1:" in out and "the limit is" in out
    assert f"{nul}:1:" in out and "binary" in out
    assert f"{latin}:2:" in out and "not UTF-8" in out


def test_missing_path_and_folder_of_files(capsys, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    _write(folder, "home-after-fall.yaml", GOOD)
    code, out, _err = _validate(capsys, folder)
    assert code == 0 and "checked 1 scenario" in out
    code, out, _err = _validate(capsys, tmp_path / "nope.yaml")
    assert code == 1 and "no such file" in out


def test_a_bad_rubric_is_checked_as_a_rubric(capsys, tmp_path):
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    path = _write(rubrics, "mine.yaml", "id: mine\nversion: '1'\ntitle: Mine\nstages: []\n")
    code, out, _err = _validate(capsys, path)
    assert code == 1 and f"{path}:" in out and "stages" in out and "rubric" in _err


def test_user_files_are_validated_and_listed(capsys, coach_home):
    user = coach_home / "scenarios"
    user.mkdir(parents=True)
    mine = GOOD.replace("id: home-after-fall", "id: my-visit").replace('title: "Nansi, home after a fall"',
                                                                        'title: "My own visit"')
    (user / "my-visit.yaml").write_text(mine, encoding="utf-8")
    assert main(["validate"]) == 0
    capsys.readouterr()
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"id": "my-visit", "title": "My own visit", "audience": "induction", "difficulty": "gentle"} in listed
    assert all(set(item) == {"id", "title", "audience", "difficulty"} for item in listed)
    assert load_scenario("my-visit").title == "My own visit"
    # A broken user file is reported by validate and skipped (with a warning) by list.
    (user / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    assert main(["validate"]) == 1
    assert f"{user / 'broken.yaml'}:" in capsys.readouterr().out
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    assert "my-visit" in out and "broken" in err


def test_user_file_shadowing_a_shipped_id_is_reported(capsys, coach_home):
    user = coach_home / "scenarios"
    user.mkdir(parents=True)
    (user / "home-after-fall.yaml").write_text(GOOD, encoding="utf-8")
    assert main(["validate"]) == 1
    assert "the shipped one is used" in capsys.readouterr().out


def test_unknown_scenario_lists_the_ids_that_exist(capsys):
    with pytest.raises(UnknownScenario) as info:
        load_scenario("no-such-visit")
    ids = [e.id for e in list_scenarios()]
    assert "home-after-fall" in ids and all(i in str(info.value) for i in ids)
    assert main(["play", "no-such-visit", "--plain"]) == 2
    err = capsys.readouterr().err
    assert "no scenario called 'no-such-visit'" in err and "home-after-fall" in err


def test_list_shows_every_shipped_scenario(capsys):
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [i["id"] for i in listed] == sorted(p.stem for p in shipped_dir("scenarios").glob("*.yaml"))
    assert main(["list"]) == 0
    assert "home-after-fall" in capsys.readouterr().out


@pytest.mark.parametrize("kind,field", [("scenario", "what_matters"), ("rubric", "rules")])
def test_schema_prints_json_schema(capsys, kind, field):
    assert main(["schema", kind]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert field in schema["properties"] and schema.get("additionalProperties") is False
