"""HR's calibrated verdict: recorded beside the computed one, with a rationale; every one is kept."""

from __future__ import annotations

from ..extensions import db
from ..framework import pinned_framework
from ..models import Assessment, Calibration, User
from . import NotAllowed, ServiceError
from .audit import record_audit

MIN_RATIONALE_LENGTH = 20


def latest_calibration(assessment: Assessment) -> Calibration | None:
    """The calibration in force: the most recent one, or None."""
    return assessment.calibrations[-1] if assessment.calibrations else None


def calibrate_verdict(assessment: Assessment, band_id: str, rationale: str, *, actor: User) -> Calibration:
    """Record HR's calibrated band with its rationale; the band computed now is stored beside it and audited."""
    from .readiness import assess

    framework = pinned_framework(assessment.cycle)
    if assessment.cycle.state not in ("closed", "released"):
        raise NotAllowed("Verdicts can be calibrated once the cycle is closed; while it is open the ratings "
                         "may still change.")
    bands = {band.id: band.label for band in framework.readiness.bands}
    if band_id not in bands:
        raise ServiceError("choose one of the readiness bands", field="band_id")
    rationale = (rationale or "").strip()
    if len(rationale) < MIN_RATIONALE_LENGTH:
        raise ServiceError(f"give the panel's reasons in at least {MIN_RATIONALE_LENGTH} characters",
                           field="rationale")
    previous = latest_calibration(assessment)
    computed_band_id = assess(assessment).result.band_id
    calibration = Calibration(assessment=assessment, band_id=band_id, computed_band_id=computed_band_id,
                              rationale=rationale, created_by_id=actor.id)
    db.session.add(calibration)
    db.session.flush()
    record_audit("verdict.calibrate", calibration,
                 f"{actor.name} calibrated the verdict of {assessment.candidate.name} to {bands[band_id]}",
                 actor=actor, cycle_id=assessment.cycle_id,
                 before={"computed_band": computed_band_id,
                         "calibrated_band": previous.band_id if previous else None},
                 after={"calibrated_band": band_id, "rationale": rationale})
    return calibration
