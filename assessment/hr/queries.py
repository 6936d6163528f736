"""Read-only queries behind the HR pages: a fixed, small number of queries per page, whatever the cycle's size."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..framework import current_framework, pinned_framework
from ..listing import Page, paginate
from ..models import ASSIGNMENT_STATUSES, Assessment, AuditEvent, Cycle, RaterAssignment, User

PROGRESS = ("not_started", "in_progress", "complete", "withdrawn")
PROGRESS_LABELS = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "complete": _l("Complete"),
                   "withdrawn": _l("Withdrawn")}
DASHBOARD_SORTS = ("name", "status", "target_role", "completion")


def _submitted(column):
    return sa.func.sum(sa.case((column == "submitted", 1), else_=0))


def _drafts(column):
    return sa.func.sum(sa.case((column == "draft", 1), else_=0))


#: Sheets not submitted, written as the statuses they can have, so the (assessment, status) index finds them.
NOT_SUBMITTED = tuple(status for status in ASSIGNMENT_STATUSES if status != "submitted")


def _sheet_stats(cycle_id: int, *, withdrawn: bool = True):
    """Per assessment of the cycle: its number of sheets, submitted sheets and drafts (``withdrawn``: also theirs).
    Read from the (assessment, status) index alone, in assessment order (no sort of the whole cycle's sheets)."""
    assessments = sa.select(Assessment.id).where(Assessment.cycle_id == cycle_id)
    if not withdrawn:
        assessments = assessments.where(Assessment.withdrawn_at.is_(None))
    return (sa.select(RaterAssignment.assessment_id, sa.func.count().label("total"),
                      _submitted(RaterAssignment.status).label("submitted"),
                      _drafts(RaterAssignment.status).label("drafts"))
            .where(RaterAssignment.assessment_id.in_(assessments))
            .group_by(RaterAssignment.assessment_id).subquery())


@dataclass
class CycleSummary:
    cycle: Cycle
    candidates: int
    sheets: int
    submitted: int

    @property
    def completion(self) -> int:
        return round(100 * self.submitted / self.sheets) if self.sheets else 0


def cycle_summaries() -> list[CycleSummary]:
    """Every cycle, newest first (by its start date; one without a start date first, newest created first), with its
    numbers of candidates, sheets and submitted sheets."""
    stats = (sa.select(Assessment.cycle_id, sa.func.count(sa.distinct(Assessment.id)).label("candidates"),
                       sa.func.count(RaterAssignment.id).label("sheets"),
                       _submitted(RaterAssignment.status).label("submitted"))
             .join(RaterAssignment, RaterAssignment.assessment_id == Assessment.id)
             .where(Assessment.withdrawn_at.is_(None))
             .group_by(Assessment.cycle_id).subquery())
    rows = db.session.execute(
        sa.select(Cycle, stats.c.candidates, stats.c.sheets, stats.c.submitted)
        .outerjoin(stats, stats.c.cycle_id == Cycle.id)
        .order_by(Cycle.starts_on.desc().nulls_first(), Cycle.created_at.desc(), Cycle.id.desc()))
    return [CycleSummary(cycle, candidates or 0, sheets or 0, submitted or 0)
            for cycle, candidates, sheets, submitted in rows]


def cycle_counts(cycle_id: int) -> dict[str, int]:
    """The cycle's candidates by progress, and its sheets in total and submitted (withdrawn candidates apart)."""
    stats = _sheet_stats(cycle_id, withdrawn=False)
    withdrawn = db.session.scalar(sa.select(sa.func.count()).where(Assessment.cycle_id == cycle_id,
                                                                   Assessment.withdrawn_at.is_not(None)))
    row = db.session.execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(stats.c.total), 0),
        sa.func.coalesce(sa.func.sum(stats.c.submitted), 0),
        sa.func.coalesce(sa.func.sum(sa.case((stats.c.submitted == stats.c.total, 1), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((stats.c.submitted + stats.c.drafts == 0, 1), else_=0)), 0),
    )).one()
    candidates, sheets, submitted, complete, not_started = (int(v) for v in row)
    return {"candidates": candidates, "sheets": sheets, "submitted": submitted, "complete": complete,
            "not_started": not_started, "in_progress": candidates - complete - not_started, "withdrawn": withdrawn,
            "completion": round(100 * submitted / sheets) if sheets else 0}


@dataclass
class CandidateProgress:
    """One candidate's line on the dashboard: their assessment, sheet counts and the sheets themselves (rows of id,
    assessment_id, rater_group, status and rater_name)."""

    assessment: Assessment
    total: int
    submitted: int
    drafts: int
    progress: str
    sheets: list = field(default_factory=list)

    @property
    def completion(self) -> int:
        return round(100 * self.submitted / self.total) if self.total else 0

    def group(self, name: str) -> list:
        return [s for s in self.sheets if s.rater_group == name]


def _rank(stats):
    """A candidate's progress as its index in ``PROGRESS``, in SQL (for sorting and filtering on it)."""
    return sa.case((Assessment.withdrawn_at.is_not(None), 3), (stats.c.submitted == stats.c.total, 2),
                   (stats.c.submitted + stats.c.drafts > 0, 1), else_=0)


def _progress(assessment: Assessment, total: int, submitted: int, drafts: int) -> str:
    """The same as ``_rank``, for a line already loaded."""
    if assessment.withdrawn_at is not None:
        return "withdrawn"
    return "complete" if submitted == total else "in_progress" if submitted + drafts else "not_started"


def dashboard_page(cycle_id: int, *, search: str = "", target_role: str = "", progress: str = "",
                   sort: str = "name", descending: bool = False, page: int = 1, per_page: int = 50) -> Page:
    """A page of the cycle's candidates with their progress, filtered and sorted in the database (three queries).

    Only a sort or a filter on progress needs every candidate's sheet counts; otherwise the page is chosen from the
    candidates alone, and the counts are taken from the sheets of the page's candidates, which are loaded anyway."""
    sort = sort if sort in DASHBOARD_SORTS else "name"
    stmt = (sa.select(Assessment).join(Assessment.candidate).options(contains_eager(Assessment.candidate))
            .where(Assessment.cycle_id == cycle_id))
    keys = {"name": User.name, "target_role": Assessment.target_role}
    if sort in ("status", "completion") or progress in PROGRESS:
        stats = _sheet_stats(cycle_id)
        stmt = stmt.join(stats, stats.c.assessment_id == Assessment.id)
        keys.update(status=_rank(stats), completion=stats.c.submitted * 1.0 / stats.c.total)
        if progress in PROGRESS:
            stmt = stmt.where(_rank(stats) == PROGRESS.index(progress))
    if search:
        stmt = stmt.where(sa.or_(User.name.icontains(search, autoescape=True),
                                 User.email.icontains(search, autoescape=True)))
    if target_role:
        stmt = stmt.where(Assessment.target_role == target_role)
    stmt = stmt.order_by(keys[sort].desc() if descending else keys[sort].asc(), User.name, Assessment.id)
    result = paginate(stmt, page, per_page)
    sheets: dict[int, list] = {a.id: [] for a in result.items}
    if sheets:
        # Plain rows, not objects: the page shows a few fields of some 300 sheets.
        for sheet in db.session.execute(
                sa.select(RaterAssignment.id, RaterAssignment.assessment_id, RaterAssignment.rater_group,
                          RaterAssignment.status, User.name.label("rater_name"))
                .join(User, User.id == RaterAssignment.rater_id)
                .where(RaterAssignment.assessment_id.in_(sheets)).order_by(RaterAssignment.id)):
            sheets[sheet.assessment_id].append(sheet)
    lines = []
    for a in result.items:
        total = len(sheets[a.id])
        submitted = sum(s.status == "submitted" for s in sheets[a.id])
        drafts = sum(s.status == "draft" for s in sheets[a.id])
        lines.append(CandidateProgress(a, total, submitted, drafts, _progress(a, total, submitted, drafts),
                                       sheets[a.id]))
    result.items = lines
    return result


@dataclass
class RaterDebt:
    """What one rater still owes in a cycle: their unsubmitted sheets."""

    rater: User
    owed: int
    drafts: int
    sheets: list[RaterAssignment] = field(default_factory=list)


def outstanding_page(cycle_id: int, *, page: int = 1, per_page: int = 50) -> Page:
    """The raters who still owe sheets in a cycle, most owed first, with those sheets (three queries)."""
    open_sheet = sa.and_(Assessment.cycle_id == cycle_id, RaterAssignment.status.in_(NOT_SUBMITTED),
                         Assessment.withdrawn_at.is_(None))
    stmt = (sa.select(User, sa.func.count(RaterAssignment.id), _drafts(RaterAssignment.status))
            .join(RaterAssignment, RaterAssignment.rater_id == User.id)
            .join(Assessment, Assessment.id == RaterAssignment.assessment_id)
            .where(open_sheet).group_by(User.id)
            .order_by(sa.func.count(RaterAssignment.id).desc(), User.name, User.id))
    result = paginate(stmt, page, per_page, scalars=False)
    debts = {user.id: RaterDebt(user, owed, drafts or 0) for user, owed, drafts in result.items}
    if debts:
        sheets = db.session.scalars(
            sa.select(RaterAssignment).join(Assessment)
            .options(contains_eager(RaterAssignment.assessment).joinedload(Assessment.candidate))
            .where(open_sheet, RaterAssignment.rater_id.in_(debts)).order_by(RaterAssignment.id))
        for sheet in sheets:
            debts[sheet.rater_id].sheets.append(sheet)
    result.items = list(debts.values())
    return result


def audit_page(*, cycle_id: int | None = None, user_id: int | None = None, kind: str = "", page: int = 1,
               per_page: int = 50) -> Page:
    """Audit events, newest first, filtered by cycle, acting user and kind."""
    stmt = sa.select(AuditEvent).options(joinedload(AuditEvent.actor))
    if cycle_id:
        stmt = stmt.where(AuditEvent.cycle_id == cycle_id)
    if user_id:
        stmt = stmt.where(AuditEvent.actor_id == user_id)
    if kind:
        stmt = stmt.where(AuditEvent.kind == kind)
    return paginate(stmt.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()), page, per_page)


def audit_frameworks(events) -> dict:
    """The framework each event's competencies are named from, in the reader's language: its cycle's pinned one
    (cycle id -> framework), and the current one for events of no cycle (key None)."""
    ids = {event.cycle_id for event in events if event.cycle_id}
    cycles = db.session.scalars(sa.select(Cycle).where(Cycle.id.in_(ids))) if ids else ()
    return {None: current_framework(), **{cycle.id: pinned_framework(cycle) for cycle in cycles}}


def audit_choices() -> dict:
    """What the audit trail can be filtered by: the cycles, the users who acted, the kinds of event."""
    actors = sa.select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None)).distinct()
    return {
        "cycles": db.session.execute(sa.select(Cycle.id, Cycle.name).order_by(Cycle.created_at.desc())).all(),
        "users": db.session.execute(sa.select(User.id, User.name, User.email).where(User.id.in_(actors))
                                    .order_by(User.name)).all(),
        "kinds": db.session.scalars(sa.select(AuditEvent.kind).distinct().order_by(AuditEvent.kind)).all(),
    }


#: The people list's status filter: active or deactivated accounts.
PEOPLE_STATUSES = ("active", "deactivated")


def people_page(*, search: str = "", role: str = "", status: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Accounts by name, filtered by role and status (active, deactivated) and a search in name and e-mail."""
    stmt = sa.select(User)
    if status:
        stmt = stmt.where(User.is_active.is_(status == "active"))
    if search:
        stmt = stmt.where(sa.or_(User.name.icontains(search, autoescape=True),
                                 User.email.icontains(search, autoescape=True)))
    if role:
        stmt = stmt.where(User.role == role)
    return paginate(stmt.order_by(User.name, User.id), page, per_page)
