"""Rater quality as HR reads it beside one candidate: which of their raters are flagged across the cycle, and
whether the verdict rests mainly on one of them (``services.rater_quality`` computes the flags; this module
puts names and rater groups to them for HR's report, results page and cycle overview). HR only: it names
raters, so nothing here may reach a candidate.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from reports.data import RaterNote
from rubrics import Framework, language, readiness_quality

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, Cycle, RaterAssignment, StoredRaterQuality, Submission, User
from . import result_codec
from .rater_quality import CycleRaterQuality, RaterQuality, cycle_rater_quality
from .sheets import rater_ids
from .stored_rows import changed, write_rows
from .translation import _


@dataclass(frozen=True)
class CycleFlags:
    """A cycle's rater quality with each rater's group per assessment, for HR's pages and reports."""

    quality: CycleRaterQuality
    #: (assessment id, rater key) -> rater group.
    groups: dict[tuple[int, str], str]

    def name(self, rater_key: str) -> str:
        return self.quality.rater_names.get(rater_key) or _("Rater %(key)s", key=rater_key)

    @cached_property
    def flagged(self) -> dict[str, RaterQuality]:
        """The flagged raters by key (worked out once per cycle's copy, not once per page)."""
        return {r.rater_key: r for r in self.quality.report.flagged}

    @cached_property
    def flag_ids(self) -> dict[str, tuple[str, ...]]:
        """The flagged raters' flag ids by rater key (user id as text): see ``flagged_raters``."""
        return {key: tuple(f.id for f in rater.flags) for key, rater in self.flagged.items()}

    def notes(self, assessment_id: int) -> tuple[RaterNote, ...]:
        """The assessment's flagged raters, heaviest share of the decision first."""
        shares = self.quality.report.influence.get(str(assessment_id), {})
        flagged = self.flagged
        return tuple(
            RaterNote(self.name(key), self.groups.get((assessment_id, key), ""), share,
                      tuple((flag.label, flag.explanation) for flag in flagged[key].flags))
            for key, share in sorted(shares.items(), key=lambda item: (-item[1], item[0])) if key in flagged)

    def rests_on(self, assessment_id: int) -> str:
        """A sentence when the verdict rests mainly on a flagged rater, else ""."""
        rater = self.quality.rests_on_flagged(assessment_id)
        if rater is None:
            return ""
        share = self.quality.report.influence.get(str(assessment_id), {}).get(rater.rater_key, 0.0)
        return _("The verdict rests mainly on %(rater)s's ratings (%(share)s of the decision weight), "
                 "flagged %(flags)s across the cycle; see Rater quality.", rater=self.name(rater.rater_key),
                 share=language.percent(share), flags=_labels(rater))

    def rests_on_short(self, assessment_id: int) -> str:
        """ "Lenny Lenient: lenient and straight-lining" for the overview's row, or ""."""
        rater = self.quality.rests_on_flagged(assessment_id)
        return _("%(rater)s: %(flags)s", rater=self.name(rater.rater_key), flags=_labels(rater)) if rater is not None else ""


def _labels(rater) -> str:
    """ "lenient and straight-lining": the flags' labels (the engine's, in the current language) as a list."""
    labels = [_lower(flag.label) for flag in rater.flags]
    if len(labels) < 2:
        return "".join(labels)
    return _("%(first)s and %(last)s", first=", ".join(labels[:-1]), last=labels[-1])


def _lower(label: str) -> str:
    # "Lenient" reads "lenient" inside a sentence; a German label may start with a noun ("Tendenz zur Mitte").
    return label.lower() if language.current() == "en" else label


#: A process keeps the cycles' decoded rater quality it read last, under the stored row's token.
_CACHE: OrderedDict[tuple, CycleFlags] = OrderedDict()
_CACHE_SIZE = 8
#: Bump to recompute every stored rater quality though the code did not change.
QUALITY_REVISION = 1


@cache
def quality_version() -> str:
    """What a stored rater quality was computed by: the revision, the shape of ``CycleFlags`` and a hash of the
    core's rater-quality code and the catalogues of its texts."""
    digest = hashlib.sha256()
    folder = Path(readiness_quality.__file__).parent
    paths = [folder / "readiness_quality.py", folder / "readiness_model.py", folder / "model.py", folder / "i18n.py"]
    for path in paths + sorted(folder.glob("translations/*/LC_MESSAGES/*.po")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{QUALITY_REVISION}.{result_codec.shape(CycleFlags)}.{digest.hexdigest()[:16]}"


def cycle_flags(cycle: Cycle, *, framework: Framework | None = None) -> CycleFlags | None:
    """The cycle's rater flags, or None when its pinned rubric has no rater-quality rules. Every results page and
    the overview ask for it, and a 5,000-candidate cycle has some 300,000 counted levels: it is stored (one row per
    cycle and language, ``StoredRaterQuality``) and deleted when a counted level can have changed (the listeners
    below); a read is one small query, and the decoded copy is kept per process under the row's token.
    ``framework``: the cycle's pinned framework when the caller has it already."""
    framework = framework or pinned_framework(cycle)
    if getattr(framework.readiness, "rater_quality", None) is None:
        return None
    version = f"{quality_version()}.{framework.content_hash}"[:120]
    row = db.session.execute(sa.select(_table.c.token, _table.c.version).where(
        _table.c.cycle_id == cycle.id, _table.c.language == language.current())).first()
    flags = None
    if row is not None and row.version == version:
        key = (cycle.id, language.current(), row.token)
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        flags = _decoded(cycle.id, row.token)
    if flags is None:
        flags = _compute(cycle, framework)
        key = (cycle.id, language.current(), uuid.uuid4().hex)
        write_rows(_table, [{"cycle_id": cycle.id, "language": language.current(), "version": version,
                             "token": key[2], "payload": result_codec.dumps(flags), "computed_at": sa.func.now()}],
                   ("cycle_id", "language"))
    _CACHE[key] = flags
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return flags


def _decoded(cycle_id: int, token: str) -> CycleFlags | None:
    """The stored row of this token decoded, or None (replaced meanwhile, or made for another shape)."""
    payload = db.session.scalar(sa.select(_table.c.payload).where(
        _table.c.cycle_id == cycle_id, _table.c.language == language.current(), _table.c.token == token))
    try:
        return result_codec.loads(CycleFlags, payload) if payload is not None else None
    except (TypeError, KeyError, ValueError):
        return None


def _compute(cycle: Cycle, framework: Framework) -> CycleFlags:
    rows = db.session.execute(
        sa.select(RaterAssignment.assessment_id, RaterAssignment.rater_id, RaterAssignment.rater_group)
        .join(Assessment, Assessment.id == RaterAssignment.assessment_id).where(Assessment.cycle_id == cycle.id)
    ).all()
    return CycleFlags(cycle_rater_quality(cycle, framework=framework), {(a, str(r)): g for a, r, g in rows})


def report_flags(flags: CycleFlags | None, assessment_id: int) -> dict:
    """The rater-quality keywords of ``reports.data.report_data`` for HR's copy of one assessment."""
    if flags is None:
        return {}
    return {"rater_notes": flags.notes(assessment_id), "rests_on_flagged": flags.rests_on(assessment_id)}


def rater_flags_for_results(cycle: Cycle, ids, framework: Framework) -> dict[int, dict[str, tuple[str, ...]]]:
    """Per assessment id, the cycle's rater-quality flag ids under the engine's rater keys ("manager-1"), for
    ``assess_readiness(..., flagged=)``; empty when the pinned rubric lets no flag change a verdict (before
    2026.12.3)."""
    by_user = flagged_raters(cycle, framework)
    return flags_under_keys(by_user, ids, rater_ids(list(ids))) if by_user is not None and ids else {}


def flagged_raters(cycle: Cycle, framework: Framework, *, quality: CycleFlags | None | bool = False
                   ) -> dict[str, tuple[str, ...]] | None:
    """The cycle's flagged raters (user id as text) with their flag ids, or None when the pinned rubric lets no
    flag change a verdict (before 2026.12.3). Ask once per cycle, then map batches with ``flags_under_keys``.
    ``quality``: the cycle's ``cycle_flags`` when the caller has it already (False: look it up)."""
    panel = framework.readiness.panel_review
    if panel is None or panel.flagged_weight_share is None:
        return None
    flags = cycle_flags(cycle, framework=framework) if quality is False else quality
    if flags is None:
        return None
    return flags.flag_ids


def flags_under_keys(by_user: dict[str, tuple[str, ...]] | None, ids, keys: dict[int, dict[str, str]]
                     ) -> dict[int, dict[str, tuple[str, ...]]]:
    """``flagged_raters`` per assessment id (every one of ``ids``) under the engine's rater keys, given the
    assessments' ``sheets.rater_ids`` (``keys``); empty when ``by_user`` is None."""
    if by_user is None:
        return {}
    return {a: {key: by_user[user] for key, user in keys.get(a, {}).items() if user in by_user} for a in ids}


# --- the stored rater quality is deleted as soon as a counted level of its cycle can change ------------------

_table = StoredRaterQuality.__table__


def _forget(connection, cycle_ids) -> None:
    connection.execute(_table.delete().where(_table.c.cycle_id.in_(cycle_ids)))


def _cycle_of_sheet(assignment_id):
    return (sa.select(Assessment.cycle_id).join(RaterAssignment, RaterAssignment.assessment_id == Assessment.id)
            .where(RaterAssignment.id == assignment_id))


@event.listens_for(Submission, "after_insert")
@event.listens_for(Submission, "after_update")
@event.listens_for(Submission, "after_delete")
def _submission_changed(mapper, connection, target):
    _forget(connection, _cycle_of_sheet(target.assignment_id))


@event.listens_for(RaterAssignment, "after_insert")
@event.listens_for(RaterAssignment, "after_delete")
def _sheet_added_or_removed(mapper, connection, target):
    _forget(connection, sa.select(Assessment.cycle_id).where(Assessment.id == target.assessment_id))


@event.listens_for(RaterAssignment, "after_update")
def _sheet_changed(mapper, connection, target):
    # Saving a draft again changes none of these; a submit or a reopen does (as does moving a sheet).
    if changed(target, "status", "revision", "rater_group", "assessment_id", "rater_id"):
        _sheet_added_or_removed(mapper, connection, target)


@event.listens_for(Assessment, "after_update")
def _assessment_moved(mapper, connection, target):
    if changed(target, "cycle_id"):
        _forget(connection, [target.cycle_id, *sa.inspect(target).attrs["cycle_id"].history.deleted])


@event.listens_for(Assessment, "before_delete")
def _assessment_deleted(mapper, connection, target):
    _forget(connection, [target.cycle_id])


@event.listens_for(Cycle, "after_update")
def _cycle_changed(mapper, connection, target):
    if changed(target, "state", "rubric_version_id"):
        _forget(connection, [target.id])


@event.listens_for(User, "after_update")
def _user_renamed(mapper, connection, target):
    # Rater names are part of the stored copy.
    if changed(target, "name"):
        connection.execute(_table.delete())
