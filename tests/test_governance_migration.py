"""The governance migration keeps existing rows working: old calibrations are approved, candidates released."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from assessment import create_app
from assessment.extensions import db
from tests.conftest import app_config, make_throwaway_database


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_existing_calibrations_count_as_approved_and_candidates_stay_released(kind, tmp_path_factory):
    """Rows written before the migration: calibration status approved, assessment not withheld."""
    url, drop = make_throwaway_database(kind, tmp_path_factory)
    try:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade(revision="56ade3f86770")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO users (id, email, name, role, is_active, created_at) VALUES "
                    "(1, 'hr@example.com', 'HR', 'hr', true, CURRENT_TIMESTAMP), "
                    "(2, 'c@example.com', 'Cand', 'candidate', true, CURRENT_TIMESTAMP)"))
                conn.execute(sa.text(
                    "INSERT INTO cycles (id, name, instructions, state, created_at, version_id) VALUES "
                    "(1, 'Old', '', 'draft', CURRENT_TIMESTAMP, 1)"))
                conn.execute(sa.text(
                    "INSERT INTO assessments (id, cycle_id, candidate_id, \"current_role\", target_role, created_at) "
                    "VALUES (1, 1, 2, 'operations_manager', 'head_of_operations', CURRENT_TIMESTAMP)"))
                conn.execute(sa.text(
                    "INSERT INTO calibrations (id, assessment_id, band_id, computed_band_id, rationale, "
                    "created_by_id, created_at) VALUES (1, 1, 'ready_now', 'insufficient_evidence', "
                    "'an old rationale', 1, CURRENT_TIMESTAMP)"))
            upgrade()
            with db.engine.connect() as conn:
                row = conn.execute(sa.text("SELECT status, approved_by_id, candidate_note, panel_members "
                                           "FROM calibrations")).one()
                withheld = conn.execute(sa.text("SELECT is_withheld FROM assessments")).scalar_one()
            assert tuple(row) == ("approved", None, "", "") and not withheld
            db.engine.dispose()
    finally:
        drop()
