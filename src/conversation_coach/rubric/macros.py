"""The two macros a rubric pattern may use, and how they expand.

- `<gap:N>` means "up to N words". It expands into a bounded form the author could not write
  directly (a repeat inside a repeat), safe because every word must end at a space.
- `<list:NAME>` means "any item of the rubric's list NAME". Lists let a rule join a lexicon
  to a frame ("sounds like a touch of" + every condition) in one short pattern instead of
  writing out every pairing, and let an organisation add a word in one place.

The safety check (rubric/safe_pattern.py) runs on the expanded pattern, with a gap standing
in as one bounded repeat of one word, so a list or a gap inside a repeat is judged for what
it becomes.
"""

from __future__ import annotations

import difflib
import re

GAP = re.compile(r"<gap:(\d{1,2})>")
LIST = re.compile(r"<list:([a-z][a-z0-9_-]*)>")
LIST_NAME = r"^[a-z][a-z0-9_-]*$"


class UnknownList(ValueError):
    def __init__(self, name: str, known: list[str]):
        guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        if guess:
            super().__init__(f"unknown list '{name}' (did you mean '{guess[0]}'?)")
        else:
            super().__init__(f"unknown list '{name}'; the rubric's lists: {', '.join(sorted(known)) or 'none'}")


def list_names(pattern: str) -> list[str]:
    return LIST.findall(pattern)


def macro_problem(pattern: str) -> str | None:
    """A macro written so that it would be read as plain text, or None."""
    if pattern.count("<list:") != len(LIST.findall(pattern)):
        return "write a list as <list:NAME>, the name in lower case letters, digits, - or _"
    if pattern.count("<gap:") != len(GAP.findall(pattern)):
        return "write a gap as <gap:N>, N a number of words up to 99"
    return None


def expand(pattern: str, lists: dict[str, list[str]] | None = None, *, for_check: bool = False) -> str:
    """`pattern` with its macros expanded; `for_check` gives gaps the shape the safety check should judge."""
    if "<list:" in pattern:
        known = lists or {}

        def one_list(m: re.Match[str]) -> str:
            items = known.get(m.group(1))
            if items is None:
                raise UnknownList(m.group(1), list(known))
            return "(?:" + "|".join(items) + ")"

        pattern = LIST.sub(one_list, pattern)
    if "<gap:" in pattern:
        word = "(?:w )" if for_check else r"(?:[\w'-]+[,;]? )"
        pattern = GAP.sub(lambda m: word + "{0," + str(int(m.group(1))) + "}", pattern)
    return pattern
