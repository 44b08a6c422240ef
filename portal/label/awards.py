"""Labels: award on approval, suspend, withdraw, reinstate, renewal reminders and expiry (`label remind`)."""
import uuid
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.audit.services import record
from portal.extensions import db
from portal.i18n import in_dutch
from portal.label.errors import LabelError
from portal.label.history import today, verification_path
from portal.label.models import Assessment, Label, LabelReminder, LabelStatusChange
from portal.label.notify import external, mail_members

REMINDER_MOMENTS = (("30", 30), ("90", 90))  # checked nearest first: a late first run sends only the 30-day mail


def validity_end(valid_from: date) -> date:
    months = int(current_app.config.get("LABEL_VALIDITY_MONTHS", 24))
    return valid_from + relativedelta(months=months) - timedelta(days=1)


def current_label(organisation_id: int) -> Label | None:
    """The organisation's most recent label (any status)."""
    return db.session.scalar(select(Label).where(Label.organisation_id == organisation_id)
                             .order_by(Label.valid_from.desc(), Label.id.desc()))


def award_label(assessment: Assessment, by) -> Label:
    """A label for an approved assessment. A renewal of a label still valid starts when that one ends."""
    start = today()
    previous = current_label(assessment.organisation_id)
    if previous is not None and previous.status == "geldig" and previous.valid_until >= start:
        start = previous.valid_until + timedelta(days=1)
    label = Label(organisation_id=assessment.organisation_id, assessment_id=assessment.id,
                  certificate_number=f"tmp-{uuid.uuid4().hex[:20]}", valid_from=start,
                  valid_until=validity_end(start), status="geldig", awarded_by_id=by.id if by else None)
    db.session.add(label)
    db.session.flush()
    label.certificate_number = f"OMI-{start.year}-{label.id:05d}"
    label.history.append(LabelStatusChange(status="geldig", effective_on=start, changed_by_id=by.id if by else None,
                                           reason=in_dutch(_l("Toegekend na goedgekeurde zelfscan"))))
    db.session.flush()
    record("label.awarded", label, actor=by, summary=label.certificate_number,
           changes={"valid_from": [None, label.valid_from], "valid_until": [None, label.valid_until]})
    org = assessment.organisation
    mail_members(org.id, _l("Gefeliciteerd: het label Ondernemen met impact"), "approved", "label-awarded",
                 org=org, label=label, assessment=assessment,
                 verify_link=external(verification_path(label.certificate_number)),
                 link=external(f"/label/zelfscan/{assessment.id}"))
    return label


def allowed_actions(label: Label, on: date | None = None) -> list[str]:
    """What staff may do with ``label`` now: schorsen, herstellen (lift a suspension), intrekken.

    The one answer for the label page (which actions it offers) and for the rules (what they accept). A label
    past its end date is not suspended or reinstated (it expires; the organisation renews with a zelfscan).
    """
    on = on or today()
    running = label.valid_until >= on
    allowed = []
    if label.status == "geldig" and running:
        allowed.append("schorsen")
    if label.status == "geschorst" and running:
        allowed.append("herstellen")
    if label.status in ("geldig", "geschorst"):
        allowed.append("intrekken")
    return allowed


def _change_status(label: Label, new: str, by, reason: str, name: str, action: str, subject: str):
    if name not in allowed_actions(label):
        if label.valid_until < today() and label.status in ("geldig", "geschorst"):
            raise LabelError(_("Dit label is verlopen; de organisatie vraagt een nieuw label aan met een zelfscan."))
        raise LabelError(_("Dit kan niet bij een label met status %(status)s.", status=label.status))
    reason = (reason or "").strip()
    if not reason:
        raise LabelError(_("Geef een reden; de organisatie krijgt die te lezen."), field="reason")
    old = label.status
    label.status = new
    label.history.append(LabelStatusChange(status=new, effective_on=today(), reason=reason,
                                           changed_by_id=by.id if by else None))
    db.session.flush()
    record(action, label, actor=by, summary=reason[:300], changes={"status": [old, new]})
    org = label.organisation
    mail_members(org.id, subject, "label_status", f"label-{new}", org=org, label=label, reason=reason, status=new,
                 verify_link=external(verification_path(label.certificate_number)))
    return label


def suspend_label(label: Label, by, reason: str) -> Label:
    return _change_status(label, "geschorst", by, reason, "schorsen", "label.suspended",
                          _l("Uw label is geschorst"))


def withdraw_label(label: Label, by, reason: str) -> Label:
    return _change_status(label, "ingetrokken", by, reason, "intrekken", "label.withdrawn",
                          _l("Uw label is ingetrokken"))


def reinstate_label(label: Label, by, reason: str) -> Label:
    return _change_status(label, "geldig", by, reason, "herstellen", "label.reinstated",
                          _l("Uw label is weer geldig"))


ACTIONS = {"schorsen": suspend_label, "herstellen": reinstate_label, "intrekken": withdraw_label}


def change_label_status(label: Label, action: str, by, reason: str) -> Label:
    """One staff action on a label by name (see ``allowed_actions``)."""
    if action not in ACTIONS:
        raise LabelError(_("Kies een handeling."), field="action")
    return ACTIONS[action](label, by, reason)


def expire_labels(on: date | None = None) -> int:
    """Mark labels past their end date ``verlopen`` (effective the day after valid_until)."""
    on = on or today()
    labels = db.session.scalars(select(Label).where(Label.status.in_(("geldig", "geschorst")),
                                                    Label.valid_until < on)).all()
    for label in labels:
        old = label.status
        label.status = "verlopen"
        label.history.append(LabelStatusChange(status="verlopen", effective_on=label.valid_until + timedelta(days=1),
                                               reason=in_dutch(_l("Geldigheidsduur voorbij"))))
        record("label.expired", label, summary=label.certificate_number, changes={"status": [old, "verlopen"]},
               role="systeem")
        org = label.organisation
        mail_members(org.id, _l("Uw label is verlopen"), "expired", "label-expired", org=org, label=label,
                     link=external("/label/zelfscan"))
    db.session.flush()
    return len(labels)


def send_reminders(on: date | None = None) -> int:
    """Mail 90 and 30 days before expiry; the reminder log's unique key makes a second mail impossible."""
    on = on or today()
    newest = (select(Label.organisation_id, func.max(Label.valid_from).label("latest"))
              .group_by(Label.organisation_id).subquery())
    labels = db.session.scalars(
        select(Label).join(newest, (newest.c.organisation_id == Label.organisation_id)
                           & (newest.c.latest == Label.valid_from))
        .where(Label.status == "geldig", Label.valid_until >= on, Label.valid_until <= on + timedelta(days=90))
    ).all()
    sent = 0
    for label in labels:
        days_left = (label.valid_until - on).days
        moment = next(name for name, days in REMINDER_MOMENTS if days_left <= days)
        try:
            with db.session.begin_nested():
                db.session.add(LabelReminder(label_id=label.id, moment=moment))
                db.session.flush()
        except IntegrityError:
            continue
        org = label.organisation
        mail_members(org.id, _l("Uw label verloopt over %(days)s dagen", days=days_left), "reminder",
                     f"label-reminder-{moment}", org=org, label=label, days_left=days_left,
                     link=external("/label/zelfscan"))
        record("label.reminder_sent", label, summary=f"{moment} dagen", role="systeem")
        sent += 1
    db.session.flush()
    return sent
