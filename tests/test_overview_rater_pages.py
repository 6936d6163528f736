"""The overview's list of flagged raters is paged: a large cycle flags hundreds, and only one page is written."""

from types import SimpleNamespace

from assessment.results.overview import _flagged_raters
from rubrics.readiness_quality import RaterFlag, RaterQuality


def _rater(key: str) -> RaterQuality:
    return RaterQuality(key, levels=15, candidates=1, mean=4.5, spread=0.5, leniency=1.0,
                        flags=(RaterFlag("lenient", "Lenient", "Rates 1 level above the others."),))


def test_flagged_raters_come_one_page_at_a_time_by_name():
    """Five flagged raters, two a page: page 2 holds the third and fourth by name, and the page knows the total;
    a page past the end shows the last one."""
    names = {"1": "Eve", "2": "ada", "3": "Carl", "4": "Bea", "5": "Dan"}
    flags = SimpleNamespace(quality=SimpleNamespace(report=SimpleNamespace(flagged=tuple(map(_rater, names)))),
                            name=names.__getitem__)
    second = _flagged_raters(flags, 2, 2)
    assert [r.name for r in second.items] == ["Carl", "Dan"]
    assert (second.page, second.pages, second.total) == (2, 3, 5)
    assert second.items[0].flags == (("Lenient", "Rates 1 level above the others."),)
    last = _flagged_raters(flags, 99, 2)
    assert [r.name for r in last.items] == ["Eve"] and last.page == 3
