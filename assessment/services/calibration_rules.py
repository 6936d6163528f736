"""The rules a calibration must follow, as plain functions: a rationale of substance, the two-person rule, and
which of an assessment's calibrations is in force or pending.

No database here: the services (``calibrations``, ``readiness``) and the form hints use these, and they are tested
alone.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l, ngettext
import re

from rubrics.model import ReadinessRules

#: A rationale needs at least this many real words (letters only, two or more, not one letter repeated) ...
MIN_RATIONALE_WORDS = 8
#: ... of which at least this many different ones: "word word word ..." is not a sentence.
MIN_DISTINCT_WORDS = 5
#: A move by this many bands or more (between bands) needs a second HR person's approval.
TWO_PERSON_BAND_STEPS = 2

_WORD = re.compile(r"[^\W\d_]+")

#: What a rationale must be, for the form's hint and the error (in the reader's language when shown).
RATIONALE_RULE = _l("at least a sentence of real words (%(min)d or more, %(distinct)d of them different; a repeated "
                    "character or the same word over and over does not count)", min=MIN_RATIONALE_WORDS,
                    distinct=MIN_DISTINCT_WORDS)



def real_words(text: str) -> list[str]:
    """The words of ``text`` that count: runs of letters, two or more long, not one letter repeated ("xxx")."""
    return [w.casefold() for w in _WORD.findall(text or "") if len(w) >= 2 and len(set(w.casefold())) > 1]


def rationale_problem(text: str) -> str | None:
    """Why ``text`` is not a rationale a panel can defend, or None when it is."""
    words = real_words(text)
    if len(words) < MIN_RATIONALE_WORDS or len(set(words)) < MIN_DISTINCT_WORDS:
        return ngettext("give the panel's reasons in %(rule)s; this has %(num)d real word",
                        "give the panel's reasons in %(rule)s; this has %(num)d real words", len(words),
                        rule=str(RATIONALE_RULE))
    return None


def band_rank(rules: ReadinessRules, verdict_id: str) -> int | None:
    """The position of a band, best first; None for a verdict that is not a band (insufficient evidence,
    panel review, or any other outcome the engine may give)."""
    for index, band in enumerate(rules.bands):
        if band.id == verdict_id:
            return index
    return None


def needs_second_approval(rules: ReadinessRules, computed_id: str, calibrated_id: str) -> bool:
    """True when moving the computed verdict to ``calibrated_id`` needs a second HR person: out of any
    non-band outcome, by two bands or more, or into the best band (issue 17, 4)."""
    computed, calibrated = band_rank(rules, computed_id), band_rank(rules, calibrated_id)
    if computed is None or calibrated is None:
        return computed_id != calibrated_id
    return abs(computed - calibrated) >= TWO_PERSON_BAND_STEPS or (calibrated == 0 and computed != 0)


def reason_label(rules: ReadinessRules, code: str | None) -> str:
    """The label of a calibration reason code in the rules' language ("" for none; the code itself when the
    rubric no longer has it)."""
    if not code:
        return ""
    return next((reason.label for reason in rules.calibration_reasons if reason.id == code), code)


def in_force(calibrations):
    """Of an assessment's calibrations (oldest first), the most recent approved one, or None."""
    return next((c for c in reversed(calibrations) if c.is_approved), None)


def pending(calibrations):
    """Of an assessment's calibrations (oldest first), the proposal awaiting approval: the latest row, if proposed."""
    return calibrations[-1] if calibrations and not calibrations[-1].is_approved else None
