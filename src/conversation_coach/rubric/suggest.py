"""What to try next: open questions aimed at the gaps, and a rewrite for every trap.

Questions come from the rubric's stage banks (the seed's example questions),
chosen for the stages missed, the traps fallen into and the weakest metric,
skipping any the worker already asked. Where the transcript gives them, the
person's name and the things they spoke about ("my garden" -> "your garden")
make the suggestion concrete. Bank entries may also carry `{name}` and `{topic}`.

Every suggestion is something a trainee could say to the person as it stands:
a bank prompt written for the worker ("What strengths do you notice?") is put
to the person instead, a follow-up that needs the question before it ("for that
to happen") is not offered on its own, and a stem whose gap cannot be filled
from the person's words is left out rather than shown with its "...".
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
# When the stage aimed at has nothing left to offer, the other listening/exploring stage will do.
FALLBACK_STAGE = {2: 3, 3: 2}

# --- the person's topics ("my garden" -> "your garden") -------------------------------------

_OWNER = re.compile(r"\b(?:my|our)\s+", re.IGNORECASE)
_FOLLOWING = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Words that need the next word to make a topic: "my late husband", "my own kitchen", "my left arm".
_MODIFIERS = {
    "late", "poor", "old", "little", "own", "eldest", "oldest", "youngest", "younger", "older", "elder", "new",
    "best", "dear", "two", "three", "other", "whole", "lovely", "front", "left", "right", "good", "bad", "first",
    "last", "only", "social", "foster", "big", "favourite", "usual", "local", "great", "grown",
}
# Second words that make a compound with the word before: "my social worker", "my bus pass".
_COMPOUND_HEADS = {
    "worker", "workers", "carer", "carers", "kit", "pass", "costume", "stick", "frame", "card", "club", "group",
    "machine", "pressure", "days", "nurse", "doctor",
}
# Never a topic, even with a modifier: idioms ("my goodness", "on my mind", "catch my breath"),
# things too vague to ask about ("my thing", "my life") and words that are not things at all.
_NOT_TOPICS = {
    "goodness", "god", "gosh", "lord", "word", "dear", "love", "fault", "mind", "head", "breath", "chin",
    "backside", "best", "turn", "way", "bit", "lot", "thing", "things", "stuff", "time", "self", "side",
    "view", "opinion", "age", "days", "day", "life", "week", "weeks", "month", "months", "year", "years",
    "morning", "night", "evening", "afternoon", "name", "chances", "chance", "decision", "choice", "risk",
    "problem", "problems", "business", "part", "share", "guess", "fill", "fun", "eye", "tongue", "word's",
    "one", "ones",  # a pronoun as head: "my own one" would come back as "your own one"
}
# Too vague on their own, fine with a modifier: "my place" (as in "not my place"), "my own little place".
_VAGUE_ALONE = {"place", "home's"}
# Not nouns: pronouns, determiners, prepositions, conjunctions, auxiliaries ("my own this morning").
_FUNCTION_WORDS = {
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "you", "i", "me",
    "him", "her", "them", "us", "his", "their", "your", "our", "my", "mine", "yours", "one's", "and", "or", "but",
    "so", "if", "then", "than", "to", "of", "in", "on", "at", "by", "for", "with", "from", "up", "down", "off",
    "out", "over", "into", "about", "as", "is", "was", "are", "were", "be", "been", "am", "has", "have", "had",
    "do", "does", "did", "will", "would", "can", "could", "should", "shall", "may", "might", "must", "not",
    "no", "too", "very", "just", "really", "all", "both", "some", "any", "what", "who", "which", "when",
    "where", "why", "how", "there", "here", "now", "again", "ever", "never", "still", "also", "even",
    "isn't", "wasn't", "doesn't", "don't", "didn't", "won't", "can't", "couldn't", "ain't", "aren't", "got",
    "goes", "says", "said", "keeps", "used", "like", "well",
}
_BODY = {
    "hip", "hips", "knee", "knees", "leg", "legs", "arm", "arms", "hand", "hands", "foot", "feet", "toe",
    "toes", "back", "heart", "liver", "eyes", "ears", "chest", "shoulder", "shoulders", "neck", "face", "teeth",
    "stomach", "legs'", "wrist", "ankle", "lungs", "skin", "hair",
}
_KIN = {"mam", "mum", "mom", "dad", "nan", "nain", "taid", "gran", "grandad", "grandma", "grandpa", "nanna"}
_IRREGULAR_PLURALS = {"feet", "teeth", "children", "grandchildren", "people", "men", "women", "folk", "kids"}


class Topic(str):
    """A thing the person called their own, as a worker would say it back: "your late husband", "Rhodri".

    A str, so it can be dropped into a sentence; it also knows whether it is plural (for "matter" or
    "matters") and its kind: "name", "body" (a hip is worth asking about, but not "what matters") or "thing".
    """

    plural: bool
    kind: str

    def __new__(cls, text: str, *, plural: bool = False, kind: str = "thing") -> Topic:
        obj = super().__new__(cls, text)
        obj.plural = plural
        obj.kind = kind
        return obj


def _strip_possessive(word: str) -> tuple[str, bool]:
    """"daughter's" -> ("daughter", True); "mates'" -> ("mates", True); "garden" -> ("garden", False)."""
    if word.lower().endswith("'s"):
        return word[:-2], True
    if word.endswith("'"):
        return word[:-1], True
    return word.strip("-"), False


def _is_plural(head: str) -> bool:
    low = head.lower()
    if low in _IRREGULAR_PLURALS:
        return True
    return len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is"))


def _noun_phrase(words: list[str]) -> Topic | None:
    """The topic in the words after "my"/"our": modifiers then a noun, stopping at a possessive or a
    function word. None when there is no real topic there ("my own this morning", "my goodness")."""
    phrase: list[str] = []
    for index, raw in enumerate(words[:4]):
        word, possessive = _strip_possessive(raw)
        low = word.lower()
        if len(word) < 2 or low in _FUNCTION_WORDS or "'" in word:
            break
        phrase.append(word)
        if possessive:
            break
        following = _strip_possessive(words[index + 1])[0].lower() if index + 1 < len(words) else ""
        if not following or following in _FUNCTION_WORDS:
            break
        if low in _MODIFIERS or following in _COMPOUND_HEADS or (low.endswith("ing") and len(phrase) == 1):
            continue
        break
    if not phrase:
        return None
    head = phrase[-1]
    low_head = head.lower()
    if low_head in _MODIFIERS or low_head in _NOT_TOPICS or len(head) < 3:
        return None
    if len(phrase) == 1 and low_head in _VAGUE_ALONE:
        return None
    if head.isupper() and len(head) > 1:  # shouted: "MY VEST"
        phrase = [w.lower() for w in phrase]
        head = phrase[-1]
    if head[0].isupper() and low_head not in _KIN:
        return Topic(head, kind="name")  # "our Sian" -> "Sian"
    text = " ".join(w.lower() if w.lower() in _KIN else w for w in phrase)
    return Topic(f"your {text}", plural=_is_plural(head), kind="body" if low_head in _BODY else "thing")


def _topics_ranked(transcript: Transcript) -> list[Topic]:
    """Every topic the person raised, most mentioned first; body parts after other things."""
    seen: Counter = Counter()
    first: dict[str, int] = {}
    shown: dict[str, Topic] = {}  # as first written, so "my Rhodri" keeps its capital
    position = 0
    for turn in transcript.turns:
        if turn.speaker != "person":
            continue
        text = (turn.text or "").translate(_APOSTROPHES)
        for owner in _OWNER.finditer(text):
            rest = text[owner.end():]
            # Only the words up to the next punctuation mark belong to the phrase.
            clause = re.split(r"[^\w\s'-]", rest, maxsplit=1)[0]
            topic = _noun_phrase(_FOLLOWING.findall(clause))
            if topic is None:
                continue
            key = topic.split()[-1].lower()
            seen[key] += 1
            first.setdefault(key, position)
            shown.setdefault(key, topic)
            position += 1
    # A body part said in passing ("with my toe", "my eyes open") is rarely what the person wants to
    # talk about; one they come back to ("my eyes are no good") is.
    ranked = [k for k in seen if shown[k].kind != "body" or seen[k] >= 2]
    ranked.sort(key=lambda k: (shown[k].kind == "body", -seen[k], first[k]))
    return [shown[k] for k in ranked]


def person_topics(transcript: Transcript, limit: int = 3) -> list[Topic]:
    """Things the person called their own ("my garden", "our Sian"), as 'your garden', 'Sian'."""
    return _topics_ranked(transcript)[:limit]


# --- filling bank questions -----------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(name|topic)\}")
_GAP = re.compile(r"\s*(?:\.\.\.|…)\s*")
_PLURAL_VERBS = {"is": "are", "was": "were", "has": "have", "does": "do", "goes": "go", "isn't": "aren't",
                 "wasn't": "weren't", "hasn't": "haven't", "doesn't": "don't"}
_ADVERBS = r"(?:really|still|always|clearly|so|obviously)"
_VERB_AFTER = re.compile(rf"^(\s+(?:{_ADVERBS}\s+)?)([a-z]+'?[a-z]*)\b")
_VERB_BEFORE = re.compile(r"\b(is|was|has|does)(\s+)$")


def _plural_verb(verb: str) -> str:
    if verb in _PLURAL_VERBS:
        return _PLURAL_VERBS[verb]
    if verb.endswith(("matters", "means", "seems", "sounds", "feels", "looks", "helps", "keeps", "makes")):
        return verb[:-1]
    return verb


def _insert_topic(before: str, topic: str, after: str) -> str:
    """before + topic + after, with the verb next to the topic agreeing: "your mates matter"."""
    if getattr(topic, "plural", False):
        after_match = _VERB_AFTER.match(after)
        if after_match:
            verb = after_match.group(2)
            after = after_match.group(1) + _plural_verb(verb) + after[after_match.end():]
        before = _VERB_BEFORE.sub(lambda m: _PLURAL_VERBS[m.group(1)] + m.group(2), before)
    return before + topic + after


def _fill(text: str, name: str | None, topic: str | None) -> str | None:
    """Fill {name}/{topic}; None when the text needs one the transcript does not give."""
    needed = set(_PLACEHOLDER.findall(text))
    if ("name" in needed and not name) or ("topic" in needed and not topic):
        return None
    # Split first, so a name that happens to contain "{topic}" is never filled in turn.
    parts = [part.replace("{name}", name or "") for part in text.split("{topic}")]
    out = parts[0]
    for part in parts[1:]:
        out = _insert_topic(out, topic, part)  # type: ignore[arg-type]
    return out


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


# --- the person's words, reflected back ------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_SENTENCE = re.compile(r"[^.!?]+[.!?]?")
# Stage directions in a scenario's lines or a typed-up transcript: "(She smiles.)", "*sighs*", "[laughs]".
_STAGE_DIRECTION = re.compile(r"\([^()]*\)|\*[^*]*\*|\[[^\]]*\]")
# First person -> second person, for reflecting the person's words back.
_SHIFT = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
    "i've": "you've", "i'd": "you'd", "i'll": "you'll", "am": "are", "we": "you", "our": "your", "us": "you",
    "ours": "yours", "ourselves": "yourselves", "we're": "you're", "we've": "you've",
}
# "Well, ...", "Oh, ..." are not part of what is reflected back.
# Words that also start real sentences ("No one asks me", "So I gave up") count only when a comma follows.
_LEAD_IN = re.compile(
    r"^(?:(?:(?:well|oh|ah|um|erm|er|och|ach|so|and|but)\b[,!.]?|(?:aye|yes|yeah|no|nah|honestly|look|see|bach|"
    r"love|dear|sorry|right|anyway|okay|ok|alright|mind)\b[,!.])\s+)+",
    re.IGNORECASE)
# Tags and endearments at the end: ", you know", ", I know, I know", ", bach", ", love".
_TAIL = re.compile(
    r"(?:[,;]\s*(?:you know|I know|you see|like|mind|eh|innit|see|right|yeah|though|then|love|bach|butt|dear|"
    r"pet|mate|duck|cariad|hun|boyo|lad|so))+\s*$",
    re.IGNORECASE)
# Sentences that speak to the worker ("Sit down", "Go on, ask away") are not the person's story.
_IMPERATIVE = re.compile(r"^(?:go|tell|sit|come|don't|shut|ask|say|look|listen|let|wait|hang|mind|take|put)\b",
                         re.IGNORECASE)
# Not statements: a subordinate clause ("If I get in"), or a question typed without its question mark.
_NOT_A_STATEMENT = re.compile(
    r"^(?:if|when|because|cos|since|unless|though|although|whether|while|till|until|do|does|did|is|are|was|were|"
    r"have|has|can|could|would|will|should|shall|am|"
    r"(?:who|what|why|how|where)\s+(?:do|does|did|is|are|was|were|can|could|would|will|should|have|has|am))\b",
    re.IGNORECASE)
# What a person says about what matters to them, their worries and their strengths.
_TELLING = re.compile(
    r"\b(?:miss|missed|love|loved|want|wanted|worry|worried|worries|scared|afraid|frightened|lonely|proud|enjoy|"
    r"enjoyed|matters?|important|used to|can't|cannot|couldn't|hate|wish|hope|manage|managed|best|tired|"
    r"fed up|dread|kept|keep|always|never|only)\b",
    re.IGNORECASE)
# Small talk and goodbyes make a poor reflection.
_SMALL_TALK = re.compile(
    r"\b(?:kettle|cuppa|cup of tea|biscuit|sit down|come in|ask away|thank you|thanks|ta-ra|bye|goodbye|"
    r"see you|door)\b",
    re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|yours|yourself)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|my|me|myself|we|we're|we've|our|us)\b", re.IGNORECASE)
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "nain", "taid", "auntie", "uncle"}
_AFTER_YOU = {"was": "were", "wasn't": "weren't"}
_THEY_TO_YOU = {"they": "you", "their": "your", "them": "you", "themselves": "yourself"}
# Sentence openers that are ordinary words, not names, when written with a capital.
_COMMON_OPENERS = {
    "it", "it's", "its", "the", "that", "that's", "this", "there", "there's", "they", "they're", "he", "he's",
    "she", "she's", "everyone", "everybody", "nobody", "no-one", "someone", "people", "nothing", "everything",
    "some", "all", "a", "an", "if", "when", "since", "because", "not", "just", "then", "now", "every", "most",
    "what", "how", "why", "one", "two", "three", "being", "getting", "having", "even", "still",
}


def _sentences(text: str) -> list[str]:
    text = _STAGE_DIRECTION.sub(" ", (text or "").translate(_APOSTROPHES))
    return [m.group(0).strip() for m in _SENTENCE.finditer(text) if m.group(0).strip()]


def _shift_pronouns(text: str) -> str:
    words = text.split()
    out: list[str] = []
    for word in words:
        core = word.strip(",;:").lower()
        new = _SHIFT.get(core)
        if new is None and out and out[-1].lower() == "you":
            new = _AFTER_YOU.get(core)
        out.append(word if new is None else word.lower().replace(core, new))
    return " ".join(out)


def _tidy(sentence: str) -> str:
    """Without lead-ins, tags and end punctuation: "Well, I manage, you know." -> "I manage"."""
    core = sentence.rstrip(".!…").strip()
    previous = None
    while previous != core:
        previous = core
        core = _LEAD_IN.sub("", core)
        core = _TAIL.sub("", core).rstrip(",;:—- ").strip()
    return core


def _names(transcript: Transcript) -> set[str]:
    """Words written with a capital somewhere other than the start of a sentence, and the person's name."""
    names = set((transcript.person_name or "").split())
    for turn in transcript.turns:
        for sentence in _sentences(turn.text):
            names |= {m.group(1) for m in re.finditer(r"(?<=[\w,;:'] )([A-Z][\w'-]*)", sentence)}
    return {n for n in names if n not in ("I", "I'm", "I've", "I'd", "I'll")}


def person_gist(transcript: Transcript, topic: str | None, max_words: int = 14,
                exclude: Collection[str] = ()) -> str | None:
    """A short thing the person said about themselves, in the second person, to reflect back
    ("your garden was your life"): preferring what they said about their topic, what they miss,
    want or worry about, and longer sentences to small talk and goodbyes."""
    person_turns = [t for t in transcript.turns if t.speaker == "person"]
    names = _names(transcript)
    lower_text = " ".join(t.text or "" for t in transcript.turns).translate(_APOSTROPHES)
    candidates: list[tuple[float, int, str]] = []
    order = 0
    for turn_index, turn in enumerate(person_turns):
        closing = bool(transcript.ended_by) and turn_index == len(person_turns) - 1 and len(person_turns) > 1
        for sentence in _sentences(turn.text):
            order += 1
            core = _tidy(sentence)
            words = core.split()
            # Only what the person said about themselves can be reflected back as "you ...": not what
            # they said to the worker ("You sound like my son"), asked, or told the worker to do.
            if not 3 <= len(words) <= max_words or "?" in sentence or _IMPERATIVE.match(core):
                continue
            if not _FIRST_PERSON.search(core) or _SECOND_PERSON.search(core):
                continue
            # Three words say little unless they say what the person feels or does ("I always manage").
            first = words[0].strip(",;:")
            bare = first.lower().removesuffix("'s")
            if _NOT_A_STATEMENT.match(core) or (len(words) == 3 and not _TELLING.search(core)):
                continue
            if bare.endswith("ed") and bare not in _SHIFT:
                continue  # "Carried out of this house in a box, I'll be" cannot follow "what I'm hearing is"
            score = _gist_score(core, topic, closing)
            shifted = _shift_pronouns(core)
            if bare in _SHIFT or bare in _COMMON_OPENERS or bare in _FUNCTION_WORDS or first == first.lower():
                shifted = shifted[0].lower() + shifted[1:]
            elif first not in names:
                # A capital we cannot place ("Money's gone", "Cerys rang"): a word written in lower case
                # elsewhere is an ordinary one; otherwise it is taken for a name. Avoided where possible.
                score -= 1.5
                if re.search(rf"\b{re.escape(first.lower())}\b", lower_text):
                    shifted = shifted[0].lower() + shifted[1:]
            candidates.append((score, order, shifted))
    for _score, _order, shifted in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if shifted not in exclude:
            return shifted
    return None


def _gist_score(core: str, topic: str | None, closing: bool) -> float:
    score = len(core.split()) / 14
    if topic and getattr(topic, "kind", "thing") != "body":
        owned = topic.split(" ", 1)[-1]
        if re.search(rf"\b(?:(?:my|our)\s+)?{re.escape(owned)}\b", core, re.IGNORECASE):
            score += 2
    if _TELLING.search(core):
        score += 1.5
    if _SMALL_TALK.search(core):
        score -= 3
    if closing:
        score -= 2
    return score


# --- turning bank entries into questions for the person --------------------------------------

# Seed prompts written for the worker's own reflection, and how to put them to the person instead.
_PERSON_FACING = [
    (re.compile(r"\bstrengths?\b.*\byou notice\b", re.IGNORECASE), "What strengths have helped you get through this?"),
    (re.compile(r"\bskills?\b.*\byou notice\b", re.IGNORECASE), "What are you good at that could help with this?"),
]
# Follow-ups that only make sense straight after the question before them in the bank.
_FOLLOW_UP = re.compile(r"\b(?:for that to happen|the next (?:number|step))\b", re.IGNORECASE)
# Questions that follow on naturally from "You mentioned your garden.": about worries and wishes.
_TOPIC_FRIENDLY = re.compile(r"\b(?:concerns?|worr(?:y|ies)|would you like|matters?)\b", re.IGNORECASE)
_SLASHED = re.compile(r"\b([\w'-]+(?:/[\w'-]+)+)\b")
_REQUEST = re.compile(r"^(?:tell me|talk me through|say a bit)\b", re.IGNORECASE)


def _person_facing(question: str) -> str:
    """A bank entry as something to say to the person: worker prompts turned round, "talked/had a chat"
    resolved to one wording, a request ending with a full stop rather than a question mark."""
    for pattern, replacement in _PERSON_FACING:
        if pattern.search(question):
            return replacement
    question = _SLASHED.sub(lambda m: m.group(1).split("/")[-1], question)
    if _REQUEST.match(question) and question.endswith("?"):
        question = question[:-1] + "."
    return question


def _bank(rubric: Rubric, stage: int) -> list[tuple[str, str]]:
    """(bank entry, question to offer) for a stage: follow-ups dropped, seed prompts for the worker
    turned round and put after the questions the seed gives for the person."""
    direct: list[tuple[str, str]] = []
    turned: list[tuple[str, str]] = []
    for raw in rubric.stage(stage).questions:
        if _FOLLOW_UP.search(raw):
            continue
        question = _person_facing(raw)
        (turned if any(p.search(raw) for p, _ in _PERSON_FACING) else direct).append((raw, question))
    return direct + turned


SLOT = "[their words, in brief]"


def _fill_gap(question: str, topic: str | None, gist: str | None, *, slot: bool = False) -> str | None:
    """Complete a stem such as "It sounds like ... matters a lot to you." from what the person said;
    None when there is nothing fitting to complete it with (with `slot`, a reflection stem is shown
    with a marked place for the person's words instead)."""
    match = _GAP.search(question)
    if not match:
        return question
    before, after = question[: match.start()], question[match.end():]
    continues = bool(after) and after[:1].islower()
    if continues:
        if not topic or getattr(topic, "kind", "thing") == "body":
            return None  # "It sounds like your hip matters a lot to you" is not what the stem is for
        return _insert_topic(before + " ", topic, " " + after).strip()
    if not gist:
        return f"{before} {SLOT}. {after}".strip() if slot else None
    return f"{before} {gist}. {after}".strip()


def _personalise(question: str, stage: int, name: str | None, topic: str | None, gist: str | None,
                 lead_with_name: bool, slot: bool = False) -> str | None:
    """Aim a bank question at this person: their words for a reflection, their topic for exploring,
    their name to open, and "you" for seed prompts written about the person ("what have they decided")."""
    filled = _fill_gap(question, topic, gist, slot=slot)
    if filled is None:
        return None
    question = filled
    if stage == 5 and not re.search(r"\byou\b", question, re.I):
        question = re.sub(r"\b(they|their|them|themselves)\b", lambda m: _THEY_TO_YOU[m.group(1).lower()], question)
    if (stage == 3 and topic and _TOPIC_FRIENDLY.search(question)
            and not question.lower().startswith(("you mentioned", "you said", "in terms of"))):
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

    def _topic_for(self, raw: str) -> str | None:
        """The next topic not yet aimed at; a stem that ends in "matters" needs one that is not a body part."""
        pool = self.topics_left or self.topics
        gap = _GAP.search(raw)
        if gap and raw[gap.end():][:1].islower():
            pool = [t for t in pool if t.kind != "body"] or [t for t in self.topics if t.kind != "body"]
        return pool[0] if pool else None

    def add(self, stage: int, why: str, *, slot: bool = False) -> bool:
        """Add the first bank question for `stage` that fits; with `slot`, a reflection stem the
        person's words cannot fill is offered with a marked place for them."""
        if len(self.out) >= MAX_SUGGESTIONS:
            return False
        for raw, question in _bank(self.rubric, stage):
            if raw in self.used:
                continue
            topic = self._topic_for(raw)
            filled = _fill(question, self.name, topic)
            if filled is None or self._was_asked(filled):
                continue
            gist = person_gist(self.transcript, topic, exclude=self.gists) if _GAP.search(filled) else None
            personal = _personalise(filled, stage, self.name, topic, gist, lead_with_name=not self.out, slot=slot)
            if personal is None or self._was_asked(personal):
                continue
            self.used.add(raw)
            if gist and gist in personal:
                self.gists.add(gist)
            if topic and topic in personal and topic in self.topics_left:
                self.topics_left.remove(topic)
            self.out.append(Suggestion(stage=stage, question=personal, why=why))
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
            if not picker.add(cover.stage, why) and cover.stage == 2:
                picker.add(2, why, slot=True)

    seen_traps: list[str] = []
    for finding in assessment.traps:
        if finding.trap in seen_traps:
            continue
        seen_traps.append(finding.trap)
        label = (finding.name or finding.trap.replace("_", " ")).lower()
        # Turns are counted from 1 wherever a person reads them (the JSON keeps the index from 0).
        why = f"Instead of the {label} at turn {finding.turn + 1}."
        stage = TRAP_STAGE.get(finding.trap, 3)
        if not picker.add(stage, why) and stage in FALLBACK_STAGE:
            picker.add(FALLBACK_STAGE[stage], why)

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
