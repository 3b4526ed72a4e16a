"""What to try next: open questions aimed at the gaps, and a rewrite for every trap.

Questions come from the rubric's stage banks (the seed's example questions),
chosen for the stages missed, the traps fallen into and the weakest metric,
skipping any the worker already asked. Where the transcript gives them, the
person's name and the things they spoke about ("my garden" -> "your garden")
make the suggestion concrete. Bank entries may also carry `{name}` and `{topic}`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection

from rapidfuzz import fuzz

from conversation_coach.rubric.assessment import Assessment, Suggestion
from conversation_coach.rubric.model import Rubric
from conversation_coach.transcript.model import Transcript

MAX_SUGGESTIONS = 5
ALREADY_ASKED = 85  # rapidfuzz ratio at which a bank question counts as already asked
# Where to look for a better question after each trap: listening (2) or exploring (3).
TRAP_STAGE = {
    "expert": 3,
    "power": 3,
    "problem_solving": 3,
    "question_answer": 2,
    "yes_but": 2,
    "labelling": 2,
    "confrontational": 3,
}
_MY_THING = re.compile(r"\b(?:my|our)\s+([a-z][a-z'-]{1,})(?:\s+([a-z][a-z'-]{2,}))?", re.IGNORECASE)
# Words that need the next word to make a topic: "my late husband", "my own home".
_MODIFIERS = {"late", "poor", "old", "little", "own", "eldest", "oldest", "youngest", "younger", "older",
              "new", "best", "dear", "two", "three", "other", "whole", "lovely", "front", "back"}
_NOT_TOPICS = {
    "own", "goodness", "god", "gosh", "word", "dear", "love", "lovely", "fault", "mind", "head",
    "best", "turn", "way", "bit", "lot", "thing", "things", "time", "self", "side", "view", "opinion",
    "age", "days", "day", "life", "whole", "only", "first", "last", "usual", "old", "new", "little",
    "week", "weeks", "month", "months", "year", "years", "morning", "night", "evening", "afternoon",
}
_PLACEHOLDER = re.compile(r"\{(name|topic)\}")
_GAP = re.compile(r"\s*(?:\.\.\.|…)\s*")
_SENTENCE = re.compile(r"[^.!?]+[.!?]?")
# First person -> second person, for reflecting the person's words back.
_SHIFT = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
    "i've": "you've", "i'd": "you'd", "i'll": "you'll", "am": "are", "we": "you", "our": "your", "us": "you",
    "ours": "yours", "ourselves": "yourselves", "we're": "you're", "we've": "you've",
}
# "Well, ...", "Oh, ..." are not part of what is reflected back.
_LEAD_IN = re.compile(r"^(?:(?:well|oh|ah|aye|yes|yeah|no|och|ach|um|erm|er|honestly|look|see|bach|love|dear)\b[,!.]?\s+)+",
                      re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|yours|yourself)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|my|me|myself)\b", re.IGNORECASE)
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "nain", "taid", "auntie", "uncle"}
_AFTER_YOU = {"was": "were", "wasn't": "weren't"}
_THEY_TO_YOU = {"they": "you", "their": "your", "them": "you", "themselves": "yourself"}


def person_topics(transcript: Transcript, limit: int = 3) -> list[str]:
    """Things the person called their own ("my garden"), most mentioned first, as 'your garden'."""
    seen: Counter = Counter()
    first: dict[str, int] = {}
    shown: dict[str, str] = {}  # as first written, so "my Rhodri" keeps its capital
    position = 0
    for turn in transcript.turns:
        if turn.speaker != "person":
            continue
        for match in _MY_THING.finditer(turn.text or ""):
            word = match.group(1).strip("'-").removesuffix("'s")
            following = (match.group(2) or "").strip("'-").removesuffix("'s")
            if word.lower() in _MODIFIERS and following and following.lower() not in _NOT_TOPICS:
                word = f"{word} {following}"
            elif word.lower() in _NOT_TOPICS or word.lower() in _MODIFIERS or len(word) < 3:
                continue
            key = word.lower()
            seen[key] += 1
            first.setdefault(key, position)
            shown.setdefault(key, word)
            position += 1
    ranked = sorted(seen, key=lambda k: (-seen[k], first[k]))
    return [f"your {shown[k]}" for k in ranked[:limit]]


def _fill(text: str, name: str | None, topic: str | None) -> str | None:
    """Fill {name}/{topic}; None when the text needs one the transcript does not give."""
    needed = set(_PLACEHOLDER.findall(text))
    if ("name" in needed and not name) or ("topic" in needed and not topic):
        return None
    return _PLACEHOLDER.sub(lambda m: name if m.group(1) == "name" else topic, text)  # type: ignore[arg-type,return-value]


def address_name(full_name: str | None) -> str | None:
    """How to address the person: "Nansi Pritchard" -> "Nansi"; "Mrs Evans" stays as it is."""
    words = (full_name or "").split()
    if not words:
        return None
    if words[0].lower().rstrip(".") in _TITLES:
        return " ".join(words[:2])
    return words[0]


def trap_rewrite(trap: str, rubric: Rubric, transcript: Transcript) -> str:
    """The rubric's rewrite for a trap, with the person's name/topic filled where it asks for them."""
    info = rubric.traps.get(trap)
    if info is None:
        return ""
    topics = person_topics(transcript, limit=1)
    filled = _fill(info.rewrite, transcript.person_name, topics[0] if topics else None)
    return filled if filled is not None else _PLACEHOLDER.sub(lambda m: "them" if m.group(1) == "name" else "it",
                                                                info.rewrite)


def _shift_pronouns(text: str) -> str:
    words = text.replace("’", "'").split()
    out: list[str] = []
    for word in words:
        core = word.strip(",;:").lower()
        new = _SHIFT.get(core)
        if new is None and out and out[-1].lower() == "you":
            new = _AFTER_YOU.get(core)
        out.append(word if new is None else word.lower().replace(core, new))
    return " ".join(out)


def person_gist(transcript: Transcript, topic: str | None, max_words: int = 14,
                exclude: Collection[str] = ()) -> str | None:
    """A short thing the person said, in the second person, to reflect back ("your garden was your life")."""
    sentences: list[str] = []
    for turn in transcript.turns:
        if turn.speaker == "person":
            sentences += [m.group(0).strip() for m in _SENTENCE.finditer(turn.text or "")]
    # Only what the person said about themselves can be reflected back as "you ...": not what
    # they said to the worker ("You sound like my son").
    usable = [s for s in sentences if 4 <= len(s.split()) <= max_words and "?" not in s
              and _FIRST_PERSON.search(s) and not _SECOND_PERSON.search(s)]
    if topic:
        owned = topic.split(" ", 1)[-1]
        usable = [s for s in usable if re.search(rf"\b(?:my|our)\s+{re.escape(owned)}\b", s, re.I)] or usable
    # Names are the words written with a capital somewhere other than the start of a sentence.
    names = {m.group(1) for s in sentences for m in re.finditer(r"(?<=[\w,;:'] )([A-Z][\w'-]*)", s)}
    for chosen in sorted(usable, key=lambda s: (-len(s.split()), sentences.index(s))):
        shifted = _shift_pronouns(_LEAD_IN.sub("", chosen).rstrip(".!"))
        if shifted.split(" ", 1)[0] not in names:  # "Everyone knows" -> "everyone knows"; "Dai" stays
            shifted = shifted[0].lower() + shifted[1:]
        if shifted not in exclude:
            return shifted
    return None


def _fill_gap(question: str, topic: str | None, gist: str | None) -> str:
    """Complete a stem such as "It sounds like ... matters a lot to you." from what the person said."""
    match = _GAP.search(question)
    if not match:
        return question
    after = question[match.end():]
    continues = bool(after) and after[:1].islower()
    filler = topic if continues else (gist + "." if gist else None)
    if not filler:
        return question
    return f"{question[: match.start()]} {filler} {after}".strip()


def _personalise(question: str, stage: int, name: str | None, topic: str | None, gist: str | None,
                 lead_with_name: bool) -> str:
    """Aim a bank question at this person: their words for a reflection, their topic for exploring,
    their name to open, and "you" for seed prompts written about the person ("what have they decided")."""
    question = _fill_gap(question, topic, gist)
    if stage == 5 and not re.search(r"\byou\b", question, re.I):
        question = re.sub(r"\b(they|their|them|themselves)\b", lambda m: _THEY_TO_YOU[m.group(1).lower()], question)
    if stage == 3 and topic and not question.lower().startswith(("you mentioned", "in terms of")):
        return f"You mentioned {topic}. {question}"
    if lead_with_name and name and stage in (1, 3) and question[:1].isupper():
        return f"{name}, {question[0].lower()}{question[1:]}"
    return question


class _Picker:
    """Chooses bank questions in bank order, never the same twice and never one already asked."""

    def __init__(self, rubric: Rubric, transcript: Transcript):
        self.rubric = rubric
        self.transcript = transcript
        self.name = address_name(transcript.person_name)
        self.topics = person_topics(transcript)
        self.topics_left = list(self.topics)
        self.gists: set[str] = set()
        self.asked = [t.text.lower() for t in transcript.turns if t.speaker == "worker" and t.text]
        self.used: set[str] = set()
        self.out: list[Suggestion] = []

    def _was_asked(self, question: str) -> bool:
        q = question.lower()
        return any(fuzz.partial_ratio(q, said) >= ALREADY_ASKED for said in self.asked if len(said) >= len(q) * 0.6)

    def add(self, stage: int, why: str) -> bool:
        if len(self.out) >= MAX_SUGGESTIONS:
            return False
        # Each topic is aimed at once; {topic} placeholders fall back to the main one.
        fresh = self.topics_left[0] if self.topics_left else None
        for raw in self.rubric.stage(stage).questions:
            if raw in self.used:
                continue
            filled = _fill(raw, self.name, fresh or (self.topics[0] if self.topics else None))
            if filled is None or self._was_asked(filled):
                continue
            self.used.add(raw)
            gist = person_gist(self.transcript, fresh, exclude=self.gists) if stage == 2 else None
            if gist:
                self.gists.add(gist)
            question = _personalise(filled, stage, self.name, fresh, gist, lead_with_name=not self.out)
            if fresh and fresh in question:
                self.topics_left.remove(fresh)
            self.out.append(Suggestion(stage=stage, question=question, why=why))
            return True
        return False


def suggest(assessment: Assessment, transcript: Transcript, rubric: Rubric) -> list[Suggestion]:
    """Open questions for the gaps: missed stages first, then traps, then the weakest habits."""
    picker = _Picker(rubric, transcript)
    stage_names = {s.stage: s.name for s in assessment.stages}

    for cover in assessment.stages:
        if not cover.reached and cover.stage in (1, 2, 3, 5):
            why = f"Stage {cover.stage} ({stage_names[cover.stage]}) was not reached."
            if cover.stage == 5:
                why += " Sum up what you heard and ask what the person has decided to do."
            picker.add(cover.stage, why)

    seen_traps: list[str] = []
    for finding in assessment.traps:
        if finding.trap in seen_traps:
            continue
        seen_traps.append(finding.trap)
        label = (finding.name or finding.trap.replace("_", " ")).lower()
        picker.add(TRAP_STAGE.get(finding.trap, 3), f"Instead of the {label} at turn {finding.turn}.")

    flow = assessment.stage_flow
    reached = {s.stage for s in assessment.stages if s.reached}
    if 1 in reached and not flow.opened_with_stage_1:
        picker.add(1, "Open with an open, engaging question before anything else.")
    if 5 in reached and not flow.closed_with_stage_5:
        picker.add(5, "Close with a summary of what you heard and the actions the person chose.")
    rq = assessment.metrics.get("reflection_to_question")
    if rq is not None and rq.band == "below fair" and 2 in reached:
        picker.add(2, "Reflect back what you heard more often than you ask (aim for 2 reflections per question).")
    oq = assessment.metrics.get("percent_open_questions")
    if oq is not None and oq.band == "below fair":
        picker.add(3, "Most of your questions could be answered yes or no; ask open ones instead.")
    return picker.out
