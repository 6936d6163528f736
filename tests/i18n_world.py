"""The data of the pseudo-locale test (tests/test_i18n_pseudo.py): people who read German, three cycles (draft,
open, released), rich results (several raters, blind spots, a calibration, a withheld candidate), e-mails of
every kind in the outbox, and the URLs and forms each persona can reach.

Every name and every text typed here is distinctive, so the test knows it as data and never mistakes it for
interface text (or interface text for it).
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from assessment.config import mail_sender
from assessment.extensions import db
from assessment.framework import current_framework
from assessment.mail import notify
from assessment.models import OutboxMessage
from assessment.mail.tokens import make_token
from assessment.models import AuditEvent, ExportJob, User, utcnow
from assessment.services import accounts, performance
from assessment.services.assessments import add_assessment, assign_rater
from assessment.services.calibrations import calibrate_verdict
from assessment.services.cycles import change_state, create_cycle
from assessment.services.exercises import schedule_exercise
from assessment.services.wash_up import ConsensusAnswer, consensus_version, save_consensus
from assessment.services.ratings import reopen_sheet, save_sheet
from assessment.services.release import release_cycle
from assessment.services.replies import acknowledge, save_reply
from assessment.services.review_requests import request_review
from assessment.services.plans import ActionInput, add_action, start_plan
from assessment.services.users import create_user, set_password
from rubrics import NOT_OBSERVED
from rubrics.sheet import RatingInput
from tests.exercise_helpers import submit_exercise_sheet
from tests.sheets import KNOWN, with_evidence

#: Who reads: HR, a manager (a submitted sheet and a draft), a peer (a submitted sheet and a reopened one), the
#: candidate with released results, a candidate whose results were withheld, a candidate rating themself in an
#: open cycle, and someone signed out.
PERSONAS = ("hr", "manager", "peer", "candidate", "withheld", "self_rater", "anonymous")
#: Parameters that choose a representation, not an object.
FORMAT_PARAMS = {"fmt": ["csv"], "role": ["head_of_operations"]}
#: POST-only rules whose empty POST would change the test's data (or sign out): left to the curated posts.
CHANGES_THE_DATA = ("logout", "switch", "change_state", "release", "withdraw", "remove", "invite", "bulk",
                    "retry", "export", "copy", "role", "password", "approve")


class World:
    PASSWORD = "correct-horse-battery"

    def __init__(self, app, tmp_path):
        self.app = app
        self.framework = current_framework()
        self.typed: set[str] = set()
        name, address = mail_sender(app.config)  # configuration, shown as it is on the outbox's message page
        self.text(f"{name} <{address}>")
        self._people()
        self._earlier_cycle()
        self._released_cycle()
        self._open_cycle(tmp_path)
        self.draft = self._cycle("Runde Plimsquatsch Entwurf", instructions="Quibbelhof Hinweise für Xanthippe.")
        db.session.commit()

    # --- building -----------------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        self.typed.add(value)
        return value

    def person(self, key: str, name: str, role: str, password: bool = True):
        email = self.text(f"{key}@quorvex.example")
        user = create_user(email, self.text(name), role, None, actor=None)
        if password:  # one hash for everyone: scrypt takes half a second a time on a busy machine
            if not hasattr(World, "_hash"):
                set_password(user, self.PASSWORD)
                World._hash = user.password_hash
            user.password_hash = World._hash
        user.language = "de"
        return user

    def _people(self) -> None:
        self.hr = self.person("henrike.zwackel", "Henrike Zwackelmann", "hr")
        self.hr2 = self.person("hubertus.krawinkel", "Hubertus Krawinkel", "hr")
        self.manager = self.person("mirko.quasten", "Mirko Quastenberg", "manager")
        self.manager2 = self.person("malwine.fjodor", "Malwine Fjodorsky", "manager")
        self.peers = [self.person(f"peer{i}.xylander", f"{first} Xylander", "candidate")
                      for i, first in enumerate(("Pankraz", "Philippa", "Prudenzia"), 1)]
        self.candidate = self.person("annelore.brisquet", "Annelore Brisquet", "candidate")
        self.candidate2 = self.person("bertrand.ypsilon", "Bertrand Ypsilonne", "candidate")
        self.candidate3 = self.person("cosima.wurzelbrack", "Cosima Wurzelbrack", "candidate")
        self.candidate4 = self.person("dietlinde.ozymand", "Dietlinde Ozymandias", "candidate")
        self.invited = self.person("ignaz.unbekannt", "Ignaz Unbekanntinger", "manager", password=False)
        accounts.invite(self.invited, actor=self.hr)
        self.users = {"hr": self.hr, "manager": self.manager, "peer": self.peers[1], "candidate": self.candidate,
                      "withheld": self.candidate3, "self_rater": self.candidate4}
        self.role_titles = {role.name for role in self.framework.roles}
        #: The rubric's ids (an audit event's fields name them: "communication").
        self.ids = ({c.id for c in self.framework.competencies} | {r.id for r in self.framework.roles}
                    | {b.id for b in self.framework.readiness.bands}
                    | {r.id for r in self.framework.readiness.calibration_reasons}
                    # The ratings file's column ids, named beside their German headers in a problem (file format).
                    | set(performance.COLUMNS))
        db.session.flush()

    def _cycle(self, name: str, instructions: str):
        return create_cycle(self.text(name), actor=self.hr, instructions=self.text(instructions))

    def _assess(self, cycle, candidate, managers=(), peers=()):
        target = self.framework.next_role("operations_manager").id
        assessment = add_assessment(cycle, candidate, "operations_manager", target, framework=self.framework,
                                    actor=self.hr)
        for manager in managers:
            assign_rater(assessment, manager, "manager", actor=self.hr, initial=True)
        for peer in peers:
            assign_rater(assessment, peer, "peer", actor=self.hr, initial=True)
        for sheet in assessment.assignments:  # the raters have read the briefing (its page is crawled on its own)
            sheet.briefing_read_at = utcnow()
        db.session.flush()
        return assessment

    def rate(self, sheet, levels, *, submit=True, tag="") -> None:
        """Levels by competency index (cycling through ``levels``), each with its own distinctive evidence."""
        inputs = []
        for index, comp in enumerate(self.framework.competencies):
            value = levels[index % len(levels)]
            evidence = self.text(f"Beleg {tag or sheet.id}-{index}: Quorvex-Lager Zwiebelturm Nummer {index}.")
            inputs.append(RatingInput(comp.id, value, evidence))
        save_sheet(sheet, with_evidence(sheet, inputs), actor=sheet.rater, framework=self.framework,
                   expected_version=sheet.version_id, submit=submit, relationship=KNOWN)
        db.session.flush()

    @staticmethod
    def sheet(assessment, group: str, index: int = 0):
        return [a for a in assessment.assignments if a.rater_group == group][index]

    def _earlier_cycle(self) -> None:
        """(Issue 20) The first candidate's earlier cycle against the same role: their results page, PDF and history
        page tell the trend of each competency since then."""
        cycle = self.earlier = self._cycle("Runde Zwiebel Winter", instructions="Zwiebel Anleitung.")
        a = self._assess(cycle, self.candidate, [self.manager])
        change_state(cycle, "open", actor=self.hr, framework=self.framework)
        self.rate(self.sheet(a, "manager"), [3, 3, 3, 4, 2])
        change_state(cycle, "closed", actor=self.hr)
        release_cycle(cycle, actor=self.hr, acknowledged=True)
        db.session.flush()

    def _released_cycle(self) -> None:
        cycle = self.released = self._cycle("Runde Quorvex Frühling", instructions="Zwockelbrunn Anleitung.")
        a = self.assessment = self._assess(cycle, self.candidate, [self.manager, self.manager2], self.peers)
        b = self.assessment2 = self._assess(cycle, self.candidate2, [self.manager2])
        c = self.assessment3 = self._assess(cycle, self.candidate3, [self.manager])
        change_state(cycle, "open", actor=self.hr, framework=self.framework)
        self.rate(self.sheet(a, "manager"), [4, 3, 2, 5, NOT_OBSERVED, 4])
        self.rate(self.sheet(a, "manager", 1), [3, 3, 2, 4, 4])
        for index, peer_levels in enumerate(([3, 4, 2], [2, 3, 3, 4], [5, 4, 3])):
            self.rate(self.sheet(a, "peer", index), peer_levels)
        self.rate(self.sheet(a, "self"), [5, 5, 4])
        self.rate(self.sheet(b, "manager"), [2, NOT_OBSERVED, 1, 2])
        self.rate(self.sheet(c, "manager"), [1, 2, 3, 1, 5])
        self.rate(self.sheet(c, "self"), [3, 2], submit=False)
        change_state(cycle, "closed", actor=self.hr)
        band = self.framework.readiness.bands[-1].id
        calibrate_verdict(a, band, self.text("Das Gremium Quorvex hat die Belege des Zwiebelturm-Projekts, die "
                                             "Rückmeldungen der Peers und die Ziele der Runde gründlich geprüft."),
                          actor=self.hr, candidate_note=self.text("Notiz Wexmoor für Annelore Brisquet."),
                          panel_ids=[self.hr2.id], reason_code="additional_evidence")
        release_cycle(cycle, actor=self.hr, withhold=[c.id], acknowledged=True)
        # The talent grid's second axis (issue 20): a performance rating and a unit, typed data on the grid.
        self.candidate.unit = self.text("Standort Quorvexhafen")
        performance.import_ratings("quorvex.csv", self.text(
            f"email,rating,scale,source,date\n{self.candidate.email},4,5,Quorvex Jahresgespräch 2026,2026-03-31\n"
        ).encode(), actor=self.hr)
        self.text("Quorvex Jahresgespräch 2026")
        # (issue 20, 4) The candidate acknowledged, replied and asked for a review: HR's pages show them.
        acknowledge(a, actor=self.candidate)
        save_reply(a, self.text("Stellungnahme Quorvex: das Zwiebelturm-Projekt fehlt in der Einstufung."),
                   actor=self.candidate, expected_version=0)
        request_review(a, self.text("Grund Wexmoor: bitte das Zwiebelturm-Projekt mit dem Standortleiter prüfen."),
                       actor=self.candidate)
        db.session.flush()
        self._plan(a)

    def _plan(self, assessment) -> None:
        """(issue 20) The candidate's development plan, their line manager the manager persona, one action."""
        self.candidate.manager_id = self.manager.id
        self.dev_plan = start_plan(assessment, actor=self.hr)
        competency = self.framework.competencies[0].id
        self.dev_action = add_action(self.dev_plan, ActionInput(
            competency, self.text("Quorvex-Maßnahme: die Zwiebelturm-Planung leiten."), self.candidate.id,
            utcnow().date() + timedelta(days=20), "mentor", self.text("Mentorin Wexmoor"), "in_progress",
            self.text("Notiz Zwockel zur Maßnahme.")), framework=self.framework, actor=self.hr)

    def _open_cycle(self, tmp_path) -> None:
        cycle = self.open = self._cycle("Runde Wexmoor Herbst", instructions="Wexmoor Anleitung Zwockel.")
        # Three peers (the anonymity threshold): a smaller peer group would keep the cycle from opening.
        d = self.assessment4 = self._assess(cycle, self.candidate4, [self.manager],
                                            [self.peers[1], self.peers[0], self.peers[2]])
        change_state(cycle, "open", actor=self.hr, framework=self.framework)
        self.rate(self.sheet(d, "manager"), [3, 4], submit=False)
        self.rate(self.sheet(d, "peer"), [3, 2, 4])
        reopen_sheet(self.sheet(d, "peer"), self.text("Grund Zwiebelturm: bitte Quorvex-Belege ergänzen."),
                     actor=self.hr)
        self._exercise_day(d)
        self._assess(cycle, self.candidate2, [self.manager2])  # a new sheet in an open cycle: its e-mail
        notify.notify_new_sheets([self.sheet(self.assessment4, "manager")])
        notify.send_reminders(cycle, stage="first")
        notify.send_password_reset(self.candidate3, self.candidate3.email)
        archive = tmp_path / "export.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("readme.txt", "Quorvex")
        self.job = ExportJob(cycle_id=self.released.id, requested_by_id=self.hr.id, kind="reports_zip",
                             state="done", progress_done=2, progress_total=2, file_path=str(archive))
        db.session.add(self.job)
        db.session.flush()
        self.message = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).first()
        self.message.status, self.message.attempts = "failed", 8
        self.message.last_error = self.text("Zwockel-Server 421: Quorvex nicht erreichbar")

    def _exercise_day(self, assessment) -> None:
        """Two trained assessors who disagree by two levels in the case analysis, and their agreed consensus."""
        people = [self.person(key, name, "manager") for key, name in (("agathe.vroomwell", "Agathe Vroomwellen"),
                                                                     ("ottokar.glimsch", "Ottokar Glimschberg"))]
        for person in people:
            person.is_assessor = True
        schedule_exercise(assessment, "case_analysis", people, framework=self.framework, actor=self.hr,
                          reason=self.text("Grund Quorvex: Übungstag im Zwiebelturm."))
        shown = list(self.framework.exercise("case_analysis").shows)
        for sheet, levels in zip([a for a in assessment.assignments if a.rater_group == "assessor"], (3, 5)):
            evidence = {cid: self.text(f"Übungsbeleg Quorvex {sheet.id}-{i}.") for i, cid in enumerate(shown)}
            submit_exercise_sheet(sheet, {cid: (levels if i == 0 else 4, evidence[cid]) for i, cid in enumerate(shown)})
        answers = {cid: ConsensusAnswer(4, self.text(f"Konsensgrund Wexmoor {i}: beide Übungen zeigten dieselbe Stufe."),
                                        self.text("Klärung Zwockel: Fallakte gemeinsam erneut gelesen.") if i == 0 else "")
                   for i, cid in enumerate(shown)}
        save_consensus(assessment, answers, framework=self.framework, actor=people[0], expected_version="")

    @staticmethod
    def switch_everyone_to(lang: str) -> None:
        for user in db.session.scalars(db.select(User)):
            user.language = lang
        db.session.commit()

    @staticmethod
    def recorded() -> set[str]:
        """Text stored as it was written when something happened: the audit trail's descriptions."""
        return set(db.session.scalars(db.select(AuditEvent.summary)))

    def plan(self) -> dict:
        """What the crawl does, as plain data (made inside the app context, used outside it)."""
        return {"emails": {persona: user.email for persona, user in self.users.items()},
                "paths": {persona: self.paths(self.app, persona) for persona in PERSONAS},
                "posts": self.posts(), "open_cycle": self.open.id, "released_cycle": self.released.id,
                "assessment": self.assessment.id, "reset_in_english": self.candidate4.email}

    # --- what each persona reaches ------------------------------------------------------------------------

    def owned(self, persona: str) -> dict[str, list]:
        """Per URL parameter, the ids of this persona's own objects (every kind, to see every state)."""
        tokens = [make_token(self.invited, "invitation"), "not-a-valid-link"]
        if persona == "anonymous":
            return {"token": tokens}
        if persona == "hr":
            d = self.assessment4
            return {"cycle_id": [self.released.id, self.open.id, self.draft.id],
                    "assessment_id": [self.assessment.id, self.assessment2.id, self.assessment3.id, d.id],
                    "assignment_id": [self.sheet(self.assessment, "manager").id, self.sheet(d, "manager").id,
                                      self.sheet(d, "peer").id],
                    "user_id": [self.candidate.id, self.invited.id], "job_id": [self.job.id],
                    "message_id": [self.message.id], "token": tokens, "plan_id": [self.dev_plan.id],
                    "action_id": [self.dev_action.id]}
        plan = {"plan_id": [self.dev_plan.id], "action_id": [self.dev_action.id]}
        if persona == "manager":
            return {"assignment_id": [self.sheet(self.assessment, "manager").id,
                                      self.sheet(self.assessment4, "manager").id], "user_id": [self.manager.id],
                    **plan}
        if persona == "peer":
            return {"assignment_id": [self.sheet(self.assessment, "peer", 1).id, self.sheet(self.assessment4, "peer").id],
                    "user_id": [self.peers[1].id]}
        own = {"candidate": self.assessment, "withheld": self.assessment3, "self_rater": self.assessment4}[persona]
        return {"assignment_id": [self.sheet(own, "self").id], "assessment_id": [own.id],
                "user_id": [self.users[persona].id], **(plan if persona == "candidate" else {})}

    def allowed(self, app, rule, persona: str) -> bool:
        roles = app.view_functions[rule.endpoint].allowed_roles
        if roles == "public":
            return True
        if persona == "anonymous":
            return False
        return roles == "signed_in" or self.users[persona].role in roles

    def paths(self, app, persona: str) -> list[str]:
        """Every GET path of the URL map this persona may call, once per own object; then error pages."""
        own = {**FORMAT_PARAMS, **self.owned(persona)}
        out = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or "GET" not in rule.methods or not self.allowed(app, rule, persona):
                continue
            if not all(p in own for p in rule.arguments):
                continue
            first = {p: own[p][0] for p in rule.arguments}
            # Every object's page, but a PDF only of the first two candidates (a full and a thin report).
            most = 2 if rule.endpoint == "results.download_report" else None
            variants = [first] + [{**first, p: v} for p in sorted(rule.arguments) for v in own[p][1:most]]
            out.extend(rule.build(values, append_unknown=False)[1] for values in variants)
        out.append("/no-such-page-quorvex")
        if persona in ("manager", "candidate", "peer"):
            out.append("/hr/cycles")  # forbidden
        if persona == "hr":
            out += ["/hr/people?q=zzquorvexnobody", "/hr/people/search?q=Xylander", f"/cycles/{self.open.id}/overview",
                    f"/hr/cycles/{self.open.id}?q=zzquorvexnobody"]
        return list(dict.fromkeys(out))

    def posts(self) -> list[tuple[str, str, dict]]:
        """(persona, path, form data): answers to forms with mistakes, and a few that succeed with a message."""
        out = [
            ("anonymous", "/login", {"email": self.candidate.email, "password": "wrong-quorvex"}),
            ("anonymous", "/login", {}),
            ("anonymous", "/forgot", {}),
            ("anonymous", "/forgot", {"email": self.candidate2.email}),
            ("manager", "/account/password", {"current": "wrong", "password": "short", "repeat": "other"}),
            *self._sheet_posts(), *self._hr_posts(),
        ]
        for rule in self.app.url_map.iter_rules():
            if ("POST" in rule.methods and "GET" not in rule.methods and not rule.arguments
                    and not any(word in rule.endpoint for word in CHANGES_THE_DATA)):
                out.append(("hr", rule.rule, {}))
        return out

    def _sheet_posts(self) -> list[tuple[str, str, dict]]:
        d = self.assessment4
        manager_sheet, peer_sheet, self_sheet = self.sheet(d, "manager"), self.sheet(d, "peer"), self.sheet(d, "self")
        levels = {f"level_{c.id}": "3" for c in self.framework.competencies}
        current = str(manager_sheet.version_id)
        return [
            ("manager", f"/ratings/{manager_sheet.id}", {"version": current, "action": "save"}),
            ("manager", f"/ratings/{manager_sheet.id}", {"version": current, "action": "submit", "confirm": "y"}),
            ("manager", f"/ratings/{manager_sheet.id}", {"version": "0", "action": "save", **levels}),
            # The sheet's script saves in the background and shows the JSON answer's message.
            ("manager", f"/ratings/{manager_sheet.id}?json", {"version": current, "action": "save", **levels}),
            ("manager", f"/ratings/{manager_sheet.id}?json", {"version": "0", "action": "save", **levels}),
            ("manager", f"/ratings/{manager_sheet.id}/submit", {}),
            ("peer", f"/ratings/{self.sheet(self.assessment, 'peer', 1).id}", {"version": "1", "action": "save"}),
            ("peer", f"/ratings/{peer_sheet.id}", {"version": str(peer_sheet.version_id), "action": "submit",
                                                    "confirm": "y", **levels}),
            ("self_rater", f"/ratings/{self_sheet.id}", {"version": str(self_sheet.version_id), "action": "submit",
                                                         "confirm": "y", **{k: "5" for k in levels}}),
        ]

    def _hr_posts(self) -> list[tuple[str, str, dict]]:
        d, a, peer_sheet = self.assessment4, self.assessment, self.sheet(self.assessment4, "peer")
        self.text("Quax Zeilinger"), self.text("not-an-address")  # the import's bad row, named in its problems
        bad_row = b"name,email,current_role,target_role\nQuax Zeilinger,not-an-address,operations_manager,coo\n"
        return [
            ("hr", f"/hr/assignments/{peer_sheet.id}/reopen", {}),
            ("hr", f"/hr/assessments/{d.id}", {"email": "nobody@quorvex.example", "rater_group": "peer"}),
            ("hr", f"/hr/assessments/{d.id}", {"email": self.candidate4.email, "rater_group": "peer"}),
            ("hr", f"/hr/people/{self.invited.id}/invite", {}),
            ("hr", "/hr/people/new", {"name": self.text("Quirin Neuzugang"), "role": "manager", "invite": "y",
                                      "email": self.text("quirin.neu@quorvex.example")}),
            ("hr", f"/hr/people/{self.candidate.id}/role", {"role": "manager"}),
            ("hr", f"/hr/people/{self.candidate.id}/role", {"role": "hr"}),
            ("hr", f"/hr/assignments/{peer_sheet.id}/conflict-clearance", {"reason": self.text("Quax")}),
            ("hr", f"/hr/cycles/{self.open.id}/bulk", {"action": "remind",
                                                       "rater": [str(self.manager.id), str(self.manager2.id)]}),
            ("hr", f"/hr/cycles/{self.open.id}/bulk", {"action": "reopen", "sheet": [str(peer_sheet.id)]}),
            ("hr", f"/hr/cycles/{self.draft.id}/state", {}),
            ("hr", f"/hr/cycles/{self.released.id}/copy", {}),
            ("hr", f"/hr/assessments/{self.assessment3.id}/release", {}),
            ("hr", f"/hr/assessments/{d.id}/withdraw", {}),
            ("hr", f"/hr/cycles/{self.open.id}/import", {"file": (io.BytesIO(bad_row), "kandidaten.csv")}),
            ("hr", "/hr/performance-ratings", {"file": (io.BytesIO(b"email,rating,scale,source,date\n"
                                                                   b"not-an-address,7,5,Quax,2026-02-30\n"), "b.csv")}),
            ("hr", "/hr/performance-ratings", {"file": (io.BytesIO(
                f"email,rating,scale,source,date\n{self.candidate2.email},2,3,Quax,2026-01-31\n".encode()), "g.csv")}),
            ("hr", f"/assessments/{a.id}/calibration", {"band_id": "ready_now", "rationale": self.text("Quorvex kurz")}),
            ("hr", f"/assessments/{a.id}/calibration/approval", {}),
            ("hr", f"/hr/assessments/{a.id}/review-request", {"outcome": "upheld",
                                                                 "resolution": self.text("Quorvex kurz")}),
            ("hr", f"/hr/assessments/{a.id}/reply/read", {"version": "0"}),
            ("candidate", f"/me/assessments/{a.id}/reply/versions", {"text": "", "version": "0"}),
            ("candidate", f"/me/assessments/{a.id}/review-request", {"reason": self.text("Wexmoor kurz")}),
            ("candidate", f"/me/assessments/{a.id}/acknowledgement", {}),
            # (issue 20) The plan's forms with mistakes, and one that succeeds with a message.
            ("hr", f"/plans/{self.dev_plan.id}/actions", {"due_on": "2001-01-01", "support": "mentor"}),
            ("hr", f"/plans/{self.dev_plan.id}/actions/{self.dev_action.id}", {"due_on": "99999-01-01"}),
            ("candidate", f"/plans/{self.dev_plan.id}/actions/{self.dev_action.id}/progress",
             {"status": "in_progress", "version": "0"}),
            ("manager", f"/plans/{self.dev_plan.id}/agree", {}),
            *self._exercise_posts(),
        ]

    def _exercise_posts(self) -> list[tuple[str, str, dict]]:
        d, first = self.assessment4, next(iter(self.framework.exercise("case_analysis").shows))
        return [
            ("hr", f"/hr/assessments/{d.id}/exercises", {"exercise_id": "case_analysis"}),
            ("hr", f"/hr/people/{self.candidate.id}/assessor", {"is_assessor": "y"}),
            ("hr", f"/wash-up/{d.id}", {"version": "stale"}),
            ("hr", f"/wash-up/{d.id}", {"version": consensus_version(d), f"level_{first}": "1",
                                        f"reason_{first}": self.text("Quorvex Grund neu")}),
        ]
