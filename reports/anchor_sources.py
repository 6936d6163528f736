"""What each anchor of the rubric rests on, as plain rows for the report's methodology page."""

from __future__ import annotations

from dataclasses import dataclass

from rubrics.model import Framework

from .i18n import _


@dataclass(frozen=True)
class AnchorSource:
    """One quote of the rubric: under a level's anchor (``level`` 1..5), or on the competency (``level`` None)."""

    competency_name: str
    level: int | None
    level_label: str
    quote: str
    source_file: str
    source_title: str


def anchor_sources(framework: Framework) -> tuple[AnchorSource, ...]:
    """Every quote of the framework, per competency: its own first, then each level's, in level order."""
    rows = []
    for comp in framework.competencies:
        placed = [(None, c) for c in comp.citations]
        placed += [(lv.level, c) for lv in framework.scale.levels for c in comp.anchor_citations(lv.level)]
        for level, cite in placed:
            rows.append(AnchorSource(comp.name, level, framework.scale.label(level) if level else "",
                                     cite.quote, cite.source, framework.source(cite.source).title))
    return tuple(rows)


def anchor_source_groups(items: tuple[AnchorSource, ...]) -> list[tuple[str, list[list[str]]]]:
    """Per competency, in order: its name and its rows (levels, quote with its source)."""
    # One row per quote: a sentence that sits under two levels (it contrasts two roles) shows once, as "3, 4".
    merged: dict[str, dict[tuple[str, str], list[str]]] = {}
    for item in items:
        merged.setdefault(item.competency_name, {}).setdefault((item.quote, item.source_file), []).append(
            str(item.level) if item.level else _("all"))
    return [(name, [[", ".join(levels), f"“{quote}” ({source_tag(file)})"] for (quote, file), levels in quotes.items()])
            for name, quotes in merged.items()]


def source_tag(file: str) -> str:
    """A source's short name in the table: the number its file name starts with ("000"), else the file name."""
    head = file.split("_", 1)[0]
    return head if head.isdigit() else file
