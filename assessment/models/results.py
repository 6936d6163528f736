"""Stored readiness results: the engine's result for an assessment, kept with the fingerprint of its inputs.

A stored result is a cache that is never trusted blindly: ``services.results_store`` recomputes it when the
fingerprint of its inputs (counted sheet revisions, calibrations, target role, the cycle's state and rubric
hash) or the engine version differ. Its listeners also delete the row as soon as one of those inputs changes
through the ORM, so that cycle-wide queries (the overview's counts and sorting) can trust a row that exists.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class StoredResult(db.Model):
    """One assessment's computed readiness result (JSON), with what it was computed from and sort keys."""

    __tablename__ = "stored_results"

    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"),
                                               primary_key=True)
    #: The language its text is in (rubrics.language): a result is stored once per language it was read in.
    language: Mapped[str] = mapped_column(sa.String(8), primary_key=True, default="en", server_default="en")
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    engine_version: Mapped[str] = mapped_column(sa.String(80))
    band_id: Mapped[str] = mapped_column(sa.String(64))
    #: The verdict's place in the rubric's band order (outcomes outside it come after the last band).
    verdict_rank: Mapped[int] = mapped_column()
    weighted_attainment: Mapped[float | None] = mapped_column(sa.Float)
    #: The overall agreement index between raters (null when none), for sorting the talent review by it.
    agreement: Mapped[float | None] = mapped_column(sa.Float)
    #: Decision score per competency id (null when none), for sorting the overview by a competency.
    decision_scores: Mapped[dict] = mapped_column(sa.JSON)
    payload: Mapped[str] = mapped_column(sa.Text)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                  default=lambda: datetime.now(timezone.utc))


class StoredRaterQuality(db.Model):
    """A cycle's rater quality (HR's flags of its raters, and each rater's share of each verdict), stored once per
    language: computing it reads every counted level of the cycle, reading it is one row. ``services.rater_flags``
    deletes the row as soon as a counted level of the cycle can have changed, and recomputes it on the next read."""

    __tablename__ = "stored_rater_quality"

    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    #: The code and the pinned rubric it was computed by: another version is recomputed, never read.
    version: Mapped[str] = mapped_column(sa.String(120))
    #: New on every write: what a process's decoded copy is kept under.
    token: Mapped[str] = mapped_column(sa.String(32))
    payload: Mapped[str] = mapped_column(sa.Text)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                  default=lambda: datetime.now(timezone.utc))
