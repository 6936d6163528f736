"""What stored ids look like on a page and in a message: statuses, rater groups, roles, cycle states.

The database keeps the ids (``not_started``, ``manager``); only these words are translated. Lazy strings, so
each is made into text in the reader's language when shown. The templates have them as filters
(``{{ sheet.status|status_label }}``, see i18n.register).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l, ngettext

from rubrics.sheet import period_of
from rubrics.situations import CLOSENESS_LABELS, KNOWN_FOR_LABELS, SEEN_IN_LABELS

#: What the stored ids look like on a page (ids stay ids in the database; only the words are translated).
STATUS_LABELS = {"not_started": _l("Not started"), "draft": _l("Draft"), "submitted": _l("Submitted"),
                 "not_submitted": _l("Not submitted")}
GROUP_LABELS = {"self": _l("Self"), "manager": _l("Manager"), "peer": _l("Peer"),
                "direct_report": _l("Direct report"), "assessor": _l("Assessor")}
ROLE_LABELS = {"hr": _l("HR"), "manager": _l("Manager"), "candidate": _l("Candidate")}
CYCLE_STATE_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed"), "released": _l("Released")}
#: The same inside a sentence ("as manager", "a closed cycle"): lower case in English, German nouns keep theirs.
GROUP_WORDS = {"self": _l("self"), "manager": _l("manager"), "peer": _l("peer"),
               "direct_report": _l("direct report"), "assessor": _l("assessor")}
CYCLE_STATE_WORDS = {"draft": _l("draft"), "open": _l("open"), "closed": _l("closed"), "released": _l("released")}


def _labeller(labels: dict):
    def label(value) -> str:
        return str(labels[value]) if value in labels else str(value or "")
    return label


status_label = _labeller(STATUS_LABELS)
group_label = _labeller(GROUP_LABELS)
role_label = _labeller(ROLE_LABELS)
cycle_state_label = _labeller(CYCLE_STATE_LABELS)
group_word = _labeller(GROUP_WORDS)
cycle_state_word = _labeller(CYCLE_STATE_WORDS)
seen_in_label = _labeller(SEEN_IN_LABELS)
known_for_label = _labeller(KNOWN_FOR_LABELS)
closeness_label = _labeller(CLOSENESS_LABELS)


def period_label(weeks: int | None) -> str:
    """A stored period in words, as the rater most likely entered it: "6 months", "3 weeks"."""
    if not weeks:
        return ""
    amount, unit = period_of(weeks)
    if unit == "months":
        return ngettext("%(num)d month", "%(num)d months", amount)
    return ngettext("%(num)d week", "%(num)d weeks", amount)
