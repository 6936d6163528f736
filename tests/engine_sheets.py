"""Engine-level test sheets with the written evidence rubric 2026.12.3 asks for, so that a test about something
else (a report's layout, a strength, a hidden peer) still has sheets that count as raters."""

from __future__ import annotations

from dataclasses import replace

from rubrics.model import Framework
from rubrics.readiness import RaterSheet
from rubrics.sheet import evidence_required

EVIDENCE = "Seen in the quarterly operations review."


def with_written_evidence(fw: Framework, role_id: str, sheets: list[RaterSheet]) -> list[RaterSheet]:
    """The sheets with ``EVIDENCE`` on every answer the rules ask evidence for and the sheet left without."""
    role = fw.role(role_id)
    return [replace(s, comments={**{i: EVIDENCE for i in evidence_required(fw, role, s.ratings)}, **s.comments})
            for s in sheets]
