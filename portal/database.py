"""Database helpers shared by every package: UTC timestamps, pagination and locking."""
from datetime import UTC, datetime

from flask import g, has_app_context, request
from sqlalchemy import DateTime, TypeDecorator

from portal.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes_on_get(view):
    """Mark a view that changes data on GET (a link in a mail, a QR code): on SQLite its transaction takes
    the write lock at BEGIN like a POST's. Put it under the access rule decorator."""
    view.writes_on_get = True
    return view


def init_app(app):
    @app.before_request
    def _mark_reading_request():
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        g.sqlite_reading = (request.method in READING_METHODS and view is not None
                            and not getattr(view, "writes_on_get", False))


def in_reading_request() -> bool:
    """True inside a GET/HEAD request whose view only reads (see ``portal._sqlite_begin``)."""
    return has_app_context() and bool(g.get("sqlite_reading"))


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def for_update(stmt):
    """Lock selected rows where the backend supports it (SQLite serialises writers anyway)."""
    if is_postgres():
        return stmt.with_for_update()
    return stmt


MAX_PAGE = 10000


def paginate(stmt, per_page=25, max_per_page=100):
    """Paginate a select() from the request's ?page= and ?per_page=, never erroring on bad input.

    The page number is clamped so that a huge ?page= cannot overflow the database's OFFSET.
    """
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=max_per_page, error_out=False)
