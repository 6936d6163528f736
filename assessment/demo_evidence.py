"""The demo's evidence texts, per competency and per kind of rating, so that what a rater wrote fits the
competency it is written under and the level it backs (tests/test_demo_evidence.py checks both)."""

from __future__ import annotations

from rubrics import NOT_OBSERVED

#: Evidence for a "not observed": the same for every competency.
NOT_OBSERVED_EVIDENCE = "I have not seen this in situations where it mattered; no evidence to rate."

#: Per competency id: (evidence for a low level 1-2, for a level 3, for a high level 4-5).
EVIDENCE: dict[str, tuple[str, str, str]] = {
    "strategic_planning": (
        "Works through the plan step by step but could not say how the team's targets link to the operational strategy.",
        "Turned the operations strategy into a department plan with milestones and owners, and reported progress monthly.",
        "Led the quarterly S&OP planning review for the northern sites; the multi-year operations plan was adopted with two changes.",
    ),
    "cross_functional_collaboration": (
        "Left the handoff problems with the sales department for me to sort out instead of raising them with their team.",
        "Meets the warehouse and sales managers weekly on shared handoffs and settled the returns conflict at manager level.",
        "Set up a joint forum with the heads of Sales, Marketing and Finance and aligned the functions' objectives for launch.",
    ),
    "crisis_management": (
        "During the power outage he waited for instructions, did not report the incident and left the disruption to the next shift.",
        "Implemented the flood crisis decisions in her department within a day: reorganised shifts and reported the impact.",
        "During the March warehouse flood she made the critical calls for all affected departments within two hours and kept customers informed daily.",
    ),
    "budget_authority": (
        "Committed costs above the spending limit twice this year without asking; variances came as a surprise.",
        "Runs a €4.2m department budget; forecasts spend monthly and explained every variance over 2% in the review.",
        "Given the division-wide budget to plan while acting up, allocated it between departments and defended the cost-reduction plan to the board.",
    ),
    "performance_metrics": (
        "Records the team's figures but needs help to see which KPI is off target and why.",
        "Reviews the department's KPIs and figures with the team every week and acted on the pick-rate deviation within days.",
        "Ran the cross-site KPI workshop & agreed one definition of on-time-in-full (OTIF) as a division metric across <3> regions.",
    ),
    "decision_making": (
        "Brought routine decisions to me that were well within his own limits, without data or options.",
        "Decides within the department's remit on data and states her reasons; brought the larger supplier decision for approval with a clear case.",
        "Took the high-level decision to consolidate two sites after weighing options and risks, and explained it to the CEO and the managers affected.",
    ),
    "stakeholder_relations": (
        "Left the late-delivery problem with our supplier for me to raise instead of contacting them.",
        "Raised the recurring delivery problem with our main supplier directly and briefed me well before the supplier meeting.",
        "Represented operations to investors and key clients at the annual review and answered their questions on our plans.",
    ),
    "process_optimisation": (
        "Follows the documented process but did not report the steps that keep causing delays at packing.",
        "Removed the bottleneck at goods-in and standardised the process; lead time in the department fell by a fifth.",
        "Identified inefficiencies across three departments and carried through a change of the end-to-end order process, improving operational efficiency.",
    ),
    "change_and_technology": (
        "Still works around the new ERP system instead of using it as trained.",
        "Introduced the ERP picking module in his department; explained the reasons to 40 staff and checked after go-live that the system is used as intended.",
        "Led the implementation of the supply-chain platform across four departments while keeping existing systems running.",
    ),
    "risk_and_compliance": (
        "Missed the required compliance records twice in the quarter; the audit found gaps in the team's checks.",
        "Keeps the department's risk register current and prepared the department well for the ISO audit.",
        "Escalated the supplier insolvency risk early and had an alternative source qualified before stock ran out; reported the supply-chain risk to the executive team.",
    ),
    "people_leadership": (
        "Gives the shift team little feedback and leaves underperformance for me to address.",
        "Holds regular one-to-ones with every team member, addressed an underperformance case fairly, and developed two team leads.",
        "While acting up, led the three Operations Managers as a leadership team, gave them clear direction and developed a successor.",
    ),
    "operational_expertise": (
        "Knows his own area's procedures but relies on colleagues to explain how they connect with other operational areas.",
        "The department's reference for supply chain processes; explains how they affect cost, quality and delivery.",
        "Drew on knowledge of all operational areas, linking production, supply chain and customer service, to diagnose the delivery problem.",
    ),
    "communication": (
        "Her written updates are unclear and the team often learns of changes late; she avoids difficult conversations.",
        "Explains changes to the department clearly in briefings and in writing, listens to questions and adapts the message.",
        "Explained the restructuring to customers, vendors and other functions in their own terms and kept their trust through a difficult conversation.",
    ),
    "service_quality": (
        "Passes customer complaints on without recording them, and the same complaint keeps coming back.",
        "Tracks the department's service levels and complaints, fixed the causes of late deliveries and agreed service standards with customers.",
        "Resolved escalated customer service issues across departments and proposed one service standard for the division; complaints fell by a third.",
    ),
    "planning_and_organising": (
        "Deadlines clash regularly in his schedule; tasks and resources are organised at the last minute.",
        "Organises the department's staff, materials and schedules well; coordinated tasks between the teams through the peak season.",
        "On the cross-site project, planned and organised staff, materials and technology for four sites and coordinated the teams of several managers.",
    ),
}


def evidence_for(competency_id: str, value) -> str:
    """The demo's evidence for a rating of ``value`` (a level or NOT_OBSERVED) on a competency."""
    if value == NOT_OBSERVED:
        return NOT_OBSERVED_EVIDENCE
    low, mid, high = EVIDENCE[competency_id]
    return low if value <= 2 else mid if value == 3 else high
