"""Read transcripts in any accepted format and save them atomically.

Accepted: the project's transcript JSON, a JSON list of turns, JSON Lines of
`{"speaker", "text"}`, or plain text lines `Speaker: text`. Speaker names are
mapped to `worker` / `person` through common aliases.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from conversation_coach.fsutil import atomic_write_text
from conversation_coach.transcript.model import SCHEMA_VERSION, Transcript, Turn

MAX_TRANSCRIPT_BYTES = 20_000_000

WORKER_ALIASES = {
    "worker", "trainee", "practitioner", "therapist", "interviewer", "counsellor", "counselor",
    "care worker", "carer worker", "support worker", "social worker", "candidate", "staff", "me",
    "t", "w", "you", "student", "nurse", "assessor", "professional",
}
PERSON_ALIASES = {
    "person", "client", "individual", "carer", "service user", "user", "resident", "patient",
    "p", "c", "parent", "customer", "tenant", "young person", "them", "family",
}
_SPEAKER_LINE = re.compile(r"^\s*(?:\[[^\]]{0,20}\]\s*)?(?P<name>[A-Za-z][\w .'\-]{0,39}?)\s*[:：]\s*(?P<text>.*)$")


class TranscriptError(Exception):
    """A transcript could not be read: names the file and, where known, the line."""

    def __init__(self, source: str, message: str, line: int | None = None):
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass
class ParsedTranscript:
    transcript: Transcript
    unattributed: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)
    unknown_speakers: dict[str, int] = field(default_factory=dict)  # name -> first line


def normalise_speaker(name: str, worker_names: set[str] | None = None,
                      person_names: set[str] | None = None) -> str | None:
    """Map a speaker label to 'worker' or 'person', or None when it cannot be told."""
    key = re.sub(r"\s+", " ", str(name).strip().lower().strip("*_"))
    if worker_names and key in {w.lower() for w in worker_names}:
        return "worker"
    if person_names and key in {p.lower() for p in person_names}:
        return "person"
    if key in WORKER_ALIASES:
        return "worker"
    if key in PERSON_ALIASES:
        return "person"
    return None


def read_source(path: str) -> tuple[str, str]:
    """Read a path (or '-' for stdin) as text; returns (source label, text)."""
    import sys

    if path == "-":
        return "-", sys.stdin.read()
    p = Path(path)
    try:
        if p.stat().st_size > MAX_TRANSCRIPT_BYTES:
            raise TranscriptError(path, f"file is larger than {MAX_TRANSCRIPT_BYTES:,} bytes")
        raw = p.read_bytes()
    except OSError as exc:
        raise TranscriptError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        return path, raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TranscriptError(path, "not UTF-8 text", line) from None


def parse_transcript_text(text: str, source: str, *, worker_names: set[str] | None = None,
                          person_names: set[str] | None = None, strict: bool = True) -> ParsedTranscript:
    """Parse any accepted format. With `strict`, a line that cannot be attributed is an error."""
    stripped = text.lstrip()
    if not stripped:
        raise TranscriptError(source, "the transcript is empty")
    if stripped[0] in "{[":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if stripped[0] == "{" and "\n" in stripped.strip():
                return _parse_jsonl(text, source, worker_names, person_names, strict)
            raise TranscriptError(source, f"not valid JSON: {exc.msg}", exc.lineno) from None
        return _parse_json(data, source, worker_names, person_names, strict)
    return _parse_plain(text, source, worker_names, person_names, strict)


def _turn(speaker_raw: object, text: object, source: str, line: int | None, worker_names, person_names,
          strict: bool, parsed: ParsedTranscript) -> Turn | None:
    if not isinstance(text, str):
        raise TranscriptError(source, "a turn's 'text' must be a string", line)
    speaker = normalise_speaker(str(speaker_raw), worker_names, person_names) if speaker_raw is not None else None
    if speaker is None:
        name = str(speaker_raw)
        parsed.unknown_speakers.setdefault(name, line or 0)
        if strict:
            raise TranscriptError(
                source, f"unknown speaker '{name}' (use worker/person or a common name such as "
                "trainee, client; or map it with --worker NAME)", line)
        parsed.unattributed.append((line or 0, f"{name}: {text}"))
        return None
    return Turn(speaker=speaker, text=text)


def _embedded_transcript(data: object) -> object:
    """A supervision record made by `export --format json` carries the transcript inside: read that."""
    if isinstance(data, dict) and "format" in data and isinstance(data.get("transcript"), dict):
        from conversation_coach.report.json_export import EXPORT_FORMAT

        if data["format"] == EXPORT_FORMAT:
            return data["transcript"]
    return data


def _parse_json(data: object, source: str, worker_names, person_names, strict: bool) -> ParsedTranscript:
    data = _embedded_transcript(data)
    if isinstance(data, dict) and "turns" in data and "schema_version" in data:
        version = data["schema_version"]
        if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            raise TranscriptError(source, f"made by a newer version of conversation-coach (schema {version}; "
                                  f"this version reads up to {SCHEMA_VERSION}); please upgrade to read it")
        try:
            return ParsedTranscript(Transcript.model_validate(data))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise TranscriptError(source, f"not a valid transcript: {where}: {err['msg']}") from None
    if isinstance(data, dict) and "text" in data and "turns" not in data:
        data = [data]  # JSON Lines with a single {"speaker", "text"} line
    turns_data = data.get("turns") if isinstance(data, dict) else data
    if not isinstance(turns_data, list):
        raise TranscriptError(source, "expected a transcript object or a list of {speaker, text} turns")
    parsed = ParsedTranscript(Transcript(mode="imported"))
    for i, item in enumerate(turns_data):
        if not isinstance(item, dict) or "text" not in item:
            raise TranscriptError(source, f"turn {i} is not a {{speaker, text}} object")
        turn = _turn(item.get("speaker"), item["text"], source, None, worker_names, person_names, strict, parsed)
        if turn:
            parsed.transcript.turns.append(turn)
    return parsed


def _parse_jsonl(text: str, source: str, worker_names, person_names, strict: bool) -> ParsedTranscript:
    parsed = ParsedTranscript(Transcript(mode="imported"))
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TranscriptError(source, f"not valid JSON Lines: {exc.msg}", lineno) from None
        if not isinstance(item, dict) or "text" not in item:
            raise TranscriptError(source, "each line must be a {\"speaker\", \"text\"} object", lineno)
        turn = _turn(item.get("speaker"), item["text"], source, lineno, worker_names, person_names, strict, parsed)
        if turn:
            parsed.transcript.turns.append(turn)
    if not parsed.transcript.turns and not parsed.unattributed:
        raise TranscriptError(source, "the transcript has no turns")
    return parsed


def _parse_plain(text: str, source: str, worker_names, person_names, strict: bool) -> ParsedTranscript:
    """`Speaker: text` lines; an unlabelled line continues the previous turn."""
    parsed = ParsedTranscript(Transcript(mode="imported"))
    last: Turn | None = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            last = None if not line.strip() else last
            continue
        match = _SPEAKER_LINE.match(line)
        if match:
            speaker = normalise_speaker(match["name"], worker_names, person_names)
            if speaker is not None:
                last = Turn(speaker=speaker, text=match["text"].strip())
                parsed.transcript.turns.append(last)
                continue
            if strict:
                raise TranscriptError(
                    source, f"unknown speaker '{match['name'].strip()}' (use worker/person or a common name "
                    "such as trainee, client; or map it with --worker NAME)", lineno)
            parsed.unknown_speakers.setdefault(match["name"].strip(), lineno)
            parsed.unattributed.append((lineno, line.strip()))
            last = None
            continue
        if last is not None:
            last.text = f"{last.text} {line.strip()}".strip()
            continue
        if strict:
            raise TranscriptError(source, "line is not 'Speaker: text'", lineno)
        parsed.unattributed.append((lineno, line.strip()))
    if not parsed.transcript.turns and strict:
        raise TranscriptError(source, "no 'Speaker: text' lines found")
    return parsed


def load_transcript(path: str, **kwargs) -> Transcript:
    source, text = read_source(path)
    return parse_transcript_text(text, source, **kwargs).transcript


def dump_transcript(transcript: Transcript) -> str:
    return transcript.model_dump_json(indent=2, exclude_none=False) + "\n"


def save_transcript(transcript: Transcript, path: Path) -> None:
    """Atomic, private (0600) save: a crash leaves the previous complete version."""
    from conversation_coach.transcript.model import now_iso

    transcript.updated = now_iso()
    atomic_write_text(Path(path), dump_transcript(transcript))
