"""Validation of the rubric's competencies: anchors, citations per competency and per level, and their quotes.

A level is written either as its anchor text or as a mapping ``{anchor: ..., citations: [...]}`` (told apart by
its keys: an anchor in several languages is a mapping of language codes, see loader_language.py); old pinned
snapshots (text levels, citations on the competency only) load unchanged, with the same content hash.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import SCALE, Citation, Competency

ID = re.compile(r"^[a-z][a-z0-9_]*$")

COMPETENCY_KEYS = {"id", "name", "definition", "levels", "citations"}
COMPETENCY_REQUIRED = COMPETENCY_KEYS - {"citations"}
LEVEL_KEYS = {"anchor", "citations"}
CITATION_KEYS = {"source", "quote"}


class CompetencyChecks:
    """Mixed into the loader's validator, which provides fail, mapping, text, ltext (a text shown to people, in
    each of the rubric's languages), is_language_text, unique_ident and sequence."""

    def competencies(self, value, source_files: set) -> tuple[Competency, ...]:
        result, seen = [], set()
        for i, item in enumerate(self.sequence(value, "competencies")):
            where = item_where("competencies", i, item)
            if self.mapping(item, where, COMPETENCY_KEYS, required=COMPETENCY_REQUIRED) is None:
                continue
            cid = self.unique_ident(item.get("id"), f"{where}.id", seen, "competency")
            anchors, level_citations = self.levels(item.get("levels"), f"{where}.levels", source_files)
            citations = ()
            if "citations" in item:
                citations = self.citations(item["citations"], f"{where}.citations", source_files)
            elif "levels" in item and not any(level_citations):
                self.fail(f"{where}.citations", "missing: cite the competency or at least one of its levels")
            result.append(Competency(cid, self.ltext(item.get("name"), f"{where}.name"),
                                     self.ltext(item.get("definition"), f"{where}.definition"),
                                     anchors, citations, level_citations))
        return tuple(result)

    def citations(self, value, where: str, source_files: set) -> tuple[Citation, ...]:
        result = []
        for j, cite in enumerate(self.sequence(value, where)):
            cwhere = f"{where}[{j}]"
            if self.mapping(cite, cwhere, CITATION_KEYS) is None:
                continue
            source = self.text(cite.get("source"), f"{cwhere}.source")
            if source and source not in source_files:
                self.fail(f"{cwhere}.source", f"{source!r} is not one of the declared sources")
            result.append(Citation(source, self.text(cite.get("quote"), f"{cwhere}.quote")))
        return tuple(result)

    def levels(self, value, where: str, source_files: set) -> tuple[tuple, tuple]:
        """The five anchors and, per level, its citations (empty where the level cites nothing)."""
        if not isinstance(value, dict):
            self.fail(where, f"must be a mapping of the levels 1..5 to their anchors, not {kind(value)}")
            return ("",) * len(SCALE), ((),) * len(SCALE)
        expected = [str(lv) for lv in SCALE]
        for key in value:
            if key not in expected:
                self.fail(f"{where}.{key}", f"level {key} is outside the scale {SCALE[0]}..{SCALE[-1]}")
        missing = [k for k in expected if k not in value]
        if missing:
            self.fail(where, f"must have exactly {len(SCALE)} levels; missing level(s) {', '.join(missing)}")
        anchors, cited = [], []
        for key in expected:
            level, lwhere = value.get(key), f"{where}.{key}"
            if isinstance(level, dict) and not self.is_language_text(level):
                self.mapping(level, lwhere, LEVEL_KEYS, required={"anchor"})
                anchors.append(self.ltext(level.get("anchor"), f"{lwhere}.anchor"))
                cited.append(self.citations(level["citations"], f"{lwhere}.citations", source_files)
                             if "citations" in level else ())
            else:
                anchors.append(self.ltext(level, lwhere) if key in value else "")
                cited.append(())
        return tuple(anchors), tuple(cited)

    def check_quotes(self, framework, sources_dir: Path) -> None:
        """Every quote, on a competency or on a level, must occur word for word in its document."""
        texts = {}
        for source in framework.sources:
            try:
                texts[source.file] = " ".join((sources_dir / source.file).read_text(encoding="utf-8").split())
            except OSError:
                self.fail(f"sources[{source.file}]", f"document not found in {sources_dir}")
        for comp in framework.competencies:
            placed = [(f"competencies[{comp.id}].citations[{j}]", c) for j, c in enumerate(comp.citations)]
            for level, cites in zip(SCALE, comp.level_citations):
                placed += [(f"competencies[{comp.id}].levels.{level}.citations[{j}]", c) for j, c in enumerate(cites)]
            self.check_placed(placed, texts)
        for role in framework.roles:
            cites = role.eligibility.citations if role.eligibility else ()
            self.check_placed([(f"roles[{role.id}].eligibility.citations[{j}]", c) for j, c in enumerate(cites)],
                              texts)

    def check_placed(self, placed: list, texts: dict) -> None:
        """Each (key path, citation) must occur word for word in its document's text (whitespace collapsed)."""
        for where, cite in placed:
            text = texts.get(cite.source)
            if text is not None and cite.quote not in text:
                self.fail(f"{where}.quote", f"not found word for word in {cite.source}: {cite.quote!r}")


def item_where(section: str, index: int, item) -> str:
    """``section[id]`` when the item has a usable id, else ``section[index]``."""
    ident = item.get("id") if isinstance(item, dict) else None
    return f"{section}[{ident}]" if isinstance(ident, str) and ID.match(ident) else f"{section}[{index}]"


def kind(value) -> str:
    """A value's kind in words, for a problem message."""
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a text", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)
