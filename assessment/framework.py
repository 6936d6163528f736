"""The framework the app runs with, and the pinned framework of each cycle."""

from __future__ import annotations

from flask import current_app

from rubrics import Framework, framework_from_snapshot

_pinned: dict[str, Framework] = {}


def current_framework() -> Framework:
    """The validated framework loaded from the rubric file when the app started."""
    return current_app.extensions["opsladder.framework"]


def pinned_framework(cycle) -> Framework:
    """The framework a cycle was opened with; a draft cycle (not pinned yet) uses the current one."""
    version = cycle.rubric_version
    if version is None:
        return current_framework()
    framework = _pinned.get(version.content_hash)
    if framework is None:
        framework = _pinned[version.content_hash] = framework_from_snapshot(version.snapshot)
    return framework
