"""The label status of organisations on any date, for procurement, the dashboard and the API.

A day is a calendar day in Europe/Amsterdam; the status "on date D" is the status at the end of D:
a label suspended during D counts as suspended on D. A label is valid from ``valid_from`` up to and
including ``valid_until``; from the next day it is ``verlopen`` unless it was withdrawn (a
suspension ends with the label).
When an organisation holds several labels (renewals), the one that started last on or before D counts.
"""
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, select

from portal import clock
from portal.extensions import db
from portal.label.models import Assessment, Label, LabelStatusChange

SNAPSHOT_STATUSES = ("geen", "geldig", "geschorst", "ingetrokken", "verlopen")


today = clock.today
local_date = clock.local_date


@dataclass(frozen=True)
class LabelSnapshot:
    status: str  # one of SNAPSHOT_STATUSES
    label_id: int | None = None
    certificate_number: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    verification_path: str | None = None

    @property
    def has_label(self) -> bool:
        return self.status == "geldig"


NO_LABEL = LabelSnapshot(status="geen")


VERIFY_PREFIX = "/label/verificatie/"


def verification_path(certificate_number: str) -> str:
    """The stable public URL path of a label's verification page (works outside a request too)."""
    return VERIFY_PREFIX + certificate_number


def status_of(label: Label, changes: list[LabelStatusChange], on: date) -> str:
    """The status of one label on ``on``; ``changes`` are its history rows in any order."""
    if on < label.valid_from:
        return "geen"
    status = "geldig"
    for change in sorted(changes, key=lambda c: (c.effective_on, c.id or 0)):
        if change.effective_on <= on:
            status = change.status
    if status == "ingetrokken":
        return status
    if on > label.valid_until:
        return "verlopen"
    return "geldig" if status == "verlopen" else status


class _Change(NamedTuple):
    id: int
    status: str
    effective_on: date


def label_status_on(org_ids, on: date | None = None) -> dict[int, LabelSnapshot]:
    """The label status of each organisation on ``on`` (default today): one query for any number of orgs.

    Every id in ``org_ids`` gets a snapshot; organisations without a label get status ``geen``.
    """
    on = on or today()
    org_ids = list(dict.fromkeys(org_ids))
    result = {org_id: NO_LABEL for org_id in org_ids}
    if not org_ids:
        return result
    # Each label started on or before ``on`` with its status changes up to ``on`` (a label has a handful).
    rows = db.session.execute(
        select(Label.id, Label.organisation_id, Label.certificate_number, Label.valid_from, Label.valid_until,
               LabelStatusChange.id.label("change_id"), LabelStatusChange.status.label("change_status"),
               LabelStatusChange.effective_on.label("change_on"))
        .outerjoin(LabelStatusChange, and_(LabelStatusChange.label_id == Label.id,
                                           LabelStatusChange.effective_on <= on))
        .where(Label.organisation_id.in_(org_ids), Label.valid_from <= on)
        .order_by(Label.organisation_id, Label.valid_from, Label.id)
    ).all()
    result.update(snapshots_from_rows(rows, on))
    return result


def snapshots_from_rows(rows, on: date) -> dict[int, LabelSnapshot]:
    """Snapshots from rows of (organisation_id, id, certificate_number, valid_from, valid_until, change_id,
    change_status, change_on): labels started on or before ``on`` ordered by organisation, valid_from and id,
    each with its status changes up to ``on`` (None columns where there is none). Organisations whose rows hold
    no label (an outer join, ``id`` None) are left out."""
    latest = {}
    changes: dict[int, list] = {}
    for row in rows:
        if row.id is None:
            continue
        latest[row.organisation_id] = row  # ordered, so the last one started wins
        if row.change_id is not None:
            changes.setdefault(row.id, []).append(_Change(row.change_id, row.change_status, row.change_on))
    result = {}
    for org_id, row in latest.items():
        status = status_of(row, changes.get(row.id, []), on)
        result[org_id] = LabelSnapshot(
            status=status, label_id=row.id, certificate_number=row.certificate_number,
            valid_from=row.valid_from, valid_until=row.valid_until,
            verification_path=verification_path(row.certificate_number),
        )
    return result


def label_status_of(org_id: int, on: date | None = None) -> LabelSnapshot:
    return label_status_on([org_id], on)[org_id]


def working_on_label_on(org_ids, on: date | None = None) -> set[int]:
    """Organisations that on ``on`` had an assessment started and not yet decided (a step on the path).

    An assessment counts from the day it was started until the day before it was approved or rejected.
    This is not the programme's "werkt aan het label" (every partner without a valid label): that group is
    defined once, in ``portal.programme.standing``.
    """
    on = on or today()
    org_ids = list(dict.fromkeys(org_ids))
    if not org_ids:
        return set()
    rows = db.session.scalars(
        select(Assessment.organisation_id).distinct()
        .where(Assessment.organisation_id.in_(org_ids), Assessment.started_on <= on)
        .where((Assessment.closed_on.is_(None)) | (Assessment.closed_on > on))
    ).all()
    return set(rows)
