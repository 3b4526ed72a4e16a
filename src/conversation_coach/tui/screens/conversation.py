"""The conversation: chat log, reply box (Enter sends, /end ends), coach panel, stage meter, openness."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from conversation_coach.scenario.plain import END_COMMANDS
from conversation_coach.textsafe import clean_for_display
from conversation_coach.tui.text import line, literal
from conversation_coach.tui.widgets.chat_log import ChatLog
from conversation_coach.tui.widgets.coach_panel import CoachPanel
from conversation_coach.tui.widgets.stage_meter import StageMeter
from conversation_coach.tui.widgets.status_line import StatusLine

END_COMMAND = END_COMMANDS[0]  # the one the screen advertises; every one of END_COMMANDS works


def brief_content(scenario: Any) -> Content:
    """What the trainee is told before the first line: where, who, and why they are visiting.

    `person.about` is left out on purpose: it is the author's portrait of the person and
    often names what matters to them, which the trainee has to discover by listening.
    """
    person = scenario.person
    who = person.name + (f", {person.age}" if person.age is not None else "")
    return Content("\n").join(
        [
            line(("Your visit: ", "bold"), scenario.title),
            line(("Where  ", "bold"), scenario.setting),
            line(("Who    ", "bold"), who),
            line(("Why    ", "bold"), scenario.brief),
        ]
    )


class ConversationScreen(Screen):
    """One visit. In assessment mode there is no coach, no meter, no openness and no count."""

    BINDINGS = [
        Binding("ctrl+t", "toggle_coach", "Coach on/off"),
        Binding("ctrl+g", "end_visit", "End visit (/end)"),
        Binding("f1", "app.help", "Help"),
        Binding("pageup", "scroll_log(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_log(1)", "Scroll down", show=False),
    ]

    def __init__(self, conversation: Any, rubric: Any, *, assessment: bool = False, coach: bool = True) -> None:
        super().__init__()
        self.conv = conversation
        self.rubric = rubric
        self.assessment = assessment
        self.coach_on = coach
        self.scenario = conversation.scenario
        self.person_name = self.scenario.person.name
        self._ending = False

    # ----- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = line(("Visiting ", "bold"), self.person_name, " · ", self.scenario.title)
        yield Static(title, markup=False, id="conv-title")
        if not self.assessment:
            names = {s.number: s.name for s in self.rubric.stages}
            yield StageMeter(names, id="stage-meter")
        yield StatusLine(id="conv-status")
        with Horizontal(id="conv-body"):
            yield ChatLog(id="chat-log")
            if not self.assessment:
                yield CoachPanel(id="coach-panel")
        yield Input(placeholder="Your reply — Enter sends, /end ends the visit", id="reply")
        yield Footer()

    def on_mount(self) -> None:
        if self.assessment:
            self.add_class("-assessment")
        chat = self.query_one(ChatLog)
        chat.add_note(brief_content(self.scenario), classes="-brief")
        for turn in self.conv.transcript.turns:
            self._show_turn(turn.speaker, turn.text)
        if not any(t.speaker == "worker" for t in self.conv.transcript.turns):
            chat.show_start()  # a new visit: read the brief first
        if not self.assessment:
            self._restore_coach()
            self.query_one(CoachPanel).display = self.coach_on
        self._refresh_status()
        if self.conv.time_left() is not None:
            self.set_interval(1.0, self._tick)
        self.query_one("#reply", Input).focus()
        if self.conv.finished:  # resumed a conversation that had in fact ended
            self.call_after_refresh(self._finish, None)

    def _show_turn(self, speaker: str, text: str) -> None:
        chat = self.query_one(ChatLog)
        if speaker == "worker":
            chat.add_line("You", text, "trainee")
        else:
            chat.add_line(self.person_name, text, "person")

    def _restore_coach(self) -> None:
        """After a resume, show the coach's view of the last reply."""
        for turn in reversed(self.conv.transcript.turns):
            if turn.speaker == "worker" and turn.coding is not None:
                self.query_one(CoachPanel).show_reply(self.rubric, turn.coding, turn.text)
                break
        self.query_one(StageMeter).show(set(self.conv.stages_reached))

    def _refresh_status(self) -> None:
        status = self.query_one(StatusLine)
        left = self.conv.time_left()
        if self.assessment:
            status.show(time_left=left)
            status.display = left is not None
        else:
            status.show(
                trust=self.conv.trust,
                found=self.conv.what_matters_found,
                total=self.conv.what_matters_total,
                time_left=left,
            )

    # ----- actions ------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.assessment and action in ("toggle_coach", "help"):
            return False  # hidden from the footer: a candidate gets no coaching
        return True

    def action_toggle_coach(self) -> None:
        if self.assessment:
            return
        panel = self.query_one(CoachPanel)
        panel.display = not panel.display
        self.notify("Coach shown." if panel.display else "Coach hidden.", timeout=1.5)

    def action_scroll_log(self, direction: int) -> None:
        chat = self.query_one(ChatLog)
        (chat.scroll_page_down if direction > 0 else chat.scroll_page_up)(animate=False)

    def action_end_visit(self) -> None:
        if self._ending or self.conv.finished:
            return
        self._finish(self._end(by="trainee"))

    @on(Input.Submitted, "#reply")
    def _send(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        event.input.value = ""
        if not text.strip() or self._ending:
            return
        command = text.strip().lower()
        if command in END_COMMANDS:
            self.action_end_visit()
            return
        if command.startswith("/") and " " not in command:
            self.notify(f"Unknown command. {END_COMMAND} ends the visit.", severity="warning")
            return
        if self.conv.finished:
            return
        exchange = self._respond(text)
        if exchange is None:  # nothing was taken: give the trainee their words back
            event.input.value = text
            return
        self._show_turn("worker", text)
        if not self.assessment:
            self.query_one(CoachPanel).show_reply(self.rubric, exchange.coding, text, exchange.trust_change)
            self.query_one(StageMeter).show(set(self.conv.stages_reached))
        if exchange.person_line:
            self._show_turn("person", exchange.person_line)
        self._refresh_status()
        if exchange.ended or self.conv.finished:
            self._finish(None)

    def _tick(self) -> None:
        left = self.conv.time_left()
        if self._ending or self.conv.finished:
            return
        self._refresh_status()
        if left is not None and left <= 0:
            self._finish(self._end(by="time_limit"))

    # ----- the engine saves after every turn: a failed save must not end the visit ------------------
    def _respond(self, text: str) -> Any:
        """The engine's answer to `text`; after a failed save, the same answer rebuilt from memory.

        The engine appends both turns before it saves, so the visit carries on in memory and the
        next save that succeeds writes everything.
        """
        from conversation_coach.scenario.engine import Exchange

        turns_before, trust_before = len(self.conv.transcript.turns), self.conv.trust
        try:
            return self.conv.respond(text)
        except OSError as exc:
            self._save_failed(exc)
        turns = self.conv.transcript.turns[turns_before:]
        worker = next((t for t in turns if t.speaker == "worker"), None)
        if worker is None or worker.coding is None:  # failed before the reply was taken: nothing to show
            return None
        person = turns[-1] if turns[-1].speaker == "person" else None
        return Exchange(text=worker.text, coding=worker.coding, person_line=person.text if person else "",
                        trust=self.conv.trust, trust_change=round(self.conv.trust - trust_before, 2),
                        newly_surfaced=list(person.surfaced) if person else [], ended=self.conv.finished,
                        ended_by=self.conv.ended_by)

    def _end(self, by: str) -> str | None:
        """End the visit; the person's closing line even when saving it failed."""
        turns_before = len(self.conv.transcript.turns)
        try:
            return self.conv.end(by=by)
        except OSError as exc:
            self._save_failed(exc)
        added = self.conv.transcript.turns[turns_before:]
        return added[-1].text if added and added[-1].speaker == "person" else None

    def _save_failed(self, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        self.notify(clean_for_display(f"Could not save to {self.conv.path}: {reason}"), markup=False,
                    severity="error", timeout=10)

    def _finish(self, closing: str | None) -> None:
        """Hand over to the app once: it records the session and shows the summary or the thank-you."""
        if self._ending:
            return
        self._ending = True
        if closing:
            self._show_turn("person", closing)
        self.query_one("#reply", Input).disabled = True
        self.query_one(ChatLog).add_note(literal("The visit has ended."), classes="-ended")
        self.app.conversation_finished(self.conv)

    # ----- for tests and the app ----------------------------------------------------------------
    @property
    def coach_visible(self) -> bool:
        return bool(self.query(CoachPanel)) and self.query_one(CoachPanel).display
