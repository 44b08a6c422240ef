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
from portal.label.assessments import answers_by_criterion, bump
from portal.label.awards import award_label
from portal.label.errors import LabelError
from portal.label.history import today
from portal.label.models import (
    EVIDENCE_STATES,
    VERDICTS,
    Assessment,
    AssessmentAnswer,
    EvidenceFile,
    LabelCriterion,
)
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


def set_verdict(assessment: Assessment, criterion: LabelCriterion, verdict: str, by) -> AssessmentAnswer:
    """The reviewer's verdict on one question: voldoet, aanvullen or nvt (niet van toepassing)."""
    if verdict not in VERDICTS:
        raise LabelError(_("Kies voldoet, aanvullen of niet van toepassing."), field="verdict")
    if assessment.status != "in_behandeling":
        raise LabelError(_("Pak de zelfscan eerst op om per vraag te oordelen."))
    if criterion.theme.criteria_set_id != assessment.criteria_set_id:
        raise LabelError(_("Deze vraag hoort niet bij deze zelfscan."))
    answer = answers_by_criterion(assessment).get(criterion.id)
    if answer is None:  # a question left unanswered (a renewal of a changed set) still gets a verdict
        answer = AssessmentAnswer(criterion_id=criterion.id, updated_by_id=by.id)
        assessment.answers.append(answer)
    if answer.verdict != verdict:
        record("label.verdict_given", assessment, actor=by, summary=criterion.question[:200],
               changes={"criterion_id": criterion.id, "verdict": [answer.verdict or None, verdict]})
        answer.verdict, answer.verdict_at, answer.verdict_by_id = verdict, utcnow(), by.id
    db.session.flush()
    return answer


def allowed_decisions(assessment: Assessment) -> list[str]:
    """The decisions the review page offers and the rules accept: approval only while the score meets the set's
    label rule (open evidence or verdicts still allow it, with a written override)."""
    if assessment.status != "in_behandeling":
        return []
    decisions = ["wijzigingen", "afwijzen"]
    if score_assessment(assessment).meets_rule:
        decisions.insert(1, "goedkeuren")
    return decisions


def approval_blockers(assessment: Assessment) -> list[str]:
    """Why the assessment may not be approved yet, in words: evidence not yet looked at or to be completed,
    and questions without a verdict or judged "aanvullen". Empty when everything has been reviewed."""
    answers = answers_by_criterion(assessment)
    blockers = []
    for t_index, theme in enumerate(assessment.criteria_set.themes, start=1):
        for c_index, criterion in enumerate(theme.criteria, start=1):
            ref = _("%(theme)s, vraag %(n)s", theme=theme.title, n=f"{t_index}.{c_index}")
            answer = answers.get(criterion.id)
            for evidence in (answer.evidence if answer else []):
                if evidence.review_state == "nieuw":
                    blockers.append(_("%(ref)s: bewijsstuk %(file)s is nog niet bekeken.", ref=ref,
                                      file=evidence.filename))
                elif evidence.review_state == "aanvullen":
                    blockers.append(_("%(ref)s: bewijsstuk %(file)s moet aangevuld worden.", ref=ref,
                                      file=evidence.filename))
            verdict = answer.verdict if answer else ""
            if not verdict:
                blockers.append(_("%(ref)s: geef een oordeel.", ref=ref))
            elif verdict == "aanvullen":
                blockers.append(_("%(ref)s: het oordeel is 'aanvullen'.", ref=ref))
    return blockers


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


def approve(assessment: Assessment, by, reason: str = "", *, version: int | None = None, override: str = ""):
    """Approve and award the label.

    Refused while the score does not meet the set's label rule, and while evidence is not yet looked at (or
    must be completed) or a question has no verdict (or "aanvullen"). The reviewer may override the latter with
    a written reason, which is kept on the assessment and in the audit log with what was still open.
    """
    if assessment.status != "in_behandeling":
        raise LabelError(str(TAKEN), conflict=True)
    if "goedkeuren" not in allowed_decisions(assessment):
        raise LabelError(_("De scores halen de labelregel van deze set nog niet. Vraag de organisatie om aan te "
                           "vullen of wijs de aanvraag af."))
    override = (override or "").strip()
    blockers = approval_blockers(assessment)
    if blockers and not override:
        raise LabelError(_("Goedkeuren kan pas als elk bewijsstuk is bekeken en elke vraag een oordeel heeft. "
                           "Wilt u toch goedkeuren, schrijf dan waarom."), missing=blockers, field="override")
    now = utcnow()
    _decide(assessment, by, "goedgekeurd", (reason or "").strip(), version, decided_at=now, decided_by_id=by.id,
            closed_on=today(), open_key=None, approval_override=override if blockers else "")
    if blockers:
        record("label.approval_override", assessment, actor=by, summary=override[:300],
               changes={"open": blockers})
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
