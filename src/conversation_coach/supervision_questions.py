"""The seed's "Questions for supervision", by heading, with the person's name filled in.

The seed writes 'individual/carer' where the person's name goes. Here each slot is
`{name}` or, where the seed means the person's something ("'individual/carer'
point of view"), `{name's}`, so the filled question reads as English.
Source: outcomes-approach.txt, "Questions for supervision".
"""

from __future__ import annotations

DEFAULT_NAME = "the person"

_QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Exploring the individual's story", (
        "How would you describe {name}? Tell me about {name}.",
        "Was there a time when {name} was able to manage better? What helped? What resources did {name} use?",
        "In what ways are you making sure {name's} spiritual, cultural and identity needs are being considered?",
    )),
    ("Outcomes and aspirations", (
        "What would {name} say are their best hopes for the future?",
        "What would {name} like to do or achieve?",
        "What specific changes would {name} like to see in their situation?",
    )),
    ("Communication and engagement", (
        "How did you go about engaging with {name}?",
        "How did you ensure {name} was as involved as much as possible in the discussion?",
        "Would you say you have a clear understanding of {name's} point of view about their life and how they "
        "would like it to be?",
    )),
    ("Concerns and risks", (
        "Describe {name's} environment – are there environmental issues that are impacting on them?",
        "What concerns do you have about the situation? What is {name} most worried about?",
        "What makes this situation challenging?",
        "What's the worst that might happen if nothing changes?",
        "What will the family/network do if things go wrong?",
    )),
    ("Planning", (
        "Does the plan cover all the things {name} is worried about? And all the things that concern other "
        "people, including you?",
        "How have {name's} hopes/desires/outcomes been addressed?",
        "How does {name} think they can improve the situation?",
    )),
    ("Focusing on the supervisee's practice", (
        "Thinking about this piece of work, what are you most satisfied with?",
        "What has gone really well?",
        "What might you do differently next time?",
        "What would {name} say was the most useful/supportive action that you took to help them?",
        "What did you do to help {name} have more control/choice in their life?",
        "How did you support {name} to become aware of their resources and strengths?",
        "What have you learned from working with this individual/family?",
    )),
)


def possessive(name: str) -> str:
    """British usage: "Mrs Jones's", "the person's"."""
    return f"{name}'" if name.endswith("'") else f"{name}'s"


def _fill(template: str, name: str, at_start: bool) -> str:
    text = template.replace("{name's}", possessive(name)).replace("{name}", name)
    # "the person" opening a sentence reads "The person".
    if at_start and text.startswith(name) and name[:1].islower():
        text = text[:1].upper() + text[1:]
    return text


def supervision_questions(person_name: str | None) -> list[tuple[str, list[str]]]:
    """The questions by heading; `person_name` None or blank gives "the person"."""
    name = " ".join((person_name or "").split()) or DEFAULT_NAME
    return [(heading, [_fill(q, name, True) for q in questions]) for heading, questions in _QUESTIONS]


def supervision_questions_text(person_name: str | None) -> str:
    """Plain text, headings and bullets, for a terminal or a CPD prompt."""
    lines: list[str] = []
    for heading, questions in supervision_questions(person_name):
        lines.append(f"{heading}:")
        lines.extend(f"- {q}" for q in questions)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
