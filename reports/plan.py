"""The agreed development plan in the report's development section (issue 20, part 3): plain data in, flowables
out. Both copies list it: the plan is the candidate's own, agreed with them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from .i18n import N_, _
from .layout import long_date, p, pb

STATUS_WORDS = {"planned": N_("planned"), "in_progress": N_("in progress"), "done": N_("done"),
                "dropped": N_("dropped")}
SUPPORT_WORDS = {"mentor": N_("mentor"), "course": N_("course"), "acting_up": N_("acting-up assignment"),
                 "other": N_("other support")}


@dataclass(frozen=True)
class PlanAction:
    competency_name: str
    what: str
    owner: str
    due_on: date
    #: One of models.plans.SUPPORT_KINDS, and what it is in words ("" when not said).
    support: str
    support_detail: str
    #: One of models.plans.ACTION_STATUSES.
    status: str


@dataclass(frozen=True)
class PlanReport:
    """An agreed plan: when the candidate and (when there is one) the line manager agreed, and its actions."""

    candidate_agreed_on: date
    manager_agreed_on: date | None
    manager_name: str
    actions: tuple[PlanAction, ...]


def _action_line(action: PlanAction) -> str:
    support = _(SUPPORT_WORDS.get(action.support, action.support))
    if action.support_detail:
        support += f" ({action.support_detail})"
    return " · " + _("%(owner)s, due %(date)s · support: %(support)s · %(status)s", owner=action.owner,
                     date=long_date(action.due_on), support=support,
                     status=_(STATUS_WORDS.get(action.status, action.status)))


def plan_section(plan: PlanReport | None) -> list[Flowable]:
    """The agreed plan under the development priorities; nothing when there is none."""
    if plan is None:
        return []
    if plan.manager_agreed_on is not None:
        agreed = _("Agreed by the candidate on %(candidate)s and by %(manager)s on %(manager_date)s.",
                   candidate=long_date(plan.candidate_agreed_on), manager=plan.manager_name,
                   manager_date=long_date(plan.manager_agreed_on))
    else:
        agreed = _("Agreed by the candidate on %(candidate)s.", candidate=long_date(plan.candidate_agreed_on))
    story: list[Flowable] = [CondPageBreak(30 * mm), p(_("Agreed development plan"), "h2"), p(agreed, "small")]
    for action in plan.actions:
        story += [CondPageBreak(14 * mm), pb(action.competency_name, _action_line(action), "item"),
                  p(action.what, "action")]
    return story
