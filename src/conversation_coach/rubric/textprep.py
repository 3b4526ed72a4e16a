"""Turn a typed reply into what the rules read: canonical lower-case text, sentences, content words.

Real typing is messy ("ur", "dont", "realize", no full stops, no question marks).
`prepare` lower-cases, maps common text-speak and American spellings onto the forms the
rubric is written in, keeps a map back to the original characters (so evidence quotes
the words actually typed) and splits the text into sentences with their preambles
("Okay, so ...") marked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# Text-speak and missing apostrophes -> the forms rules are written in.
_CANON_WORDS = {
    "u": "you", "ur": "your", "r": "are", "ya": "you", "yr": "your", "youre": "you're", "youve": "you've",
    "youd": "you'd", "youll": "you'll", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't",
    "cant": "can't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "havent": "haven't", "hasnt": "hasn't", "hadnt": "hadn't", "wouldnt": "wouldn't", "couldnt": "couldn't",
    "shouldnt": "shouldn't", "im": "i'm", "ive": "i've", "thats": "that's", "whats": "what's",
    "hows": "how's", "wheres": "where's", "whos": "who's", "theres": "there's", "theyre": "they're",
    "itll": "it'll", "lets": "let's", "ok": "okay", "k": "okay", "okey": "okay", "wot": "what", "wat": "what",
    "abt": "about", "cos": "because", "coz": "because", "cuz": "because", "bc": "because", "tho": "though",
    "pls": "please", "plz": "please", "thx": "thanks", "ta": "thanks", "wanna": "want to", "gonna": "going to",
    "gotta": "got to", "dunno": "don't know", "dyou": "do you", "d'you": "do you", "dya": "do you", "shoud": "should", "shuld": "should", "wud": "would",
    "cud": "could", "mom": "mum", "moms": "mums", "mommy": "mummy", "color": "colour", "behavior": "behaviour",
    "behaviors": "behaviours", "favorite": "favourite", "honor": "honour", "neighbor": "neighbour",
    "neighbors": "neighbours", "center": "centre", "program": "programme", "counselor": "counsellor",
    "judgment": "judgement", "apologize": "apologise", "ain't": "isn't", "mmhmm": "mm-hmm", "mhm": "mm-hmm",
    "uh-huh": "mm-hmm", "mm-hm": "mm-hmm", "hmm": "mm",
}
# Everyday misspellings and texting shorthand (unambiguous ones only: "ill", "id" and "rn" — a
# registered nurse — stay as typed).
_CANON_WORDS.update({
    "realy": "really", "reely": "really", "rly": "really", "usualy": "usually", "usally": "usually",
    "definately": "definitely", "definatly": "definitely", "defo": "definitely", "probly": "probably",
    "prolly": "probably", "becuase": "because", "becasue": "because", "beacuse": "because", "bcoz": "because",
    "wich": "which", "recieve": "receive", "beleive": "believe", "belive": "believe", "untill": "until",
    "tommorow": "tomorrow", "tomorow": "tomorrow", "tmrw": "tomorrow", "2moro": "tomorrow", "2day": "today",
    "thier": "their", "freind": "friend", "freinds": "friends", "wierd": "weird", "happend": "happened",
    "truely": "truly", "basicly": "basically", "immediatly": "immediately", "excercise": "exercise",
    "neccessary": "necessary", "necesary": "necessary", "begining": "beginning", "shud": "should",
    "wont": "won't", "hes": "he's", "shes": "she's", "wouldve": "would've", "couldve": "could've",
    "shouldve": "should've", "theyve": "they've", "weve": "we've", "yeh": "yeah", "yh": "yeah",
    "thru": "through", "tbh": "to be honest", "idk": "i don't know", "b4": "before",
    "gr8": "great", "nite": "night", "luv": "love", "hav": "have", "wen": "when", "wiv": "with",
    "ud": "you'd", "ul": "you'll", "ull": "you'll", "uve": "you've", "youve": "you've", "sumthing": "something", "somthing": "something", "anythin": "anything", "nothin": "nothing",
    "somethin": "something", "everythin": "everything",
    "u'll": "you'll", "u'd": "you'd", "u've": "you've", "u're": "you're",
})
# Dropped g's typed without the apostrophe ("goin", "doin"): the common verbs only, since "-in" words abound.
_CANON_WORDS.update({f"{stem}in": f"{stem}ing" for stem in (
    "go", "do", "say", "mak", "tak", "gett", "com", "look", "think", "talk", "feel", "try", "hav", "see", "tell",
    "ask", "worry", "walk", "liv", "car", "weigh", "eat", "sleep", "work", "wait", "help", "manag", "cop",
    "struggl", "drink", "smok", "lett", "putt", "sitt", "runn", "mov", "stay", "keep", "want", "need", "us")})
_CANON_KEYS = frozenset(_CANON_WORDS)
_IZE = re.compile(r"(?<=[a-z]{2})(iz|yz)(e|es|ed|ing|ation|ations)$")
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_DROPPED_G = re.compile(r"(?<=[a-z]{2})in'(?![a-z])")

STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most
mustn't my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't
she she'd she'll she's should shouldn't so some such than that that's the their theirs them themselves then
there there's these they they'd they'll they're they've this those through to too under until up very was
wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who who's
whom why why's with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
okay yeah yes just really like well right um uh er erm mm oh so get got go going bit lot thing things kind
sort know think mean say said also still even much many way now then gonna want wanted will shall may might
must one two something anything everything nothing someone anyone everyone thats cos because
thanks thank cheers bye goodbye hello hi hiya anytime that'd it'd
""".split())

PREAMBLE_WORDS = frozenset("""
okay ok so right well and um uh er erm hmm mm mm-hmm yeah yes alright now oh ah look listen anyway sure
great cool hm but then lovely fine good aye hello hi hiya hey morning afternoon evening gosh goodness
oops whoops ooh
""".split())


@dataclass
class Sentence:
    """One sentence of a reply: spans in canonical text, the part after any preamble, and its end mark."""

    start: int
    end: int
    text: str  # canonical (lower-case) text of the sentence
    body_offset: int  # where the sentence proper starts, after "okay, so" and the like
    question_mark: bool

    @property
    def body(self) -> str:
        return self.text[self.body_offset :]


@dataclass
class Prepared:
    original: str  # the reply as the coder read it (controls removed, capped)
    canon: str
    offsets: list[int] | None  # canon index -> original index; None when the two line up exactly
    sentences: list[Sentence] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the canonical text back onto the original reply."""
        if self.offsets is None:
            return start, end
        if start >= len(self.offsets):
            return len(self.original), len(self.original)
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1 if end > start else o_start
        while o_end < len(self.original) and self.original[o_end - 1].isalnum() and self.original[o_end].isalnum():
            o_end += 1  # a replaced word maps back to the whole typed word
        return o_start, o_end

    def evidence(self, start: int, end: int) -> tuple[str, int, int]:
        o_start, o_end = self.original_span(start, end)
        return self.original[o_start:o_end].strip(" ,;:"), o_start, o_end


def _canon_word(word: str) -> str:
    mapped = _CANON_WORDS.get(word)
    if mapped is not None:
        return mapped
    if "iz" in word or "yz" in word:
        return _IZE.sub(lambda m: ("is" if m.group(1) == "iz" else "ys") + m.group(2), word)
    return word


def canonicalise(text: str) -> tuple[str, list[int] | None]:
    """Lower-case and canonical spellings, plus an offset map when lengths change."""
    lowered = text.lower()
    if len(lowered) != len(text):  # rare Unicode case changes (e.g. dotted capital I)
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    lowered = lowered.replace("\u2019", "'").replace("\u2018", "'")
    if "in'" in lowered:  # spoken "goin'", "weighin'": the same length, so no offsets to keep
        lowered = _DROPPED_G.sub("ing", lowered)
    if "iz" not in lowered and "yz" not in lowered and _CANON_KEYS.isdisjoint(_WORD.findall(lowered)):
        return lowered, None  # the common case: nothing to respell, no word-by-word pass
    pieces: list[str] = []
    offsets: list[int] | None = None
    last = 0
    for m in _WORD.finditer(lowered):
        word = m.group()
        new = _canon_word(word)
        if new == word:
            continue
        if offsets is None:
            offsets = list(range(m.start()))
            pieces.append(lowered[: m.start()])
        else:
            gap = lowered[last : m.start()]
            pieces.append(gap)
            offsets.extend(range(last, m.start()))
        pieces.append(new)
        offsets.extend(m.start() + min(i, len(word) - 1) for i in range(len(new)))
        last = m.end()
    if offsets is None:
        return lowered, None
    pieces.append(lowered[last:])
    offsets.extend(range(last, len(lowered)))
    return "".join(pieces), offsets


_SENTENCE_END = re.compile(r"[.!?]+[\"”]?(?=\s|$)|\s+-\s+|\?(?=\S)|-{2,}|—|–(?=\s)")
_PREAMBLE = re.compile(
    r"^[-–—.,…\s\"“”]*(?:(?:" + "|".join(sorted((re.escape(w) for w in PREAMBLE_WORDS), key=len, reverse=True))
    + r"|all right|to be honest|honestly|i see|you know|i mean|thank you|thanks|mr\.? \w+|mrs\.? \w+|ms\.? \w+|miss \w+|don't (?:you )?worry(?=[,.!])"
    r")\b[,.!…]*\s*){0,4}"
)


def split_sentences(canon: str) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(canon):
        end = m.end()
        _add_sentence(out, canon, start, end, "?" in m.group())
        start = end
    if start < len(canon):
        _add_sentence(out, canon, start, len(canon), False)
    return out


def _add_sentence(out: list[Sentence], canon: str, start: int, end: int, question: bool) -> None:
    raw = canon[start:end]
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    if not text or not any(ch.isalnum() for ch in text):
        if out and question:
            out[-1].question_mark = True
        return
    pre = _PREAMBLE.match(text)
    body_offset = pre.end() if pre and pre.end() < len(text) else 0
    out.append(Sentence(start + lead, start + lead + len(text), text, body_offset, question))


_NOT_NAMES = frozenset("""
sorry thanks please hello hi hiya honestly anyway basically actually obviously alright great brilliant lovely
fine wow gosh ah oh um ok okay yes no yeah well look listen right sure cheers morning afternoon evening
""".split())
_VOCATIVE = re.compile(r"([a-z]+)(?: [a-z]+)?,\s*")


_GREETING = re.compile(r"^[-–—.,…\s]*(?:hey|hi|hiya|hello|morning|afternoon|evening|alright)\b")
_TYPED_NAME = re.compile(
    r"([a-z]+) (?=(?:how|hows|how's|what|whats|what's|why|where|when|who|do|does|did|is|are|have|has|can|could|would|tell)\b)")


def _skip_vocatives(prepared: Prepared) -> None:
    """'Sarah, what do you think?': a name said first (capitalised as typed) is a preamble too.

    Typed in a hurry, 'hey jaden hows things' has neither capital nor comma: after a greeting,
    a single unknown word followed by a question word is taken as the name.
    """
    for s in prepared.sentences:
        at = s.start + s.body_offset
        if s.body_offset and _GREETING.match(s.text):
            typed = _TYPED_NAME.match(prepared.canon, at, s.end)
            if typed and typed.group(1) not in STOPWORDS and typed.group(1) not in _NOT_NAMES:
                s.body_offset = typed.end() - s.start
                continue
        m = _VOCATIVE.match(prepared.canon, at, s.end)
        if not m or m.group(1) in STOPWORDS or m.group(1) in _NOT_NAMES or m.end() >= s.end:
            continue
        o_start, _ = prepared.original_span(at, at + 1)
        if o_start < len(prepared.original) and prepared.original[o_start].isupper():
            after = m.end() - s.start
            rest = _PREAMBLE.match(s.text[after:])
            s.body_offset = after + (rest.end() if rest and after + rest.end() < len(s.text) else 0)


def prepare(text: str) -> Prepared:
    canon, offsets = canonicalise(text)
    prepared = Prepared(text, canon, offsets, split_sentences(canon), _WORD.findall(canon))
    _skip_vocatives(prepared)
    return prepared


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A crude stem so that 'worried'/'worries'/'worry' and 'cans'/'can' meet."""
    w = word.split("'")[0]
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + keep
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "ls":
        w = w[:-1]
    return w


def content_stems(words: list[str]) -> set[str]:
    return {stem(w) for w in words if w not in STOPWORDS and len(w) > 2 and not w.isdigit()}


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)
