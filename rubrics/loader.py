"""Load and validate the competency framework file.

Every problem is reported, not just the first, as ``file: key.path: problem``, so that whoever edits the
rubric can fix it in one pass. The loader knows nothing of Flask or the database. The texts in each of the
rubric's languages are checked and picked in loader_language.py.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import yaml

from .competency_checks import ID as _ID
from .competency_checks import CompetencyChecks
from .competency_checks import item_where as _item_where
from .competency_checks import kind as _kind
from .loader_evidence import EvidenceChecks
from .loader_language import LanguageChecks, with_languages
from .loader_readiness import ReadinessValidator
from .model import (
    SCALE,
    Framework,
    Requirement,
    RoleProfile,
    Scale,
    ScaleLevel,
    Source,
)

#: libyaml's safe loader where PyYAML has it: the same data, ten times faster on the bilingual rubric (the app
#: loads the file at every start).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_RUBRIC = PACKAGE_DIR / "data" / "framework.yaml"

TOP_KEYS = {"name", "version", "scale", "sources", "competencies", "roles", "readiness", "languages",
            # (2026.12.4) Optional: the assessment-centre exercises (absent: none).
            "exercises"}
TOP_REQUIRED = TOP_KEYS - {"languages", "exercises"}
SCALE_KEYS = {"levels", "not_observed", "best_fit"}
SCALE_LEVEL_KEYS = {"level", "label", "summary"}
NOT_OBSERVED_KEYS = {"label", "summary"}
SOURCE_KEYS = {"file", "title", "language"}
ROLE_KEYS = {"id", "name", "next_role", "summary", "requirements", "eligibility"}
#: (2026.12.4) ``eligibility`` is optional: a role without it states no track record.
ROLE_REQUIRED = ROLE_KEYS - {"eligibility"}
REQUIREMENT_KEYS = {"required", "weight", "critical"}


class RubricError(Exception):
    """The framework file is invalid; ``problems`` holds one ``file: key.path: problem`` line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid rubric:\n  " + "\n  ".join(problems))


def default_sources_dir() -> Path | None:
    """Where the source documents are: $OPSLADDER_SOURCES_DIR, else ../shared/seeds beside the project."""
    env = os.environ.get("OPSLADDER_SOURCES_DIR")
    if env:
        return Path(env)
    beside = PACKAGE_DIR.parent.parent / "shared" / "seeds"
    return beside if beside.is_dir() else None


def content_hash(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_framework(path: str | os.PathLike | None = None, sources_dir: str | os.PathLike | None = None) -> Framework:
    """Read, validate and return the framework; quotes are checked against ``sources_dir`` when given."""
    path = Path(path) if path else DEFAULT_RUBRIC
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RubricError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None
    try:
        raw = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f"line {where.line + 1}, column {where.column + 1}" if where else "(unknown place)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise RubricError([f"{path}: {at}: not valid YAML: {problem}"]) from None
    return parse_framework(raw, origin=str(path), sources_dir=sources_dir)


def framework_from_snapshot(data: dict) -> Framework:
    """Rebuild a framework from a cycle's pinned snapshot (its quotes were checked when it was pinned); a snapshot
    without ``languages`` is English only, one with them gives a framework per language (``in_language``)."""
    return parse_framework(data, origin="pinned snapshot")


def parse_framework(raw, origin: str = "<data>", sources_dir: str | os.PathLike | None = None) -> Framework:
    """Validate plain data (as read from YAML or JSON) and build the framework in the rubric's own language (its
    other languages through ``in_language``), or raise RubricError."""
    # Round-trip through JSON so that the data, its snapshot and its hash agree (YAML's int keys become strings).
    data = json.loads(json.dumps(raw, default=str))
    v = _Validator(origin)
    framework = v.framework(data)
    if sources_dir is not None and framework is not None:
        v.check_quotes(framework, Path(sources_dir))
    if v.problems:
        raise RubricError(v.problems)
    return with_languages(framework, lambda language: _Validator(origin, pick=language).framework(data))


class _Validator(CompetencyChecks, ReadinessValidator, EvidenceChecks, LanguageChecks):
    def __init__(self, origin: str, pick: str | None = None):
        self.origin = origin
        self.pick = pick
        self.problems: list[str] = []

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{self.origin}: {where or '(top level)'}: {problem}")

    # -- generic checks -------------------------------------------------------------------------------------------

    def mapping(self, value, where: str, allowed: set, required: set | None = None) -> dict | None:
        if not isinstance(value, dict):
            self.fail(where, f"must be a mapping, not {_kind(value)}")
            return None
        for key in sorted(set(value) - allowed):
            self.fail(_join(where, key), f"unknown key (expected one of: {', '.join(sorted(allowed))})")
        for key in sorted((allowed if required is None else required) - set(value)):
            self.fail(_join(where, key), "missing")
        return value

    def text(self, value, where: str) -> str:
        if value is None:
            return ""  # reported as missing by mapping()
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "must be a non-empty text")
            return ""
        return " ".join(value.split())

    def ident(self, value, where: str) -> str:
        ident = self.text(value, where)
        if ident and not _ID.match(ident):
            self.fail(where, f"{ident!r} is not a valid id (lower-case letters, digits and _)")
        return ident

    def unique_ident(self, value, where: str, seen: set, what: str) -> str:
        """An id that must not repeat among ``seen`` (which it joins)."""
        ident = self.ident(value, where)
        if ident:
            if ident in seen:
                self.fail(where, f"duplicate {what} id {ident!r}")
            seen.add(ident)
        return ident

    def sequence(self, value, where: str) -> list:
        if not isinstance(value, list) or not value:
            self.fail(where, f"must be a non-empty list, not {_kind(value)}")
            return []
        return value

    def number(self, value, where: str, *, positive=False, minimum=None, maximum=None, integer=False):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self.fail(where, f"must be {'a whole number' if integer else 'a number'}, not {_kind(value)}")
            return None
        if positive and value <= 0:
            self.fail(where, f"must be greater than 0, not {value}")
            return None
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            self.fail(where, f"{value} is outside {minimum}..{maximum}")
            return None
        return value

    def level(self, value, where: str):
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            self.fail(where, f"level {value!r} is outside the scale {SCALE[0]}..{SCALE[-1]}")
            return None
        return value

    # -- the sections ---------------------------------------------------------------------------------------------

    def framework(self, data) -> Framework | None:
        top = self.mapping(data, "", TOP_KEYS, required=TOP_REQUIRED)
        if top is None:
            return None
        languages = self.rubric_languages(top.get("languages"))
        scale = self.scale(top.get("scale"))
        sources = self.sources(top.get("sources"))
        source_files = {s.file for s in sources}
        competencies = self.competencies(top.get("competencies"), source_files)
        competency_ids = [c.id for c in competencies]
        exercises = self.exercises(top.get("exercises"), competency_ids)
        roles = self.roles(top.get("roles"), competency_ids, source_files)
        readiness = self.readiness(top.get("readiness"), competency_ids, exercises)
        name = self.ltext(top.get("name"), "name")
        version = self.text(top.get("version"), "version")
        if self.problems:
            return None
        return Framework(
            name=name,
            version=version,
            scale=scale,
            sources=sources,
            competencies=competencies,
            roles=roles,
            readiness=readiness,
            content_hash=content_hash(data),
            data=data,
            language=self.language,
            languages=languages,
            exercises=exercises,
        )

    def scale(self, value) -> Scale | None:
        scale = self.mapping(value, "scale", SCALE_KEYS, required=SCALE_KEYS - {"best_fit"})
        if scale is None:
            return None
        levels = []
        for i, item in enumerate(self.sequence(scale.get("levels"), "scale.levels")):
            where = f"scale.levels[{i}]"
            if self.mapping(item, where, SCALE_LEVEL_KEYS) is None:
                continue
            level = self.level(item.get("level"), f"{where}.level")
            levels.append(ScaleLevel(level, self.ltext(item.get("label"), f"{where}.label"),
                                     self.ltext(item.get("summary"), f"{where}.summary")))
        found = [lv.level for lv in levels]
        if levels and found != list(SCALE):
            self.fail("scale.levels", f"must list the levels {list(SCALE)} in order, found {found}")
        no = self.mapping(scale.get("not_observed"), "scale.not_observed", NOT_OBSERVED_KEYS) or {}
        best_fit = self.ltext(scale["best_fit"], "scale.best_fit") if "best_fit" in scale else ""
        return Scale(tuple(levels), self.ltext(no.get("label"), "scale.not_observed.label"),
                     self.ltext(no.get("summary"), "scale.not_observed.summary"), best_fit)

    def sources(self, value) -> tuple[Source, ...]:
        sources, seen = [], set()
        for i, item in enumerate(self.sequence(value, "sources")):
            where = f"sources[{i}]"
            if self.mapping(item, where, SOURCE_KEYS) is None:
                continue
            file = self.text(item.get("file"), f"{where}.file")
            if file in seen:
                self.fail(f"{where}.file", f"duplicate source {file!r}")
            seen.add(file)
            sources.append(Source(file, self.text(item.get("title"), f"{where}.title"),
                                  self.text(item.get("language"), f"{where}.language")))
        return tuple(sources)

    def roles(self, value, competency_ids: list[str], source_files: set) -> tuple[RoleProfile, ...]:
        result, seen = [], set()
        items = self.sequence(value, "roles")
        for i, item in enumerate(items):
            where = _item_where("roles", i, item)
            if self.mapping(item, where, ROLE_KEYS, required=ROLE_REQUIRED) is None:
                continue
            rid = self.unique_ident(item.get("id"), f"{where}.id", seen, "role")
            nxt = item.get("next_role")
            if nxt is not None:
                nxt = self.ident(nxt, f"{where}.next_role")
            reqs = self.requirements(item.get("requirements"), f"{where}.requirements", competency_ids)
            eligibility = (self.eligibility(item["eligibility"], f"{where}.eligibility", source_files)
                           if "eligibility" in item else None)
            result.append(RoleProfile(rid, self.ltext(item.get("name"), f"{where}.name"), nxt,
                                      self.ltext(item.get("summary"), f"{where}.summary"), reqs, eligibility))
        ids = {r.id for r in result}
        for role in result:
            if role.next_role and role.next_role not in ids:
                self.fail(f"roles[{role.id}].next_role", f"{role.next_role!r} is not a role id")
        if result and not self.problems:
            bottoms = [r for r in result if r.id not in {x.next_role for x in result}]
            if len(bottoms) != 1:
                self.fail("roles", "next_role must chain the roles into one ladder")
        return tuple(result)

    def requirements(self, value, where: str, competency_ids: list[str]) -> tuple[Requirement, ...]:
        if not isinstance(value, dict):
            self.fail(where, f"must be a mapping of competency ids to requirements, not {_kind(value)}")
            return ()
        for cid in value:
            if cid not in competency_ids:
                self.fail(f"{where}.{cid}", "unknown competency id")
        result = []
        for cid in competency_ids:
            if cid not in value:
                self.fail(f"{where}.{cid}", "missing: every role profile must give every competency")
                continue
            rwhere = f"{where}.{cid}"
            req = self.mapping(value[cid], rwhere, REQUIREMENT_KEYS)
            if req is None:
                continue
            level = self.level(req.get("required"), f"{rwhere}.required")
            weight = self.number(req.get("weight"), f"{rwhere}.weight", positive=True) if "weight" in req else None
            critical = req.get("critical")
            if "critical" in req and not isinstance(critical, bool):
                self.fail(f"{rwhere}.critical", f"must be true or false, not {_kind(critical)}")
            result.append(Requirement(cid, level, weight, bool(critical)))
        return tuple(result)


def _join(where: str, key) -> str:
    return f"{where}.{key}" if where else str(key)
