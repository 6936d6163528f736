"""Benchmark data: a released cycle of N candidates (2 managers, 3 peers and a self-assessment each, all
submitted), built once and cached as a SQLite file keyed by the code version.

The schema comes from the migrations; HR, the cycle and its state changes go through the services; the bulk
(users, assessments, sheets, ratings, submissions, audit events) is inserted in bulk through the same models'
tables, with the values the services would write (one password hash shared by every account: hashing 6,000
passwords would take minutes and is not what is measured). Building 5,000 candidates takes about a minute;
the cached file is reused until the migrations, the models, the rubric or this file change.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-2026"
HR_EMAIL = "hr@bench.example.com"
SECRET_KEY = "bench-secret-key-not-for-production"
EVIDENCE = ("Led the quarterly planning round and tied it to the budget.",
            "Handled the warehouse outage calmly and kept customers informed.", "")


def code_version() -> str:
    """A hash of what the data file depends on: the migrations, the models, the rubric and this builder."""
    digest = hashlib.sha256()
    paths = sorted([*ROOT.glob("migrations/versions/*.py"), *ROOT.glob("assessment/**/models.py"),
                    *ROOT.glob("rubrics/data/*"), Path(__file__)])
    for path in paths:
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    base = Path(os.environ.get("OPSLADDER_BENCH_CACHE") or Path(tempfile.gettempdir()) / "opsladder-bench")
    return base / code_version()


def app_for(url: str, **extra):
    from assessment import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "WTF_CSRF_ENABLED": False,
                       "REDIS_URL": None, "MAIL_DISPATCH": "off",
                       "BASE_URL": "http://localhost/", **extra})


def cached_sqlite(size: int, log=print, *, state: str = "released") -> Path:
    """The path of a SQLite file holding a released cycle of ``size`` candidates (built on first use); with
    ``state="open"``, an open cycle whose sheets are all still to be filled in (the rating sheet's benchmark)."""
    folder = cache_dir()
    path = folder / (f"cycle-{size}.db" if state == "released" else f"cycle-{size}-{state}.db")
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"cycle-{size}.db.part"
    partial.unlink(missing_ok=True)
    log(f"  building {size} candidates into {path} (once per code version)")
    build(f"sqlite:///{partial}", size, state=state, submitted=state != "open")
    shutil.move(partial, path)
    return path


def build(url: str, size: int, *, state: str = "released", submitted: bool = True, seed: int = 20261201) -> None:
    """Migrate ``url`` and fill it with one cycle of ``size`` candidates moved on to ``state``; with
    ``submitted=False`` the cycle stays open and every sheet is still to be filled in."""
    from flask_migrate import upgrade

    app = app_for(url)
    with app.app_context():
        upgrade()
        _fill(size, state, submitted, random.Random(seed))


def _fill(size: int, state: str, submitted: bool, rng: random.Random) -> None:
    from assessment.extensions import db
    from assessment.framework import current_framework
    from assessment.models import Assessment, AuditEvent, RaterAssignment, Submission, User, utcnow
    from assessment.services.cycles import change_state, create_cycle
    from assessment.services.users import create_user

    framework = current_framework()
    hr = create_user(HR_EMAIL, "Hana Reyes", "hr", PASSWORD, actor=None)
    cycle = create_cycle(f"Bench cycle of {size}", actor=hr)
    change_state(cycle, "open", actor=hr, framework=framework)
    db.session.commit()
    now = utcnow()
    conn = db.session.connection()
    n_managers = max(4, size // 10)
    hashed = hr.password_hash
    people = [{"email": f"manager{i}@bench.example.com", "name": f"Manager {i:05d}", "role": "manager"}
              for i in range(n_managers)]
    people += [{"email": f"candidate{i}@bench.example.com", "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)} {i:05d}",
                "role": "candidate", "unit": f"Site {i % 12:02d}"} for i in range(size)]
    conn.execute(sa.insert(User), [dict(p, password_hash=hashed, is_active=True, created_at=now) for p in people])
    ids = dict(conn.execute(sa.select(User.email, User.id)).all())
    managers = [ids[f"manager{i}@bench.example.com"] for i in range(n_managers)]
    candidates = [ids[f"candidate{i}@bench.example.com"] for i in range(size)]
    current = ["head_of_operations" if i % 5 == 0 else "operations_manager" for i in range(size)]
    conn.execute(sa.insert(Assessment), [
        {"cycle_id": cycle.id, "candidate_id": cid, "current_role": current[i],
         "target_role": framework.next_role(current[i]).id, "created_at": now}
        for i, cid in enumerate(candidates)])
    assessment_ids = dict(conn.execute(sa.select(Assessment.candidate_id, Assessment.id)
                                       .where(Assessment.cycle_id == cycle.id)).all())
    sheets = []
    for i, cid in enumerate(candidates):
        aid = assessment_ids[cid]
        raters = [(cid, "self")] + [(m, "manager") for m in rng.sample(managers, 2)]
        raters += [(p, "peer") for p in rng.sample(candidates[max(0, i - 50):i] + candidates[i + 1:i + 50], 3)]
        sheets += [{"assessment_id": aid, "rater_id": rid, "rater_group": group, "revision": 1, "created_at": now,
                    "status": "submitted" if submitted else "not_started", "updated_at": now if submitted else None,
                    "submitted_at": now if submitted else None, "version_id": 2 if submitted else 1,
                    # Every rater has read the briefing, so a sheet opens on its form, not on the briefing.
                    "briefing_read_at": now}
                   for rid, group in raters]
    conn.execute(sa.insert(RaterAssignment), sheets)
    if not submitted:
        db.session.commit()
        return
    assignments = conn.execute(sa.select(RaterAssignment.id, RaterAssignment.rater_id, RaterAssignment.assessment_id)
                               .join(Assessment).where(Assessment.cycle_id == cycle.id)).all()
    _ratings(conn, framework, assignments, now, rng)
    conn.execute(sa.insert(Submission), [{"assignment_id": a.id, "revision": 1, "submitted_at": now,
                                          "submitted_by_id": a.rater_id} for a in assignments])
    conn.execute(sa.insert(AuditEvent), [
        {"occurred_at": now - timedelta(seconds=len(assignments) - n), "actor_id": a.rater_id,
         "kind": "rating.submit", "cycle_id": cycle.id, "subject_type": "RaterAssignment", "subject_id": a.id,
         "summary": f"Rater {a.rater_id} submitted a rating", "before": None, "after": None}
        for n, a in enumerate(assignments)])
    db.session.commit()
    for next_state in ("closed", "released")[:("open", "closed", "released").index(state)]:
        change_state(cycle, next_state, actor=hr)
    db.session.commit()


def _ratings(conn, framework, assignments, now, rng) -> None:
    from assessment.models import Rating

    competencies = [c.id for c in framework.competencies]
    rows = []
    for a in assignments:
        base = rng.randint(2, 4)
        for comp_id in competencies:
            level = min(5, max(1, base + rng.choice((-1, 0, 0, 1))))
            observed = rng.random() > 0.05
            rows.append({"assignment_id": a.id, "revision": 1, "competency_id": comp_id,
                         "level": level if observed else None, "is_not_observed": not observed,
                         "evidence": rng.choice(EVIDENCE), "updated_by_id": a.rater_id, "updated_at": now})
        if len(rows) >= 20000:
            conn.execute(sa.insert(Rating), rows)
            rows = []
    if rows:
        conn.execute(sa.insert(Rating), rows)


_FIRST = ("Ada", "Ben", "Chiara", "Dmitri", "Eun-ji", "Farah", "Gustavo", "Hana", "Ines", "Jonas", "Kofi",
          "Lena", "Mateo", "Nadia", "Olu", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Ulla", "Wei", "Yara", "Zoë")
_LAST = ("Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Halvorsen", "Ito", "Jensen",
         "Kowalski", "Lindqvist", "Müller", "Nowak", "Okafor", "Petrov", "Rossi", "Schmidt", "Tanaka", "Weber")
