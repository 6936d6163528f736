"""Small test frameworks: a rubric's competencies (often 2026.11's, so the rubric's own edits never break the
examples) with the readiness rules of another rubric file."""

from pathlib import Path

import yaml

from rubrics.loader_language import single_language


def graft_readiness(data: dict, readiness_from) -> dict:
    """``data`` with the ``readiness`` section of the file ``readiness_from`` (in English only); its per-competency
    keys of 2026.12.4 (which groups judge which competency, per-competency weights) keep only the competencies
    ``data`` has, as the loader refuses unknown ids."""
    rules = single_language(yaml.safe_load(Path(readiness_from).read_text(encoding="utf-8")))["readiness"]
    ids = [c["id"] for c in data["competencies"]]
    if "group_competencies" in rules:
        rules["group_competencies"] = {group: [cid for cid in listed if cid in ids]
                                       for group, listed in rules["group_competencies"].items()}
    if "competency_group_weights" in rules:
        rules["competency_group_weights"] = {cid: row for cid, row in rules["competency_group_weights"].items()
                                             if cid in ids}
    data["readiness"] = rules
    return data
