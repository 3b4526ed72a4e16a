"""Is this statement a personal outcome? A rule-based checker built from the seed's definitions.

The seed's table: a personal outcome is "the well-defined picture the person
describes that represents a realistic hope for them"; a need or barrier is what
is required or what gets in the way; a resource is an input (services, people,
equipment, money, groups); an output is a product or activity (meetings, visits,
referrals, assessments, training, personal care). Outcomes should be personal,
realistic, achievable and meaningful. Every verdict carries the reasons behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Category = Literal["personal_outcome", "need_or_barrier", "resource_or_service", "output"]

CATEGORY_LABELS = {
    "personal_outcome": "personal outcome",
    "need_or_barrier": "need or barrier",
    "resource_or_service": "resource or service",
    "output": "output (an activity or product)",
}

# Outputs: activities and products of services, usually worded as a process, not a hope.
_OUTPUT_START = re.compile(
    r"^(?:the\s+)?(?:referral|provision|assessment|re-?assessment|review|meeting|visit|visits|training|advocacy|"
    r"arrang\w*|complet\w*|monitor\w*|signpost\w*|liaise|liaison|contact\s+with|case\s+conference|"
    r"best\s+interests?|safeguarding|care\s+plan|risk\s+assessment|home\s+visit|follow[- ]up|"
    r"carry\s+out|undertake|provide|refer|assess|support\s+(?:worker|plan)s?\s+to)\b"
)
_OUTPUT_ANYWHERE = re.compile(
    r"\b(?:to\s+be\s+(?:arranged|completed|organised|organized|booked|made|carried\s+out|provided|referred|"
    r"reviewed|assessed|undertaken|set\s+up|fitted|installed|delivered|ordered|"
    r"put\s+in|sorted|requested|applied\s+for)|will\s+be\s+(?:referred|assessed|arranged|provided|reviewed)|"
    r"referral\s+(?:for|to)|provision\s+of|meeting\s+to\s+be)\b"
)
# Standardised, organisational wording that could be written about anyone.
_STANDARDISED = re.compile(
    r"^(?:to\s+)?(?:maintain|maximise|maximize|promote|remain|stay|be|keep)\s+"
    r"(?:independen\w*|safe(?:ly)?|well|healthy|at\s+home(?:\s+safely)?)"
    r"(?:\s+(?:at|in)\s+(?:home|the\s+community|(?:his|her|their)\s+own\s+home))?\W*$"
)
_SERVICE = re.compile(
    r"\b(?:home\s?care|home\s+care\s+(?:service|package)|domiciliary\s+care|care\s+workers?|carers?\s+calling|"
    r"care\s+package|respite(?:\s+care)?|day\s+(?:centre|center|care)|support\s+groups?|"
    r"parenting\s+(?:group|class|course)s?|memory\s+(?:clinic|clock)|clinic|walk-in\s+shower|wet\s+room|"
    r"stair\s?lift|grab\s+rails?|hoist|commode|wheelchair|walking\s+frame|zimmer|rollator|pendant\s+alarm|"
    r"lifeline|telecare|meals\s+on\s+wheels|direct\s+payments?|social\s+worker|key\s+worker|"
    r"occupational\s+therap\w*|physio\w*|befriend\w*\s+service|supervised\s+contact|community\s+mental\s+health|"
    r"care\s+home|residential\s+care|nursing\s+home|sitting\s+service|equipment|personal\s+care|"
    r"(?:a|the)\s+(?:service|referral|assessment|package)|befriend\w*|lunch\s+club|carers?\s+to|"
    r"^(?:help|support|assistance|a\s+carer|carers)\s+(?:with|to|for)|^(?:help|support)\s+\w+ing)\b"
)
_WISH = re.compile(
    r"(?:^|\b)(?:i|we|he|she|they)'d\s+(?:really\s+)?(?:like|love)\b"
    r"|(?:^|\b)(?:[a-z]+|my\s+\w+)\s+(?:really\s+|would\s+)?(?:want|wants|wanted|"
    r"would\s+like|would\s+love|hope|hopes|wish|wishes|need\s+to\s+know|plan|aim|intend)\b"
    r"|^to\s+\w+"
    r"|^(?:for\s+)?[a-z]+\s+to\s+(?:be|have|feel|get|go|attend|keep|stay|become|learn|manage|see|make|do|spend|"
    r"carry\s+on|return|take|visit|enjoy)\b"
    r"|^(?:being\s+able|able)\s+to\b"
    r"|\b(?:i|we)\s+(?:can|could|will|'ll)\b(?!\s*not)(?!'t)"
    r"|\b(?:i|we)\s+will\s+have\b"
    r"|\bmy\s+(?:goal|hope|wish|aim)\b"
    r"|\bto\s+be\s+able\s+to\b"
)
_CANT = re.compile(
    r"\b(?:can't|cannot|can\s+not|couldn't|unable|not\s+able|no\s+longer|struggl\w*|won't|isn't\s+able|"
    r"has\s+stopped|have\s+stopped|keeps?\s+falling|stays?\s+in\s+bed|getting\s+(?:very\s+)?forgetful|"
    r"registered\s+blind|since\s+(?:having|the|my)|because\s+(?:i'm|i\s+am|of)|afraid|worried|lonely|"
    r"isolated|low\s+mood|feels?\s+low|depressed|anxious|unsteady|diagnos\w*|in\s+debt|behind\s+with|"
    r"doesn't|don't\s+(?:have|get|go|know)|not\s+(?:sleeping|eating|coping|managing)|"
    r"(?:needs?|requires?)\s+(?:help|support|assistance|prompting))\b"
)
_PURPOSE = re.compile(r"\b(?:so\s+(?:that|i|we|he|she|they)|in\s+order\s+to|because|which\s+(?:is|means)|and\s+not)\b")
_MEANING = re.compile(
    r"\b(?:enjoy\w*|love|happ\w*|confiden\w*|lonely|friends?|family|daughter|son|grand\w+|children|kids|husband|"
    r"wife|partner|mum|dad|garden|home|walk\w*|chapel|church|club|sing\w*|shows?|read\w*|school|work|job|"
    r"own|myself|independen\w*|feel\w*|comfortable|safe|control|choice|routine|proud|dignity|afraid|trapped|"
    r"rely|relationship|touch|life|story|bed\s?time|cook\w*|meals?|swim\w*|town|shops?|football|dog|cat|"
    r"church|mosque|hobby|hobbies|music|art|paint\w*|fish\w*|sea|beach|holiday|visit\w*)\b"
)
_UNREALISTIC = re.compile(r"\b(?:never\s+\w+\s+again|cure[ds]?|be\s+(?:young|20|30)\s+again|perfect|all\s+the\s+time|every\s+single)\b")
_THIRD_PERSON_RECORD = re.compile(r"^(?:mr|mrs|ms|miss)\s+\w+\s+(?:will|to|is\s+to)\s+(?:receive|be\s+provided|attend|be\s+referred)\b")


@dataclass
class OutcomeVerdict:
    statement: str
    is_outcome: bool
    category: Category
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"statement": self.statement, "is_outcome": self.is_outcome, "category": self.category,
                "reasons": list(self.reasons)}


def _norm(text: str) -> str:
    text = text.strip().lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"^[\"'\-\u2013\u2022*\s]+|[\"'\s]+$", "", text)
    return re.sub(r"\s+", " ", text)


def _leftover_words(text: str, *patterns: re.Pattern[str]) -> list[str]:
    """Content words left once wish wording and service names are removed: what the person actually wants."""
    for pattern in patterns:
        text = pattern.sub(" ", text)
    words = re.findall(r"[a-z']+", text)
    stop = {"a", "an", "the", "to", "i", "we", "he", "she", "they", "my", "our", "his", "her", "their", "want",
            "wants", "need", "needs", "needed", "have", "has", "get", "some", "more", "be", "is", "am", "are",
            "for", "of", "with", "and", "me", "him", "them", "us", "like", "would", "d", "please", "new", "it",
            "on", "in", "at", "can", "could", "will", "mum", "dad", "mrs", "mr", "ms", "jones", "again", "also",
            "from", "by", "into", "once", "twice", "times", "day", "week", "month", "days", "weekly",
            "daily", "every", "three", "two", "one", "start", "starting", "going", "go"}
    return [w for w in words if w not in stop and len(w) > 2]


def check_outcome(statement: str) -> OutcomeVerdict:
    """Classify one statement and say why, in terms a trainee can learn from."""
    text = _norm(statement)
    if not text:
        return OutcomeVerdict(statement, False, "need_or_barrier", ["there is nothing here to judge"])
    service = _SERVICE.search(text)
    wish = _WISH.search(text)
    cant = _CANT.search(text)

    if _OUTPUT_START.search(text) or _OUTPUT_ANYWHERE.search(text) or _THIRD_PERSON_RECORD.search(text):
        what = (_OUTPUT_START.search(text) or _OUTPUT_ANYWHERE.search(text) or _THIRD_PERSON_RECORD.search(text)).group(0)
        return OutcomeVerdict(statement, False, "output", [
            f"describes an activity or process ('{what.strip()}') that services do, not what the person wants to achieve",
        ])
    if _STANDARDISED.search(text):
        return OutcomeVerdict(statement, False, "output", [
            "standardised wording that could be written about anyone; record what this person wants, in their words",
        ])

    if wish and not (cant and cant.start() < wish.start() and not _PURPOSE.search(text)):
        leftover = _leftover_words(text, _WISH, _SERVICE)
        purpose = _PURPOSE.search(text)
        if service and not purpose and len(leftover) < 3:
            return OutcomeVerdict(statement, False, "resource_or_service", [
                f"names a service or piece of equipment ({service.group(0)}) rather than what the person wants "
                "to achieve with it",
            ])
        reasons = ["says what the person hopes for, in personal terms"]
        if purpose or _MEANING.search(text):
            reasons.append("meaningful: it says what difference it would make to their life")
        else:
            reasons.append("could be more meaningful: add what difference it would make ('so that ...')")
        if service:
            reasons.append(f"mentions a service ({service.group(0)}) only as a means to the outcome")
        if _UNREALISTIC.search(text):
            reasons.append("check it is realistic: things may not be as they were")
        return OutcomeVerdict(statement, True, "personal_outcome", reasons)

    if service:
        return OutcomeVerdict(statement, False, "resource_or_service", [
            f"names a service or resource ({service.group(0)}) rather than what the person wants to achieve",
        ])
    if cant:
        return OutcomeVerdict(statement, False, "need_or_barrier", [
            f"describes a difficulty or barrier ('{cant.group(0)}') rather than what the person hopes for",
        ])
    return OutcomeVerdict(statement, False, "need_or_barrier", [
        "describes the situation as it is, not a hope or an end result the person wants to reach",
    ])
