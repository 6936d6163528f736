"""The messages OpsLadder sends, recorded in the outbox by the service that causes them (flush, never commit)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l, lazy_ngettext
from sqlalchemy import event
from sqlalchemy.orm import Session, joinedload

from ..extensions import db
from ..labels import GROUP_WORDS, STATUS_LABELS
from ..models import Assessment, Cycle, OutboxMessage, RaterAssignment, User, utcnow
from .compose import external_url, receives_mail, render_message, rewrite, send_to
from .outbox import already_queued
from .tokens import make_token

#: A second reset request within this many minutes sends nothing new (the first link still works).
RESET_QUIET_MINUTES = 2
#: The session's sheet messages of the current transaction (``_tell_rater``), by (rater id, cycle id).
_SHEET_MESSAGES = "opsladder.mail.sheet_messages"


def owed_sheets(cycle: Cycle, rater_ids=None) -> dict[User, list[RaterAssignment]]:
    """The sheets each active rater still owes in a cycle (not submitted, candidate not withdrawn), by rater."""
    stmt = (sa.select(RaterAssignment).join(Assessment)
            .options(joinedload(RaterAssignment.rater),
                     joinedload(RaterAssignment.assessment).joinedload(Assessment.candidate))
            .where(Assessment.cycle_id == cycle.id, Assessment.withdrawn_at.is_(None),
                   RaterAssignment.status != "submitted")
            .order_by(RaterAssignment.rater_id, RaterAssignment.id))
    if rater_ids is not None:
        stmt = stmt.where(RaterAssignment.rater_id.in_(list(rater_ids)))
    by_rater: dict[User, list[RaterAssignment]] = defaultdict(list)
    for sheet in db.session.scalars(stmt).unique():
        if receives_mail(sheet.rater):  # a deactivated rater is neither told nor reminded (their sheet stays)
            by_rater[sheet.rater].append(sheet)
    return dict(by_rater)


def _sheet_lines(sheets: list[RaterAssignment]) -> list[dict]:
    # Lazy strings: made into text when the message is written, in the recipient's language (compose.send_to).
    return [{"what": _l("Your self-assessment") if s.rater_group == "self"
             else _l("%(name)s (as %(group)s)", name=s.assessment.candidate.name, group=GROUP_WORDS.get(s.rater_group, s.rater_group)),
             "status": STATUS_LABELS.get(s.status, s.status),
             "url": external_url("candidate.home") if s.rater_group == "self"
             else external_url("rating.edit_sheet", assignment_id=s.id)} for s in sheets]


def _password_link(user: User) -> str | None:
    """A set-password link for someone who has never had a password, else None (they sign in as usual)."""
    if user.password_hash:
        return None
    return external_url("account.set_password", token=make_token(user, "invitation"))


def send_invitation(user: User) -> None:
    """Invite a person to set their password (a signed link, valid INVITATION_DAYS, usable once)."""
    send_to(user, "invitation", _l("You are invited to OpsLadder: set your password"), "invitation",
            link=external_url("account.set_password", token=make_token(user, "invitation")))


def send_password_reset(user: User | None, email: str) -> None:
    """A reset link for ``user``; for an unknown address the same work is done and nothing is recorded."""
    subject = _l("Reset your OpsLadder password")
    if user is None or not user.is_active:
        # Same rendering work as for a real account, so the answer gives nothing away; nothing is stored.
        stand_in = User(id=0, email=email, name=email, role="candidate")
        render_message("password_reset", user=stand_in, subject=str(subject),
                       link=external_url("account.set_password", token=make_token(stand_in, "password_reset")))
        return
    quiet = f"password_reset:{user.id}:{utcnow():%Y%m%d%H}{utcnow().minute // RESET_QUIET_MINUTES:02d}"
    if already_queued(quiet):
        return
    send_to(user, "password_reset", subject, "password_reset", dedupe_key=quiet,
            link=external_url("account.set_password", token=make_token(user, "password_reset")))


@dataclass
class _SheetMessage:
    """This transaction's message to one rater about their sheets in one cycle."""

    message: OutboxMessage
    sheets: list[RaterAssignment]
    #: "New sheets for you" (True), or the cycle's opening message (False).
    added: bool


def _sheet_messages(session: Session | None = None) -> dict[tuple[int, int], _SheetMessage]:
    return (session or db.session).info.setdefault(_SHEET_MESSAGES, {})


@event.listens_for(Session, "after_transaction_end")
def _forget_sheet_messages(session, transaction):
    # Committed (and so on its way) or rolled back: a sheet of a later action gets a message of its own.
    if transaction.parent is None:
        session.info.pop(_SHEET_MESSAGES, None)


def _tell_rater(rater: User, cycle: Cycle, sheets: list[RaterAssignment], *, added: bool) -> bool:
    """Record this transaction's one message to ``rater`` about their sheets in ``cycle``, or write the one
    already recorded afresh with these sheets added (an opening message stays one); True when a new message."""
    if not receives_mail(rater):
        return False
    earlier = _sheet_messages().get((rater.id, cycle.id))
    if earlier is not None:
        sheets = earlier.sheets + [sheet for sheet in sheets if sheet not in earlier.sheets]
        added = earlier.added
    subject = (lazy_ngettext("%(name)s: a new sheet for you to fill in",
                             "%(name)s: %(num)d new sheets for you to fill in", len(sheets), name=cycle.name)
               if added else
               lazy_ngettext("%(name)s is open: %(num)d sheet to fill in",
                             "%(name)s is open: %(num)d sheets to fill in", len(sheets), name=cycle.name))
    context = {"cycle": cycle, "sheets": _sheet_lines(sheets), "added": added,
               "password_link": _password_link(rater), "sign_in": external_url("auth.login")}
    message = (rewrite(earlier.message, rater, subject, "cycle_opened", **context) if earlier is not None
               else send_to(rater, "cycle_opened", subject, "cycle_opened", cycle_id=cycle.id, **context))
    _sheet_messages()[(rater.id, cycle.id)] = _SheetMessage(message, sheets, added)
    return earlier is None


def notify_cycle_opened(cycle: Cycle) -> int:
    """Tell every rater of a cycle that has just opened what they owe, and by when; returns messages recorded.
    Sheets added later in the same transaction join the rater's opening message (``notify_new_sheets``)."""
    return sum(_tell_rater(rater, cycle, sheets, added=False) for rater, sheets in owed_sheets(cycle).items())


def notify_new_sheets(sheets: list[RaterAssignment]) -> int:
    """Tell raters added to a cycle that is already open what they now owe: one message per rater and cycle for
    the whole transaction, however many calls (one per candidate, say) give them sheets. Returns new messages."""
    by_rater: dict[tuple[User, Cycle], list[RaterAssignment]] = defaultdict(list)
    for sheet in sheets:
        if sheet.assessment.cycle.state == "open":
            by_rater[sheet.rater, sheet.assessment.cycle].append(sheet)
    return sum(_tell_rater(rater, cycle, owed, added=True) for (rater, cycle), owed in by_rater.items())


def send_reminders(cycle: Cycle, *, stage: str, rater_ids=None, key_suffix: str | None = None,
                   today: date | None = None) -> tuple[int, int]:
    """Remind the raters who still owe sheets; one message per rater and stage. Returns (recorded, skipped)."""
    today = today or utcnow().date()
    recorded = skipped = 0
    for rater, sheets in owed_sheets(cycle, rater_ids).items():
        key = f"reminder:{cycle.id}:{rater.id}:{stage}:{key_suffix or cycle.ends_on}"
        if already_queued(key):
            skipped += 1
            continue
        days_left = (cycle.ends_on - today).days if cycle.ends_on else None
        overdue = days_left is not None and days_left < 0
        subject = (lazy_ngettext("Overdue: %(name)s, %(num)d sheet still to submit",
                                 "Overdue: %(name)s, %(num)d sheets still to submit", len(sheets), name=cycle.name)
                   if overdue else
                   lazy_ngettext("Reminder: %(name)s, %(num)d sheet still to submit",
                                 "Reminder: %(name)s, %(num)d sheets still to submit", len(sheets), name=cycle.name))
        send_to(rater, "reminder", subject, "reminder", cycle_id=cycle.id, dedupe_key=key, cycle=cycle,
                sheets=_sheet_lines(sheets), days_left=days_left, overdue=overdue,
                password_link=_password_link(rater), sign_in=external_url("auth.login"))
        recorded += 1
    return recorded, skipped


def notify_results_released(cycle: Cycle, assessments: list[Assessment]) -> int:
    """Tell each candidate whose results are now released: the cycle's release calls this for every candidate (the
    withheld and the withdrawn are not told), releasing one withheld candidate later for that candidate."""
    count = 0
    for assessment in assessments:
        if assessment.is_withdrawn or assessment.is_withheld or not receives_mail(assessment.candidate):
            continue
        send_to(assessment.candidate, "results_released", _l("Your results from %(name)s are ready", name=cycle.name),
                "results_released", cycle_id=cycle.id, cycle=cycle,
                link=external_url("results.view_results", assessment_id=assessment.id),
                password_link=_password_link(assessment.candidate))
        count += 1
    return count


def notify_sheet_reopened(assignment: RaterAssignment, reason: str) -> None:
    """Tell the rater that HR reopened their submitted sheet, and why."""
    assessment = assignment.assessment
    what = (_l("your self-assessment") if assignment.rater_group == "self"
            else _l("your rating of %(name)s", name=assessment.candidate.name))
    subject = _l("Reopened: %(what)s in %(name)s", what=what, name=assessment.cycle.name)
    send_to(assignment.rater, "sheet_reopened", subject, "sheet_reopened",
            cycle_id=assessment.cycle_id, cycle=assessment.cycle, what=what, reason=reason,
            link=_sheet_lines([assignment])[0]["url"])
