"""Writing cache rows that a page computed while reading (stored results, stored rater quality).

When the request has written nothing yet, on a connection of its own, committed at once: a page that only reads
(and never commits) still keeps what it computed. Otherwise in the request's own transaction, so the row commits
or rolls back with the change it was computed from.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

#: Rows per INSERT statement.
ROWS_PER_STATEMENT = 200


def write_rows(table: sa.Table, rows: list[dict], keys: Sequence[str]) -> None:
    """Insert or replace ``rows`` of ``table`` (``keys``: its primary key columns), on the connection described
    above."""
    if not rows:
        return
    if db.session.info.get(_WROTE):
        upsert(db.session.connection(), table, rows, keys)
    else:
        with db.engine.begin() as connection:
            upsert(connection, table, rows, keys)


def upsert(connection, table: sa.Table, rows: list[dict], keys: Sequence[str]) -> None:
    """Insert or replace ``rows`` (dicts with the same columns) by their primary key ``keys``."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif connection.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # another database: delete and insert, which a concurrent writer may still race
        for row in rows:
            connection.execute(table.delete().where(*(table.c[key] == row[key] for key in keys)))
        connection.execute(table.insert(), rows)
        return
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        stmt = insert(table).values(rows[start:start + ROWS_PER_STATEMENT])
        connection.execute(stmt.on_conflict_do_update(
            index_elements=[table.c[key] for key in keys],
            set_={name: stmt.excluded[name] for name in rows[0] if name not in keys}))


def changed(target, *names: str) -> bool:
    """Whether a flushed ORM object's attributes ``names`` changed (for the listeners that forget stored rows)."""
    state = sa.inspect(target)
    return any(state.attrs[name].history.has_changes() for name in names)


# A request that has written (flushed or executed DML) keeps stored rows in its own transaction.
_WROTE = "opsladder.wrote"


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context):
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state):
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
