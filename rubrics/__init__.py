"""The competency framework: its data file, the types it is read into, and the validating loader.

Plain Python only: this package never imports Flask or SQLAlchemy.
"""

from .loader import DEFAULT_RUBRIC, RubricError, default_sources_dir, framework_from_snapshot, load_framework
from .model import NOT_OBSERVED, SCALE, Competency, Framework, ReadinessRules, RoleProfile

__all__ = [
    "DEFAULT_RUBRIC",
    "NOT_OBSERVED",
    "SCALE",
    "Competency",
    "Framework",
    "ReadinessRules",
    "RoleProfile",
    "RubricError",
    "default_sources_dir",
    "framework_from_snapshot",
    "load_framework",
]
