"""Count the SQL statements a block of code (or a request) runs: lists must not grow a query per row."""
from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db


class QueryCounter:
    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len(self.statements)


@contextmanager
def count_queries(app=None):
    """``with count_queries() as q: client.get(...)``; then ``q.count``. Counts every engine of the app."""
    counter = QueryCounter()
    engine = db.engine

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
