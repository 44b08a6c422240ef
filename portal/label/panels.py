"""Label panels on the organisation home (status, next step, score per theme) and staff partner detail."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.label import assessments
from portal.label.history import label_status_of, label_status_on
from portal.label.models import Assessment, Label
from portal.label.scoring import score_assessment
from portal.panels import panel


def next_step(org, snapshot, current) -> str:
    """The organisation's next step on the way to (or with) the label, in words."""
    if current is None:
        if snapshot.status == "geldig":
            return "renew" if snapshot.valid_until and (snapshot.valid_until - _today()).days <= 90 else "show"
        return "start"
    return {"concept": "answer", "wijzigingen_gevraagd": "amend", "ingediend": "wait",
            "in_behandeling": "wait"}.get(current.status, "start")


def _today():
    from portal.label.history import today

    return today()


@panel("org_home", order=20, template="label/_org_home_panel.html")
def org_home_panel(org):
    snapshot = label_status_of(org.id)
    current = assessments.open_assessment(org.id)
    if current is not None:
        current = assessments.load(current.id)
    shown = current or assessments.last_approved(org.id)
    if shown is not None and shown is not current:
        shown = assessments.load(shown.id)
    return {"snapshot": snapshot, "current": current, "step": next_step(org, snapshot, current),
            "score": score_assessment(shown) if shown else None, "scored": shown,
            "status_labels": assessments.STATUS_LABELS}


@panel("partner_detail", order=20, template="label/_partner_detail_panel.html")
def partner_detail_panel(org):
    labels = db.session.scalars(select(Label).where(Label.organisation_id == org.id)
                                .options(selectinload(Label.history)).order_by(Label.valid_from.desc())).all()
    assessments_ = db.session.scalars(select(Assessment).where(Assessment.organisation_id == org.id)
                                      .order_by(Assessment.id.desc()).limit(10)).all()
    return {"snapshot": label_status_of(org.id), "labels": labels, "assessments": assessments_,
            "status_labels": assessments.STATUS_LABELS}


# ----------------------------------------------------------------------------- the partners staff list
LIST_CHOICES = (
    ("geldig", _l("Met label")),
    ("werkt_aan", _l("Werkt aan het label")),
    ("geschorst", _l("Label geschorst")),
    ("geen", _l("Zonder geldig label")),
)


def _valid_holders():
    from portal.label.history import today

    on = today()
    return select(Label.organisation_id).where(Label.status == "geldig", Label.valid_from <= on,
                                               Label.valid_until >= on)


def list_filter(code):
    """A SQL condition on Organisation for the staff partner list's label filter."""
    from portal.label.models import OPEN_STATUSES
    from portal.partners.models import Organisation

    if code == "geldig":
        return Organisation.id.in_(_valid_holders())
    if code == "werkt_aan":
        return Organisation.id.in_(select(Assessment.organisation_id).where(Assessment.status.in_(OPEN_STATUSES)))
    if code == "geschorst":
        return Organisation.id.in_(select(Label.organisation_id).where(Label.status == "geschorst"))
    return Organisation.id.not_in(_valid_holders())


def list_texts(org_ids) -> dict:
    """{org_id: short label text} for the staff partner list (two queries)."""
    from flask_babel import format_date
    from flask_babel import gettext as _

    texts = {}
    for org_id, snap in label_status_on(org_ids).items():
        if snap.status == "geldig":
            texts[org_id] = _("geldig t/m %(d)s", d=format_date(snap.valid_until, "d-M-yyyy"))
        elif snap.status != "geen":
            texts[org_id] = {"geschorst": _("geschorst"), "ingetrokken": _("ingetrokken"),
                             "verlopen": _("verlopen")}[snap.status]
    return texts


def _offer_label_status_to_partners():
    try:
        from portal.partners.services import provide_label_status
    except ImportError:  # the partners package offers no hook
        return
    provide_label_status(choices=LIST_CHOICES, where=list_filter, lookup=list_texts)


_offer_label_status_to_partners()
