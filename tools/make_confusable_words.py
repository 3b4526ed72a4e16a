"""Rebuild src/conversation_coach/scenario/confusable_words.txt.gz from a system word list (dev tool, not shipped).

The cue matcher forgives typos only in words that are not themselves real words a
slip away from another word. This lists those words: lower-case dictionary words of
7+ letters with a neighbour (same first letter, stems one edit apart, two for 10+
letters) in the same list. Needs Debian's `wbritish` (SCOWL, British English):
    apt-get install wbritish && python tools/make_confusable_words.py
"""

from __future__ import annotations

import gzip
import re
import sys
from collections import defaultdict
from pathlib import Path

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from conversation_coach.scenario.cues import FUZZY_MIN_LEN, LONG_WORD, stem

SOURCE = Path("/usr/share/dict/british-english")
TARGET = Path(__file__).resolve().parents[1] / "src/conversation_coach/scenario/confusable_words.txt.gz"
HEADER = """# Words a close spelling could mistake for another word (each has a neighbour one slip away, same first
# letter, 7+ letters). Derived from SCOWL's British English list (Debian package wbritish 2020.12.07) by
# tools/make_confusable_words.py. SCOWL: Copyright 2000-2011 by Kevin Atkinson; permission to use, copy,
# modify, distribute and sell these word lists is granted without fee, provided this notice appears in all copies.
"""


def _close(a: str, b: str) -> bool:
    distance = OSA.distance(a, b, score_cutoff=2)
    return distance <= 1 or (min(len(a), len(b)) >= LONG_WORD and distance <= 2)


def main() -> int:
    pattern = re.compile(rf"[a-z]{{{FUZZY_MIN_LEN},}}")
    words = sorted({w for w in SOURCE.read_text(encoding="utf-8").split() if pattern.fullmatch(w)})
    by_letter: dict[str, list[str]] = defaultdict(list)
    for word in words:
        by_letter[word[0]].append(word)
    found: set[str] = set()
    for group in by_letter.values():
        stems = {w: stem(w) for w in group}
        choices = sorted(set(stems.values()))
        for word, own in stems.items():
            for other, _score, _i in extract(own, choices, scorer=OSA.distance, score_cutoff=2, limit=None):
                if other != own and _close(own, other):
                    found.add(word)
                    break
    TARGET.write_bytes(gzip.compress((HEADER + "\n".join(sorted(found)) + "\n").encode("utf-8"), mtime=0))
    print(f"{len(found)} of {len(words)} words written to {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
