"""Database helpers shared by every package: UTC timestamps, pagination and locking."""
import time
from datetime import UTC, datetime

from flask import g, has_app_context, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import DateTime, TypeDecorator, func

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


def contains(column, text: str):
    """Case-insensitive "column contains text" as ``lower(column) LIKE '%text%'``, with ``%``, ``_`` and ``\\`` in
    the text taken literally. On PostgreSQL the trigram indexes serve it where they exist (migration 0005)."""
    escaped = (text or "").strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def for_update(stmt):
    """Lock selected rows where the backend supports it (SQLite serialises writers anyway)."""
    if is_postgres():
        return stmt.with_for_update()
    return stmt


MAX_PAGE = 10000


def paginate(stmt, per_page=25, max_per_page=100, cache_seconds=0):
    """Paginate a select() from the request's ?page= and ?per_page=, never erroring on bad input.

    The page number is clamped so that a huge ?page= cannot overflow the database's OFFSET.

    ``cache_seconds`` > 0 (public lists of one entity with an ``id``, such as the label register): the total
    and the ids on the page are kept that long per process, keyed by the SQL, its parameters and the page.
    A later view loads just those ids, still through ``stmt``'s conditions, so a row that stopped matching
    drops out and every shown value is current; only which rows fill the page can be that many seconds old.
    """
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    if cache_seconds <= 0:
        return db.paginate(stmt, page=page, per_page=per_page, max_per_page=max_per_page, error_out=False)
    compiled = stmt.compile(dialect=db.engine.dialect)
    key = (str(db.engine.url), str(compiled), tuple(sorted((k, repr(v)) for k, v in compiled.params.items())),
           page, per_page)
    now = time.monotonic()
    hit = _PAGES.get(key)
    if hit is not None and hit[0] > now:
        ids, total = hit[1]
        entity = stmt.column_descriptions[0]["entity"]
        found = {}
        if ids:
            found = {row.id: row for row in db.session.scalars(stmt.where(entity.id.in_(ids)).limit(None).offset(None))}
        return _KeptPage(page, per_page, [found[i] for i in ids if i in found], total)
    result = db.paginate(stmt, page=page, per_page=per_page, max_per_page=max_per_page, error_out=False)
    if len(_PAGES) >= _MAX_PAGES:
        _PAGES.clear()
    _PAGES[key] = (now + cache_seconds, ([row.id for row in result.items], result.total))
    return result


_PAGES: dict[tuple, tuple[float, tuple[list[int], int]]] = {}
_MAX_PAGES = 2048


class _KeptPage(Pagination):
    """A page whose ids came from ``_PAGES``: the same attributes as Flask-SQLAlchemy's, no queries of its own."""

    def __init__(self, page, per_page, items, total):  # noqa: D107 - Pagination.__init__ would query
        self.page, self.per_page, self.max_per_page = page, per_page, None
        self.items, self.total = items, total
        self._query_args = {}

    def _query_items(self):
        return self.items

    def _query_count(self):
        return self.total
