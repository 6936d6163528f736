"""The demo's performance ratings (issue 20; the units are the demo directory's, demo_people), so that the talent grid has both axes to show: imported
through the same service as HR's upload (audited), once; a second, earlier rating for two people shows that
history is kept and the latest counts."""

from __future__ import annotations

import sqlalchemy as sa

from .extensions import db
from .models import PerformanceRating, User
from .services import performance

SOURCE = "SAP SuccessFactors 2026 review"
#: (e-mail, rating, scale): the demo's candidates (assessment/demo.py), most on a 1-5 scale, one on 1-3.
RATINGS = [
    ("lukasz.nowak@example.com", 5, 5),
    ("zoe.muller-simic@example.com", 3, 5),
    ("aoife.obrien@example.com", 2, 5),
    ("mehmet.yilmaz@example.com", 4, 5),
    ("nguyen.thi.lan@example.com", 2, 3),
    ("soren.ostergaard@example.com", 4, 5),
    ("jose.alvarez@example.com", 3, 5),
    ("ayse.demir@example.com", 5, 5),
]
#: Earlier ratings (2025) of two people: kept, shown in the preview as "rating until now", not on the grid.
EARLIER = [("lukasz.nowak@example.com", 3, 5), ("aoife.obrien@example.com", 4, 5)]


def performance_demo(hr: User) -> None:
    """Performance ratings for the demo candidates, unless ratings exist already."""
    people = {u.email: u for u in db.session.scalars(sa.select(User).where(
        User.email.in_([email for email, *_rest in RATINGS])))}
    if not people or db.session.scalar(sa.select(sa.func.count(PerformanceRating.id)).where(
            PerformanceRating.user_id.in_([u.id for u in people.values()]))):
        return
    header = "email,rating,scale,source,date\n"
    earlier = "".join(f"{e},{r},{s},SAP SuccessFactors 2025 review,2025-03-31\n" for e, r, s in EARLIER if e in people)
    latest = "".join(f"{e},{r},{s},{SOURCE},2026-03-31\n" for e, r, s in RATINGS if e in people)
    performance.import_ratings("performance-2025.csv", (header + earlier).encode(), actor=hr)
    performance.import_ratings("performance-2026.csv", (header + latest).encode(), actor=hr)
