"""The utterance coder: one worker reply plus the conversation so far -> moves, main move, stage, traps.

API (stable): `code_utterance(text, history, rubric) -> Coding` codes one worker
utterance given the turns before it; `code_turns(turns, rubric) -> list[Coding]`
codes a whole conversation, including conversation-level traps (sequence.py).

How it decides. The rubric's phrase, pattern and fuzzy rules (rubrics/default.yaml)
fire on words and raise *signals* (e.g. `signal:open_start`, `signal:reflective_stem`),
*moves* (e.g. `move:permission`) and *traps*. This module then reads each sentence as a
question (open or closed), a permission request, or a statement, and a statement as an
affirmation, advice, information, a reflection of the person's previous turn (judged
by overlap with it, the I -> you shift and reflective stems; a firmer overlap with what they
said a turn or two earlier counts too) or something else. The utterance's main move and
stage follow the labelling convention in the rubric: a summary that ends by asking where to
start is still a summary, and a stage-5 one. When a sentence is both the power and the
expert trap ("I think you should move into a home"), the power trap is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from conversation_coach.rubric.coding import Coding, RuleHit, TrapHit
from conversation_coach.rubric.matching import Hit, RuleRunner, compiled_rubric, run_rules
from conversation_coach.rubric.model import Rubric
from conversation_coach.rubric.textprep import Prepared, Sentence, content_stems, prepare, words_of
from conversation_coach.textsafe import MAX_CODED_CHARS, normalise_for_coding
from conversation_coach.transcript.model import Turn

CAPPED_NOTE = f"This reply is very long; only its first {MAX_CODED_CHARS:,} characters were coded."

_YOU = re.compile(r"(?<![\w'])(?:you|your|you're|you've|you'd|you'll|yourself|ye)(?![\w'])")
_WORKER_FIRST_PERSON = re.compile(
    r"^(?:i|i'm|i've|i'll|i'd|we'll|we've|we're|let me|let's)\b(?! (?:hear|guess|wonder|imagine|sense|get the sense|"
    r"can see|see|notice|noticed|understand|get that|suppose|think you|suspect))")
_SO_PREAMBLE = re.compile(r"^(?:[\w'-]+[,.]? ){0,3}?so\b(?! (?:much|many|far|long|that)\b)")
_QUESTION_CLAUSE = re.compile(  # a clause that asks: "what did he say", "and does he sleep", "who helps you"
    r"(?:(?:and|or|but|so|then) )?"
    r"(?:who (?:helps|looks|comes|sees|does|gets|takes|cooks|cleans|shops)\b|"
    r"(?:what|how|why|when|where|who|which)(?:'s|'d| (?:[a-z]+ )?(?:do|does|did|is|are|was|were|have|has|had|can|could|will|would|"
    r"should|often|much|many|long|about|else)\b)|(?:do|does|did|is|are|was|were|have|has|can|could|will|would) "
    r"(?:you|he|she|they|it|we|i|there)\b)")
_CLAUSE_BREAK = re.compile(r",|;|:|\band\b|\bbut\b")

QUESTION_KINDS = ("open", "closed")
# How a sentence kind becomes a move.
_KIND_MOVE = {
    "open": "open_question",
    "closed": "closed_question",
    "permission": "permission",
    "affirmation": "affirmation",
    "advice": "advice",
    "information": "information",
    "simple": "simple_reflection",
    "complex": "complex_reflection",
    "other": "other",
}


@dataclass
class _Reading:
    """What the coder made of one sentence."""

    kind: str
    signals: set[str] = field(default_factory=set)
    weak: bool = False  # a fallback reading, not backed by any rule


_SPACES = re.compile(r"\s+")
# Spoken restarts: "you-you're" -> "you're", "wh-what" -> "what", "wha-wha-what" -> "what".
_STUTTER = re.compile(r"\b(?:([\w']{1,20})-+ ?(?=\1\b)|([a-z]{1,3})-+ ?(?=\2[a-z]))", re.IGNORECASE)


def _normalise(text: str) -> tuple[str, bool]:
    """textsafe.normalise_for_coding (fast path for plain printable ASCII), then spoken stutters folded."""
    if text.isascii() and text.isprintable():
        capped = len(text) > MAX_CODED_CHARS
        clean = _SPACES.sub(" ", text[:MAX_CODED_CHARS] if capped else text).strip()
    else:
        clean, capped = normalise_for_coding(text)
    if "-" in clean:
        clean = _STUTTER.sub("", clean)
    return clean, capped


def _previous_person_turn(history: Sequence[Turn]) -> tuple[str | None, str | None]:
    """What the person said just before, and what they said a turn or two before that.

    The first is their last turn, with earlier ones while it is short ("Yeah."): the main
    yardstick for a reflection. The second is up to two person turns before those, so that a
    worker who goes back to something said earlier ("You said the choir gets you out") is
    still heard as reflecting; the coder weighs it less (see `_is_reflection`).
    """
    said: list[str] = []
    earlier: list[str] = []
    for turn in reversed(history[-8:]):
        if turn.speaker != "person":
            continue
        if said and (len(said) >= 3 or sum(len(t.split()) for t in said) >= 12):
            earlier.append(turn.text)
            if len(earlier) >= 2:
                break
        else:
            said.append(turn.text)
    return (" ".join(reversed(said)) if said else None), (" ".join(reversed(earlier)) if earlier else None)


# Signals read only for some decisions (stage, summary, complexity): their rules run when needed.
LAZY_SIGNALS = frozenset({
    "signal:broad_opener", "signal:exploratory", "signal:info_gathering", "signal:action", "signal:strength",
    "signal:conversation_permission", "signal:complex_stem", "signal:feeling", "signal:reaction_check",
    "signal:check_question", "signal:next_step",
})


_FEELING = frozenset({"signal:feeling"})
# Traps that make a statement telling rather than listening (labelling can be said as a reflection).
_TELLING_TRAPS = frozenset({"trap:expert", "trap:power", "trap:problem_solving", "trap:yes_but", "trap:confrontational"})
_ADVISING_TRAPS = frozenset({"trap:expert", "trap:problem_solving"})


class _Context:
    """Everything known about one reply while coding it."""

    def __init__(self, prepared: Prepared, previous: str | None, rubric: Rubric, earlier: str | None = None):
        self.prepared = prepared
        self.previous = previous
        self.earlier = earlier
        self.rubric = rubric
        self.hits: list[Hit] = []
        self.by_sentence: list[set[str]] = [set() for _ in prepared.sentences]
        self.all_targets: set[str] = set()
        self.structural: list[RuleHit] = []
        self.compiled = compiled_rubric(rubric)
        self.runner = RuleRunner(prepared, self.compiled, previous)
        self._add(self.runner.run(None, LAZY_SIGNALS))
        self._previous_stems: frozenset[str] | None = None
        self._earlier_stems: frozenset[str] | None = None
        self._previous_feeling: bool | None = None

    def _add(self, hits: list[Hit]) -> None:
        for hit in hits:
            self.hits.append(hit)
            self.by_sentence[hit.sentence].add(hit.target)
            self.all_targets.add(hit.target)

    def need(self, *targets: str) -> None:
        """Run the rules behind these lazy signals, once."""
        self._add(self.runner.run(frozenset(targets)))

    @property
    def previous_stems(self) -> frozenset[str]:
        """Content words of the person's previous turn (worked out only when a reflection is judged)."""
        if self._previous_stems is None:
            self._previous_stems = _stems_of(self.previous) if self.previous else frozenset()
        return self._previous_stems

    @property
    def earlier_stems(self) -> frozenset[str]:
        """Content words the person used a turn or two before that, and not in their last turn."""
        if self._earlier_stems is None:
            self._earlier_stems = _stems_of(self.earlier) - self.previous_stems if self.earlier else frozenset()
        return self._earlier_stems

    @property
    def previous_feeling(self) -> bool:
        if self._previous_feeling is None:
            self._previous_feeling = bool(self.previous) and _names_feeling(self.previous, self.rubric)
        return self._previous_feeling

    def note(self, check: str, sentence: Sentence | None = None, span: tuple[int, int] | None = None) -> None:
        rule = self.compiled.structural.get(check)
        if rule is None:
            return
        if span is None:
            span = (sentence.start, sentence.end) if sentence else (0, len(self.prepared.canon))
        evidence, start, end = self.prepared.evidence(*span)
        self.structural.append(RuleHit.model_construct(rule=rule.id, target=rule.target, evidence=evidence, start=start, end=end,
                                       message=rule.message))

    def enabled(self, check: str) -> bool:
        return check in self.compiled.structural


@lru_cache(maxsize=256)
def _stems_of(text: str) -> frozenset[str]:
    """A person turn's content words; cached, since one turn is the context of several worker turns."""
    return frozenset(content_stems(words_of(text.lower())))


def _names_feeling(text: str, rubric: Rubric) -> bool:
    prepared = prepare(_SPACES.sub(" ", text[:MAX_CODED_CHARS]).strip())  # rules read single-spaced text
    return bool(run_rules(prepared, rubric, None, _FEELING))


def _is_reflection(ctx: _Context, s: Sentence, sig: set[str]) -> bool:
    if "signal:reflective_stem" in sig:
        return True
    body = s.body
    words = words_of(body)
    if not words or _WORKER_FIRST_PERSON.match(body):
        return False
    you = bool(_YOU.search(body))
    if ctx.previous is None:
        if not you:
            return False
        ctx.need("signal:feeling")
        return "signal:feeling" in sig
    stems = content_stems(words)
    overlap = stems & ctx.previous_stems
    if overlap and (you or len(words) <= 14):
        return True
    if len(stems & ctx.earlier_stems) >= 2 and (you or len(words) <= 14):
        return True  # goes back to something said a turn or two earlier: a firmer echo is needed
    if you:
        return len(words) <= 25 or len(overlap) >= 2  # a long 'you' speech that echoes nothing is a lecture
    # "Okay, so money." / "Things are looking up.": a short statement of the person's situation
    content = content_stems(words)
    if _SO_PREAMBLE.match(s.text) is not None:
        return bool(content)
    return len(words) <= 8 and len(content) >= 2


def _is_complex(ctx: _Context, s: Sentence, sig: set[str]) -> bool:
    ctx.need("signal:complex_stem", "signal:feeling")
    if "signal:complex_stem" in sig:
        return True
    words = words_of(s.body)
    if "signal:feeling" in sig and ctx.previous is not None and not ctx.previous_feeling:
        novel = content_stems(words) - ctx.previous_stems
        feeling_hits = [h for h in ctx.hits if h.target == "signal:feeling" and h.sentence is not None]
        for h in feeling_hits:
            said = content_stems(words_of(ctx.prepared.canon[h.start : h.end]))
            if said & novel:
                return True
    return len(words) >= 15


def _read_sentence(ctx: _Context, index: int, s: Sentence) -> _Reading:
    sig = ctx.by_sentence[index]
    if "move:permission" in sig:
        return _Reading("permission", sig)
    tagged = "signal:tag_ending" in sig
    exclamation = "signal:exclamation" in sig or "signal:pseudo_cleft" in sig
    open_start = "signal:open_start" in sig and not exclamation
    closed_start = "signal:closed_start" in sig
    specific = "signal:specific_info" in sig
    invite = "signal:open_invite" in sig
    if "signal:suggestion" in sig and "signal:open_invite" not in sig:
        return _Reading("advice", sig)
    if "signal:filler" in sig:
        return _Reading("other", sig)  # "Yeah?" "Right?" keep the person talking; they ask nothing
    if open_start and len(words_of(s.body)) < 2 and not s.body.startswith(("why", "how")):
        open_start = False  # a bare "What?" asks to hear it again
    interrogative = (s.question_mark and not tagged) or open_start or closed_start or invite or specific
    if interrogative:
        if invite or (open_start and not specific):
            return _Reading("open", sig)
        if closed_start or specific:
            return _Reading("closed", sig)
        if "signal:reflective_stem" in sig:
            ctx.need("signal:complex_stem")
        if "signal:reflective_stem" in sig and "signal:complex_stem" in sig:
            return _Reading("complex", sig)  # "It sounds like ...?" is a reflection said with a rising voice
        return _Reading("closed", sig)
    if _TELLING_TRAPS.intersection(sig):
        # A statement that decides, fixes, overrules or warns tells the person something; it is
        # not listening back, however much it borrows their words ("I hear you, but...").
        advising = "move:advice" in sig or _ADVISING_TRAPS.intersection(sig)
        return _Reading("advice" if advising else "information", sig)
    if "move:affirmation" in sig:
        return _Reading("affirmation", sig)
    if "move:advice" in sig:
        return _Reading("advice", sig)
    if "move:information" in sig:
        return _Reading("information", sig)
    trapped = any(target.startswith("trap:") for target in sig)
    if ("signal:social" in sig or "signal:filler" in sig) and not trapped:
        return _Reading("other", sig)
    if _is_reflection(ctx, s, sig):
        return _Reading("complex" if _is_complex(ctx, s, sig) else "simple", sig)
    words = words_of(s.body)
    if len(words) >= 7 and not _WORKER_FIRST_PERSON.match(s.body) and (
            ctx.previous is None or not _YOU.search(s.body) or len(words) > 25):
        return _Reading("information", sig, weak=True)
    if len(words) >= 5 and any(t.startswith("trap:") for t in sig):
        return _Reading("information", sig, weak=True)  # a trap is never small talk: it tells the person something
    return _Reading("other", sig, weak=True)


def _next_step(r: _Reading) -> bool:
    """An open question asking where to go next ("What would you like to start with?")."""
    return r.kind in QUESTION_KINDS and "signal:next_step" in r.signals


def _is_summary(ctx: _Context, readings: list[_Reading]) -> bool:
    """Several things gathered: a summary marker, or several 'you' clauses strung together.

    A closing question about the next step does not stop a summary being one: "So, ... and
    the garden. What would you like to start with?" gathers, then turns towards actions.
    """
    pairs = list(zip(ctx.prepared.sentences, readings, strict=True))
    if any(r.kind in QUESTION_KINDS for r in readings):
        ctx.need("signal:next_step")  # readings share their sentence's signal set, so they see it too
    if "signal:next_step" in ctx.all_targets:
        pairs = [(s, r) for s, r in pairs if not _next_step(r)]
        if not pairs:
            return False
    sentences = [s for s, _ in pairs]
    readings = [r for _, r in pairs]
    kinds = {r.kind for r in readings}
    if "signal:summary_marker" in ctx.all_targets:
        return bool(kinds & {"simple", "complex", "affirmation", "other", "information"})
    if kinds & {"advice", "permission", "open", "affirmation"}:
        return False
    listening = ("simple", "complex") if ctx.previous is not None else ("simple", "complex", "other", "affirmation")
    so_list = any(_SO_PREAMBLE.match(s.text) and len(_CLAUSE_BREAK.findall(s.body)) >= 3 for s in sentences)
    if ctx.previous is not None:
        if any(r.kind == "information" and not r.weak for r in readings):
            return False
        if not so_list and not any("signal:reflective_stem" in r.signals for r in readings):
            return False  # without a summary marker, a summary says back what it gathers ("So, ..., ... and ...")
    gathered = [s for s, r in zip(sentences, readings, strict=True)
                if (r.kind in listening or r.weak) and _YOU.search(s.body)]
    if not gathered:
        return False
    words = sum(len(words_of(s.body)) for s in gathered)
    clauses = sum(len(_CLAUSE_BREAK.findall(s.body)) for s in gathered)
    you_clauses = sum(len(_YOU.findall(s.body)) for s in gathered)
    ctx.need("signal:action")
    if "signal:action" in ctx.all_targets and words >= 14 and clauses >= 2 and you_clauses >= 2:
        return True
    return words >= 14 and clauses >= 3 and (ctx.previous is None or you_clauses >= 2 or so_list)


def _rapid_fire(ctx: _Context, readings: list[_Reading]) -> tuple[int, int] | None:
    """Span of a volley of three or more questions in one turn, else None."""
    spans: list[tuple[int, int]] = []
    marked = any(s.question_mark for s in ctx.prepared.sentences)
    for s, r in zip(ctx.prepared.sentences, readings, strict=True):
        if r.kind not in QUESTION_KINDS or (marked and not s.question_mark):
            continue  # with question marks typed, a clause without one is a false start, not a question
        parts = [p for p in re.split(r",\s*(?:or\s+)?", s.body) if p.strip()]
        question_parts = sum(1 for p in parts if _QUESTION_CLAUSE.match(p))
        short_items = sum(1 for p in parts if len(p.split()) <= 4)
        if question_parts >= 3 or (len(parts) >= 4 and short_items >= 4 and not _YOU.search(s.body)):
            return s.start, s.end
        spans.append((s.start, s.end))
    if len(spans) >= 3:
        return spans[0][0], spans[-1][1]
    return None


_STAGE_SIGNALS = {
    "open_question": ("signal:broad_opener", "signal:exploratory", "signal:info_gathering"),
    "summary": ("signal:action", "signal:strength"),
    "permission": ("signal:conversation_permission",),
}


def _stage(main: str, moves: list[str], ctx: _Context, trapped: bool) -> int | None:
    if trapped or main in ("closed_question", "other"):
        return None
    if trapped:
        return None
    ctx.need(*_STAGE_SIGNALS.get(main, ()))
    targets = ctx.all_targets
    if main == "open_question":
        if "signal:broad_opener" in targets:
            return 1
        if "signal:exploratory" in targets:
            return 3
        if "signal:info_gathering" in targets:
            return 4
        return 3
    if main in ("simple_reflection", "complex_reflection"):
        return 2
    if main == "summary":
        return 5 if targets & {"signal:action", "signal:strength", "signal:next_step"} else 2
    if main == "affirmation":
        return 5
    if main == "permission":
        return 1 if "signal:conversation_permission" in targets else 4
    if main in ("information", "advice"):
        return 4
    return None


def _choose_main(ctx: _Context, readings: list[_Reading], summary: bool) -> str:
    kinds = [r.kind for r in readings]
    if "open" in kinds or "closed" in kinds:
        ctx.need("signal:reaction_check", "signal:check_question")
    substantive_open = [r for r in readings if r.kind == "open" and "signal:reaction_check" not in r.signals
                        and not (summary and _next_step(r))]
    closed = [r for r in readings if r.kind == "closed" and "signal:check_question" not in r.signals]
    if summary and not substantive_open:
        return "summary"
    if substantive_open:
        if len(closed) >= 2 and len(closed) > len(substantive_open):
            return "closed_question"
        return "open_question"
    for kind in ("permission", "affirmation", "advice", "information"):
        if kind in kinds:
            return _KIND_MOVE[kind]
    if closed:
        return "closed_question"
    if "complex" in kinds:
        return "complex_reflection"
    if "simple" in kinds:
        return "simple_reflection"
    if "open" in kinds:
        return "open_question"
    if "closed" in kinds:
        return "closed_question"
    return "other"


def _moves(readings: list[_Reading], summary: bool, main: str) -> list[str]:
    out: list[str] = []
    for r in readings:
        move = _KIND_MOVE[r.kind]
        if summary and r.kind in ("simple", "complex"):
            move = "summary"
        if move not in out:
            out.append(move)
    if main not in out:
        out.insert(0, main)
    social = any(r.kind == "other" and r.signals & {"signal:social", "signal:filler"} for r in readings)
    if len(out) > 1 and "other" in out and main != "other" and not social:
        out.remove("other")  # an unclassified fragment beside a real move is not a move of its own
    return out


def code_utterance(text: str, history: Sequence[Turn], rubric: Rubric, *, full_trace: bool = True) -> Coding:
    """Code one worker reply, given the turns before it.

    With `full_trace` (the default) the trace lists every rule that fires; without it, signal
    rules the decision did not need are skipped (the `code` command's fast path).
    """
    clean, capped = _normalise(text if isinstance(text, str) else str(text))
    notes = [CAPPED_NOTE] if capped else []
    prepared = prepare(clean)
    if not prepared.sentences:
        return Coding(main="other", moves=["other"], stage=None, notes=notes)
    previous, earlier = _previous_person_turn(history)
    ctx = _Context(prepared, previous, rubric, earlier)
    readings = [_read_sentence(ctx, i, s) for i, s in enumerate(prepared.sentences)]
    summary = ctx.enabled("summary") and _is_summary(ctx, readings)
    main = _choose_main(ctx, readings, summary)
    moves = _moves(readings, summary, main)
    for s, r in zip(prepared.sentences, readings, strict=True):
        check = {"open": "open_question", "closed": "closed_question", "simple": "reflection",
                 "complex": "complex_reflection"}.get(r.kind)
        if check:
            ctx.note(check, s)
    if summary:
        ctx.note("summary")

    stage_traps = _traps(ctx, readings)
    stage = _stage(main, moves, ctx, bool(stage_traps))
    if full_trace:
        ctx.need(*LAZY_SIGNALS)
    trace = []
    for hit in ctx.hits if full_trace else ():
        evidence, start, end = prepared.evidence(hit.start, hit.end)
        trace.append(RuleHit.model_construct(rule=hit.rule.id, target=hit.target, evidence=evidence, start=start,
                                             end=end, message=hit.rule.message))
    if full_trace:
        trace.extend(ctx.structural)
    return Coding.model_construct(main=main, moves=moves, stage=stage, traps=stage_traps, trace=trace, notes=notes)


def _traps(ctx: _Context, readings: list[_Reading]) -> list[TrapHit]:
    """The first hit of each trap rule, then the rapid-fire check (three or more questions in a turn)."""
    prepared = ctx.prepared
    traps: list[TrapHit] = []
    seen: set[str] = set()
    power_sentences = {hit.sentence for hit in ctx.hits if hit.target == "trap:power"}
    for hit in ctx.hits:
        kind, _, name = hit.target.partition(":")
        if kind != "trap" or name in seen:
            continue
        if name == "expert" and hit.sentence in power_sentences:
            continue  # "I think you should move into a home": deciding for them (power), not only advising

        seen.add(name)
        evidence, start, end = prepared.evidence(hit.start, hit.end)
        traps.append(TrapHit.model_construct(trap=name, rule=hit.rule.id, evidence=evidence, start=start, end=end,
                                             message=hit.rule.message))
    rule = ctx.compiled.structural.get("rapid_fire")
    if "question_answer" not in seen and rule is not None:
        span = _rapid_fire(ctx, readings)
        if span:
            evidence, start, end = prepared.evidence(*span)
            if len(evidence) > 160:
                evidence = evidence[:157].rstrip() + "..."
            traps.append(TrapHit.model_construct(trap="question_answer", rule=rule.id, evidence=evidence,
                                                 start=start, end=end, message=rule.message))
            ctx.structural.append(RuleHit.model_construct(rule=rule.id, target=rule.target, evidence=evidence,
                                                          start=start, end=end, message=rule.message))
    return traps


def code_turns(turns: Sequence[Turn], rubric: Rubric, *, full_trace: bool = True) -> list[Coding]:
    """Code a whole conversation: one Coding per turn, conversation-level traps included."""
    from conversation_coach.rubric.sequence import apply_sequence_traps

    codings = [code_utterance(turn.text, turns[max(0, i - 6):i], rubric, full_trace=full_trace)
               if turn.speaker == "worker" else Coding()
               for i, turn in enumerate(turns)]
    apply_sequence_traps(turns, codings, rubric)
    return codings
