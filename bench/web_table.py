"""The web benchmark's one table: each page of issue 19 under load (requests/s, p50, p99, and its requests/s as a
share of the bare page's in the same run), its in-process median at each size with the growth 500 -> 5,000, and
each of the issue's targets for it, met or missed. Used by bench/web.py."""

from __future__ import annotations

import math

#: The pages of the table: (label under load, label of the in-process figure).
ROWS = (("bare page (ceiling)", None), ("sign-in page", "sign-in page"), ("HR cycle list", "HR: cycles"),
        ("cycle dashboard", "HR: dashboard"), ("rating sheet", "rating sheet (rater, open cycle)"),
        ("results page", "results page"), ("cycle overview", "HR: overview"), ("PDF report", "report PDF"))


def _ratio(load: dict, label: str) -> float | None:
    page, bare = load.get(label), load.get("bare page (ceiling)")
    return page["rps"] / bare["rps"] if page and bare and bare["rps"] else None


def _p99(load: dict, label: str) -> float | None:
    return (load.get(label) or {}).get("p99")


def _at(figures: dict, size: int, label: str | None) -> float | None:
    value = figures.get(size, {}).get(label) if label else None
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _growth(figures: dict, label: str | None) -> float | None:
    small, large = _at(figures, 500, label), _at(figures, 5000, label)
    return large / small if small and large else None


def targets(label: str, load: dict, figures: dict) -> list[tuple[str, bool | None]]:
    """The issue's targets for one page: (what, met?), None where this run did not measure it."""
    inproc = dict(ROWS)[label]
    checks = []
    if label == "sign-in page":
        ratio = _ratio(load, label)
        checks.append(("req/s >= 80% of bare", None if ratio is None else ratio >= 0.8))
    if label in ("cycle dashboard", "rating sheet", "results page"):
        ratio, p99 = _ratio(load, label), _p99(load, label)
        checks.append(("req/s >= 1/3 of bare", None if ratio is None else ratio >= 1 / 3))
        checks.append(("p99 < 30 ms", None if p99 is None else p99 < 30))
    if label in ("cycle dashboard", "cycle overview"):
        large, growth = _at(figures, 5000, inproc), _growth(figures, inproc)
        checks.append(("< 50 ms at 5,000", None if large is None else large < 50))
        checks.append(("x < 1.5 500->5,000", None if growth is None else growth < 1.5))
    return checks


def _cell(value: float | None, width: int, digits: int = 1, suffix: str = "") -> str:
    return f"{'–':>{width}}" if value is None else f"{value:{width}.{digits}f}{suffix}"


def print_summary(sizes: list[int], figures: dict, load: dict, *, sheet_size: int) -> int:
    """Print the table; returns how many targets this run missed (not counting those it did not measure)."""
    head = "".join(f"{f'{size} ms':>9}" for size in sizes)
    print(f"\n  {'page':22}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'x bare':>8} |{head}{'5000/500':>10} | targets")
    missed = 0
    for label, inproc in ROWS:
        row = load.get(label) or {}
        ratio = _ratio(load, label)
        cells = "".join(_cell(_at(figures, size, inproc) if inproc != ROWS[4][1] or size == sizes[0] else None, 9)
                        for size in sizes)
        growth = _growth(figures, inproc) if inproc != ROWS[4][1] else None
        checks = targets(label, load, figures)
        missed += sum(ok is False for _what, ok in checks)
        verdicts = "; ".join(f"{what}: {'met' if ok else 'not measured' if ok is None else 'MISSED'}"
                             for what, ok in checks)
        name = label + (" (4 conn.)" if row.get("connections") == 4 else "")
        print(f"  {name:22}{_cell(row.get('rps'), 7, 0)}{_cell(row.get('p50'), 8)}{_cell(row.get('p99'), 8)}"
              f"{_cell(ratio, 8, 2)} |{cells}{_cell(growth, 9, 2, 'x')} | {verdicts}")
    print(f"  (req/s, p50, p99: under load at {max(sizes)} candidates; 'x bare': requests/s over the bare page's in "
          f"the same run; in-process: median of the Flask test client. The rating sheet is a manager's own sheet in an "
          f"open cycle of {sheet_size}, the same at every size, so it has one in-process figure. The PDF's target, within "
          f"2.5 times its floor, is bench/reports.py's.)")
    return missed
