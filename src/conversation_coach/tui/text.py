"""Turning user and file text into something safe to show: never markup, never raw controls."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from conversation_coach.textsafe import clean_for_display

# The most of one line the app lays out: a 1 MB reply would make every later key press re-wrap it.
# The transcript keeps every character; only what is shown stops here.
MAX_SHOWN_CHARS = 4_000


def clip_line(text: str | None, limit: int = MAX_SHOWN_CHARS) -> str:
    """`text` up to `limit` characters, then a visible note of how many more there are."""
    text = text or ""
    if len(text) <= limit:
        return text
    hidden = len(text) - limit
    return f"{text[:limit]}… ({hidden:,} more character{'s' if hidden != 1 else ''} not shown)"


def safe(text: str | None, *, keep_newlines: bool = True) -> str:
    """Text with escape sequences and control characters replaced by a visible placeholder."""
    return clean_for_display(text or "", keep_newlines=keep_newlines)


def literal(text: str | None, style: str = "") -> Content:
    """Content that shows `text` exactly as written (square brackets and all), optionally styled."""
    return Content.styled(safe(text), style) if style else Content(safe(text))


def line(*parts: tuple[str, str] | str | Content) -> Content:
    """Assemble a line from (text, style) pairs, plain strings and Content; all text taken literally."""
    pieces: list[Content] = []
    for part in parts:
        if isinstance(part, Content):
            pieces.append(part)
        elif isinstance(part, tuple):
            pieces.append(literal(part[0], part[1]))
        else:
            pieces.append(literal(part))
    return Content("").join(pieces) if pieces else Content("")


def rich_line(*parts: tuple[str, str] | str, limit: int | None = None) -> Text:
    """A Rich Text from (text, style) pairs and plain strings, all taken literally (Rich Text never
    parses markup) and cleaned of terminal controls; with `limit`, each piece is clipped to it."""
    out = Text()
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        out.append(safe(clip_line(text, limit) if limit is not None else text), style=style or None)
    return out


def humanise(name: str | None) -> str:
    """'open_question' -> 'open question'."""
    return (name or "").replace("_", " ")
