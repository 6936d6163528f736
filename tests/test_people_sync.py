"""People kept in sync (issue 21, part 3): plan and apply an HR system's export, matched on the employee id."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assessment.extensions import db
from assessment.hr.labels import AUDIT_FIELDS
from assessment.mail.tokens import LinkProblem, make_token, read_token
from assessment.models import AuditEvent, SignInSettings, User
from assessment.services import two_person
from assessment.services.people_file import SyncRejected, read_people
from assessment.services.people_sync import apply_sync, plan_sync
from assessment.services.users import deactivate_user
from rubrics import language
from tests.test_hr_imports import xlsx_bytes

HEADER = "employee_id,email,name,role,language,unit,manager_employee_id,active\n"


def csv_rows(text: str, header: str = HEADER):
    return read_people("people.csv", (header + text).encode())


def sync(text: str, *, actor=None, deactivate_missing=False, header: str = HEADER):
    plan = plan_sync(csv_rows(text, header), deactivate_missing=deactivate_missing, filename="people.csv")
    apply_sync(plan, actor=actor)
    db.session.commit()
    return plan


def user(eid: str) -> User:
    return db.session.scalar(sa.select(User).where(User.employee_id == eid))


def problems_of(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


BASE = ("E1,boss@example.com,Berta Boss,manager,de,Hamburg,,yes\n"
        "E2,ann@example.com,Ann Lee,candidate,en,Hamburg,E1,\n"
        "E3,bo@example.com,Bo Chen,,,Berlin,E1,ja\n")


def test_sync_creates_accounts_with_units_languages_and_reporting_lines(app, make):
    """A first sync creates every person with their employee id, unit, language and line manager, audited."""
    hr = make.user("hr")
    plan = sync(BASE, actor=hr)
    assert plan.counts == {"create": 3, "update": 0, "deactivate": 0, "reactivate": 0}
    boss, ann, bo = user("E1"), user("E2"), user("E3")
    assert (boss.role, boss.language, boss.unit, boss.manager) == ("manager", "de", "Hamburg", None)
    assert (ann.manager, bo.manager, bo.role, bo.language) == (boss, boss, "candidate", None)
    kinds = [e.kind for e in AuditEvent.query.order_by(AuditEvent.id)]
    assert kinds.count("user.create") == 4 and kinds[-1] == "people.sync"
    event = AuditEvent.query.filter_by(kind="people.sync").one()
    assert event.actor_id == hr.id and event.after["created"] == 3


def test_a_second_sync_updates_what_changed_and_names_each_field(app, make):
    """Matched on the employee id: a new e-mail, name, unit and manager are updates, field by field."""
    sync(BASE)
    plan = plan_sync(csv_rows("E1,boss@example.com,Berta Boss,manager,de,Hamburg,,yes\n"
                              "E2,ann.lee@example.com,Ann Lee-Park,candidate,en,Munich,E3,\n"
                              "E3,bo@example.com,Bo Chen,,,Berlin,E1,ja\n"))
    assert plan.counts["update"] == 1 and plan.unchanged == 2
    [change] = plan.changes
    fields = {f.field: (f.before, f.after) for f in change.changes}
    assert fields == {"email": ("ann@example.com", "ann.lee@example.com"), "name": ("Ann Lee", "Ann Lee-Park"),
                      "unit": ("Hamburg", "Munich"), "manager": ("Berta Boss (E1)", "Bo Chen (E3)")}
    apply_sync(plan, actor=None)
    db.session.commit()
    ann = user("E2")
    assert (ann.email, ann.name, ann.unit, ann.manager.employee_id) == ("ann.lee@example.com", "Ann Lee-Park",
                                                                        "Munich", "E3")
    event = AuditEvent.query.filter_by(kind="user.sync").one()
    assert event.before["email"] == "ann@example.com" and event.after["unit"] == "Munich"


def test_the_dry_run_changes_nothing(app, make):
    """Planning alone writes nothing: no account, no audit event."""
    plan = plan_sync(csv_rows(BASE), deactivate_missing=True)
    assert plan.counts["create"] == 3
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    assert AuditEvent.query.count() == 0


def test_missing_people_are_deactivated_only_when_asked_and_never_hr(app, make):
    """Without --deactivate-missing a person absent from the file stays; with it they are deactivated (history
    kept), except HR accounts and accounts that never had an employee id."""
    hr = make.user("hr")
    hand_made = make.user("manager")
    sync(BASE + "E9,second.hr@example.com,Second HR,,,,,\n", actor=hr)
    db.session.execute(sa.update(User).where(User.employee_id == "E9").values(role="hr"))
    db.session.commit()
    shorter = "E1,boss@example.com,Berta Boss,manager,de,Hamburg,,yes\n"
    plan = plan_sync(csv_rows(shorter))
    assert plan.counts["deactivate"] == 0 and user("E2").is_active
    plan = plan_sync(csv_rows(shorter), deactivate_missing=True)
    assert sorted(c.employee_id for c in plan.changes if c.action == "deactivate") == ["E2", "E3"]
    assert plan.kept_hr == ("second.hr@example.com",)
    assert plan.untracked == 2, plan  # hr and hand_made have no employee id
    apply_sync(plan, actor=hr)
    db.session.commit()
    assert not user("E2").is_active and user("E2").deactivated_at is not None
    assert user("E9").is_active and hand_made.is_active
    assert AuditEvent.query.filter_by(kind="user.deactivate").count() == 2


def test_inactive_in_the_file_deactivates_and_active_again_reactivates(app, make):
    sync(BASE)
    plan = sync(BASE.replace("E3,bo@example.com,Bo Chen,,,Berlin,E1,ja", "E3,bo@example.com,Bo Chen,,,Berlin,E1,no"))
    assert plan.counts["deactivate"] == 1 and not user("E3").is_active
    plan = sync(BASE)
    assert plan.counts["reactivate"] == 1 and user("E3").is_active


def test_an_email_of_another_employee_is_a_conflict_not_an_overwrite(app, make):
    sync(BASE)
    with pytest.raises(SyncRejected) as info:
        plan_sync(csv_rows("E2,bo@example.com,Ann Lee,candidate,en,Hamburg,E1,\n"))
    assert problems_of(info) == ["Row 2, column email: bo@example.com belongs to another person (employee id E3, "
                                 "Bo Chen); the sync never moves an address from one person to another"]
    assert user("E2").email == "ann@example.com"


def test_two_people_may_swap_addresses_in_one_file(app, make):
    """Both rows move: no conflict, and the unique addresses never collide on the way."""
    sync(BASE)
    sync(BASE.replace("ann@example.com", "tmp").replace("bo@example.com", "ann@example.com")
         .replace("tmp", "bo@example.com"))
    assert (user("E2").email, user("E3").email) == ("bo@example.com", "ann@example.com")


def test_an_account_made_by_hand_is_matched_once_by_email(app, make):
    manager = make.user("manager", email="boss@example.com")
    sync(BASE)
    assert manager.employee_id == "E1" and manager.unit == "Hamburg"


def test_a_manager_cycle_is_refused(app, make):
    """A manages B manages A: refused, naming the circle; nothing is created."""
    with pytest.raises(SyncRejected) as info:
        sync("E1,a@example.com,A,,,,E2,\nE2,b@example.com,B,,,,E1,\n")
    assert problems_of(info) == ["Row 2, column manager_employee_id: the reporting lines go round in a circle: "
                                 "E1 → E2 → E1"]
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_a_cycle_through_an_existing_reporting_line_is_refused(app, make):
    sync(BASE)
    with pytest.raises(SyncRejected) as info:
        plan_sync(csv_rows("E1,boss@example.com,Berta Boss,manager,de,Hamburg,E2,yes\n"))
    assert problems_of(info) == ["Row 2, column manager_employee_id: the reporting lines go round in a circle: "
                                 "E1 → E2 → E1"]


def test_a_long_reporting_chain_is_checked_in_one_pass(app, make):
    """5,000 rows in one reporting line (the most a file may have): planned (one pass over the chain, not one per
    row), and the same chain closed into a circle is reported once, at its first row."""
    chain = "".join(f"E{n},p{n}@example.com,Person {n},,,,{f'E{n - 1}' if n else ''},\n" for n in range(5000))
    plan = plan_sync(csv_rows(chain))
    assert plan.counts["create"] == 5000
    circle = chain.replace("E0,p0@example.com,Person 0,,,,,", "E0,p0@example.com,Person 0,,,,E4999,")
    with pytest.raises(SyncRejected) as info:
        plan_sync(csv_rows(circle))
    found = problems_of(info)
    assert len(found) == 1 and found[0].startswith("Row 2, column manager_employee_id: the reporting lines go round "
                                                   "in a circle: E0 → E4999 → E4998 → ")
    assert found[0].endswith("E1 → E0")


def test_a_row_leading_into_a_circle_reports_the_circle_once(app, make):
    """A reports to B, B and C to each other: the circle is named once, at its first row in the file (C); A, who
    only leads into it, is not blamed."""
    with pytest.raises(SyncRejected) as info:
        plan_sync(csv_rows("A,a@example.com,A,,,,B,\nC,c@example.com,C,,,,B,\nB,b@example.com,B,,,,C,\n"))
    assert problems_of(info) == ["Row 3, column manager_employee_id: the reporting lines go round in a circle: "
                                 "C → B → C"]


def test_every_row_and_column_problem_is_named_and_nothing_is_applied(app, make):
    make.user("hr", email="hr@example.com")
    text = ("E1,boss@example.com,Berta Boss,hr,xx,,,maybe\n"
            ",not-an-email,,director,,,E77,\n"
            "E1,boss@example.com,Again,,,,E1,\n")
    with pytest.raises(SyncRejected) as info:
        sync(text)
    found = problems_of(info)
    for expected in ("Row 2, column role: the HR role is never given by a sync",
                     "Row 2, column language: unknown language “xx”",
                     "Row 2, column active: “maybe” is neither yes nor no",
                     "Row 3, column employee_id: the employee id is missing",
                     "Row 3, column email: not-an-email is not a valid e-mail address",
                     "Row 3, column name: the name is missing",
                     "Row 3, column role: unknown role “director”",
                     "Row 3, column manager_employee_id: nobody has the employee id E77",
                     "Row 4, column employee_id: the employee id E1 is in the file more than once",
                     "Row 4, column email: boss@example.com is in the file more than once",
                     "Row 4, column manager_employee_id: a person cannot be their own line manager"):
        assert any(p.startswith(expected) for p in found), (expected, found)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_hr_accounts_are_never_demoted_or_deactivated_by_a_sync(app, make):
    hr = make.user("hr", email="hr@example.com")
    make.user("hr", email="hr2@example.com")
    with pytest.raises(SyncRejected) as info:
        sync("H1,hr@example.com,HR One,manager,,,,\nH2,hr2@example.com,HR Two,,,,,no\n")
    assert [p.split(":")[0] for p in problems_of(info)] == ["Row 2, column role", "Row 3, column active"]
    assert hr.role == "hr" and hr.employee_id is None


def test_an_hr_accounts_email_is_never_changed_by_a_sync(app, make):
    """Matched once by its address, an HR account gets an employee id; a later row with that id and another
    address is refused at its row, so whoever reads the new address cannot reset the HR account's password."""
    hr = make.user("hr", email="hr@example.com")
    victim = make.user("hr", email="hr.victim@example.com", name="Vic Tim")
    sync("X9,hr.victim@example.com,Vic Tim,hr,,,,yes\n", actor=hr)
    assert victim.employee_id == "X9"
    with pytest.raises(SyncRejected) as info:
        sync("X9,mallory@evil.example,Vic Tim,hr,,,,yes\n", actor=hr)
    assert problems_of(info) == ["Row 2, column email: hr.victim@example.com has the HR role; a sync never changes "
                                 "an HR account's e-mail address (it would give the account to whoever reads the "
                                 "new one)"]
    db.session.expire_all()
    assert victim.email == "hr.victim@example.com"


def test_the_break_glass_accounts_email_is_never_changed_by_a_sync(app, make):
    keeper = make.user("manager", email="keeper@example.com")
    keeper.employee_id = "K1"
    db.session.add(SignInSettings(id=1, password_sign_in=True, break_glass_user_id=keeper.id))
    db.session.commit()
    with pytest.raises(SyncRejected) as info:
        plan_sync(csv_rows("K1,other@example.com,Keeper,manager,,,,yes\n"))
    assert problems_of(info)[0].startswith("Row 2, column email: keeper@example.com is the break-glass account")


def test_a_deactivated_hr_account_is_never_reactivated_by_a_sync(app, make):
    hr, third = make.user("hr"), make.user("hr", email="third@example.com")
    fired = make.user("hr", email="fired.hr@example.com")
    fired.employee_id = "F1"
    deactivate_user(fired, actor=third, reason="left")
    db.session.commit()
    with pytest.raises(SyncRejected) as info:
        sync("F1,fired.hr@example.com,Fired,hr,,,,yes\n", actor=hr)
    assert problems_of(info) == ["Row 2, column active: fired.hr@example.com is a deactivated HR account; HR "
                                 "accounts are reactivated on their person page, never by a sync"]
    assert not fired.is_active


def test_a_changed_email_ends_sessions_and_open_password_links(app, make):
    """The account's sessions end and a set-password link sent to the old address stops working."""
    sync(BASE)
    ann = user("E2")
    version, link = ann.session_version, make_token(ann, "password_reset")
    sync("E2,ann.new@example.com,Ann Lee,candidate,en,Hamburg,E1,\n")
    assert ann.session_version == version + 1
    with pytest.raises(LinkProblem):
        read_token(link)


def test_address_and_state_changes_by_a_sync_show_in_the_approvers_account_history(app, make):
    """What a second HR person sees before approving: the sync's changes to the account are listed."""
    hr = make.user("hr")
    sync(BASE, actor=hr)
    sync("E2,ann.new@example.com,Ann Lee,candidate,en,Hamburg,E1,no\n", actor=hr)
    kinds = {e.kind for e in two_person.account_history([user("E2")])}
    assert {"user.create", "user.sync", "user.deactivate"} <= kinds


def test_an_address_written_with_look_alike_characters_is_refused(app, make):
    """Full-width letters stand for plain ones (NFKC, IDNA): the row is refused with the plain form; an IDN domain
    in its ASCII form (xn--…) or in its own letters is kept as it is."""
    with pytest.raises(SyncRejected) as info:
        plan_sync(csv_rows("E1,hr@ｅxample.com,Look Alike,,,,,\n"))
    assert problems_of(info) == ["Row 2, column email: hr@ｅxample.com is written with characters that stand for "
                                 "others (it means hr@example.com); write the address in that plain form"]
    plan = plan_sync(csv_rows("E1,a@xn--mnchen-3ya.de,A,,,,,\nE2,b@münchen.de,B,,,,,\n"))
    assert [c.email for c in plan.changes] == ["a@xn--mnchen-3ya.de", "b@münchen.de"]


def test_bad_files_are_named(app):
    for header, expected in (("employee_id,name\n", "Row 1, column email: this column is missing"),
                             ("employee_id,email,name,shoe_size\n", "Row 1, column shoe_size: unknown column")):
        with pytest.raises(SyncRejected) as info:
            csv_rows("E1,a@example.com,A\n", header)
        assert any(p.startswith(expected) for p in problems_of(info)), problems_of(info)
    with pytest.raises(SyncRejected, match="Nothing was changed"):
        read_people("people.txt", b"x")
    with pytest.raises(SyncRejected) as info:
        plan_sync(csv_rows("E1,a\x00@example.com,A,,,,,\n"))
    assert "NUL" in problems_of(info)[0]


def test_german_headers_and_words_are_read(app, make):
    """The German header row (and ja/nein, Kandidatin, Führungskraft, Deutsch) is read as the English one."""
    header = "Personalnummer;E-Mail;Name;Rolle;Sprache;Einheit;Personalnummer Führungskraft;Aktiv\n"
    sync("D1;chefin@example.com;Jana Chefin;Führungskraft;Deutsch;Köln;;ja\n"
         "D2;max@example.com;Max Müller;Kandidat;de;Köln;D1;ja\n", header=header)
    assert (user("D1").role, user("D2").manager, user("D2").language) == ("manager", user("D1"), "de")


def test_problems_are_named_in_german(app, make):
    language.set_current("de")
    try:
        with pytest.raises(SyncRejected) as info:
            plan_sync(csv_rows("E1,a@example.com,A,,,,,vielleicht\n"))
        assert str(info.value.problems[0]).startswith("Zeile 2, Spalte Aktiv (active):")
        assert info.value.message.startswith("Nichts wurde geändert")
    finally:
        language.set_current(None)


def test_xlsx_export_is_read(app, make):
    data = xlsx_bytes([("Personalnummer", "E-Mail", "Name", "Aktiv"), (4711, "x@example.com", "X Y", "ja")])
    plan = plan_sync(read_people("hr.xlsx", data))
    assert plan.changes[0].employee_id == "4711"


def test_a_deactivated_person_keeps_their_history_and_is_reactivated_by_the_sync(app, make):
    """Deactivated by hand, a person in the file as active is reactivated; their account row stays meanwhile."""
    sync(BASE)
    deactivate_user(user("E2"), actor=None)
    db.session.commit()
    plan = plan_sync(csv_rows(BASE))
    assert [(c.action, c.employee_id) for c in plan.changes] == [("reactivate", "E2")]


def test_every_audited_field_of_a_sync_has_a_label(app, make):
    """The audit trail names every field the sync records (hr.labels.AUDIT_FIELDS), in words."""
    hr = make.user("hr")
    sync(BASE, actor=hr)
    sync(BASE.replace("Hamburg,E1", "Berlin,E3").replace("E3,bo@example.com,Bo Chen,,,Berlin,E1,ja",
                                                          "E3,bo@example.com,Bo Chen,,,Berlin,,nein"), actor=hr)
    keys = {key for e in AuditEvent.query.all() for key in {**(e.before or {}), **(e.after or {})}}
    assert keys <= set(AUDIT_FIELDS), keys - set(AUDIT_FIELDS)
