"""Social value over everything, kept for a few minutes in each worker (as the dashboard keeps its numbers).

At 100,000 organisations an aggregate over every impact job takes about a second; the figures are statistics
per period, so a copy at most DASHBOARD_CACHE_SECONDS old (0: compute every time) is shown. Calls limited to a
few organisations (a panel, a page of the list, an obligation) are not cached.
"""
import threading
import time
from datetime import date
from decimal import Decimal

from portal.dashboard.cache import max_age
from portal.extensions import db
from portal.impact import value

_KEPT: dict[tuple, tuple[float, dict]] = {}
_LOCK = threading.Lock()
_MAX_ENTRIES = 256


def social_value(start: date, end: date, *, group_by: str, municipality_id=None, sector=None) -> dict:
    """``value.social_value`` for all organisations (optionally one municipality or sector), kept a while."""
    seconds = max_age()
    if seconds <= 0:
        return value.social_value(start, end, group_by=group_by, municipality_id=municipality_id, sector=sector)
    key = (str(db.engine.url), start, end, group_by, municipality_id, sector)
    now = time.monotonic()
    with _LOCK:
        found = _KEPT.get(key)
    if found is not None and now - found[0] < seconds:
        return found[1]
    rows = value.social_value(start, end, group_by=group_by, municipality_id=municipality_id, sector=sector)
    with _LOCK:
        if len(_KEPT) >= _MAX_ENTRIES:
            _KEPT.clear()
        _KEPT[key] = (now, rows)
    return rows


def total_value(start: date, end: date, **filters) -> value.ValueRow:
    found = social_value(start, end, group_by="total", **filters)
    return found.get(None) or value.ValueRow(key=None, jobs_value=Decimal("0.00"), places_value=Decimal("0.00"),
                                             jobs=0, students=0)


def forget() -> None:
    """Drop every kept figure (a value table was published)."""
    with _LOCK:
        _KEPT.clear()
