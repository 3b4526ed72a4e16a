"""Did the trainee pick up what the person said? Cue-word matching that forgives endings and typos.

A cue matches when each of its words meets a word of the reply: the same stem
("walks" ~ "walking"), one a prefix of the other ("grandchild" ~ "grandchildren"),
or, for longer words, a close spelling (rapidfuzz), so a typo still counts as
listening. Broad questions about what matters, hopes, a good day or strengths
are recognised separately: they may surface the next thing the person is ready
to say without naming it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SUFFIXES = ("ingly", "ing", "edly", "ies", "ied", "ed", "es", "ly", "s", "e")
FUZZY_MIN_LEN = 6  # shorter words differ by one letter too often (shift/shirt, walk/talk)
FUZZY_RATIO = 85.0
PREFIX_MIN_LEN = 4

_BROAD = {
    "matters": re.compile(
        r"\bwhat (?:really |most )?matters?\b|\bmatters? (?:most |the most )?to you\b|\bimportant to you\b"
        r"|\bwhat(?:'s| is| are| was| would be)(?: \w+){0,2} (?:most )?important\b|\bhop(?:e|es|ing)\b"
        r"|\bgood day\b|\bbetter day\b|\bday like\b|\bwhat would you (?:most |really )?like\b|\bwhat would (?:make|help)\b"
        r"|\benjoy\b|\blove doing\b|\bmakes? you tick\b|\blook(?:ing)? forward\b|\bwish\b|\bmiss(?:ing)? most\b"
        r"|\bwhat would be different\b|\bgets? you up\b|\bmeans? (?:a lot|most) to you\b|\bcare about\b",
    ),
    "strengths": re.compile(
        r"\bstrengths?\b|\bgood at\b|\bproud\b|\bwho else\b|\bwho (?:could|can|might|would|does|do) (?:help|support)\b"
        r"|\bwho helps\b|\bwhat(?:'s| has) helped\b|\bgot you through\b|\bkept you going\b|\bkeeps you going\b"
        r"|\bthere for you\b|\bwho(?:'s| is) around\b|\bwho do you (?:turn|lean|rely)\b|\bwhat helps\b"
        r"|\bmanaged\b|\bcoped\b",
    ),
}


def fold(text: str) -> str:
    """Lower case, curly quotes straightened, accents dropped (Siân ~ Sian)."""
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A crude English stem: enough to make 'walks', 'walked' and 'walking' meet."""
    word = word.split("'")[0]
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if suffix == "ies" or suffix == "ied":
                word += "y"
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # knitt -> knit, shopp -> shop
    return word


def _word_meets(cue_stem: str, reply_stems: set[str]) -> bool:
    if cue_stem in reply_stems:
        return True
    for other in reply_stems:
        short, long_ = sorted((cue_stem, other), key=len)
        if len(short) >= PREFIX_MIN_LEN and long_.startswith(short):
            return True
        if len(cue_stem) >= FUZZY_MIN_LEN and len(other) >= FUZZY_MIN_LEN:
            if Levenshtein.distance(cue_stem, other) <= 1 or ratio(cue_stem, other) >= FUZZY_RATIO:
                return True
    return False


def cue_matches(text: str, cues: list[str]) -> int:
    """How many of `cues` the reply picks up (a cue of several words needs them all)."""
    reply_stems = {stem(w) for w in words(text)}
    if not reply_stems:
        return 0
    count = 0
    for cue in cues:
        cue_words = [stem(w) for w in words(cue)]
        if cue_words and all(_word_meets(c, reply_stems) for c in cue_words):
            count += 1
    return count


_STOP = frozenset("""a about after again all am an and any are as at be been before being but by can could
did do does doing don for from had has have having he her here him his how i if in into is it its just me
more most my no not now of off on once only or other our out over own really same see she so some such than
that the their them then there these they this those to too up very was we were what when where which who
why will with would you your yours""".split())


def echoes(text: str, said: str) -> int:
    """How many content words of `said` the reply picks up (stems, stop words aside)."""
    mine = {stem(w) for w in words(text) if w not in _STOP and len(w) > 2}
    theirs = {stem(w) for w in words(said) if w not in _STOP and len(w) > 2}
    return len(mine & theirs)


def is_broad_question(text: str, about: str = "matters") -> bool:
    """A broad question about what matters / hopes / a good day (or, with about='strengths', strengths)."""
    lowered = fold(text)
    if about == "strengths":
        return bool(_BROAD["strengths"].search(lowered))
    return bool(_BROAD["matters"].search(lowered)) and not _BROAD["strengths"].search(lowered)
