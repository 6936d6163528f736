"""The talent grid and the talent review at 5,000 candidates beside the overview (issue 20): median ms in-process,
with a performance rating for every second candidate so that every cell of the grid is filled.

    python bench/grid_figures.py [--size 5000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))

import web  # noqa: E402
import web_data  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    import sqlalchemy as sa

    from assessment.extensions import db
    from assessment.models import Assessment, Cycle, PerformanceRating, User
    from assessment.services import readiness, results_store

    path = web.working_copy(args.size, Path(tempfile.mkdtemp()))
    app = web_data.app_for(f"sqlite:///{path}")
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with app.app_context():
        cycle = db.session.scalar(sa.select(Cycle))
        results_store.refresh_cycle(cycle, readiness.compute_results)
        rng = random.Random(20)
        people = db.session.scalars(sa.select(Assessment.candidate_id)).all()
        db.session.execute(sa.insert(PerformanceRating), [
            {"user_id": uid, "rating": (r := rng.randint(1, 5)), "scale": 5, "level": (1, 1, 2, 3, 3)[r - 1],
             "source": "Bench review", "rated_on": date(2026, 3, 31)} for uid in people[::2]])
        hr = db.session.scalar(sa.select(User).where(User.role == "hr"))
        db.session.commit()
        cycle_id, hr_email = cycle.id, hr.email
    client = app.test_client()
    client.post("/login", data={"email": hr_email, "password": web_data.PASSWORD})
    urls = [("overview", f"/cycles/{cycle_id}/overview"),
            ("grid, performance", f"/hr/grid?role=head_of_operations&cycle={cycle_id}"),
            ("grid, performance, COO", f"/hr/grid?role=coo&cycle={cycle_id}"),
            ("grid, trend", f"/hr/grid?role=head_of_operations&axis=trend&cycle={cycle_id}"),
            ("grid, a cell's page 20", f"/hr/grid?role=head_of_operations&cycle={cycle_id}&p.none=20"),
            ("talent review", f"/hr/talent/head_of_operations?cycle={cycle_id}"),
            ("talent review, by agreement", f"/hr/talent/head_of_operations?cycle={cycle_id}&sort=agreement&dir=desc"
                                            "&p-not_yet_ready=3")]
    clients = [(name, url, client) for name, url in urls]
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import bare_app  # noqa: E402 (reads DATABASE_URL when imported): the floor, in the same process and run
    clients.insert(0, ("bare Flask page (the floor)", "/bare", bare_app.app.test_client()))
    for name, url, client in clients:
        warm = client.get(url)
        assert warm.status_code == 200, (url, warm.status_code, warm.headers.get("Location"))
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"{args.size} candidates  {name:28s} median {statistics.median(times):7.1f} ms")


if __name__ == "__main__":
    main()
