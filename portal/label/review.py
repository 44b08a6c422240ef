"""Review by St. MBO staff: take an assessment from the queue, mark evidence, ask for changes, approve, reject.

Each decision is a conditional UPDATE on status and version: when two staff act on the same assessment,
the second is refused with a message instead of overwriting the first.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.audit.services import record
from portal.database import utcnow
from portal.extensions import db
from portal.label.assessments import bump
from portal.label.awards import award_label
from portal.label.errors import LabelError
from portal.label.history import today
from portal.label.models import EVIDENCE_STATES, Assessment, EvidenceFile
from portal.label.notify import external, mail_members
from portal.label.scoring import score_assessment

TAKEN = _l("Een collega heeft deze zelfscan al opgepakt of afgehandeld. De pagina toont nu de actuele stand.")


def start_review(assessment: Assessment, by) -> Assessment:
    """Take a submitted assessment into review (ingediend -> in behandeling)."""
    if assessment.status != "ingediend":
        raise LabelError(str(TAKEN), conflict=True)
    now = utcnow()
    bump(assessment, statuses=("ingediend",), message=TAKEN, status="in_behandeling", reviewer_id=by.id,
         status_changed_at=now)
    record("label.review_started", assessment, actor=by, changes={"status": ["ingediend", "in_behandeling"]})
    org = assessment.organisation
    mail_members(org.id, _l("Uw zelfscan is in behandeling"), "review_started", "label-review-started",
                 org=org, assessment=assessment, reviewer=by, link=external(f"/label/zelfscan/{assessment.id}"))
    db.session.flush()
    return assessment


def set_evidence_state(evidence: EvidenceFile, state: str, by) -> None:
    if state not in EVIDENCE_STATES:
        raise LabelError(_("Onbekende beoordeling van het bewijsstuk."))
    assessment = evidence.answer.assessment
    if assessment.status != "in_behandeling":
        raise LabelError(_("Pak de zelfscan eerst op om bewijsstukken te beoordelen."))
    if evidence.review_state != state:
        record("label.evidence_reviewed", evidence, actor=by, organisation_id=assessment.organisation_id,
               changes={"review_state": [evidence.review_state, state]})
        evidence.review_state = state
    db.session.flush()


def _decide(assessment: Assessment, by, new_status: str, reason: str, version: int | None, **values):
    if assessment.status != "in_behandeling":
        raise LabelError(str(TAKEN), conflict=True)
    now = utcnow()
    bump(assessment, statuses=("in_behandeling",), version=version, message=TAKEN, status=new_status,
         status_changed_at=now, decision_reason=reason, **values)
    record(f"label.assessment_{new_status}", assessment, actor=by, summary=reason[:300],
           changes={"status": ["in_behandeling", new_status]})


def request_changes(assessment: Assessment, by, reason: str, *, version: int | None = None) -> Assessment:
    reason = (reason or "").strip()
    if not reason:
        raise LabelError(_("Schrijf wat de organisatie moet aanvullen."), field="reason")
    _decide(assessment, by, "wijzigingen_gevraagd", reason, version)
    org = assessment.organisation
    mail_members(org.id, _l("Uw zelfscan: graag aanvullen"), "changes_requested", "label-changes-requested",
                 org=org, assessment=assessment, reason=reason, link=external(f"/label/zelfscan/{assessment.id}"))
    db.session.flush()
    return assessment


def approve(assessment: Assessment, by, reason: str = "", *, version: int | None = None):
    """Approve and award the label; refused while the score does not meet the set's label rule."""
    score = score_assessment(assessment)
    if not score.meets_rule:
        raise LabelError(_("De scores halen de labelregel van deze set nog niet. Vraag de organisatie om aan te "
                           "vullen of wijs de aanvraag af."))
    now = utcnow()
    _decide(assessment, by, "goedgekeurd", (reason or "").strip(), version, decided_at=now, decided_by_id=by.id,
            closed_on=today(), open_key=None)
    label = award_label(assessment, by)
    db.session.flush()
    return label


def reject(assessment: Assessment, by, reason: str, *, version: int | None = None) -> Assessment:
    reason = (reason or "").strip()
    if not reason:
        raise LabelError(_("Geef de reden, zodat de organisatie weet wat de volgende stap is."), field="reason")
    now = utcnow()
    _decide(assessment, by, "afgewezen", reason, version, decided_at=now, decided_by_id=by.id,
            closed_on=today(), open_key=None)
    org = assessment.organisation
    mail_members(org.id, _l("Uw zelfscan: nog geen label"), "rejected", "label-rejected", org=org,
                 assessment=assessment, reason=reason, link=external(f"/label/zelfscan/{assessment.id}"))
    db.session.flush()
    return assessment


def waiting(statuses=("ingediend", "in_behandeling", "wijzigingen_gevraagd")):
    """The review queue: oldest waiting first."""
    return (select(Assessment).where(Assessment.status.in_(statuses))
            .order_by(Assessment.status_changed_at, Assessment.id))
