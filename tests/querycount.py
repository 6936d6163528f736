"""Count the SQL statements a piece of code runs: for tests that guard against one-query-per-row pages."""

from contextlib import contextmanager

import sqlalchemy as sa

from assessment.extensions import db


@contextmanager
def counted_queries():
    """Yield a list that collects every statement sent to the database inside the block."""
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
