"""Replace the names and candidate ids a transcript carries, everywhere they occur, before export.

The names come from the transcript itself (person, trainee, candidate, reviewers)
plus any the caller adds (say, a daughter named in an imported visit note). Each
is replaced by a bracketed role label in every string: turn text, evidence
quotes, comments, suggestions, ids. A full name matches in any case; a single
part of a name ("Margaret", "Ellis") matches when capitalised, so a person
called Hope does not take "hope" out of every sentence; a courtesy title before
it goes with it ("Mrs Ellis" -> "[person]").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel

from conversation_coach.transcript.model import Transcript

PERSON, WORKER, CANDIDATE, SUPERVISOR, OTHER = "[person]", "[worker]", "[candidate]", "[supervisor]", "[name]"
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Nurse|Auntie|Aunty|Uncle|Nan|Nanna|Grandad)\.?\s+"
_NOT_NAMES = {"the", "and", "of", "de", "van", "von", "la", "le", "mr", "mrs", "ms", "miss", "mx", "dr"}
# Fields that hold codes (move names, rule ids, enum values), never free text.
_CODE_KEYS = {"speaker", "main", "moves", "trap", "traps", "rule", "target", "mode", "ended_by", "band",
              "schema_version", "rubric_id", "rubric_version", "scenario_version", "app_version", "at",
              "created", "updated", "surfaced", "missed"}

M = TypeVar("M", bound=BaseModel)


class Pseudonymiser:
    """Built from one transcript; applies the same replacements to it and to anything reported from it."""

    def __init__(self, transcript: Transcript, extra_names: Iterable[str] = ()):
        entries: list[tuple[str, str]] = []
        if transcript.person_name:
            entries.append((transcript.person_name, PERSON))
        if transcript.candidate:
            entries.append((transcript.candidate, CANDIDATE))
        if transcript.trainee:
            entries.append((transcript.trainee, WORKER))
        reviewers = {transcript.reviewed_by} | {t.review.reviewer for t in transcript.turns if t.review}
        entries.extend((r, SUPERVISOR) for r in sorted(reviewers) if r)
        entries.extend((n, OTHER) for n in extra_names if n and n.strip())
        self._patterns = self._build(entries)

    @staticmethod
    def _build(entries: list[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
        whole: list[tuple[str, str]] = []
        parts: list[tuple[str, str]] = []
        for name, label in entries:
            name = " ".join(name.split())
            if not name:
                continue
            whole.append((name, label))
            tokens = re.findall(r"[^\W\d_][\w'\-]*", name)
            if len(tokens) > 1:
                parts.extend((tok, label) for tok in tokens if len(tok) > 1 and tok.lower() not in _NOT_NAMES)
        patterns: list[tuple[re.Pattern[str], str]] = []
        # Longest first, so "Margaret Ellis" goes before "Margaret".
        for name, label in sorted(whole, key=lambda e: -len(e[0])):
            patterns.append((re.compile(rf"(?<!\w)(?:{_TITLES})?{re.escape(name)}(?!\w)", re.IGNORECASE), label))
        for tok, label in sorted(parts, key=lambda e: -len(e[0])):
            first, rest = tok[0], tok[1:]
            pat = rf"(?<!\w)(?:{_TITLES})?(?:{re.escape(first.upper())}(?i:{re.escape(rest)})|{re.escape(tok.upper())})(?!\w)"
            patterns.append((re.compile(pat), label))
        return patterns

    def text(self, value: str) -> str:
        for pattern, label in self._patterns:
            value = pattern.sub(label, value)
        return value

    def _walk(self, value: Any, key: str | None = None) -> Any:
        if key in _CODE_KEYS:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self._walk(v, key) for v in value]
        if isinstance(value, dict):
            return {k: self._walk(v, k) for k, v in value.items()}
        return value

    def model(self, obj: M) -> M:
        """A copy of any pydantic model (Transcript, Assessment) with every free-text string pseudonymised."""
        return type(obj).model_validate(self._walk(obj.model_dump(mode="json")))

    def transcript(self, transcript: Transcript) -> Transcript:
        out = self.model(transcript)
        # The role fields say who, not what they are called.
        out.person_name = PERSON if transcript.person_name else None
        out.trainee = WORKER if transcript.trainee else None
        out.candidate = CANDIDATE if transcript.candidate else None
        return out
