"""Counting the SQL statements a page or endpoint sends, to prove it stays constant as data grows."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def count_queries(app):
    """Yields a list that fills with every statement ``app`` sends while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
