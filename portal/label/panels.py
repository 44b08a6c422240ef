"""Label panels on the organisation home (status, next step, score per theme) and staff partner detail."""
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.label import assessments
from portal.label.history import label_status_of, label_status_on
from portal.label.models import Assessment, AssessmentAnswer, CriteriaSet, Label, LabelCriterion, LabelTheme
from portal.label.scoring import Score, compute_score
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


# Published criteria sets never change (portal.label.criteria refuses edits), so their structure is kept per
# process for scoring: the organisation home page then needs one query for the answers instead of loading
# the set's themes, criteria and options on every view. Keyed by the database, the set and its publication.
_SET_STRUCTURES: dict[tuple, SimpleNamespace] = {}
_MAX_SETS = 64


def _set_structure(criteria_set_id: int):
    """The themes, criteria and options of a criteria set as plain data, as ``compute_score`` reads them."""
    head = db.session.execute(select(CriteriaSet.status, CriteriaSet.published_at)
                              .where(CriteriaSet.id == criteria_set_id)).first()
    key = (str(db.engine.url), criteria_set_id, head.published_at) if head else None
    if head is not None and head.status != "concept" and key in _SET_STRUCTURES:
        return _SET_STRUCTURES[key]
    criteria_set = db.session.scalar(select(CriteriaSet).where(CriteriaSet.id == criteria_set_id).options(
        selectinload(CriteriaSet.themes).selectinload(LabelTheme.criteria).selectinload(LabelCriterion.options)))
    structure = SimpleNamespace(
        min_total_pct=criteria_set.min_total_pct, min_theme_pct=criteria_set.min_theme_pct,
        themes=[SimpleNamespace(
            id=theme.id, title=theme.title, weight=theme.weight, min_pct=theme.min_pct,
            criteria=[SimpleNamespace(id=c.id, max_points=c.max_points,
                                      options=[SimpleNamespace(id=o.id, points=o.points) for o in c.options])
                      for c in theme.criteria])
            for theme in criteria_set.themes])
    if criteria_set.status != "concept":
        if len(_SET_STRUCTURES) >= _MAX_SETS:
            _SET_STRUCTURES.clear()
        _SET_STRUCTURES[key] = structure
    return structure


def light_score(assessment: Assessment) -> Score:
    """The assessment's score from its chosen options alone (one query when the set's structure is known)."""
    chosen = dict(db.session.execute(select(AssessmentAnswer.criterion_id, AssessmentAnswer.option_id)
                                     .where(AssessmentAnswer.assessment_id == assessment.id)).all())
    return compute_score(_set_structure(assessment.criteria_set_id), chosen)


@panel("org_home", order=20, template="label/_org_home_panel.html")
def org_home_panel(org):
    snapshot = label_status_of(org.id)
    if org.partner_status != "partner" and snapshot.status == "geen":
        return None  # only partners start a zelfscan: the partnership is the next step (partners' own section)
    current = assessments.open_assessment(org.id)
    shown = current or assessments.last_approved(org.id)
    return {"snapshot": snapshot, "current": current, "step": next_step(org, snapshot, current),
            "score": light_score(shown) if shown else None, "status_labels": assessments.STATUS_LABELS}


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
    ("geldig", _l("Heeft het label")),
    ("werkt_aan", _l("Werkt aan het label")),
    ("label_zonder_partnerschap", _l("Label, geen partner")),
    ("geschorst", _l("Label geschorst")),
    ("geen", _l("Zonder geldig label")),
)


def list_filter(code):
    """A SQL condition on Organisation for the staff partner list's label filter, today.

    The programme's groups come from ``portal.programme.standing`` (the one definition); "geschorst" is the
    label's own status today, "geen" every organisation without a valid label.
    """
    from portal.label.history import today
    from portal.programme import standing

    on = today()
    if code == "geldig":
        return standing.group_condition(standing.HEEFT_LABEL, on)
    if code == "werkt_aan":
        return standing.group_condition(standing.WERKT_AAN_LABEL, on)
    if code == "label_zonder_partnerschap":
        return standing.group_condition(standing.LABEL_ZONDER_PARTNERSCHAP, on)
    if code == "geschorst":
        return standing.label_status_condition("geschorst", on)
    return standing.without_valid_label_condition(on)


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
