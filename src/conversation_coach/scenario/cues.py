"""Did the trainee pick up what the person said? Cue-word matching that forgives endings and typos, warily.

A cue matches when each of its words meets a word of the reply: the same stem
("walks" ~ "walking"), one the other plus a plain ending the stemmer misses
("grandchild" ~ "grandchildren"), or a slip of the keyboard ("alotment" ~
"allotment"). Forgiveness is kept on a short lead, because a false match makes
the person open up to a trainee who never asked:
- a typo is forgiven only in words of 7+ letters, with the same first letter,
  one edit apart (two for 10+ letters), and only when the reply's word is not
  itself a real word a slip away from another one ("stronger" is not a typo of
  "stranger"; `confusable_words.txt.gz`, built by tools/make_confusable_words.py from SCOWL's British English
  list, names those words);
- stems never shrink to a function word ("cans" stays "cans", not "can"), and
  function words ("can", "you", "own") never match by prefix or typo: inside a
  cue they must appear as written, a cue made only of them must appear as a
  phrase, and a one-word cue that is a function word is refused by the model.
Broad questions about what matters, hopes, a good day or strengths are
recognised separately: they may surface the next thing the person is ready to
say without naming it.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import OSA

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SUFFIXES = ("ingly", "ing", "edly", "ies", "ied", "ed", "es", "ly", "s", "e")
FUZZY_MIN_LEN = 7  # shorter words differ by one letter too often (shift/shirt, beach/teach, wander/wonder)
LONG_WORD = 10  # from this length two slips are forgiven
PREFIX_MIN_LEN = 4
# What may follow a stem for a longer word to count as the same word (grandchild+ren, neighbour+hood).
PREFIX_TAILS = ("s", "es", "ed", "ing", "ings", "ren", "hood", "hoods", "ness", "ship", "ships", "ful", "less",
                "ment", "ments")

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

# Function words: never a cue on their own, never matched by prefix or typo, never what a stem shrinks to.
FUNCTION_WORDS = frozenset("""a about after again all am an and any are as at be been before being but by can
could did do does doing don for from had has have having he her here hers him his how i if in into is it its
just me mine more most my no not now of off on once only or other our ours out over own really same see she so
some such than that the their theirs them then there these they this those to too up us very was we were what
when where which who whom whose why will with would yes yet you your yours i'm it's that's""".split())
_STOP = FUNCTION_WORDS


def fold(text: str) -> str:
    """Lower case, curly quotes straightened, accents dropped (Siân ~ Sian)."""
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A crude English stem: enough to make 'walks', 'walked' and 'walking' meet; never a function word."""
    base = word.split("'")[0]
    if base in FUNCTION_WORDS:
        return base
    word = base
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if suffix == "ies" or suffix == "ied":
                word += "y"
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # knitt -> knit, shopp -> shop
    return base if word in FUNCTION_WORDS else word  # cans stays cans: it must not meet "can you"


@lru_cache(maxsize=1)
def confusable_words() -> frozenset[str]:
    """Real words of 7+ letters that are one slip away from another real word (so never treated as typos)."""
    data = resources.files("conversation_coach.scenario").joinpath("confusable_words.txt.gz").read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@dataclass(frozen=True)
class _Token:
    word: str  # folded, without any 's
    stem: str

    @property
    def is_function(self) -> bool:
        return self.word in FUNCTION_WORDS


def _tokens(text: str) -> list[_Token]:
    out = []
    for w in words(text):
        base = w.split("'")[0]
        out.append(_Token(base, stem(w)))
    return out


def _same_word_longer(short: str, long_: str) -> bool:
    """`long_` is `short` plus a plain ending the stemmer does not strip (grandchild -> grandchildren)."""
    return len(short) >= PREFIX_MIN_LEN and long_.startswith(short) and long_[len(short):] in PREFIX_TAILS


def is_typo_of(word: str, cue_word: str, *, word_stem: str | None = None, cue_stem: str | None = None) -> bool:
    """`word` (from a reply) looks like a slip of the keyboard for `cue_word`, not a different word."""
    if word == cue_word:
        return True
    if min(len(word), len(cue_word)) < FUZZY_MIN_LEN or word[0] != cue_word[0]:
        return False
    if word in FUNCTION_WORDS or cue_word in FUNCTION_WORDS or word in confusable_words():
        return False  # a real word, spelled as meant: stronger is not a typo of stranger
    a, b = word_stem or stem(word), cue_stem or stem(cue_word)
    distance = OSA.distance(a, b, score_cutoff=2)
    return distance <= 1 or (min(len(a), len(b)) >= LONG_WORD and distance <= 2)


def _word_meets(cue: _Token, reply: list[_Token]) -> bool:
    if cue.is_function:
        return any(t.word == cue.word for t in reply)
    for tok in reply:
        if tok.is_function:
            continue
        if tok.stem == cue.stem:
            return True
        short, long_ = sorted((cue.stem, tok.stem), key=len)
        if _same_word_longer(short, long_):
            return True
        if is_typo_of(tok.word, cue.word, word_stem=tok.stem, cue_stem=cue.stem):
            return True
    return False


def _has_phrase(phrase: list[str], reply: list[str]) -> bool:
    n = len(phrase)
    return any(reply[i:i + n] == phrase for i in range(len(reply) - n + 1))


def cue_matches(text: str, cues: list[str]) -> int:
    """How many of `cues` the reply picks up (a cue of several words needs them all)."""
    reply = _tokens(text)
    if not reply:
        return 0
    count = 0
    for cue in cues:
        cue_tokens = _tokens(cue)
        if not cue_tokens:
            continue
        if all(t.is_function for t in cue_tokens):
            # "on my own": only the phrase itself; a lone function word ("can") is never a cue.
            if len(cue_tokens) > 1 and _has_phrase([t.word for t in cue_tokens], [t.word for t in reply]):
                count += 1
            continue
        if all(_word_meets(c, reply) for c in cue_tokens):
            count += 1
    return count


def useless_cue(cue: str) -> str | None:
    """Why a cue can never match (for the scenario model's check), or None when it can."""
    cue_tokens = _tokens(cue)
    if not cue_tokens:
        return f"cue {cue!r} has no words"
    if len(cue_tokens) == 1 and cue_tokens[0].is_function:
        return f"cue {cue!r} is a common function word, which never counts as picking up what the person said"
    return None


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
