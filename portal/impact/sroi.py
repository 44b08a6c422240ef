"""SROI obligations: the winner of a procedure promises a share of the contract value as social return.

Realised is the social value (``value.windowed_value``) of what the supplier logs from the award (or the
contract's start, whichever is later) to the contract's end. Promised is spread evenly over the contract days;
an obligation is behind when, after its first 90 days, less than 90% of what should be there by now is realised.
The buyer gets one warning mail per quarter at most (``flask impact sroi-warnings``, daily cron).
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import clock
from portal.audit.services import record
from portal.extensions import db
from portal.impact import value
from portal.impact.errors import ImpactError
from portal.impact.models import SroiObligation
from portal.mail.outbox import queue_mail

GRACE_DAYS = 90
BEHIND_SHARE = Decimal("0.9")
STATE_LABELS = {"gepland": _l("Nog niet begonnen"), "loopt": _l("Op schema"), "achter": _l("Loopt achter"),
                "gerealiseerd": _l("Gerealiseerd"), "afgelopen": _l("Afgelopen, niet gehaald")}


def set_obligation(procedure, *, by, contract_value, share_pct, start_date: date, end_date: date) -> SroiObligation:
    """Record (or correct) the SROI obligation of an awarded procedure's winner."""
    if procedure.status != "gegund" or procedure.awarded_bid_id is None:
        raise ImpactError(_("Een SROI-verplichting hoort bij een gegunde procedure."))
    from portal.inkoop.models import Bid

    winner = db.session.get(Bid, procedure.awarded_bid_id)
    contract_value, share_pct = Decimal(contract_value), Decimal(share_pct)
    if contract_value <= 0:
        raise ImpactError(_("De opdrachtwaarde is meer dan 0 euro."), field="contract_value")
    if not Decimal("0") < share_pct <= Decimal("100"):
        raise ImpactError(_("Het percentage ligt tussen 0 en 100."), field="share_pct")
    if end_date < start_date:
        raise ImpactError(_("De einddatum ligt vóór de begindatum."), field="end_date")
    if (end_date - start_date).days > 366 * 15:
        raise ImpactError(_("Een looptijd is hooguit 15 jaar."), field="end_date")
    obligation = db.session.scalar(select(SroiObligation).where(SroiObligation.procedure_id == procedure.id))
    new = {"organisation_id": winner.organisation_id, "contract_value": contract_value.quantize(Decimal("0.01")),
           "share_pct": share_pct.quantize(Decimal("0.01")), "start_date": start_date, "end_date": end_date}
    if obligation is None:
        obligation = SroiObligation(procedure_id=procedure.id, created_by_id=by.id if by else None, **new)
        db.session.add(obligation)
        changes = {k: [None, str(v)] for k, v in new.items()}
        action = "impact.sroi_set"
    else:
        changes = {k: [str(getattr(obligation, k)), str(v)] for k, v in new.items() if getattr(obligation, k) != v}
        for k, v in new.items():
            setattr(obligation, k, v)
        action = "impact.sroi_changed"
    db.session.flush()
    record(action, obligation, actor=by, organisation_id=winner.organisation_id, changes=changes or None,
           summary=_l("SROI %(pct)s%% van %(title)s", pct=share_pct, title=procedure.title))
    return obligation


@dataclass
class YearProgress:
    year: int
    promised: Decimal
    realised: Decimal


@dataclass
class SroiProgress:
    obligation: SroiObligation
    counts_from: date
    promised: Decimal
    realised: Decimal
    expected: Decimal  # what should be realised by today, spread evenly over the contract
    state: str
    years: list[YearProgress] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.realised / self.promised)) if self.promised else 0

    @property
    def behind(self) -> bool:
        return self.state in ("achter", "afgelopen")


def counts_from(obligation: SroiObligation) -> date:
    awarded = obligation.procedure.awarded_on if obligation.procedure is not None else None
    return max(obligation.start_date, awarded) if awarded else obligation.start_date


def _spread(promised: Decimal, start: date, end: date, until: date) -> Decimal:
    total_days = (end - start).days + 1
    elapsed = min(max((until - start).days + 1, 0), total_days)
    return (promised * elapsed / total_days).quantize(Decimal("0.01"))


def progress(obligations, *, today: date | None = None) -> list[SroiProgress]:
    """Promised against realised per obligation and per contract year (two queries for any number)."""
    today = today or clock.today()
    obligations = list(obligations)
    windows = [(o.id, o.organisation_id, counts_from(o), o.end_date) for o in obligations]
    realised = value.windowed_value(windows, today=today)
    result = []
    for o in obligations:
        promised = o.promised_value
        years = []
        for year in range(o.start_date.year, o.end_date.year + 1):
            ys, ye = max(o.start_date, date(year, 1, 1)), min(o.end_date, date(year, 12, 31))
            share = _spread(promised, o.start_date, o.end_date, ye) - _spread(promised, o.start_date, o.end_date,
                                                                               date.fromordinal(ys.toordinal() - 1))
            row = realised.get((o.id, year))
            years.append(YearProgress(year=year, promised=share, realised=row.total if row else Decimal("0.00")))
        done = sum((y.realised for y in years), Decimal("0.00"))
        expected = _spread(promised, o.start_date, o.end_date, today)
        if done >= promised:
            state = "gerealiseerd"
        elif today < o.start_date:
            state = "gepland"
        elif today > o.end_date:
            state = "afgelopen"
        elif (today - o.start_date).days >= GRACE_DAYS and done < expected * BEHIND_SHARE:
            state = "achter"
        else:
            state = "loopt"
        result.append(SroiProgress(obligation=o, counts_from=counts_from(o), promised=promised, realised=done,
                                   expected=expected, state=state, years=years))
    return result


def quarter_label(day: date) -> str:
    return f"{day.year}K{(day.month - 1) // 3 + 1}"


def send_warnings(*, today: date | None = None) -> int:
    """Mail the buyer of every obligation that is behind, once per quarter; returns the number of mails."""
    today = today or clock.today()
    label = quarter_label(today)
    running = list(db.session.scalars(select(SroiObligation).where(SroiObligation.start_date <= today,
                                                                    SroiObligation.warned_for != label)
                                      .order_by(SroiObligation.id)))
    sent = 0
    for p in progress(running, today=today):
        if p.state != "achter":
            continue
        o = p.obligation
        buyer = o.created_by  # the buyer who recorded the obligation follows it
        o.warned_for = label
        if buyer is None or not buyer.active:
            continue
        queue_mail(buyer.email, _l("SROI loopt achter: %(title)s", title=o.procedure.title), "impact/sroi_behind",
                   progress=p, obligation=o, kind="impact-sroi-behind",
                   url=current_app.config["PORTAL_BASE_URL"] + f"/impact/sroi/procedure/{o.procedure_id}")
        record("impact.sroi_warning_sent", o, actor=None, organisation_id=o.organisation_id,
               summary=_l("SROI-waarschuwing voor %(title)s", title=o.procedure.title))
        sent += 1
    db.session.flush()
    return sent
