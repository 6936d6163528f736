"""Blind rating: managers see the self-assessment after submitting, peers never; candidates never see rater scores."""

from assessment.extensions import db
from assessment.services.ratings import save_sheet
from rubrics.sheet import RatingInput
from tests.sheets import sheet_of, with_evidence

SELF_EVIDENCE = "I rebuilt the night-shift rota myself."
MANAGER_EVIDENCE = "Her budget forecast was off by a wide margin twice."


def _submit(assignment, framework, level, evidence, submit=True):
    inputs = with_evidence(assignment, [RatingInput(c.id, level, evidence) for c in framework.competencies])
    save_sheet(assignment, inputs, actor=assignment.rater, framework=framework,
               expected_version=assignment.version_id, submit=submit)
    db.session.commit()


def test_manager_sees_the_self_assessment_only_after_submitting(client, auth, make):
    """Before the manager submits, nothing of the self-assessment shows; after, its levels do."""
    framework = make.framework
    assessment = make.assessment()
    own, manager = sheet_of(assessment, "self"), sheet_of(assessment, "manager")
    _submit(own, framework, 5, SELF_EVIDENCE)
    auth.login(manager.rater)
    before = client.get(f"/ratings/{manager.id}").get_data(as_text=True)
    assert "self-assessment is shown to you only after you submit" in before
    assert "s self-assessment</h2>" not in before and "5 Expert</td>" not in before and SELF_EVIDENCE not in before
    _submit(manager, framework, 3, "")
    after = client.get(f"/ratings/{manager.id}").get_data(as_text=True)
    panel = after.split('class="self-panel"')[1].split("</section>")[0]
    assert f"{assessment.candidate.name}’s self-assessment" in panel
    assert panel.count("<td>5 Expert</td>") == len(framework.competencies)
    assert SELF_EVIDENCE not in after  # the levels are shown, the candidate's own words stay private


def test_manager_sees_a_draft_self_assessment_as_not_submitted(client, auth, make):
    """A self-assessment still in draft is never shown, even after the manager submitted."""
    framework = make.framework
    assessment = make.assessment()
    own, manager = sheet_of(assessment, "self"), sheet_of(assessment, "manager")
    _submit(own, framework, 5, SELF_EVIDENCE, submit=False)
    _submit(manager, framework, 3, "")
    auth.login(manager.rater)
    page = client.get(f"/ratings/{manager.id}").get_data(as_text=True)
    assert "The candidate has not submitted their self-assessment yet." in page
    assert "5 Expert</td>" not in page


def test_peer_never_sees_the_self_assessment(client, auth, make):
    """Peers are fellow candidates: the self-assessment is for managers only, even after the peer submitted."""
    framework = make.framework
    assessment = make.assessment(peers=1)
    _submit(sheet_of(assessment, "self"), framework, 5, SELF_EVIDENCE)
    peer = sheet_of(assessment, "peer")
    auth.login(peer.rater)
    before = client.get(f"/ratings/{peer.id}").get_data(as_text=True)
    assert "shared with their managers only" in before and "shown to you only after you submit" not in before
    _submit(peer, framework, 3, "")
    after = client.get(f"/ratings/{peer.id}").get_data(as_text=True)
    assert 'class="self-panel"' not in after and "s self-assessment</h2>" not in after
    assert "5 Expert</td>" not in after


def test_candidate_never_sees_a_raters_scores(client, auth, make):
    """The candidate's pages (home, own sheet) show nothing of a rater's sheet, and the rater's sheet is 404."""
    framework = make.framework
    assessment = make.assessment(peers=1)
    _submit(sheet_of(assessment, "manager"), framework, 1, MANAGER_EVIDENCE)
    _submit(sheet_of(assessment, "peer"), framework, 1, MANAGER_EVIDENCE)
    own = sheet_of(assessment, "self")
    _submit(own, framework, 4, "")
    auth.login(assessment.candidate)
    for path in ("/me", f"/ratings/{own.id}", "/ratings/"):
        page = client.get(path).get_data(as_text=True)
        assert MANAGER_EVIDENCE not in page and "1 Emerging</strong>" not in page and "self-panel" not in page
    assert client.get(f"/ratings/{sheet_of(assessment, 'manager').id}").status_code == 404
    assert client.get(f"/ratings/{sheet_of(assessment, 'peer').id}").status_code == 404
