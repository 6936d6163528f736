"""Test data for the candidate's right of reply (issue 20, 4): a released cycle with rated candidates."""

from __future__ import annotations

from tests.results_helpers import move_cycle, rated_assessment


def released_world(make, *, names=("Rhea Replier", "Otto Other")):
    """A released cycle with two rated candidates, an HR person and a second HR person; returns a dict."""
    hr = make.user("hr", name="Hanna HR")
    second = make.user("hr", name="Sven Second")
    cycle = make.cycle()
    assessments = [rated_assessment(make, cycle=cycle, manager=3, self_level=3,
                                    candidate=make.user("candidate", name=name)) for name in names]
    move_cycle(cycle, "closed", "released")
    return {"hr": hr, "second": second, "cycle": cycle, "a": assessments[0], "b": assessments[1]}
