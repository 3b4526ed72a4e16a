"""How well the coder does on labelled care-worker lines: the sets it was tuned on and the unseen ones.

    python benchmarks/bench_care_lines.py

`tests/data/care_lines/` holds sets the rules were tuned on (tests guard them against regressions);
`benchmarks/data/care_unseen/` holds sets written after the rules and never used to tune them, so
their figures say how the coder copes with new writers. Prints figures only — never the misses of
the unseen sets, which would turn them into tuning data.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from conversation_coach.rubric.coder import code_turns, code_utterance
from conversation_coach.rubric.load import load_rubric
from conversation_coach.transcript.model import Turn

REPO = Path(__file__).resolve().parent.parent
GROUPS = (("tuned", REPO / "tests" / "data" / "care_lines"), ("unseen", REPO / "benchmarks" / "data" / "care_unseen"))
TRAPS = ("expert", "power", "problem_solving", "question_answer", "yes_but", "labelling", "confrontational")


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def measure(path: Path, rubric) -> dict[str, float]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data["utterances"]
    found: list[tuple[dict, str, set[str]]] = []
    for item in items:
        history = [Turn(speaker="person", text=item["context"])] if item.get("context") else []
        coding = code_utterance(item["text"], history, rubric)
        found.append((item, coding.main, {t.trap for t in coding.traps}))
    main_acc = sum(main == item["main"] for item, main, _ in found) / len(found)
    f1s = []
    for trap in TRAPS:
        tp = sum(trap in got and trap in item["traps"] for item, _, got in found)
        fp = sum(trap in got and trap not in item["traps"] for item, _, got in found)
        fn = sum(trap not in got and trap in item["traps"] for item, _, got in found)
        if tp + fn:
            f1s.append(_f1(tp, fp, fn))
    clean = [got for item, _, got in found if not item["traps"]]
    sequences = data.get("sequences") or []
    seq_ok = 0
    for seq in sequences:
        turns = [Turn(speaker=t["speaker"], text=t["text"]) for t in seq["sequence"]]
        caught = any(t.trap == "question_answer" for c in code_turns(turns, rubric) for t in c.traps)
        seq_ok += caught == seq["question_answer_trap"]
    return {
        "lines": len(items),
        "main_acc": main_acc,
        "trap_macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "false_trap_rate": sum(bool(got) for got in clean) / len(clean) if clean else 0.0,
        "sequences": seq_ok / len(sequences) if sequences else 1.0,
    }


def main() -> None:
    rubric = load_rubric()
    print(f"{'set':<16}{'lines':>6}{'main acc':>10}{'trap F1':>9}{'false traps':>13}{'Q&A runs':>10}")
    for group, folder in GROUPS:
        for path in sorted(folder.glob("*.yaml")):
            m = measure(path, rubric)
            print(f"{group + '/' + path.stem:<16}{m['lines']:>6}{m['main_acc']:>10.3f}{m['trap_macro_f1']:>9.3f}"
                  f"{m['false_trap_rate']:>13.3f}{m['sequences']:>10.2f}")


if __name__ == "__main__":
    main()
