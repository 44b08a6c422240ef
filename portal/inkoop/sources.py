"""What inkoop reads from other packages: label status and partner status on a date, logged jobs.

The label and partners packages own these facts; this module is the one place that asks them, so the
rest of inkoop stays pure and tests can stand in for a package with ``monkeypatch``.
"""
import importlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal import clock
from portal.extensions import db

today = clock.today


@dataclass
class NoLabel:
    status: str = "geen"
    label_id: int | None = None
    certificate_number: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    verification_path: str = ""


def _optional(module_name: str, attr: str):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name in (module_name, module_name.rsplit(".", 1)[0]):
            return None
        raise
    return getattr(module, attr, None)


def label_status_on(org_ids, on: date) -> dict:
    """{org_id: LabelSnapshot} on ``on``; every organisation is present."""
    org_ids = list(dict.fromkeys(org_ids))
    fn = _optional("portal.label.history", "label_status_on")
    found = fn(org_ids, on) if fn and org_ids else {}
    return {org_id: found.get(org_id) or NoLabel() for org_id in org_ids}


def standing_on(org_ids, on: date) -> dict:
    """{org_id: Standing} on ``on``: where each organisation stands in the programme, as the programme counts
    (``portal.programme.standing``): heeft het label, werkt aan het label, label zonder partnerschap or geen."""
    org_ids = list(dict.fromkeys(org_ids))
    fn = _optional("portal.programme.standing", "standing_on")
    if fn is None or not org_ids:
        return {org_id: _NoStanding() for org_id in org_ids}
    return fn(org_ids, on)


@dataclass(frozen=True)
class _NoStanding:
    group: str = "geen"
    partner: bool = False
    label: bool = False


def partner_status_on(org_ids, on: date) -> dict[int, str]:
    org_ids = list(dict.fromkeys(org_ids))
    if not org_ids:
        return {}
    fn = _optional("portal.partners.services", "partner_status_on")
    if fn is not None:
        found = fn(org_ids, on)
        return {org_id: found.get(org_id, "geen") for org_id in org_ids}
    from portal.partners.models import Organisation

    rows = db.session.execute(select(Organisation.id, Organisation.partner_status, Organisation.partner_since)
                              .where(Organisation.id.in_(org_ids))).all()
    result = {org_id: "geen" for org_id in org_ids}
    for org_id, status, since in rows:
        if status == "partner" and since is not None and since > on:
            status = "aanvraag"
        result[org_id] = status
    return result


def logged_impact_job_starts(org_ids) -> list[tuple[int, date]]:
    """(organisation_id, start_date) of every impact job the organisations logged themselves."""
    model = _optional("portal.partners.models", "ImpactJob")
    if model is None or not org_ids:
        return []
    return [tuple(row) for row in db.session.execute(
        select(model.organisation_id, model.start_date).where(model.organisation_id.in_(list(org_ids)))).all()]


def logged_stageplekken(org_ids) -> list[tuple[int, date, int]]:
    """(organisation_id, start, places) of every stageplek the organisations logged themselves.

    The start is the period's start, or the day it was logged when it has no period.
    """
    model = _optional("portal.partners.models", "Stageplek")
    if model is None or not org_ids:
        return []
    rows = db.session.execute(
        select(model.organisation_id, model.period_start, model.created_at, model.places)
        .where(model.organisation_id.in_(list(org_ids)))).all()
    # A promised stageplek is realised when it is offered, whether or not a student has started yet.
    return [(org_id, start or created.date(), places or 0) for org_id, start, created, places in rows]


@dataclass
class HistoryEvent:
    on: date
    kind: str  # partner, label, label_status
    status: str
    detail: str = ""


def status_history(org_id: int) -> list[HistoryEvent]:
    """Partnership and label events of one organisation, newest first (three queries)."""
    events = []
    partner_change = _optional("portal.partners.models", "PartnerStatusChange")
    if partner_change is not None:
        for on, status, reason in db.session.execute(
                select(partner_change.valid_from, partner_change.status, partner_change.reason)
                .where(partner_change.organisation_id == org_id)).all():
            events.append(HistoryEvent(on=on, kind="partner", status=status, detail=reason or ""))
    label = _optional("portal.label.models", "Label")
    label_change = _optional("portal.label.models", "LabelStatusChange")
    if label is not None:
        labels = db.session.execute(select(label.id, label.certificate_number, label.valid_from, label.valid_until)
                                    .where(label.organisation_id == org_id)).all()
        for _id, number, start, end in labels:
            events.append(HistoryEvent(on=start, kind="label", status="geldig", detail=f"{number}, tot {end:%d-%m-%Y}"))
        if label_change is not None and labels:
            starts = {row[1]: row[2] for row in labels}
            for on, status, reason, number in db.session.execute(
                    select(label_change.effective_on, label_change.status, label_change.reason,
                           label.certificate_number)
                    .join(label, label.id == label_change.label_id)
                    .where(label_change.label_id.in_([row[0] for row in labels]))).all():
                if status == "geldig" and on == starts.get(number):
                    continue  # the award itself, already listed
                events.append(HistoryEvent(on=on, kind="label_status", status=status,
                                           detail=f"{number}{': ' + reason if reason else ''}"))
    events.sort(key=lambda e: e.on, reverse=True)
    return events
