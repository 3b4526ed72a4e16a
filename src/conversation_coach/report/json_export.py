"""The supervision record as versioned JSON, for other tools (a CPD system, a spreadsheet).

`export_version` rises only when a field changes meaning or goes; new fields may
appear in any version. Turn numbers (`turn`) count from 0, as in the `code` output.
"""

from __future__ import annotations

import json

from conversation_coach.report.record import ExportRecord
from conversation_coach.review import agreement_dict

EXPORT_FORMAT = "conversation-coach/supervision-record"
EXPORT_VERSION = 1


def export_dict(record: ExportRecord) -> dict:
    from conversation_coach import __version__

    return {
        "format": EXPORT_FORMAT,
        "export_version": EXPORT_VERSION,
        "app_version": __version__,
        "pseudonymised": record.pseudonymised,
        "rubric": {"id": record.rubric.id, "version": record.rubric.version},
        "transcript": record.transcript.model_dump(mode="json"),
        "assessment": record.assessment.model_dump(mode="json"),
        "assessment_with_supervisor_verdicts": (
            record.reviewed_assessment.model_dump(mode="json") if record.reviewed_assessment else None),
        "supervisor_agreement": agreement_dict(record.agreement) if record.agreement else None,
        "supervision_questions": [{"heading": h, "questions": qs} for h, qs in record.questions],
    }


def render_json(record: ExportRecord) -> str:
    return json.dumps(export_dict(record), indent=2, ensure_ascii=False) + "\n"
