"""The audit trail in words (issue 19): every kind of event the code writes has a label, competencies are named,
levels and "not observed" are in words in the reader's language, and fields that did not change are left out."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import sqlalchemy as sa

from assessment.extensions import db
from assessment.hr.labels import AUDIT_FIELDS, AUDIT_KINDS
from assessment.models import AuditEvent
from assessment.services.audit import record_audit
from assessment.services.track_record import set_track_record
from rubrics import NOT_OBSERVED

ROOT = Path(__file__).resolve().parent.parent / "assessment"
#: The kinds written with an f-string, and every value its placeholder takes (a new f-string kind fails below).
FORMATTED_KINDS = {"cycle.{}": ("open", "closed", "released"), "user.{}": ("invitation", "reset")}


def _kinds_in(path: Path) -> set[str]:
    """The kinds passed to ``record_audit`` in one module: literals, module constants, either branch of a
    conditional, the known f-strings, and a parameter's literal values at the calls of its function."""
    tree, module = ast.parse(path.read_text()), ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
    functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    kinds: set[str] = set()

    def resolve(node, function) -> set[str]:
        if isinstance(node, ast.Constant):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return resolve(node.body, function) | resolve(node.orelse, function)
        if isinstance(node, ast.JoinedStr):
            pattern = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
            assert pattern in FORMATTED_KINDS, f"{module}: an audit kind made as f-string {pattern!r}: list its values"
            return {pattern.format(value) for value in FORMATTED_KINDS[pattern]}
        if isinstance(node, ast.Name):
            params = [a.arg for a in function.args.args] if function else []
            if node.id in params:  # a parameter: the literal each call of the function passes
                index = params.index(node.id)
                return {call.args[index].value for call in ast.walk(tree) if isinstance(call, ast.Call)
                        and getattr(call.func, "id", None) == function.name and len(call.args) > index}
            return {getattr(importlib.import_module(module), node.id)}
        raise AssertionError(f"{module}: an audit kind written as {ast.dump(node)}: teach this test to read it")

    enclosing = {}  # each call's innermost function (ast.walk goes outer first)
    for function in functions.values():
        enclosing.update({id(node): function for node in ast.walk(function)})
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "record_audit":
            kinds |= resolve(call.args[0], enclosing.get(id(call)))
    return kinds


def test_every_kind_of_audit_event_the_code_writes_has_a_label():
    """All kinds written anywhere in the app (found by reading the code) are labelled for the audit page."""
    written = set().union(*(_kinds_in(path) for path in ROOT.rglob("*.py")))
    assert {"assessment.track_record", "user.role_grant.operator", "cycle.closed", "user.reset"} <= written
    assert written - set(AUDIT_KINDS) == set()


def _audit_page(client, auth, make, lang: str = "en") -> str:
    hr = make.user("hr")
    hr.language = lang
    db.session.commit()
    auth.login(hr)
    return client.get("/hr/audit").get_data(as_text=True)


def test_sheet_answers_show_competency_names_and_level_words_and_leave_out_what_did_not_change(client, make, auth):
    """A resubmitted sheet's event names the competency, gives the level and "not observed" in words (English and
    German) and leaves out the answers and fields that stayed the same."""
    assessment = make.assessment()
    first, second, third = (c for c in make.framework.competencies[:3])
    record_audit("rating.submit", assessment, "submitted", actor=None, cycle_id=assessment.cycle_id,
                 before={first.id: [4, "Runs the S&OP."], second.id: [NOT_OBSERVED, ""], third.id: [2, "Same."],
                         "known_for": "1_3y"},
                 after={first.id: [4, "Runs the S&OP."], second.id: [3, "Led the audit."], third.id: [NOT_OBSERVED, ""],
                        "known_for": "1_3y"})
    db.session.commit()
    page = _audit_page(client, auth, make)
    assert f"<dt>{second.name}</dt>" in page and f"<dt>{third.name}</dt>" in page
    assert "<del>Not observed</del>" in page and "<ins>3 Proficient · Led the audit.</ins>" in page
    assert "<del>2 Developing · Same.</del>" in page
    assert first.name not in page.split("<tbody>")[1] and "not_observed" not in page
    assert second.id not in page.split("<tbody>")[1] and "1_3y" not in page
    auth.logout()
    german = _audit_page(client, auth, make, "de")
    german_name = make.framework.in_language("de").competency(second.id).name
    assert f"<dt>{german_name}</dt>" in german and "<del>Nicht beobachtet</del>" in german


def test_an_unchanged_track_record_field_is_left_out_and_every_field_is_named(client, make, auth):
    """Changing one month figure shows that one only ("4 → 4" is not a change), under a label."""
    hr, assessment = make.user("hr"), make.assessment()
    set_track_record(assessment, 4, 12, actor=hr)
    set_track_record(assessment, 4, 14, actor=hr)
    db.session.commit()
    page = _audit_page(client, auth, make)
    latest = next(row for row in page.split("<tbody>")[1].split("</tr>") if "Track record changed" in row)
    latest = latest.split('<dl class="changes">')[1]  # the changes, not the English summary
    assert "months in the current role" in latest
    assert "months in leadership roles" not in latest and "leadership_months" not in page
    events = db.session.scalars(sa.select(AuditEvent)).all()
    assert {key for e in events for key in {**(e.before or {}), **(e.after or {})}} <= set(AUDIT_FIELDS) | {
        "email", "name", "role", "language"}
