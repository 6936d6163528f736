"""The wash-up form: one level, reason and (where the assessors were far apart) resolution per competency, read
from the request by competency id, since the competencies come from the exercises scheduled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from wtforms import HiddenField

from rubrics import NOT_OBSERVED
from rubrics.wash_up import MAX_TEXT

from ..cleaning import text_problem, whole_number
from ..forms import CleanForm
from ..services.wash_up import ConsensusAnswer, WashUpRow


class WashUpForm(CleanForm):
    """The CSRF token and the consensus the page was loaded with (``wash_up.consensus_version``)."""

    version = HiddenField()


def _value(raw: str) -> int | str | None:
    if raw == NOT_OBSERVED:
        return NOT_OBSERVED
    return whole_number(raw, minimum=1, maximum=5) if raw else None


def read_answers(data: Mapping[str, str], rows: Sequence[WashUpRow]
                 ) -> tuple[dict[str, ConsensusAnswer], dict[str, str], dict[str, dict[str, str]]]:
    """What was typed per competency: the answers, the problems with the input itself (per field name), and the
    raw texts to show again."""
    answers, problems, typed = {}, {}, {}
    for row in rows:
        cid = row.competency_id
        raw = {name: (data.get(f"{name}_{cid}") or "") for name in ("level", "reason", "resolution")}
        typed[cid] = raw
        value = _value(raw["level"].strip())
        if raw["level"].strip() and value is None:
            problems[f"level_{cid}"] = _("Choose a level from 1 to 5, or “not observed”.")
        for name in ("reason", "resolution"):
            problem = text_problem(raw[name], multiline=True, max_length=MAX_TEXT)
            if problem:
                problems[f"{name}_{cid}"] = _("The text %(problem)s.", problem=problem)
        answers[cid] = ConsensusAnswer(value, raw["reason"], raw["resolution"])
    return answers, problems, typed
