"""The floor for the web benchmark: a bare Flask + SQLAlchemy + Jinja page on the same database file.

One query (a candidate's name and a count of their sheets) and one small template: what any page of a
Flask + SQLAlchemy + Jinja application costs at the least, measured with the same gunicorn and wrk.
"""

import os

import sqlalchemy as sa
from flask import Flask, render_template_string

app = Flask(__name__)
engine = sa.create_engine(os.environ["DATABASE_URL"])

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ name }}</title></head>
<body><main><h1>{{ name }}</h1><p>{{ sheets }} sheets</p><ul>{% for i in range(12) %}<li>Competency {{ i }}</li>
{% endfor %}</ul></main></body></html>"""


@app.route("/bare")
def bare():
    with engine.connect() as conn:
        name, sheets = conn.execute(sa.text(
            "SELECT u.name, (SELECT count(*) FROM rater_assignments r WHERE r.assessment_id = a.id) "
            "FROM assessments a JOIN users u ON u.id = a.candidate_id ORDER BY a.id LIMIT 1")).one()
    return render_template_string(PAGE, name=name, sheets=sheets)
