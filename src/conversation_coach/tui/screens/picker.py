"""The first screen: every shipped and user scenario; type to filter, Enter starts the highlighted one."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from conversation_coach.tui.text import line, literal, safe


def entry_matches(entry: Any, query: str) -> bool:
    """Every word of the query appears in the title, id, audience, difficulty or brief."""
    haystack = " ".join(
        str(getattr(entry, field, "") or "") for field in ("title", "id", "audience", "difficulty", "brief", "source")
    ).lower()
    return all(word in haystack for word in query.lower().split())


_AUDIENCE_ORDER = {"induction": 0, "supervision": 1, "recruitment": 2}
_DIFFICULTY_ORDER = {"gentle": 0, "moderate": 1, "challenging": 2}


def picker_order(entry: Any) -> tuple:
    """Induction visits first, gentlest first: a trainee on their second day starts at the top."""
    return (
        _AUDIENCE_ORDER.get(entry.audience, 3),
        _DIFFICULTY_ORDER.get(entry.difficulty, 3),
        entry.source == "user",
        entry.title.lower(),
    )


def entry_prompt(entry: Any) -> Content:
    """Title on the first line; audience, difficulty and source on the second."""
    facts = f"{entry.audience} · {entry.difficulty}" + (" · yours" if entry.source == "user" else "")
    return Content("\n").join([literal(entry.title, "bold"), literal(facts, "dim")])


def entry_detail(entry: Any) -> Content:
    facts = [
        line(("Audience   ", "bold"), entry.audience),
        line(("Difficulty ", "bold"), entry.difficulty),
        line(("Scenario   ", "bold"), entry.id, f" ({'your own' if entry.source == 'user' else 'shipped'})"),
    ]
    return Content("\n").join([literal(entry.title, "bold"), Content(""), *facts, Content(""), literal(entry.brief)])


class PickerScreen(Screen):
    """Choose whom to visit."""

    BINDINGS = [
        Binding("enter", "start", "Start", priority=True),
        Binding("f1", "app.help", "Help"),
        Binding("f3", "app.progress", "Progress"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self, entries: list[Any], problems: list[str] | None = None) -> None:
        super().__init__()
        self.entries = sorted(entries, key=picker_order)
        self.problems = problems or []
        self.shown: list[Any] = list(self.entries)

    def compose(self) -> ComposeResult:
        yield Static(line(("Conversation coach", "bold"), " — choose a visit to practise"), id="picker-title")
        yield Input(placeholder="Type to filter; ↑↓ to choose; Enter starts", id="picker-filter")
        with Horizontal(id="picker-body"):
            yield OptionList(markup=False, id="picker-list")
            with VerticalScroll(id="picker-detail"):
                yield Static("", markup=False, id="picker-detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self._fill(self.entries)
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, entries: list[Any]) -> None:
        self.shown = list(entries)
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        options.add_options(Option(entry_prompt(e), id=f"scenario-{i}") for i, e in enumerate(entries))
        if entries:
            options.highlighted = 0
        self._show_detail()

    @property
    def highlighted_entry(self) -> Any | None:
        index = self.query_one("#picker-list", OptionList).highlighted
        if index is None or not (0 <= index < len(self.shown)):
            return None
        return self.shown[index]

    def _show_detail(self) -> None:
        detail = self.query_one("#picker-detail-text", Static)
        entry = self.highlighted_entry
        if entry is not None:
            detail.update(entry_detail(entry))
        elif self.entries:
            detail.update(line("No scenario matches that filter. Esc clears it."))
        else:
            text = ["No scenarios were found."] + [safe(p) for p in self.problems]
            detail.update(Content("\n").join(literal(t) for t in text))

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        query = event.value.strip()
        self._fill([e for e in self.entries if entry_matches(e, query)] if query else self.entries)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_start()

    def on_key(self, event: Key) -> None:
        """Typing while the list has focus goes to the filter, so 'type to filter' always works."""
        filter_input = self.query_one("#picker-filter", Input)
        if event.is_printable and event.character and not filter_input.has_focus:
            filter_input.focus()
            filter_input.insert_text_at_cursor(event.character)
            event.stop()

    def action_move(self, step: int) -> None:
        options = self.query_one("#picker-list", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_clear_filter(self) -> None:
        self.query_one("#picker-filter", Input).value = ""

    def action_start(self) -> None:
        entry = self.highlighted_entry
        if entry is None:
            self.notify("Nothing to start: no scenario is highlighted.", severity="warning")
            return
        self.app.start_conversation(entry.id)
