"""The chat log: the person's lines and the trainee's, distinct without relying on colour."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from conversation_coach.tui.text import clip_line, line


class ChatLine(Static):
    """One line of the conversation; the speaker's name leads, so it reads the same in monochrome.

    A very long line is shown clipped with a note (`clip_line`); `text` keeps all of it.
    """

    def __init__(self, speaker: str, text: str, kind: str) -> None:
        content = line((f"{speaker}: ", "bold"), clip_line(text))
        super().__init__(content, markup=False, classes=f"chat-line -{kind}")
        self.speaker = speaker
        self.text = text
        self.kind = kind


class ChatNote(Static):
    """A narrator's note (the brief, who ended the visit) — not said by anyone."""

    def __init__(self, content, *, classes: str = "") -> None:
        super().__init__(content, markup=False, classes=f"chat-note {classes}".strip())


class ChatLog(VerticalScroll):
    """A scrolling column of lines that keeps the newest in view."""

    can_focus = False  # the reply box keeps focus; PgUp/PgDn scroll the log

    def add_line(self, speaker: str, text: str, kind: str) -> ChatLine:
        """Add a spoken line (`kind` is 'person' or 'trainee') and scroll to it."""
        widget = ChatLine(speaker, text, kind)
        self.mount(widget)
        self.follow()
        return widget

    def add_note(self, content, *, classes: str = "") -> ChatNote:
        widget = ChatNote(content, classes=classes)
        self.mount(widget)
        self.follow()
        return widget

    def follow(self) -> None:
        """Keep the newest line in view as lines arrive (Textual's anchor), until the user scrolls up."""
        self.call_after_refresh(self._anchor_if_full)

    def _anchor_if_full(self) -> None:
        # Anchoring a log shorter than its window pushes the lines to the bottom; only follow once it overflows.
        if self.virtual_size.height > self.scrollable_content_region.height:
            self.anchor()

    def show_start(self) -> None:
        """Show the top (the brief) and stop following, so a new visit starts with who and why."""
        self.call_after_refresh(self._to_top)

    def _to_top(self) -> None:
        self.anchor(False)
        self.scroll_home(animate=False, immediate=True)

    def lines(self) -> list[ChatLine]:
        return list(self.query(ChatLine))
