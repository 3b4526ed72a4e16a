"""The Textual app: picker -> conversation (with a live coach) -> summary; assessment mode without coaching.

From the picker (and the command palette) the trainee also reaches their progress (F3),
the two drills (trap rewrites, the personal-outcomes quiz) and the review of a saved
transcript. The core (scenarios, engine, rubric, scorer) is imported lazily so that the
picker appears quickly; this module only wires screens to it. `run_app` is the entry point
for `conversation-coach` with no command, `play` without `--plain`, and the drills.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from conversation_coach.tui.settings import load_settings, save_setting

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"
STARTS = ("picker", "drill", "quiz")
# Unfinished visits the trainee chose to discard: never offered for resume again (settings key).
DISCARDED_KEY = "discarded_unfinished"
# Actions that lead away from a visit into the trainee's own practice: never offered to a candidate.
PRACTICE_ACTIONS = frozenset({"help", "progress", "review_transcript", "drill", "quiz"})


class CoachApp(App[int]):
    """Conversation coach. `autosave=False` and `offer_resume=False` exist for tests and demos."""

    # The drills' styles are listed here too: Textual loads a screen's own CSS_PATH only when the
    # screen is pushed, not when it is the first screen (`drill traps`, `quiz outcomes`).
    CSS_PATH = [Path(__file__).with_name("app.tcss"),
                Path(__file__).parent / "screens" / "drill.tcss",
                Path(__file__).parent / "screens" / "quiz.tcss"]
    TITLE = "Conversation coach"
    BINDINGS = [
        Binding("f1", "help", "Help", show=False),
        Binding("f3", "progress", "Progress", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        scenario_id: str | None = None,
        *,
        assessment: bool = False,
        candidate: str | None = None,
        trainee: str | None = None,
        minutes: float | None = None,
        resume: Path | None = None,
        rubric_path: Path | None = None,
        rubric: Any | None = None,
        autosave: bool = True,
        offer_resume: bool = True,
        coach: bool = True,
        start: str = "picker",
        drill_count: int = 10,
    ) -> None:
        super().__init__()
        if start not in STARTS:
            raise ValueError(f"start must be one of {', '.join(STARTS)}")
        self.start = start
        self.drill_count = drill_count
        self.scenario_id = scenario_id
        self.assessment_mode = assessment
        self.candidate = candidate
        self.trainee = trainee
        self.minutes = minutes
        self.resume_path = Path(resume) if resume else None
        self.rubric_path = Path(rubric_path) if rubric_path else None
        self._rubric = rubric
        self.autosave = autosave
        self.offer_resume = offer_resume
        self.coach_on = coach
        self._recorded: set[int] = set()
        self._rubric_lock = threading.Lock()
        saved_theme = load_settings().get("theme")
        if isinstance(saved_theme, str) and saved_theme in self.available_themes:
            self.theme = saved_theme

    # ----- the core, loaded on first use ----------------------------------------------------------
    @property
    def rubric(self) -> Any:
        with self._rubric_lock:  # the warm-up thread may be loading it right now
            if self._rubric is None:
                from conversation_coach.rubric.load import load_rubric

                self._rubric = load_rubric(self.rubric_path)
            return self._rubric

    def _warm_up(self) -> None:
        """Load the rubric and prime the coder in the background while the trainee reads the picker."""
        try:
            from conversation_coach.rubric.coder import code_utterance

            code_utterance("What matters to you?", [], self.rubric)
        except Exception:
            pass  # whatever failed will be reported when the visit starts

    def _new_conversation(self, scenario_id: str) -> Any:
        from conversation_coach.scenario.engine import Conversation
        from conversation_coach.scenario.load import load_scenario

        scenario = load_scenario(scenario_id)
        return Conversation(
            scenario,
            self.rubric,
            mode="assessment" if self.assessment_mode else "practice",
            candidate=self.candidate,
            trainee=self.trainee,
            save_path="auto" if self.autosave else None,
            time_limit_minutes=self.minutes,
        )

    def _picker(self) -> Screen:
        from conversation_coach.tui.scenario_index import picker_entries
        from conversation_coach.tui.screens.picker import PickerScreen

        try:
            entries, problems = picker_entries()
        except Exception as exc:  # a broken scenario folder must not stop the app opening
            entries, problems = [], [f"Could not list scenarios: {exc}"]
        if problems and entries:
            count = len(problems)
            self.notify(f"{count} scenario file{'s' if count > 1 else ''} could not be loaded and "
                        f"{'are' if count > 1 else 'is'} not listed; `conversation-coach validate` says why.",
                        severity="warning", markup=False, timeout=8)
        return PickerScreen(entries, problems)

    # ----- lifecycle ------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        """The picker is the first screen, except in an assessment (the candidate sees only the visit)
        and when the app was opened for a drill (`drill traps`, `quiz outcomes`): closing it quits."""
        if self.assessment_mode:
            return super().get_default_screen()
        if self.start == "drill":
            return self._drill_screen()
        if self.start == "quiz":
            return self._quiz_screen()
        return self._picker()

    def _drill_screen(self) -> Screen:
        from conversation_coach.tui.screens.drill import DrillScreen

        return DrillScreen(self.rubric, count=self.drill_count)

    def _quiz_screen(self) -> Screen:
        from conversation_coach.tui.screens.quiz import QuizScreen

        return QuizScreen()

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.resume_path is not None:
            self.resume_conversation(self.resume_path)
        elif self.scenario_id is not None:
            self.start_conversation(self.scenario_id)
        elif self.offer_resume and not self.assessment_mode and self.start == "picker":
            self._offer_resume()
        if self.scenario_id is None and self.resume_path is None and self.start == "picker":
            # After the picker is on screen, so it costs the trainee no waiting.
            self.set_timer(0.5, lambda: self.run_worker(self._warm_up, thread=True, exclusive=True, group="warm-up"))

    def _offer_resume(self) -> None:
        """Offer the newest unfinished practice visit that has at least one reply in it."""
        try:
            from conversation_coach.scenario.engine import find_unfinished

            unfinished = [Path(p) for p in find_unfinished()]
        except Exception:
            return
        discarded = _discarded()
        path = next((p for p in unfinished if str(p) not in discarded and _has_a_reply(p)), None)
        if path is None:
            return
        from conversation_coach.tui.screens.resume import DISCARD, RESUME, ResumeScreen

        def chosen(choice: str | None) -> None:
            if choice == RESUME:
                self.resume_conversation(path)
            elif choice == DISCARD:  # the file stays (and is not counted as practice); the offer stops
                save_setting(DISCARDED_KEY, sorted(discarded | {str(path)}))

        self.push_screen(ResumeScreen(path), chosen)

    def _conversation_screen(self, conversation: Any) -> Screen:
        from conversation_coach.tui.screens.conversation import ConversationScreen

        assessment = self.assessment_mode or getattr(conversation.transcript, "mode", "") == "assessment"
        return ConversationScreen(conversation, self.rubric, assessment=assessment, coach=self.coach_on)

    def start_conversation(self, scenario_id: str, *, replace: bool = False) -> None:
        """Open a new visit (on top of the picker, or in place of the current screen)."""
        try:
            conversation = self._new_conversation(scenario_id)
            screen = self._conversation_screen(conversation)
        except Exception as exc:
            self._report("Could not start that scenario", exc)
            return
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def resume_conversation(self, path: Path) -> None:
        try:
            from conversation_coach.scenario.engine import Conversation

            conversation = Conversation.resume(path, rubric=self.rubric)
            screen = self._conversation_screen(conversation)
        except Exception as exc:
            self._report(f"Could not resume {path}", exc)
            return
        self.push_screen(screen)

    def conversation_finished(self, conversation: Any) -> None:
        """Record the finished visit once, then show the summary (practice) or the thank-you (assessment)."""
        from conversation_coach.lifecycle import on_finished

        transcript = conversation.transcript
        try:
            assessment = conversation.assessment()
        except Exception as exc:
            self._report("Could not score the conversation", exc)
            assessment = None
        if id(conversation) not in self._recorded and assessment is not None:
            self._recorded.add(id(conversation))
            try:
                problem = on_finished(transcript, assessment, conversation.path)
            except Exception as exc:
                self._report("Could not record this session", exc)
            else:
                if problem:  # the store could not take it: the transcript is saved, say so and carry on
                    from conversation_coach.textsafe import clean_for_display

                    self.notify(clean_for_display(problem), markup=False, severity="warning", timeout=12)
        closing = transcript.turns[-1].text if transcript.turns and transcript.turns[-1].speaker == "person" else None
        scenario = conversation.scenario
        if self.assessment_mode or transcript.mode == "assessment":
            from conversation_coach.tui.screens.thanks import ThanksScreen

            self.switch_screen(ThanksScreen(scenario.person.name, closing))
        elif assessment is not None:
            from conversation_coach.tui.screens.summary import SummaryScreen

            self.switch_screen(SummaryScreen(assessment, scenario=scenario, path=conversation.path, closing=closing,
                                             transcript=transcript, rubric=self.rubric))

    def try_again(self, scenario_id: str) -> None:
        self.start_conversation(scenario_id, replace=True)

    def back_to_scenarios(self) -> None:
        from conversation_coach.tui.screens.picker import PickerScreen

        if any(isinstance(s, PickerScreen) for s in self.screen_stack):
            while not isinstance(self.screen, PickerScreen):
                self.pop_screen()
        else:
            self.switch_screen(self._picker())

    def _report(self, what: str, exc: BaseException) -> None:
        """Tell the user what went wrong, literally (error text can hold file text), without crashing.

        With nothing else to show (an assessment opens no picker), the app closes and says why.
        """
        from conversation_coach.textsafe import clean_for_display

        message = clean_for_display(f"{what}: {exc}")
        if self.screen.id == "_default":  # nothing but a blank screen to fall back on
            self.exit(return_code=2, message=Text(f"conversation-coach: {message}"))
            return
        self.notify(message, severity="error", markup=False, timeout=10)

    # ----- actions, palette, themes ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in PRACTICE_ACTIONS and self.assessment_mode:
            return False  # the cheat-sheet, drills and progress are coaching: not shown to a candidate
        return True

    def _open_once(self, screen_type: type, make: Any, what: str) -> None:
        """Push a screen made by `make()` unless one of that type is already on top; report failures."""
        if self.assessment_mode or isinstance(self.screen, screen_type):
            return
        try:
            screen = make()
        except Exception as exc:
            self._report(f"Could not open {what}", exc)
            return
        self.push_screen(screen)

    def action_progress(self) -> None:
        from conversation_coach.tui.progress import ProgressScreen

        self._open_once(ProgressScreen, ProgressScreen, "your progress")

    def action_review_transcript(self) -> None:
        from conversation_coach.tui.review import ReviewPickerScreen

        self._open_once(ReviewPickerScreen, lambda: ReviewPickerScreen(self.rubric), "the review")

    def action_drill(self) -> None:
        from conversation_coach.tui.screens.drill import DrillScreen

        self._open_once(DrillScreen, self._drill_screen, "the trap-rewrite drill")

    def action_quiz(self) -> None:
        from conversation_coach.tui.screens.quiz import QuizScreen

        self._open_once(QuizScreen, self._quiz_screen, "the quiz")

    def action_help(self) -> None:
        from conversation_coach.tui.screens.help import HelpScreen

        if self.assessment_mode or isinstance(self.screen, HelpScreen):
            return
        try:
            rubric = self.rubric
        except Exception as exc:
            self._report("Could not load the rubric", exc)
            return
        self.push_screen(HelpScreen(rubric))

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def _remember_theme(self, theme: Any) -> None:
        save_setting("theme", theme.name)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from conversation_coach.tui.screens.conversation import ConversationScreen
        from conversation_coach.tui.screens.picker import PickerScreen
        from conversation_coach.tui.screens.summary import SummaryScreen

        if isinstance(screen, PickerScreen):
            yield SystemCommand("Start the highlighted scenario", "Begin the visit", screen.action_start)
        if isinstance(screen, ConversationScreen):
            yield SystemCommand("End the visit", "Same as typing /end", screen.action_end_visit)
            if not screen.assessment:
                yield SystemCommand("Coach panel", "Show or hide the coach", screen.action_toggle_coach)
        if isinstance(screen, SummaryScreen):
            yield SystemCommand("Try again", "The same scenario from the start", screen.action_try_again)
            yield SystemCommand("Back to scenarios", "Choose another visit", screen.action_back)
            yield SystemCommand("Open transcript folder", "Show where it was saved", screen.action_open_location)
            yield SystemCommand("Review this conversation", "Every turn's verdict and its evidence; override, comment (v)",
                                screen.action_review)
            yield SystemCommand("Record the outcome", "Write what matters to the person as you would record it (w)",
                                screen.action_record_outcome)
        if not self.assessment_mode and not isinstance(screen, ConversationScreen):
            yield SystemCommand("Your progress", "Sessions, score trend, recurring traps, what next (F3)",
                                self.action_progress)
            yield SystemCommand("Drill: rewrite the traps", "Ten trap statements to rewrite, judged by the coder",
                                self.action_drill)
            yield SystemCommand("Quiz: personal outcomes", "25 statements: outcome, need, resource or output?",
                                self.action_quiz)
            yield SystemCommand("Review a transcript", "Open a saved transcript to review its verdicts",
                                self.action_review_transcript)
        if not self.assessment_mode:
            yield SystemCommand("Help: stages and traps", "The cheat-sheet (F1)", self.action_help)
        yield SystemCommand("Light or dark", "Switch between the light and dark built-in themes", self.action_toggle_dark)
        yield from super().get_system_commands(screen)

    def _fatal_error(self) -> None:
        """Crash output without local variables: they could hold the trainee's words."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()


def _discarded() -> set[str]:
    """Unfinished visits the trainee discarded, as path strings; files that are gone are forgotten."""
    value = load_settings().get(DISCARDED_KEY)
    if not isinstance(value, list):
        return set()
    return {p for p in value if isinstance(p, str) and Path(p).exists()}


def _has_a_reply(path: Path) -> bool:
    """An unfinished visit worth offering: the trainee said something before it stopped."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    turns = data.get("turns") if isinstance(data, dict) else None
    return isinstance(turns, list) and any(isinstance(t, dict) and t.get("speaker") == "worker" for t in turns)


def _unfinished_for(scenario_id: str, mode: str, candidate: str | None) -> Path | None:
    """The newest unfinished conversation with this scenario (and candidate, for an assessment)."""
    import json

    from conversation_coach.scenario.engine import find_unfinished

    for path in find_unfinished(mode):  # type: ignore[arg-type]
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data.get("scenario_id") == scenario_id and (candidate is None or data.get("candidate") == candidate):
            return Path(path)
    return None


def run_app(
    scenario_id: str | None = None,
    *,
    assessment: bool = False,
    candidate: str | None = None,
    trainee: str | None = None,
    minutes: float | None = None,
    resume: Path | str | bool | None = None,
    rubric_path: Path | str | None = None,
    coach: bool = True,
    scenario: str | None = None,
    rubric: Path | str | None = None,
    mode: str | None = None,
    start: str = "picker",
    count: int = 10,
) -> int:
    """Open the app; returns an exit code. Problems found before opening are printed to stderr.

    `scenario_id` is an id or a scenario file path (opens that visit straight away); `resume`
    is a transcript path, or True for the newest unfinished visit with `scenario_id`.
    `trainee` is recorded in every new visit's transcript (a resumed one keeps its own).
    `coach=False` starts with the coach hidden. `scenario`, `rubric` and `mode="assessment"`
    are accepted as aliases of `scenario_id`, `rubric_path` and `assessment=True`.
    `start="drill"` (a round of `count` trap rewrites) or `start="quiz"` (the outcomes quiz)
    opens that exercise instead of the picker; closing it closes the app.
    """
    if start not in STARTS:
        print(f"conversation-coach: start must be one of {', '.join(STARTS)}", file=sys.stderr)
        return 2
    scenario_id = scenario_id or scenario
    rubric_path = rubric_path or rubric
    assessment = assessment or mode == "assessment"
    if assessment and not candidate and not resume:
        print("conversation-coach: assessment mode needs --candidate ID", file=sys.stderr)
        return 2
    if minutes is not None and minutes <= 0:
        print("conversation-coach: --minutes must be more than 0", file=sys.stderr)
        return 2
    if candidate is not None:
        from conversation_coach.scenario.engine import CANDIDATE_ID

        if not CANDIDATE_ID.match(candidate):
            print("conversation-coach: a candidate id is 1-64 letters, digits, '.', '_' or '-'", file=sys.stderr)
            return 2
    loaded_rubric = None
    resume_path: Path | None = None
    try:
        if rubric_path is not None:
            from conversation_coach.rubric.load import load_rubric

            loaded_rubric = load_rubric(Path(rubric_path))
        if start == "drill":
            if loaded_rubric is None:
                from conversation_coach.rubric.load import load_rubric

                loaded_rubric = load_rubric(None)
            if not loaded_rubric.drill_bank:
                print("conversation-coach: this rubric has no drill bank (drill_bank)", file=sys.stderr)
                return 1
        if start == "quiz":
            from conversation_coach.drills.quiz import load_quiz

            load_quiz()  # a damaged quiz file is reported here, before the screen opens
        if scenario_id is not None:
            from conversation_coach.scenario.load import load_scenario

            loaded_scenario = load_scenario(scenario_id)
            if resume is True:
                resume_path = _unfinished_for(loaded_scenario.id, "assessment" if assessment else "practice", candidate)
                if resume_path is None:
                    print(f"conversation-coach: no unfinished conversation with '{loaded_scenario.id}' to resume",
                          file=sys.stderr)
                    return 1
        if resume not in (None, True, False):
            resume_path = Path(resume)  # type: ignore[arg-type]
            if not resume_path.is_file():
                raise FileNotFoundError(f"no transcript at {resume_path}")
    except Exception as exc:
        from conversation_coach.textsafe import clean_for_display

        problems = getattr(exc, "problems", None)
        text = "\n".join(str(p) for p in problems) if problems else str(exc)
        print(f"conversation-coach: {clean_for_display(text)}", file=sys.stderr)
        return 2
    app = CoachApp(
        scenario_id,
        assessment=assessment,
        candidate=candidate,
        trainee=trainee,
        minutes=minutes,
        resume=resume_path,
        rubric_path=Path(rubric_path) if rubric_path else None,
        rubric=loaded_rubric,
        coach=coach,
        start=start,
        drill_count=max(1, count),
    )
    app.run()
    return int(app.return_code or 0)
