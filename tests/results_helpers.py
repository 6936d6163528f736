"""Test data for the results area: submitted sheets with chosen levels, cycles moved on to closed/released."""

from __future__ import annotations

import html as html_lib
import re
import subprocess

from rubrics import NOT_OBSERVED
from rubrics.sheet import RatingInput

from assessment.extensions import db
from assessment.framework import pinned_framework
from assessment.services.cycles import change_state
from assessment.services.ratings import save_sheet, scope_of
from assessment.services.users import create_user, find_user
from tests.sheets import KNOWN, with_evidence


def submit_sheet(assignment, levels, *, evidence: str = "Seen in the quarterly review.", notes=None,
                 submit: bool = True) -> None:
    """Submit a sheet (or save it as a draft): ``levels`` is one level for every competency, or a dict
    (missing ids get 3); ``notes`` gives some competencies their own evidence text. Where the rubric asks them
    (2026.12.4), each level at the requirement was seen in the role and the rater knows the candidate (``KNOWN``)."""
    framework = pinned_framework(assignment.assessment.cycle)  # a cycle may be pinned to an older rubric
    inputs = []
    for cid in scope_of(assignment, framework).competencies:  # a direct report's sheet asks only some
        value = levels.get(cid, 3) if isinstance(levels, dict) else levels
        inputs.append(RatingInput(cid, value, (notes or {}).get(cid, evidence)))
    save_sheet(assignment, with_evidence(assignment, inputs), actor=assignment.rater, framework=framework,
               expected_version=assignment.version_id, submit=submit,
               relationship=(assignment.known_for or KNOWN[0], assignment.closeness or KNOWN[1]))
    db.session.commit()


def save_draft(assignment, levels) -> None:
    """Save a sheet as a draft with these levels (see ``submit_sheet``)."""
    submit_sheet(assignment, levels, submit=False)


def sheet(assessment, group: str, index: int = 0):
    """The assessment's ``index``-th sheet of a rater group."""
    return [a for a in assessment.assignments if a.rater_group == group][index]


def rated_assessment(make, *, cycle=None, manager=4, self_level=None, peers=(), candidate=None,
                     current_role="operations_manager"):
    """An assessment in an open cycle with its manager (and peers) submitted; self submitted when given."""
    assessment = make.assessment(cycle=cycle, candidate=candidate, current_role=current_role, managers=1,
                                 peers=len(peers))
    submit_sheet(sheet(assessment, "manager"), manager)
    for index, level in enumerate(peers):
        submit_sheet(sheet(assessment, "peer", index), level)
    if self_level is not None:
        submit_sheet(sheet(assessment, "self"), self_level)
    return assessment


def move_cycle(cycle, *states) -> None:
    for state in states:
        change_state(cycle, state, actor=None)
    db.session.commit()


def results_page_text(client, assessment) -> str:
    """The results page of ``assessment`` as the signed-in person reads it: its text, tags left out, one line."""
    html = client.get(f"/assessments/{assessment.id}/results").get_data(as_text=True)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def report_pdf_text(client, assessment, tmp_path) -> str:
    """The PDF report of ``assessment`` (as the signed-in person gets it) as text by pdftotext, one line."""
    response = client.get(f"/assessments/{assessment.id}/report.pdf")
    assert response.status_code == 200
    path = tmp_path / f"r{assessment.id}.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(text.stdout.split())


__all__ = ["NOT_OBSERVED", "report_pdf_text", "results_page_text", "move_cycle", "rated_assessment", "save_draft", "sheet", "submit_sheet"]


#: The reason code the tests give a calibration (rubric ``readiness.calibration_reasons``).
REASON = "additional_evidence"
#: The names of the panel accounts ``panel_ids`` makes.
PANEL_NAMES = ("Ingrid Halvorsen", "Rafael Ortega", "Priya Raghunathan")


def panel_ids(names=PANEL_NAMES) -> list[str]:
    """Manager accounts to sit on a calibration panel (made once per test database), as the form's values."""
    ids = []
    for name in names:
        email = name.lower().replace(" ", ".") + "@panel.example.com"
        user = find_user(email) or create_user(email, name, "manager", None, actor=None)
        ids.append(str(user.id))
    db.session.commit()
    return ids


def calibration_form(**data) -> dict:
    """A calibration form's data with a panel and a reason code, besides ``data``."""
    return {"panel": panel_ids(), "reason_code": REASON} | data
