"""The person the trainee talks to: a deterministic state machine over a scenario.

Each trainee reply is coded by the rubric's coder; the coding moves the person's
trust and decides what they say. What matters to them (and their strengths)
surfaces only when the move is one the item allows, trust has reached the item's
level, and the trainee's words pick up one of its cues (or ask broadly about what
matters, hopes or a good day). Traps get the trap's own reaction and cost trust;
when trust falls to the scenario's low mark the person ends the visit (after the
trap's reaction, so the trainee hears why). The goodbye fits how the visit went:
the scenario's warm or cool `closings` by the trust at the end, else `closing`.
Nothing here is random, so the same replies always give the same conversation — which
recruitment panels rely on. The transcript is saved atomically after every turn.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from conversation_coach.paths import ensure_private_dir, user_home
from conversation_coach.rubric.coding import Coding
from conversation_coach.rubric.model import Rubric
from conversation_coach.scenario.cues import cue_matches, echoes, is_broad_question
from conversation_coach.scenario.model import Discoverable, Scenario, Strength
from conversation_coach.transcript.model import Transcript, Turn, now_iso

Mode = Literal["practice", "assessment"]
EndedBy = Literal["trainee", "person", "max_turns", "time_limit"]
ClosingMood = Literal["warm", "neutral", "cool"]

# Default trust changes; a scenario may override any of them in trust.effects.
MOVE_EFFECTS: dict[str, float] = {
    "open_question": 0.4,
    "closed_question": 0.0,
    "simple_reflection": 0.6,
    "complex_reflection": 1.0,
    "summary": 0.8,
    "affirmation": 0.5,
    "permission": 0.3,
    "information": 0.0,
    "advice": -0.5,
    "other": 0.0,
}
TRAP_EFFECTS: dict[str, float] = {
    "expert": -1.5,
    "power": -2.5,
    "problem_solving": -1.25,
    "question_answer": -1.0,
    "yes_but": -1.5,
    "labelling": -2.5,
    "confrontational": -2.0,
}
# Moves whose gain is halved when the trainee has just asked a question too (questions
# stacked on questions earn less than questions that follow listening).
QUESTION_MOVES = ("open_question", "closed_question")
LISTENING_MOVES = ("simple_reflection", "complex_reflection", "summary")
EXTRA_TRAP_SHARE = 0.25
HINT_MARGIN = 1.5  # how close trust must be to an item's level before the person drops its hint
MAX_HINTS_PER_ITEM = 2
HINT_GAP = 3  # a hint is not repeated within this many of the person's lines
ECHO_WORDS = 2  # content words of the person's line a reply must pick up to count as about it
WARM_CLOSING_TRUST = 7.0  # at or above this the person says the scenario's warm goodbye (closings.warm)
CANDIDATE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class Exchange:
    """One trainee reply and what came of it."""

    text: str
    coding: Coding
    person_line: str
    trust: float
    trust_change: float
    newly_surfaced: list[str] = field(default_factory=list)
    ended: bool = False
    ended_by: str | None = None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _app_version() -> str:
    from conversation_coach import __version__

    return __version__


def _code_latest(turns: list[Turn], rubric: Rubric) -> Coding:
    """Code the last (worker) turn in context, with conversation-level traps such as question-and-answer.

    Earlier turns keep the codings they were given (re-coding the whole conversation on
    every reply would make a long visit slow); the conversation-level pass then runs over
    copies of them, exactly as `code_turns` would.
    """
    from conversation_coach.rubric import coder

    try:
        from conversation_coach.rubric.sequence import apply_sequence_traps
    except ImportError:
        return coder.code_turns(turns, rubric)[-1]
    if any(t.speaker == "worker" and t.coding is None for t in turns[:-1]):
        return coder.code_turns(turns, rubric)[-1]
    codings = [t.coding.model_copy(deep=True) if t.coding else Coding() for t in turns[:-1]]
    codings.append(coder.code_utterance(turns[-1].text, turns[:-1], rubric))
    apply_sequence_traps(turns, codings, rubric)
    return codings[-1]


class Conversation:
    """A visit in progress. See api-contracts.md for the interface front ends rely on."""

    def __init__(
        self,
        scenario: Scenario,
        rubric: Rubric,
        *,
        mode: Mode = "practice",
        candidate: str | None = None,
        trainee: str | None = None,
        save_path: Path | None | Literal["auto"] = "auto",
        time_limit_minutes: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        if mode not in ("practice", "assessment"):
            raise ValueError(f"mode must be practice or assessment, not {mode!r}")
        if mode == "assessment":
            if not candidate:
                raise ValueError("an assessment needs a candidate id")
        if candidate is not None and not CANDIDATE_ID.match(candidate):
            raise ValueError("a candidate id is 1-64 letters, digits, '.', '_' or '-' (no spaces or slashes)")
        if time_limit_minutes is not None and time_limit_minutes <= 0:
            raise ValueError("the time limit must be more than 0 minutes")
        self.scenario = scenario
        self.rubric = rubric
        self.mode: Mode = mode
        self._clock = clock
        self._started = clock()
        self._elapsed_before = 0.0
        self.time_limit_minutes = time_limit_minutes
        self.trust: float = scenario.trust.start
        self.trust_start: float = scenario.trust.start
        self.finished = False
        self.ended_by: str | None = None
        self.stages_reached: set[int] = set()
        self.surfaced: list[str] = []
        self._cycle: dict[str, int] = {}
        self._hints_given: dict[str, int] = {}
        self._follow_ups_said: set[str] = set()
        self._worker_texts: list[str] = []
        # Set by `resume` when the scenario or rubric changed since the conversation was saved.
        self.version_warnings: list[str] = []
        self._items: dict[str, Discoverable] = {d.id: d for d in [*scenario.what_matters, *scenario.strengths]}
        self.transcript = Transcript(
            app_version=_app_version(),
            mode=mode,
            candidate=candidate,
            trainee=trainee,
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            scenario_title=scenario.title,
            person_name=scenario.person.name,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            time_limit_minutes=time_limit_minutes,
        )
        self.path: Path | None = self._choose_path(save_path, candidate)
        self.transcript.id = self.path.stem if self.path else f"{scenario.id}-unsaved"
        self._add_person(scenario.opening, surfaced=[])
        self._save()

    # ----- public API -------------------------------------------------------------------------
    @property
    def what_matters_total(self) -> int:
        return len(self.scenario.what_matters)

    @property
    def what_matters_found(self) -> int:
        ids = {w.id for w in self.scenario.what_matters}
        return sum(1 for i in self.surfaced if i in ids)

    @property
    def worker_turns(self) -> int:
        return sum(1 for t in self.transcript.turns if t.speaker == "worker")

    def time_left(self) -> float | None:
        """Seconds left when a time limit is set (never below 0); None otherwise."""
        if self.time_limit_minutes is None:
            return None
        used = self._elapsed_before + (self._clock() - self._started)
        return max(0.0, self.time_limit_minutes * 60 - used)

    def respond(self, text: str) -> Exchange:
        """The trainee says `text`; the person answers. Saves the transcript before returning."""
        if self.finished:
            raise RuntimeError("the conversation has finished")
        text = text.strip()
        if not text:
            raise ValueError("an empty reply")
        worker = Turn(speaker="worker", text=text, at=now_iso())
        coding = _code_latest([*self.transcript.turns, worker], self.rubric)
        worker.coding = coding
        self.transcript.turns.append(worker)
        if coding.stage:
            self.stages_reached.add(coding.stage)

        time_up = self.time_left() == 0.0
        before = self.trust
        line, surfaced, ended_by = self._react(text, coding)
        self._worker_texts.append(_normalise(text))
        if ended_by is None and time_up:
            line, ended_by = self._say_once(f"{line} {self.closing_line()}"), "time_limit"
        elif ended_by is None and self.worker_turns >= self.scenario.max_turns:
            line, ended_by = f"{line} {self.closing_line()}", "max_turns"
        self._add_person(line, surfaced=surfaced)
        if ended_by:
            self._finish(ended_by)
        self._save()
        return Exchange(text=text, coding=coding, person_line=line, trust=self.trust,
                        trust_change=round(self.trust - before, 2), newly_surfaced=surfaced,
                        ended=self.finished, ended_by=self.ended_by)

    def end(self, by: str = "trainee") -> str:
        """The visit ends (the trainee leaves, or time is up): the person's closing line, saved."""
        if self.finished:
            return ""
        line = self._say_once(self.closing_line())
        self._add_person(line, surfaced=[])
        self._finish(by)
        self._save()
        return line

    def closing_mood(self) -> ClosingMood:
        """How the visit leaves the person, by their trust now: warm, neutral or cool."""
        if self.trust >= WARM_CLOSING_TRUST and self.trust > self.trust_start:
            return "warm"
        if self.trust < self.trust_start:
            return "cool"
        return "neutral"

    def closing_line(self) -> str:
        """The goodbye that fits the mood (the scenario's `closings`), else the plain `closing`."""
        mood = self.closing_mood()
        chosen = getattr(self.scenario.closings, mood, "") if mood != "neutral" else ""
        return chosen or self.scenario.closing

    def outcome(self):
        """The scenario facts the scorer needs (rubric.score.ScenarioOutcome)."""
        from conversation_coach.rubric.assessment import Discovery, TrustRange
        from conversation_coach.rubric.score import ScenarioOutcome

        return ScenarioOutcome(
            scenario_id=self.scenario.id,
            what_matters=self._discovery(self.scenario.what_matters, Discovery),
            strengths=self._discovery(self.scenario.strengths, Discovery),
            trust=TrustRange(start=self.trust_start, end=self.trust),
            ended_by=self.ended_by or "trainee",
        )

    def assessment(self):
        """The full Assessment, with what matters, strengths, trust and who ended the visit."""
        from conversation_coach.rubric.score import assess

        return assess(self.transcript, self.rubric, discovery=self.outcome())

    @classmethod
    def resume(cls, path: Path, scenario: Scenario | None = None, rubric: Rubric | None = None) -> Conversation:
        """Continue a saved, unfinished conversation after its last complete turn."""
        from conversation_coach.rubric.load import load_rubric
        from conversation_coach.scenario.load import load_scenario
        from conversation_coach.transcript.io import load_transcript

        path = Path(path)
        saved = load_transcript(str(path))
        if saved.finished:
            raise ValueError(f"{path} is a finished conversation; there is nothing to resume")
        if not saved.scenario_id:
            raise ValueError(f"{path} was not played against a scenario")
        scenario = scenario or load_scenario(saved.scenario_id)
        rubric = rubric or load_rubric()
        turns = list(saved.turns)
        while turns and turns[-1].speaker == "worker":  # a reply the person never answered
            turns.pop()
        conv = cls(scenario, rubric, mode=saved.mode if saved.mode == "assessment" else "practice",
                   candidate=saved.candidate, trainee=saved.trainee, save_path=None,
                   time_limit_minutes=saved.time_limit_minutes)
        for turn in turns[1:]:
            if turn.speaker == "worker" and not conv.finished:
                conv.respond(turn.text)
        # Keep what was actually said and when; the replay only rebuilt the person's state.
        saved.turns = turns
        if conv.finished:
            saved.finished, saved.ended_by = True, conv.ended_by
        conv.transcript = saved
        conv.path = path
        conv.version_warnings = _version_warnings(saved, scenario, rubric)
        conv._elapsed_before = _seconds_between(saved.created, saved.updated)
        conv._save()
        return conv

    # ----- the person's reactions -------------------------------------------------------------
    def _effect(self, key: str, default: float) -> float:
        return self.scenario.trust.effects.get(key, default)

    def _trust_change(self, text: str, coding: Coding) -> float:
        trap_names = list(dict.fromkeys(t.trap for t in coding.traps))
        if trap_names:
            # The worst trap counts in full; others in the same reply add a quarter each, so one
            # clumsy sentence hurts without ending a visit on its own.
            penalties = sorted(self._effect(t, TRAP_EFFECTS[t]) for t in trap_names)
            return penalties[0] + sum(penalties[1:]) * EXTRA_TRAP_SHARE
        if _normalise(text) in self._worker_texts:
            return 0.0  # saying the same thing again earns nothing
        moves = list(dict.fromkeys([coding.main, *coding.moves] if coding.main else coding.moves))
        if not moves:
            return 0.0
        best = max(self._effect(m, MOVE_EFFECTS[m]) for m in moves)
        worst = min(self._effect(m, MOVE_EFFECTS[m]) for m in moves)
        change = best if worst >= 0 else worst  # advice spoils an otherwise good reply
        if coding.main in QUESTION_MOVES and self._previous_worker_was_question():
            change /= 2
        return change

    def _previous_worker_was_question(self) -> bool:
        workers = [t for t in self.transcript.turns[:-1] if t.speaker == "worker"]
        return bool(workers) and workers[-1].coding is not None and workers[-1].coding.main in QUESTION_MOVES

    def _react(self, text: str, coding: Coding) -> tuple[str, list[str], str | None]:
        """Decide the person's line, what it surfaces, and whether it ends the visit."""
        change = self._trust_change(text, coding)
        self.trust = min(10.0, max(0.0, round(self.trust + change, 2)))
        if coding.traps:
            worst = min(coding.traps, key=lambda t: self._effect(t.trap, TRAP_EFFECTS[t.trap]))
            reaction = self._pick(f"trap:{worst.trap}", self.scenario.reactions.traps[worst.trap])
            if self.trust <= self.scenario.trust.low:
                # Why they have had enough first, then the goodbye: the trainee hears what did it.
                return f"{reaction} {self.scenario.trust.end_line}", [], "person"
            return reaction, [], None
        if self.trust <= self.scenario.trust.low:
            return self._say_once(self.scenario.trust.end_line), [], "person"

        moves = set(coding.moves) | ({coding.main} if coding.main else set())
        repeated = _normalise(text) in self._worker_texts
        if coding.main == "closed_question":
            return self._closed_answer(text), [], None
        item = None if repeated else self._surfacing_item(text, moves)
        if item is not None:
            self.surfaced.append(item.id)
            return self._say_once(item.says), [item.id], None
        follow = self._follow_up(text, moves)
        if follow is not None:
            return follow, [], None
        hint = None if self._about_surfaced(text) else self._hint(moves)  # stay on the topic in hand
        if hint is not None:
            return hint, [], None
        main = coding.main or "other"
        return self._pick(f"move:{main}", self.scenario.reactions.moves[main]), [], None

    def _unsurfaced(self) -> list[Discoverable]:
        return [d for d in [*self.scenario.what_matters, *self.scenario.strengths] if d.id not in self.surfaced]

    def _surfacing_item(self, text: str, moves: set[str]) -> Discoverable | None:
        allowed = [d for d in self._unsurfaced() if moves & set(d.moves) and self.trust >= d.trust]
        if not allowed:
            return None
        scored = [(cue_matches(text, d.cues), i, d) for i, d in enumerate(allowed)]
        cued = [s for s in scored if s[0] > 0]
        if cued:
            return max(cued, key=lambda s: (s[0], -s[1]))[2]
        if "open_question" not in moves or self._about_surfaced(text) is not None:
            return None  # a question about something already said is not a question about something new
        wants_strength = is_broad_question(text, about="strengths")
        if wants_strength or is_broad_question(text):
            for d in allowed:
                if isinstance(d, Strength) == wants_strength:
                    return d
        return None

    def _about_surfaced(self, text: str) -> Discoverable | None:
        """The surfaced item the reply picks up (its cues, or two words of what the person said), newest first."""
        for item_id in reversed(self.surfaced):
            item = self._items[item_id]
            if cue_matches(text, item.cues) or echoes(text, item.says) >= ECHO_WORDS:
                return item
        return None

    def _follow_up(self, text: str, moves: set[str]) -> str | None:
        """The next layer of something already said, when the trainee reflects it or asks about it."""
        if not moves & {*LISTENING_MOVES, "open_question"}:
            return None
        item = self._about_surfaced(text)
        if item is None or not item.follow_up or item.id in self._follow_ups_said:
            return None
        self._follow_ups_said.add(item.id)
        return self._say_once(item.follow_up)

    def _hint(self, moves: set[str]) -> str | None:
        """A breadcrumb for an item the person is nearly ready to talk about (not after a summary)."""
        if "summary" in moves:
            return None
        recent = self._recent_person_lines(HINT_GAP)
        for d in self._unsurfaced():
            if not d.hint or not moves & set(d.moves):
                continue
            if self.trust < d.trust - HINT_MARGIN or self._hints_given.get(d.id, 0) >= MAX_HINTS_PER_ITEM:
                continue
            if d.hint in recent:
                continue
            self._hints_given[d.id] = self._hints_given.get(d.id, 0) + 1
            return d.hint
        return None

    def _closed_answer(self, text: str) -> str:
        """A closed question gets a short, true answer and nothing more."""
        scored = [(cue_matches(text, d.cues), -i, d) for i, d in enumerate(self._items.values()) if d.short_answer]
        scored = [s for s in scored if s[0] > 0 and s[2].short_answer != self._last_person_line()]
        if scored:
            return max(scored, key=lambda s: s[:2])[2].short_answer
        return self._pick("move:closed_question", self.scenario.reactions.moves["closed_question"])

    def _pick(self, key: str, lines: list[str]) -> str:
        """The next line from a list, in turn, never the line just said."""
        last = self._last_person_line()
        start = self._cycle.get(key, 0)
        for step in range(len(lines)):
            line = lines[(start + step) % len(lines)]
            if line != last:
                self._cycle[key] = start + step + 1
                return line
        return self._say_once(lines[0])

    def _say_once(self, line: str) -> str:
        """A fixed line; if it was the very last thing said, mark that it is said again."""
        if line == self._last_person_line():
            return f"As I said: {line}"
        return line

    def _recent_person_lines(self, n: int) -> list[str]:
        return [t.text for t in self.transcript.turns if t.speaker == "person"][-n:]

    def _last_person_line(self) -> str | None:
        for turn in reversed(self.transcript.turns):
            if turn.speaker == "person":
                return turn.text
        return None

    # ----- bookkeeping ------------------------------------------------------------------------
    def _add_person(self, line: str, *, surfaced: list[str]) -> None:
        self.transcript.turns.append(Turn(speaker="person", text=line, at=now_iso(), surfaced=list(surfaced),
                                          trust=self.trust))

    def _finish(self, by: str) -> None:
        self.finished = True
        self.ended_by = by
        self.transcript.finished = True
        self.transcript.ended_by = by  # type: ignore[assignment]

    def _discovery(self, items, discovery_cls):
        ids = [d.id for d in items]
        return discovery_cls(
            surfaced=[i for i in self.surfaced if i in ids],
            missed=[i for i in ids if i not in self.surfaced],
            labels={d.id: d.label for d in items},
        )

    def _choose_path(self, save_path: Path | None | Literal["auto"], candidate: str | None) -> Path | None:
        if save_path is None:
            return None
        if save_path != "auto":
            return Path(save_path)
        home = ensure_private_dir(user_home())
        if self.mode == "assessment":
            folder = ensure_private_dir(ensure_private_dir(home / "assessments") / self.scenario.id)
            base = f"{candidate}-{_stamp()}"
        else:
            folder = ensure_private_dir(home / "transcripts")
            base = f"{_stamp()}-{self.scenario.id}-{secrets.token_hex(3)}"
        path = folder / f"{base}.json"
        n = 2
        while path.exists():
            path = folder / f"{base}-{n}.json"
            n += 1
        return path

    def _save(self) -> None:
        if self.path is None:
            return
        from conversation_coach.transcript.io import save_transcript

        ensure_private_dir(self.path.parent)
        save_transcript(self.transcript, self.path)


def _version_warnings(saved: Transcript, scenario: Scenario, rubric: Rubric) -> list[str]:
    """Plain sentences for each version that differs between the saved conversation and today's files."""
    out: list[str] = []
    if saved.scenario_version is not None and saved.scenario_version != scenario.version:
        out.append(f"the scenario '{scenario.id}' has changed since this conversation was saved (version "
                   f"{saved.scenario_version} then, {scenario.version} now): the person may answer differently")
    if (saved.rubric_id, saved.rubric_version) != (rubric.id, rubric.version) and saved.rubric_version is not None:
        then = f"{saved.rubric_id} {saved.rubric_version}" if saved.rubric_id != rubric.id else saved.rubric_version
        now = f"{rubric.id} {rubric.version}" if saved.rubric_id != rubric.id else rubric.version
        out.append(f"the rubric has changed since this conversation was saved (version {then} then, {now} now): "
                   "replies are coded by today's rubric")
    return out


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _seconds_between(start: str, end: str) -> float:
    try:
        return max(0.0, (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return 0.0


def find_unfinished(mode: Mode = "practice") -> list[Path]:
    """Saved conversations that were not finished, newest first."""
    home = user_home()
    folder = home / ("assessments" if mode == "assessment" else "transcripts")
    if not folder.is_dir():
        return []
    pattern = "*/*.json" if mode == "assessment" else "*.json"
    found: list[tuple[float, Path]] = []
    for path in folder.glob(pattern):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            mtime = path.stat().st_mtime
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("scenario_id") and not data.get("finished") \
                and data.get("mode", "practice") == mode:
            found.append((mtime, path))
    return [p for _m, p in sorted(found, key=lambda x: (x[0], str(x[1])), reverse=True)]
