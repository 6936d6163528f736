"""What HR reads for the ids stored in the database: cycle states, sheet statuses, rater groups, account roles,
kinds of audit event and the fields of their before/after values. The ids stay as stored; only the words shown
follow the reader's language (template filters, registered on the HR blueprint)."""

from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from rubrics import NOT_OBSERVED, Framework, language
from rubrics.situations import CLOSENESS_LABELS, KNOWN_FOR_LABELS

from ..labels import CYCLE_STATE_LABELS as CYCLE_STATES
from ..labels import GROUP_LABELS as RATER_GROUPS
from ..labels import GROUP_WORDS as RATER_GROUP_WORDS  # inside a sentence: "Ann (manager) for Ben"
from ..labels import ROLE_LABELS as ACCOUNT_ROLES
from ..labels import STATUS_LABELS as SHEET_STATUSES
from ..mail.review_mail import REVIEW_OUTCOME_LABELS
from ..services.cycles import state_word

#: The groups as table rows ("Managers: 3 submitted").
RATER_GROUPS_PLURAL = {"self": _l("Self"), "manager": _l("Managers"), "peer": _l("Peers"),
                       "direct_report": _l("Direct reports"), "assessor": _l("Assessors")}
#: The outbox (the page is HR's; the stored ids are the mail package's).
OUTBOX_STATUSES = {"pending": _l("Waiting to send"), "sending": _l("Sending"), "sent": _l("Sent"),
                   "failed": _l("Gave up")}
OUTBOX_KINDS = {"invitation": _l("Invitation"), "password_reset": _l("Password reset"),
                "cycle_opened": _l("Cycle opened"), "reminder": _l("Reminder"),
                "results_released": _l("Results released"), "sheet_reopened": _l("Sheet reopened"),
                "review_resolved": _l("Review request resolved")}

AUDIT_KINDS = {
    "cycle.create": _l("Cycle created"),
    "cycle.update": _l("Cycle edited"),
    "cycle.open": _l("Cycle opened"),
    "cycle.closed": _l("Cycle closed"),
    "cycle.released": _l("Results released"),
    "cycle.release_acknowledged": _l("Release acknowledged"),
    "cycle.import": _l("Candidates imported"),
    "performance.import": _l("Performance ratings imported"),
    "cycle.copy": _l("Cycle started from another"),
    "user.create": _l("Account created"),
    "user.role_change": _l("Role changed"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "user.sync": _l("Account updated by the people sync"),
    "user.directory": _l("Reporting line changed"),
    "people.sync": _l("People synchronised from the HR system"),
    "user.password": _l("Password changed"),
    "user.role_grant.propose": _l("HR role proposed"),
    "user.role_grant.approve": _l("HR role approved"),
    "user.role_grant.operator": _l("HR role granted from the command line"),
    "conflict.clear": _l("Conflict of interest cleared"),
    "user.invite": _l("Invitation sent"),
    "user.invitation": _l("Invitation accepted"),
    "user.reset": _l("Password reset"),
    "export.start": _l("Export started"),
    "export.download": _l("Export downloaded"),
    "outbox.view": _l("Outbox message viewed"),
    "assessment.create": _l("Candidate added"),
    "assessment.withdraw": _l("Candidate withdrawn"),
    "assessment.withhold": _l("Results withheld"),
    "assessment.release": _l("Withheld results released"),
    "assignment.create": _l("Rater assigned"),
    "assignment.remove": _l("Rater removed"),
    "assessment.rater_change": _l("Rater added or removed after opening"),
    "rating.submit": _l("Sheet submitted"),
    "rating.reopen": _l("Sheet reopened"),
    "verdict.calibrate": _l("Verdict calibrated"),
    "verdict.propose": _l("Calibration proposed"),
    "verdict.approve": _l("Calibration approved"),
    "user.assessor": _l("Assessor mark changed"),
    "exercise.schedule": _l("Exercise scheduled"),
    "assessment.consensus": _l("Assessors' consensus saved"),
    "assessment.track_record": _l("Track record changed"),
    "sso.password_sign_in": _l("Password sign-in turned on or off"),
    "sso.jit_domain.add": _l("Domain allowed accounts at first sign-in"),
    "sso.jit_domain.remove": _l("Domain no longer allowed accounts at first sign-in"),
    "user.sso_create": _l("Account created at first single sign-on"),
    "user.details": _l("Account details changed"),
    "api_token.create": _l("API token created"),
    "api_token.revoke": _l("API token revoked"),
    "api.write": _l("API change"),
    "api.read": _l("API read"),
    "reply.acknowledge": _l("Results acknowledged by the candidate"),
    "reply.save": _l("Candidate's reply saved"),
    "reply.read": _l("Candidate's reply read by HR"),
    "review.request": _l("Review requested"),
    "review.resolve": _l("Review request resolved"),
    "plan.start": _l("Development plan started"),
    "plan.action_add": _l("Development action added"),
    "plan.action_edit": _l("Development action changed"),
    "plan.action_progress": _l("Development action progress"),
    "plan.agree": _l("Development plan agreed"),
}

#: The fields of before/after values that HR meets most; others are shown by their id.
AUDIT_FIELDS = {
    "name": _l("name"), "state": _l("state"), "instructions": _l("instructions"), "starts_on": _l("starts on"),
    "ends_on": _l("ends on"), "role": _l("role"), "email": _l("e-mail"), "reason": _l("reason"),
    "status": _l("status"), "rationale": _l("rationale"), "candidate": _l("candidate"),
    "candidates": _l("candidates"), "withheld": _l("withheld"), "is_withheld": _l("withheld"),
    "has_password": _l("has a password"), "withdrawn": _l("withdrawn"), "sheets_kept": _l("sheets kept"),
    "file": _l("file"), "ratings": _l("performance ratings"), "new_accounts": _l("new accounts"), "rubric_hash": _l("rubric fingerprint"),
    "calibrated_band": _l("calibrated verdict"), "computed_band": _l("computed verdict"),
    "candidate_note": _l("note to the candidate"), "panel_members": _l("panel members"),
    "proposed_by": _l("proposed by"), "acknowledged": _l("acknowledged"), "source_cycle": _l("source cycle"),
    "rater_group": _l("rater group"), "revision": _l("revision"), "current_role": _l("current role"),
    "target_role": _l("target role"), "rater": _l("rater"), "raters": _l("raters"), "group": _l("group"),
    "panel": _l("panel"), "panel_names": _l("panel members"), "reason_code": _l("reason code"),
    "change": _l("change"), "assignment": _l("sheet"), "known_for": _l("worked together for"),
    "closeness": _l("how closely"),
    "is_assessor": _l("trained assessor"), "exercise": _l("exercise"), "scheduled_on": _l("scheduled on"),
    "assessors": _l("assessors"),
    "leadership_months": _l("months in leadership roles"), "current_role_months": _l("months in the current role"),
    "language": _l("language"), "grant": _l("proposal"), "copied": _l("candidates copied"),
    "employee_id": _l("employee id"), "unit": _l("unit"), "manager": _l("line manager"), "active": _l("active"),
    "created": _l("accounts created"), "updated": _l("accounts updated"), "deactivated": _l("accounts deactivated"),
    "reactivated": _l("accounts reactivated"), "unchanged": _l("accounts unchanged"),
    "deactivate_missing": _l("people not in the file deactivated"),
    "password_sign_in": _l("password sign-in"), "break_glass": _l("break-glass account"), "domain": _l("domain"),
    "scopes": _l("scopes"), "expires_at": _l("expires"), "revoked": _l("revoked"),
    "operation": _l("operation"),
    "reply": _l("reply"), "version": _l("version"),
    "outcome": _l("outcome"), "resolution": _l("reason given to the candidate"), "calibration": _l("calibration"),
    "review_days": _l("review period (days)"),
    "competency_id": _l("competency"), "what": _l("what"), "owner_id": _l("owner"), "due_on": _l("due on"),
    "support": _l("support"), "support_detail": _l("support, in detail"), "note": _l("note"),
    "agreement_cleared": _l("agreement to be given again"), "party": _l("agreed by"),
}



def label(labels: dict, value) -> str:
    """The words for a stored id, or the id itself when it has none (never an error on unexpected data)."""
    found = labels.get(value)
    return str(found) if found is not None else ("" if value is None else str(value))


def audit_value(value, key: str = "") -> str | None:
    """A before/after value as short text, or None when it is nested data that wants the JSON view; the ids
    of states, roles, groups and statuses (by the field's ``key``) in words."""
    words = AUDIT_VALUE_WORDS.get(key)
    if words is not None and isinstance(value, str):
        return label(words, value)
    if value == NOT_OBSERVED:
        return _("not observed")
    if value is None:
        return _("(none)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)) and len(value) <= 3 and not any(isinstance(v, (list, dict)) for v in value):
        return " · ".join(_("not observed") if v == NOT_OBSERVED else str(v) for v in value
                          if v not in (None, "")) or _("(empty)")
    return None if isinstance(value, (list, tuple, dict)) else str(value)


#: The fields whose values are stored ids, with the words for them (lower case in English, as recorded).
_STATE_WORDS = {"draft": _l("draft"), "open": _l("open"), "closed": _l("closed"), "released": _l("released")}
AUDIT_VALUE_WORDS = {
    "state": _STATE_WORDS, "role": {"hr": _l("HR"), "manager": _l("manager"), "candidate": _l("candidate")},
    "group": RATER_GROUP_WORDS, "rater_group": RATER_GROUP_WORDS,
    "status": {**_STATE_WORDS, "not_started": _l("not started"), "submitted": _l("submitted"),
               "proposed": _l("proposed"), "approved": _l("approved"), "resolved": _l("resolved"),
               "planned": _l("planned"), "in_progress": _l("in progress"), "done": _l("done"),
               "dropped": _l("dropped")},
    "outcome": REVIEW_OUTCOME_LABELS,
    "known_for": KNOWN_FOR_LABELS, "closeness": CLOSENESS_LABELS,
    "change": {"added": _l("added"), "removed": _l("removed")},
    "language": language.LANGUAGE_NAMES,
    "party": {"candidate": _l("the candidate"), "manager": _l("the line manager")},
    "support": {"mentor": _l("mentor"), "course": _l("course"), "acting_up": _l("acting-up assignment"),
                "other": _l("other support")},
}
_MISSING = object()


def audit_changes(event, frameworks: dict | None = None) -> list[tuple]:
    """The fields an event changed, as ``(key, label, before, after)`` rows for the page (a side without the field
    fails the template test ``audit_present``). Fields whose value stayed the same are left out; a competency id (a sheet's or a consensus's answers) is shown by the competency's name, and its level
    by the scale's words, from ``frameworks`` (cycle id -> framework in the reader's language; None: no cycle)."""
    before, after = event.before or {}, event.after or {}
    framework = (frameworks or {}).get(event.cycle_id) or (frameworks or {}).get(None)
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old == new:
            continue
        competency = _competency(framework, key)
        rows.append((key, competency.name if competency else label(AUDIT_FIELDS, key),
                     _answer(old, framework) if competency else old, _answer(new, framework) if competency else new))
    return rows


def _competency(framework: Framework | None, key: str):
    return next((c for c in framework.competencies if c.id == key), None) if framework else None


def _answer(value, framework: Framework):
    """A competency's recorded answer (``[level or "not_observed", evidence, ...]``) with the level in words:
    "4 Advanced", "Not observed"."""
    if value is _MISSING or not isinstance(value, list) or not value:
        return value
    level, *rest = value
    if level == NOT_OBSERVED:
        words = framework.scale.label(level)
    elif isinstance(level, int) and framework.scale.label(level):
        words = f"{level} {framework.scale.label(level)}"
    else:
        words = level
    return [words, *rest]


def has_value(value) -> bool:
    """Whether an ``audit_changes`` side holds a value (a field added or removed has none on one side)."""
    return value is not _MISSING


def register(bp) -> None:
    """The filters the HR templates use: ``{{ cycle.state|cycle_state_label }}`` and so on."""
    filters = {"cycle_state_label": CYCLE_STATES, "sheet_status_label": SHEET_STATUSES,
               "rater_group_label": RATER_GROUPS, "rater_group_word": RATER_GROUP_WORDS,
               "rater_groups_label": RATER_GROUPS_PLURAL,
               "account_role_label": ACCOUNT_ROLES, "audit_kind_label": AUDIT_KINDS,
               "audit_field_label": AUDIT_FIELDS}
    for name, labels in filters.items():
        bp.add_app_template_filter(lambda value, labels=labels: label(labels, value), name)
    bp.add_app_template_filter(audit_value, "audit_value")
    bp.add_app_template_filter(audit_changes, "audit_changes")
    bp.add_app_template_test(has_value, "audit_present")
    bp.add_app_template_filter(state_word, "cycle_state_word")  # a state inside a sentence: "the cycle is closed"
