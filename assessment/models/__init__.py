"""The database model, one module per area; the schema is made by the Alembic migrations in ``migrations/`` only.

Models are singular, tables plural. Ratings are never deleted: a reopened submission starts a new revision and
the earlier one stays, as does every audit event. This package is the models layer (docs/architecture.md): it
imports the extensions and ``rubrics`` at most, never a service or a page. Importing it loads every model, so
that relationships between the areas resolve and Alembic sees every table.
"""

from .api_tokens import API_SCOPES, ApiToken
from .audit import AuditEvent
from .base import utcnow
from .calibration import CALIBRATION_STATUSES, Calibration
from .cycles import CYCLE_STATES, HAS_RESULTS, Assessment, Cycle, RubricVersion
from .exercises import AssessorConsensus, ExerciseSession
from .exports import ExportJob
from .outbox import KIND_LABELS, MESSAGE_KINDS, OUTBOX_STATUSES, STATUS_LABELS, OutboxMessage
from .performance import PERFORMANCE_SCALES, PerformanceRating
from .plans import ACTION_STATUSES, CLOSED_STATUSES, SUPPORT_KINDS, DevelopmentAction, DevelopmentPlan
from .people import ROLE_GRANT_STATUSES, ROLE_LABELS, ROLES, LoginThrottle, RoleGrant, User
from .replies import REVIEW_OUTCOMES, REVIEW_STATUSES, CandidateReply, ReviewRequest
from .ratings import ASSIGNMENT_STATUSES, RATER_GROUPS, ConflictClearance, Rating, RaterAssignment, Submission
from .results import StoredRaterQuality, StoredResult
from .sso import JIT_ROLES, JitDomain, SignInSettings

__all__ = [
    "API_SCOPES", "ApiToken", "ACTION_STATUSES", "ASSIGNMENT_STATUSES", "CLOSED_STATUSES", "SUPPORT_KINDS", "DevelopmentAction",
    "DevelopmentPlan", "CALIBRATION_STATUSES", "JIT_ROLES", "JitDomain", "SignInSettings", "CYCLE_STATES", "HAS_RESULTS", "KIND_LABELS", "MESSAGE_KINDS",
    "OUTBOX_STATUSES", "PERFORMANCE_SCALES", "RATER_GROUPS", "REVIEW_OUTCOMES", "REVIEW_STATUSES", "ROLES", "ROLE_GRANT_STATUSES", "ROLE_LABELS", "STATUS_LABELS", "Assessment",
    "AssessorConsensus", "AuditEvent", "Calibration", "CandidateReply", "ConflictClearance", "Cycle", "ExerciseSession", "ExportJob",
    "LoginThrottle", "OutboxMessage", "PerformanceRating", "Rating",
    "RaterAssignment", "ReviewRequest", "RoleGrant", "RubricVersion", "StoredRaterQuality", "StoredResult", "Submission", "User", "utcnow",
]
