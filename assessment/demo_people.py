"""The demo organisation as its HR system knows it (issue 21): employee ids, units and line managers.

Set once, on accounts that have no employee id yet, so running the demo again changes nothing; an export of
these people (``docs/people-sync.md``) syncs back without a change. Björn Þórsson's line manager is not among his
raters in the open cycle, so his assessment page offers "Add line manager ... as manager rater".
"""

from __future__ import annotations

from .models import User

#: e-mail -> (employee id, unit, line manager's e-mail or None)
DIRECTORY = {
    "ingrid.halvorsen@example.com": ("P-1001", "People & Culture, Hamburg", None),
    "margaret.okafor@example.com": ("P-1002", "Operations, Hamburg", None),
    "rafael.ortega@example.com": ("P-1003", "Operations, Lyon", "margaret.okafor@example.com"),
    "katrin.schaefer@example.com": ("P-1004", "Operations, Köln", "margaret.okafor@example.com"),
    "hannah.weber@example.com": ("P-1005", "Logistics, Köln", "katrin.schaefer@example.com"),
    "kwame.asante@example.com": ("P-1006", "Logistics, Lyon", "rafael.ortega@example.com"),
    "priya.nair@example.com": ("P-1007", "Procurement, Hamburg", "margaret.okafor@example.com"),
    "lukasz.nowak@example.com": ("P-2001", "Operations, Kraków", "margaret.okafor@example.com"),
    "zoe.muller-simic@example.com": ("P-2002", "Operations, Köln", "rafael.ortega@example.com"),
    "aoife.obrien@example.com": ("P-2003", "Operations, Dublin", "katrin.schaefer@example.com"),
    "mehmet.yilmaz@example.com": ("P-2004", "Operations, Hamburg", "margaret.okafor@example.com"),
    "nguyen.thi.lan@example.com": ("P-2005", "Operations, Lyon", "rafael.ortega@example.com"),
    "soren.ostergaard@example.com": ("P-2006", "Operations, Hamburg", "katrin.schaefer@example.com"),
    "jose.alvarez@example.com": ("P-2007", "Operations, Lyon", "margaret.okafor@example.com"),
    "ayse.demir@example.com": ("P-2008", "Operations, Köln", "rafael.ortega@example.com"),
    "bjorn.thorsson@example.com": ("P-2009", "Operations, Dublin", "rafael.ortega@example.com"),
    # The team leads who report to Łukasz Nowak (his direct reports rate him in the spring cycle).
    "chiara.bianchi@example.com": ("P-3001", "Operations, Kraków", "lukasz.nowak@example.com"),
    "tomasz.wojcik@example.com": ("P-3002", "Operations, Kraków", "lukasz.nowak@example.com"),
    "amara.nwosu@example.com": ("P-3003", "Operations, Kraków", "lukasz.nowak@example.com"),
}


def place_people(people: list[User]) -> None:
    """Give the demo's people their employee id, unit and line manager (only where none is set yet)."""
    by_email = {person.email: person for person in people}
    for email, (employee_id, unit, manager) in DIRECTORY.items():
        person = by_email.get(email)
        if person is None or person.employee_id is not None:
            continue
        person.employee_id, person.unit = employee_id, unit
        person.manager = by_email.get(manager) if manager else None
