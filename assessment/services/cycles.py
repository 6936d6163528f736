"""Assessment cycles: create, open (pinning the rubric), close and release."""

from __future__ import annotations

from flask_babel import gettext as _
import sqlalchemy as sa

from rubrics import Framework
from rubrics.readiness_groups import anonymity_threshold as group_threshold
from rubrics.readiness_model import ANONYMOUS_GROUPS

from ..extensions import db
from ..mail import notify
from ..models import Assessment, Cycle, RaterAssignment, RubricVersion, User, utcnow
from . import ConflictError, NotAllowed, ServiceError
from .audit import record_audit
from .users import name_problem

TRANSITIONS = {"open": ("draft",), "closed": ("open",), "released": ("closed",)}


def state_word(state: str) -> str:
    """A cycle state as the adjective in a sentence ("a closed cycle"), in the reader's language."""
    words = {"draft": _("draft"), "open": _("open"), "closed": _("closed"), "released": _("released")}
    return words.get(state, state)


#: The review period a cycle may set, in days after a candidate's release (issue 20, 4).
REVIEW_DAYS = (1, 365)


def _check_cycle_fields(name: str, starts_on, ends_on, review_days: int = 14) -> None:
    if not (name or "").strip():
        raise ServiceError(_("a name is required"), field="name")
    # The name goes into mail subjects: no control characters, line breaks or encoded words (header injection).
    if problem := name_problem(name.strip()):
        raise ServiceError(_("The name %(problem)s.", problem=problem), field="name")
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError(_("the end date is before the start date"), field="ends_on")
    if not isinstance(review_days, int) or not REVIEW_DAYS[0] <= review_days <= REVIEW_DAYS[1]:
        raise ServiceError(_("give the review period as whole days from %(min)d to %(max)d",
                             min=REVIEW_DAYS[0], max=REVIEW_DAYS[1]), field="review_days")


def _cycle_fields(cycle: Cycle) -> dict:
    return {"name": cycle.name, "instructions": cycle.instructions,
            "starts_on": cycle.starts_on.isoformat() if cycle.starts_on else None,
            "ends_on": cycle.ends_on.isoformat() if cycle.ends_on else None, "review_days": cycle.review_days}


def create_cycle(name: str, *, actor: User | None, instructions: str = "", starts_on=None, ends_on=None,
                 review_days: int = 14) -> Cycle:
    """Create a cycle in draft."""
    _check_cycle_fields(name, starts_on, ends_on, review_days)
    cycle = Cycle(name=name.strip(), instructions=instructions or "", starts_on=starts_on, ends_on=ends_on,
                  review_days=review_days)
    db.session.add(cycle)
    db.session.flush()
    record_audit("cycle.create", cycle, f"Created cycle {cycle.name}", actor=actor, cycle_id=cycle.id,
                 after={"name": cycle.name, "state": cycle.state})
    return cycle


def update_cycle(cycle: Cycle, *, name: str, instructions: str, starts_on, ends_on, actor: User,
                 expected_version: int | None, review_days: int | None = None) -> Cycle:
    """Change a cycle's name, dates and instructions to raters; refuses an edit based on an older version."""
    if cycle.state not in ("draft", "open"):
        raise NotAllowed(_("A %(state)s cycle can no longer be edited.", state=state_word(cycle.state)))
    # An unknown version (None: missing or mangled) counts as stale, like on the rating sheet: never overwrite blind.
    if expected_version is None or expected_version != cycle.version_id:
        raise ConflictError(_("Someone changed this cycle after you opened the form. Your changes are kept below; "
                              "reload the page to see the saved version before saving again."))
    review_days = cycle.review_days if review_days is None else review_days
    _check_cycle_fields(name, starts_on, ends_on, review_days)
    before = _cycle_fields(cycle)
    cycle.name, cycle.instructions, cycle.review_days = name.strip(), instructions or "", review_days
    cycle.starts_on, cycle.ends_on = starts_on, ends_on
    after = _cycle_fields(cycle)
    if after == before:
        return cycle
    db.session.flush()
    changed = [key for key in after if after[key] != before[key]]
    record_audit("cycle.update", cycle, f"Edited cycle {cycle.name}: {', '.join(changed)}", actor=actor,
                 cycle_id=cycle.id, before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return cycle


def pin_rubric(framework: Framework) -> RubricVersion:
    """The stored snapshot of this framework, stored now if no cycle pinned the same content before."""
    version = db.session.scalar(sa.select(RubricVersion).where(RubricVersion.content_hash == framework.content_hash))
    if version is None:
        # The name in the rubric's own language: the stored row is the same whoever's language pinned it.
        own = framework.in_language(framework.languages[0])
        version = RubricVersion(content_hash=framework.content_hash, name=own.name,
                                version=framework.version, snapshot=framework.data)
        db.session.add(version)
        db.session.flush()
    return version


def anonymity_threshold(framework: Framework, group: str) -> int:
    """How many raters of an anonymous group (peers, direct reports) are needed to show it as a group, by the
    engine's rule (``rubrics.readiness_groups.anonymity_threshold``)."""
    return group_threshold(framework.readiness, group)


def short_peer_groups(cycle: Cycle, framework: Framework) -> list[tuple[Assessment, str, int]]:
    """The candidates (not withdrawn) with some raters of an anonymous group (peers, direct reports), but fewer
    than the rubric's anonymity threshold, with the group and its size, by name: such a group is never shown as a
    group, and the candidate's copy withholds every number that depends on it, so HR should add raters or remove
    them before opening (issue 17, 4)."""
    size = sa.func.count(RaterAssignment.id)
    rows = db.session.execute(
        sa.select(Assessment, RaterAssignment.rater_group, size)
        .join(RaterAssignment, RaterAssignment.assessment_id == Assessment.id)
        .where(Assessment.cycle_id == cycle.id, Assessment.withdrawn_at.is_(None),
               RaterAssignment.rater_group.in_(ANONYMOUS_GROUPS))
        .group_by(Assessment.id, RaterAssignment.rater_group)).all()
    short = [(assessment, group, int(count)) for assessment, group, count in rows
             if count < anonymity_threshold(framework, group)]
    return sorted(short, key=lambda row: (row[0].candidate.name.casefold(), row[0].id, ANONYMOUS_GROUPS.index(row[1])))


def short_peer_text(short: list[tuple[Assessment, str, int]], framework: Framework) -> list[str]:
    """One line per short group of ``short_peer_groups``: who, how many peers or direct reports they have and need."""
    lines = []
    for assessment, group, count in short:
        needed = anonymity_threshold(framework, group)
        lines.append(_("%(name)s: %(num)d of the %(needed)d peers needed (or none)", name=assessment.candidate.name,
                       num=count, needed=needed) if group == "peer" else
                     _("%(name)s: %(num)d of the %(needed)d direct reports needed (or none)",
                       name=assessment.candidate.name, num=count, needed=needed))
    return lines


def _check_peer_groups(cycle: Cycle, framework: Framework) -> None:
    short = short_peer_groups(cycle, framework)
    if short:
        raise NotAllowed(_("The cycle cannot open yet: every group of peers and of direct reports must be empty or "
                           "large enough that no single rater can be recognised (peers: at least %(peers)d; direct "
                           "reports: at least %(reports)d). Add raters to these candidates, or remove theirs: "
                           "%(list)s.", peers=anonymity_threshold(framework, "peer"),
                           reports=anonymity_threshold(framework, "direct_report"),
                           list="; ".join(short_peer_text(short, framework))))


def change_state(cycle: Cycle, new_state: str, *, actor: User | None, framework: Framework | None = None) -> Cycle:
    """Move a cycle along draft -> open -> closed -> released; opening pins ``framework``."""
    allowed_from = TRANSITIONS.get(new_state)
    if allowed_from is None:
        raise ServiceError(_("unknown cycle state %(state)s", state=repr(new_state)))
    if cycle.state not in allowed_from:
        raise NotAllowed(_("A %(state)s cycle cannot be moved to %(new_state)s.", state=state_word(cycle.state),
                           new_state=state_word(new_state)))
    before = {"state": cycle.state}
    now = utcnow()
    if new_state == "open":
        if framework is None:
            raise ServiceError(_("opening a cycle needs the framework to pin"))
        _check_peer_groups(cycle, framework)
        cycle.rubric_version = pin_rubric(framework)
        cycle.opened_at = now
    elif new_state == "closed":
        cycle.closed_at = now
    else:
        cycle.released_at = now
    cycle.state = new_state
    db.session.flush()
    after = {"state": new_state}
    if new_state == "open":
        after["rubric_hash"] = cycle.rubric_version.content_hash
    record_audit(f"cycle.{new_state}", cycle, f"Cycle {cycle.name}: {before['state']} -> {new_state}",
                 actor=actor, cycle_id=cycle.id, before=before, after=after)
    if new_state == "open":
        notify.notify_cycle_opened(cycle)
    elif new_state == "released":
        notify.notify_results_released(cycle, cycle.assessments)
    return cycle
