"""Record the outcome: judge a trainee's one-line record of what matters, and check it is in the person's words.

The seed's principles for recording outcomes: record what the person wants to
achieve (not the service that might help), and record it in their own words.
`check_outcome` judges the first; this module adds the second by comparing the
record with what the person actually said in the transcript: which of their
content words and short phrases it uses, and, when it uses none, one of their
lines to quote back ("record it in their words: they said ..."). Headless, so the
line mode and the full-screen app share it; front ends clean every string for
display (the record, the quote and the reasons all carry user or file text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from conversation_coach.drills.outcome import CATEGORY_LABELS, Category, check_outcome
from conversation_coach.scenario.cues import FUNCTION_WORDS, fold, stem
from conversation_coach.transcript.model import Transcript

_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
_STAGE_DIRECTION = re.compile(r"\([^()]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Words too general to show that a record kept the person's words: chat fillers and the record's own wording.
_GENERIC = frozenset("""also anyway back bach bit butt come coming day days ever everyone everything feel
find get gets getting give go going gone good got just keep keeps kept know let like look lot lots love make
mean mind much need needs okay once one put really right said say says see sure take takes taking tell thank
thanks thing things think time times today told try twice use used want wanted wants way well went wish would
yeah years""".split())
MIN_PHRASE_CONTENT_WORDS = 2
QUOTE_MAX_CHARS = 140


@dataclass
class RecordedOutcomeVerdict:
    """The checker's verdict on a recorded outcome, plus which of the person's own words it uses."""

    text: str
    is_outcome: bool
    category: Category
    reasons: list[str] = field(default_factory=list)
    own_words: list[str] = field(default_factory=list)
    quote: str | None = None

    @property
    def uses_their_words(self) -> bool:
        return bool(self.own_words)

    def as_dict(self) -> dict:
        return {"text": self.text, "is_outcome": self.is_outcome, "category": self.category,
                "reasons": list(self.reasons), "own_words": list(self.own_words), "quote": self.quote}


@dataclass(frozen=True)
class _Token:
    key: str  # folded stem, for comparing
    content: bool
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        word = fold(m.group(0)).replace("\u2019", "'").split("'")[0]
        if not word:
            continue
        content = word not in FUNCTION_WORDS and word not in _GENERIC and len(word) > 2
        out.append(_Token(stem(word), content, m.start(), m.end()))
    return out


def _spoken(line: str) -> str:
    """What the person said, without stage directions such as '(She smiles.)'."""
    return re.sub(r"\s{2,}", " ", _STAGE_DIRECTION.sub(" ", line)).strip()


def _person_lines(transcript: Transcript) -> list[str]:
    return [s for s in (_spoken(t.text) for t in transcript.turns if t.speaker == "person") if s]


def _longest_run(record: list[_Token], i: int, line: list[_Token]) -> tuple[int, int]:
    """The longest run of record words from `i` that appears word for word in `line`: (length, start in line)."""
    best = (0, 0)
    for j in range(len(line)):
        n = 0
        while i + n < len(record) and j + n < len(line) and record[i + n].key == line[j + n].key:
            n += 1
        if n > best[0]:
            best = (n, j)
    return best


def _phrase(record: list[_Token], i: int, lines: list[tuple[str, list[_Token]]]) -> tuple[int, str] | None:
    """A short phrase of theirs starting at record word `i`: (record words used, the phrase as they said it)."""
    best: tuple[int, str] | None = None
    for text, toks in lines:
        n, j = _longest_run(record, i, toks)
        run = toks[j:j + n]
        while run and not run[-1].content:  # no phrase ends on "the"
            run = run[:-1]
        if not run or not run[0].content or sum(t.content for t in run) < MIN_PHRASE_CONTENT_WORDS:
            continue
        if best is None or len(run) > best[0]:
            best = (len(run), text[run[0].start:run[-1].end])
    return best


def _own_words(record_text: str, lines: list[str]) -> list[str]:
    """Their phrases and content words the record uses, as they said them, in the record's order."""
    record = _tokens(record_text)
    tokenised = [(line, _tokens(line)) for line in lines]
    said: dict[str, str] = {}
    for line, toks in tokenised:
        for t in toks:
            if t.content:
                said.setdefault(t.key, line[t.start:t.end])
    found: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(record):
        phrase = _phrase(record, i, tokenised) if record[i].content else None
        if phrase is not None:
            used, text = phrase
            if text.lower() not in seen:
                found.append(text)
                seen.add(text.lower())
            seen.update(t.key for t in record[i:i + used] if t.content)
            i += used
            continue
        tok = record[i]
        if tok.content and tok.key in said and tok.key not in seen:
            found.append(said[tok.key])
            seen.add(tok.key)
        i += 1
    return found


def _shorten(line: str) -> str:
    if len(line) <= QUOTE_MAX_CHARS:
        return line
    kept = ""
    for sentence in _SENTENCE_END.split(line):
        if kept and len(kept) + 1 + len(sentence) > QUOTE_MAX_CHARS:
            break
        kept = f"{kept} {sentence}".strip()
    return kept if len(kept) <= QUOTE_MAX_CHARS else kept[:QUOTE_MAX_CHARS - 1].rstrip() + "\u2026"


def _best_sentence(record_text: str, lines: list[str]) -> str | None:
    """The sentence of theirs that shares most words with the record."""
    wanted = {t.key for t in _tokens(record_text) if t.content}
    best: tuple[int, str] | None = None
    for line in lines:
        for sentence in _SENTENCE_END.split(line):
            shared = len(wanted & {t.key for t in _tokens(sentence) if t.content})
            if shared and (best is None or shared > best[0]):
                best = (shared, sentence)
    return best[1] if best else None


def _what_mattered_line(transcript: Transcript, what_matters_ids: set[str] | None) -> str | None:
    """A line in which the person said what matters to them (the first), else their fullest line."""
    person = [t for t in transcript.turns if t.speaker == "person" and _spoken(t.text)]
    for turn in person:
        if turn.surfaced and (what_matters_ids is None or set(turn.surfaced) & what_matters_ids):
            return _spoken(turn.text)
    for turn in person:
        if turn.surfaced:
            return _spoken(turn.text)
    candidates = person[:-1] if len(person) > 1 and transcript.finished else person  # not the goodbye
    if not candidates:
        return None
    return _spoken(max(candidates, key=lambda t: sum(tok.content for tok in _tokens(t.text))).text)


def judge_recorded_outcome(text: str, transcript: Transcript, *,
                           what_matters_ids: set[str] | None = None) -> RecordedOutcomeVerdict:
    """Is `text` a personal outcome, and does it use the person's own words from `transcript`?

    `what_matters_ids` (the scenario's what-matters ids) lets the quote prefer a line
    where the person said what matters over one where they named a strength.
    """
    text = " ".join(text.split())
    verdict = check_outcome(text)
    lines = _person_lines(transcript)
    own = _own_words(text, lines) if text else []
    reasons = list(verdict.reasons)
    if own:
        quote = _best_sentence(text, lines)
        reasons.append("uses their own words: " + ", ".join(f'"{w}"' for w in own))
    else:
        quote = _what_mattered_line(transcript, what_matters_ids)
        quote = _shorten(quote) if quote else None
        if quote:
            reasons.append(f'uses none of their words; record it in their words: they said "{quote}"')
        else:
            reasons.append("uses none of their words; record what matters in the words they use")
    return RecordedOutcomeVerdict(text=text, is_outcome=verdict.is_outcome, category=verdict.category,
                                  reasons=reasons, own_words=own, quote=quote)


def feedback_lines(verdict: RecordedOutcomeVerdict, person: str) -> list[str]:
    """The verdict in plain sentences for a summary (not yet cleaned for display: clean each line)."""
    first = person.split()[0] if person.strip() else "the person"
    if verdict.is_outcome:
        lines = ["That reads as a personal outcome."]
    else:
        lines = [f"That is not yet a personal outcome: it reads as a {CATEGORY_LABELS[verdict.category]}."]
    lines += [f"  - {r}" for r in verdict.reasons if not r.startswith("uses ")]
    if verdict.own_words:
        lines.append(f"In {first}'s own words: " + ", ".join(f'"{w}"' for w in verdict.own_words) + ".")
    elif verdict.quote:
        lines.append(f"It uses none of {first}'s words. Record it in their words: they said \"{verdict.quote}\"")
    else:
        lines.append(f"It uses none of {first}'s words. Record what matters in the words they use.")
    return lines


def store_outcome_record(transcript: Transcript, text: str, path: Path | None) -> None:
    """Keep the trainee's record with the conversation (`outcome_record`), saved atomically when it has a file."""
    from conversation_coach.transcript.io import save_transcript

    transcript.outcome_record = " ".join(text.split()) or None
    if path is not None:
        save_transcript(transcript, Path(path))
