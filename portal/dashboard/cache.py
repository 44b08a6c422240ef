"""The dashboard's numbers, kept for a few minutes so that many viewers do not each scan all history.

At 100,000 organisations one computation takes seconds (every partnership, label and impact job is read);
the numbers are statistics per quarter, so a copy a few minutes old is safe to show, and the page says when
it was computed and offers "Nu verversen". Snapshots live in the table ``dashboard_snapshot`` so that every
worker shares them and a cron job (``flask dashboard refresh``) can compute the common views ahead.

``DASHBOARD_CACHE_SECONDS`` (default 600) is how long a snapshot is used; 0 computes every time.
"""
import hashlib
import json
import logging
from dataclasses import asdict
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from portal.dashboard import metrics
from portal.dashboard.models import DashboardSnapshot
from portal.database import utcnow
from portal.extensions import db

log = logging.getLogger(__name__)

# Bump when the meaning or the shape of a snapshot changes: older rows are then never read again.
FORMAT = 2
# Snapshots of filters nobody asked for again are deleted after this long.
KEEP = timedelta(days=2)


def snapshot_key(filters: metrics.Filters, dates) -> str:
    raw = json.dumps([FORMAT, filters.start.isoformat(), filters.end.isoformat(), filters.municipality_id,
                      filters.sector, sorted(d.isoformat() for d in dates)])
    return hashlib.sha256(raw.encode()).hexdigest()


# --------------------------------------------------------------------------- (de)serialising
def encode(snapshot: metrics.Snapshot) -> str:
    return json.dumps({
        "status": [[day.isoformat(), municipality_id, c.labels, c.working, c.label_only, counted]
                   for counted, kept in ((1, snapshot.status), (0, snapshot.not_counted))
                   for day, per in kept.items() for municipality_id, c in per.items()],
        "dates": [day.isoformat() for day in snapshot.status],
        "year": [[municipality_id, asdict(figures)] for municipality_id, figures in snapshot.year.items()],
        "jobs": asdict(snapshot.jobs),
        "stage": asdict(snapshot.stage),
        "events": None if snapshot.events is None else [asdict(row) for row in snapshot.events],
        "commitments": None if snapshot.commitments is None else [asdict(row) for row in snapshot.commitments],
        "computed_at": snapshot.computed_at.isoformat(),
    }, separators=(",", ":"))


def _with_breakdowns(cls, data: dict):
    return cls(**{k: metrics.Breakdown(**v) if isinstance(v, dict) else v for k, v in data.items()})


def decode(text: str) -> metrics.Snapshot:
    data = json.loads(text)
    status: dict[date, dict[int | None, metrics.StatusCounts]] = {date.fromisoformat(d): {} for d in data["dates"]}
    not_counted: dict[date, dict[int | None, metrics.StatusCounts]] = {day: {} for day in status}
    for day, municipality_id, labels, working, label_only, counted in data["status"]:
        kept = status if counted else not_counted
        kept[date.fromisoformat(day)][municipality_id] = metrics.StatusCounts(labels, working, label_only)
    events = data["events"]
    commitments = data["commitments"]
    return metrics.Snapshot(
        status=status, not_counted=not_counted,
        year={municipality_id: metrics.YearFigures(**figures) for municipality_id, figures in data["year"]},
        jobs=_with_breakdowns(metrics.JobStats, data["jobs"]),
        stage=_with_breakdowns(metrics.StageStats, data["stage"]),
        events=None if events is None else [metrics.EventRow(**row) for row in events],
        commitments=None if commitments is None else [metrics.CommitmentRow(**row) for row in commitments],
        computed_at=datetime.fromisoformat(data["computed_at"]),
    )


# --------------------------------------------------------------------------- reading and writing
def max_age() -> int:
    return int(current_app.config.get("DASHBOARD_CACHE_SECONDS", 600))


def get_snapshot(filters: metrics.Filters, dates, *, refresh: bool = False) -> metrics.Snapshot:
    """The numbers for ``filters`` on ``dates``: a snapshot younger than DASHBOARD_CACHE_SECONDS, or computed now.

    A fresh computation is stored for the next viewer in a transaction of its own (never the request's); when
    storing fails the numbers are shown all the same.
    """
    seconds = max_age()
    if seconds <= 0:
        return metrics.compute_snapshot(filters, dates)
    key = snapshot_key(filters, dates)
    if not refresh:
        row = db.session.execute(select(DashboardSnapshot.computed_at, DashboardSnapshot.payload)
                                 .where(DashboardSnapshot.key == key)).first()
        if row is not None and utcnow() - row.computed_at < timedelta(seconds=seconds):
            try:
                return decode(row.payload)
            except (ValueError, KeyError, TypeError):  # a row from another version of the code
                log.warning("dashboard snapshot %s unreadable; computing it again", key[:12])
    snapshot = metrics.compute_snapshot(filters, dates)
    store(key, snapshot)
    return snapshot


def store(key: str, snapshot: metrics.Snapshot) -> bool:
    """Upsert the snapshot in a separate transaction and forget old ones; False (and a log line) when that fails."""
    payload = encode(snapshot)
    values = {"key": key, "computed_at": snapshot.computed_at, "payload": payload}
    try:
        # Its own connection and transaction, which on SQLite takes the write lock at BEGIN: the request's
        # own transaction is a read (deferred) one and holds no lock.
        with db.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            stmt = insert(DashboardSnapshot).values(**values)
            conn.execute(stmt.on_conflict_do_update(
                index_elements=[DashboardSnapshot.key],
                set_={"computed_at": stmt.excluded.computed_at, "payload": stmt.excluded.payload},
                where=DashboardSnapshot.computed_at < stmt.excluded.computed_at))
            conn.execute(delete(DashboardSnapshot).where(DashboardSnapshot.computed_at < utcnow() - KEEP))
    except SQLAlchemyError as exc:  # busy database, read-only replica: the page still shows the numbers
        log.warning("dashboard snapshot not stored: %s", exc)
        return False
    return True
