"""The framework the app runs with, and the pinned framework of each cycle, in the current language.

Both come in ``rubrics.language.current()`` (during a request, the reader's language): the texts differ, the ids,
rules, weights, data and content hash are the same in every language. A snapshot pinned before the rubric had
languages is English only, and gives English in every language.
"""

from __future__ import annotations

from flask import current_app

from rubrics import Framework, framework_from_snapshot, language

#: The framework of each pinned snapshot, per (content hash, language); (hash, None) is the one as loaded.
_pinned: dict[tuple[str, str | None], Framework] = {}


def current_framework() -> Framework:
    """The validated framework loaded from the rubric file when the app started, in the current language."""
    return current_app.extensions["opsladder.framework"].in_language(language.current())


def pinned_framework(cycle) -> Framework:
    """The framework a cycle was opened with, in the current language; a draft cycle (not pinned yet) uses the
    current one."""
    version = cycle.rubric_version
    if version is None:
        return current_framework()
    key = (version.content_hash, language.current())
    framework = _pinned.get(key)
    if framework is None:
        base = _pinned.get((version.content_hash, None))
        if base is None:
            base = _pinned[(version.content_hash, None)] = framework_from_snapshot(version.snapshot)
        framework = _pinned[key] = base.in_language(key[1])
    return framework
