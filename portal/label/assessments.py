"""The self-assessment of an organisation: start (or renew), answer theme by theme, add evidence, submit.

Every change bumps ``Assessment.version`` with a conditional UPDATE; a form carries the version it was
loaded with, so a colleague's save in between is refused instead of silently overwritten.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.audit.services import record
from portal.database import utcnow
from portal.extensions import db
from portal.label import evidence as files
from portal.label.criteria import current_set
from portal.label.errors import LabelError
from portal.label.history import today
from portal.label.models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Assessment,
    AssessmentAnswer,
    CriteriaSet,
    EvidenceFile,
    LabelCriterion,
    LabelTheme,
    ReviewComment,
)
from portal.label.notify import external, mail_members, mail_staff

STATUS_LABELS = {
    "concept": _l("in uitvoering"),
    "ingediend": _l("ingediend, wacht op beoordeling"),
    "in_behandeling": _l("in behandeling bij St. MBO"),
    "wijzigingen_gevraagd": _l("aanvulling gevraagd"),
    "goedgekeurd": _l("goedgekeurd"),
    "afgewezen": _l("nog niet toegekend"),
}

CONFLICT = _l("Een collega heeft deze zelfscan intussen gewijzigd. Bekijk de actuele versie en sla opnieuw op.")


def load(assessment_id: int) -> Assessment | None:
    """An assessment with its set, answers and evidence in a fixed number of queries."""
    return db.session.scalar(
        select(Assessment).where(Assessment.id == assessment_id).options(
            selectinload(Assessment.criteria_set).selectinload(CriteriaSet.themes)
            .selectinload(LabelTheme.criteria).selectinload(LabelCriterion.options),
            selectinload(Assessment.answers).selectinload(AssessmentAnswer.evidence),
            selectinload(Assessment.answers).selectinload(AssessmentAnswer.option),
            selectinload(Assessment.answers).selectinload(AssessmentAnswer.criterion),
            selectinload(Assessment.comments),
            selectinload(Assessment.organisation),
            selectinload(Assessment.reviewer),
        )
    )


def open_assessment(organisation_id: int) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.organisation_id == organisation_id,
                                                      Assessment.status.in_(OPEN_STATUSES)))


def last_approved(organisation_id: int) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(Assessment.organisation_id == organisation_id, Assessment.status == "goedgekeurd")
        .order_by(Assessment.decided_at.desc(), Assessment.id.desc())
    )


def bump(assessment: Assessment, *, statuses, version: int | None = None, message: str | None = None,
         **values) -> None:
    """Change the assessment only if it is still in ``statuses`` (and at ``version``); else refuse."""
    stmt = (update(Assessment).where(Assessment.id == assessment.id, Assessment.status.in_(statuses))
            .values(version=Assessment.version + 1, **values).execution_options(synchronize_session=False))
    if version is not None:
        stmt = stmt.where(Assessment.version == version)
    if db.session.execute(stmt).rowcount != 1:
        raise LabelError(str(message or CONFLICT), conflict=True)
    db.session.refresh(assessment, [c.key for c in Assessment.__table__.columns])


def start_assessment(org, by) -> Assessment:
    """Start the organisation's one open assessment from the current set, pre-filled for a renewal."""
    if org.partner_status != "partner":
        raise LabelError(_("Alleen partners van St. MBO werken aan het label. Word eerst partner."))
    if open_assessment(org.id) is not None:
        raise LabelError(_("Uw organisatie heeft al een zelfscan in uitvoering. Ga daarmee verder."))
    criteria_set = current_set()
    if criteria_set is None:
        raise LabelError(_("Er is nog geen gepubliceerde set criteria. Probeer het later opnieuw."))
    previous = last_approved(org.id)
    assessment = Assessment(organisation_id=org.id, criteria_set=criteria_set, status="concept",
                            open_key=org.id, started_on=today(), started_by_id=by.id if by else None,
                            renewal_of_id=previous.id if previous else None)
    db.session.add(assessment)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise LabelError(_("Uw organisatie heeft al een zelfscan in uitvoering. Ga daarmee verder.")) from None
    if previous is not None:
        _prefill(assessment, load(previous.id), by)
    record("label.assessment_started", assessment, actor=by,
           summary=f"set versie {criteria_set.version}" + (" (verlenging)" if previous else ""))
    db.session.flush()
    return assessment


def _prefill(assessment: Assessment, previous: Assessment, by):
    """Carry answers, explanations and evidence of matching criteria (same key) into the renewal."""
    old_by_key = {a.criterion.key: a for a in previous.answers}
    for theme in assessment.criteria_set.themes:
        for criterion in theme.criteria:
            old = old_by_key.get(criterion.key)
            if old is None:
                continue
            option_id = None
            if old.option is not None:
                match = next((o for o in criterion.options if o.position == old.option.position
                              and o.label == old.option.label), None)
                option_id = match.id if match else None
            answer = AssessmentAnswer(criterion_id=criterion.id, option_id=option_id, explanation=old.explanation,
                                      updated_by_id=by.id if by else None)
            for ev in old.evidence:
                answer.evidence.append(EvidenceFile(
                    organisation_id=ev.organisation_id, filename=ev.filename, stored_name=ev.stored_name,
                    content_type=ev.content_type, size=ev.size, uploaded_by_id=ev.uploaded_by_id))
            assessment.answers.append(answer)


def answers_by_criterion(assessment: Assessment) -> dict[int, AssessmentAnswer]:
    return {a.criterion_id: a for a in assessment.answers}


def _answer_for(assessment: Assessment, criterion_id: int, by) -> AssessmentAnswer:
    answer = answers_by_criterion(assessment).get(criterion_id)
    if answer is None:
        answer = AssessmentAnswer(criterion_id=criterion_id, updated_by_id=by.id if by else None)
        assessment.answers.append(answer)
    return answer


def save_theme(assessment: Assessment, theme: LabelTheme, values: dict, by, *, version: int,
               uploads: list | tuple = (), comments: dict | None = None, remove: list | tuple = ()) -> int:
    """Save the answers of one theme: values maps criterion_id -> (option_id or None, explanation).

    The theme page is one form, so whatever else the person did on it is part of the same action:
    ``uploads`` [(criterion_id, filename, data)] adds evidence, ``comments`` {criterion_id: text} posts
    messages to St. MBO, ``remove`` [evidence id] deletes evidence of this theme. Nothing typed is lost:
    answers are saved together with the upload. Returns the number of changed answers. Refused when a
    colleague saved in between (version).
    """
    if theme.criteria_set_id != assessment.criteria_set_id:
        raise LabelError(_("Dit thema hoort niet bij deze zelfscan."))
    if not assessment.is_editable:
        raise LabelError(_("Deze zelfscan is ingediend en kan nu niet worden gewijzigd."), conflict=True)
    bump(assessment, statuses=EDITABLE_STATUSES, version=version)
    changed = {}
    by_id = {c.id: c for c in theme.criteria}
    for criterion in theme.criteria:
        if criterion.id not in values:
            continue
        option_id, explanation = values[criterion.id]
        if option_id is not None and option_id not in {o.id for o in criterion.options}:
            raise LabelError(_("Kies een van de gegeven antwoorden."), field=f"vraag-{criterion.id}")
        answer = _answer_for(assessment, criterion.id, by)
        explanation = (explanation or "").strip()[:5000]
        if answer.option_id != option_id or answer.explanation != explanation:
            changed[criterion.id] = [answer.option_id, option_id]
            answer.option_id, answer.explanation = option_id, explanation
            answer.updated_at, answer.updated_by_id = utcnow(), by.id if by else None
            answer.verdict = ""  # a changed answer needs a fresh verdict from the reviewer
    if changed:
        record("label.answers_saved", assessment, actor=by, summary=theme.title, changes={"opties": changed})
    for evidence_id in remove:
        evidence = next((e for a in assessment.answers if a.criterion_id in by_id for e in a.evidence
                         if e.id == evidence_id), None)
        if evidence is None:
            raise LabelError(_("Dit bewijsstuk hoort niet bij dit thema."))
        _remove_evidence(evidence, by)
    for criterion_id, filename, data in uploads:
        criterion = by_id.get(criterion_id)
        if criterion is None:
            raise LabelError(_("Deze vraag hoort niet bij deze zelfscan."))
        try:
            _attach_evidence(assessment, criterion, filename, data, by)
        except LabelError as exc:
            raise LabelError(_("Bewijsstuk bij vraag %(n)s: %(message)s", n=theme.criteria.index(criterion) + 1,
                               message=str(exc)), field=f"file-{criterion.id}") from None
    for criterion_id, body in (comments or {}).items():
        if (body or "").strip():
            if criterion_id not in by_id:
                raise LabelError(_("Deze vraag hoort niet bij deze zelfscan."))
            add_comment(assessment, criterion_id, body, by, from_staff=False)
    db.session.flush()
    return len(changed)


def _attach_evidence(assessment: Assessment, criterion: LabelCriterion, filename: str, data: bytes,
                     by) -> EvidenceFile:
    filename = files.clean_filename(filename)
    content_type = files.check_file(filename, data)
    stored = files.store(assessment.organisation_id, data)
    answer = _answer_for(assessment, criterion.id, by)
    evidence = EvidenceFile(organisation_id=assessment.organisation_id, filename=filename, stored_name=stored,
                            content_type=content_type, size=len(data), uploaded_by_id=by.id if by else None)
    answer.evidence.append(evidence)
    db.session.flush()
    record("label.evidence_added", evidence, actor=by, summary=filename)
    return evidence


def _remove_evidence(evidence: EvidenceFile, by) -> None:
    stored = evidence.stored_name
    record("label.evidence_deleted", evidence, actor=by, summary=evidence.filename)
    evidence.answer.evidence.remove(evidence)
    db.session.flush()
    files.remove_if_unused(stored)


def add_evidence(assessment: Assessment, criterion: LabelCriterion, filename: str, data: bytes, by) -> EvidenceFile:
    if criterion.theme.criteria_set_id != assessment.criteria_set_id:
        raise LabelError(_("Deze vraag hoort niet bij deze zelfscan."))
    if not assessment.is_editable:
        raise LabelError(_("Deze zelfscan is ingediend; bewijsstukken toevoegen kan nu niet."))
    files.check_file(files.clean_filename(filename), data)
    bump(assessment, statuses=EDITABLE_STATUSES)
    return _attach_evidence(assessment, criterion, filename, data, by)


def delete_evidence(evidence: EvidenceFile, by) -> None:
    assessment = evidence.answer.assessment
    if not assessment.is_editable:
        raise LabelError(_("Deze zelfscan is ingediend; bewijsstukken verwijderen kan nu niet."))
    bump(assessment, statuses=EDITABLE_STATUSES)
    _remove_evidence(evidence, by)


def missing_items(assessment: Assessment) -> list[str]:
    """What still has to be done before the assessment can be submitted, in words."""
    answers = answers_by_criterion(assessment)
    missing = []
    for t_index, theme in enumerate(assessment.criteria_set.themes, start=1):
        for c_index, criterion in enumerate(theme.criteria, start=1):
            answer = answers.get(criterion.id)
            ref = f"{theme.title}, vraag {t_index}.{c_index}"
            if answer is None or answer.option_id is None:
                missing.append(_("%(ref)s: kies een antwoord.", ref=ref))
            if criterion.evidence_required and (answer is None or not answer.evidence):
                missing.append(_("%(ref)s: voeg een bewijsstuk toe.", ref=ref))
    return missing


def submit_assessment(assessment: Assessment, by, *, version: int | None = None) -> Assessment:
    if not assessment.is_editable:
        raise LabelError(_("Deze zelfscan is al ingediend."))
    missing = missing_items(assessment)
    if missing:
        raise LabelError(_("De zelfscan is nog niet compleet. Vul eerst aan wat hieronder staat."), missing=missing)
    before = assessment.status
    now = utcnow()
    bump(assessment, statuses=EDITABLE_STATUSES, version=version, status="ingediend", submitted_at=now,
         status_changed_at=now)
    record("label.assessment_submitted", assessment, actor=by, changes={"status": [before, "ingediend"]})
    org = assessment.organisation
    link = external(f"/label/zelfscan/{assessment.id}")
    mail_members(org.id, _l("Zelfscan ingediend"), "submitted", "label-submitted", org=org, assessment=assessment,
                 link=link, resubmitted=before == "wijzigingen_gevraagd")
    mail_staff(_l("Nieuwe zelfscan om te beoordelen: %(name)s", name=org.name), "submitted_staff",
               "label-submitted-staff", org=org, assessment=assessment,
               link=external(f"/label/beoordeling/{assessment.id}"))
    db.session.flush()
    return assessment


def add_comment(assessment: Assessment, criterion_id: int | None, body: str, by, *, from_staff: bool) -> ReviewComment:
    """A message in the thread of one criterion (or of the whole assessment)."""
    body = (body or "").strip()
    if not body:
        raise LabelError(_("Schrijf een bericht."), field="body")
    if criterion_id is not None:
        known = {c.id for t in assessment.criteria_set.themes for c in t.criteria}
        if criterion_id not in known:
            raise LabelError(_("Deze vraag hoort niet bij deze zelfscan."))
    if assessment.status in ("goedgekeurd", "afgewezen"):
        raise LabelError(_("Deze zelfscan is afgerond; reageren kan niet meer."))
    comment = ReviewComment(criterion_id=criterion_id, author_id=by.id, author_name=by.name or by.email,
                            from_staff=from_staff, body=body[:5000])
    assessment.comments.append(comment)
    db.session.flush()
    record("label.comment_added", assessment, actor=by, summary=body[:200],
           changes={"criterion_id": criterion_id})
    return comment


def requested_changes(assessment: Assessment) -> list[dict]:
    """The questions St. MBO commented on or whose evidence it marked "aanvullen", in the order of the set:
    [{theme, number ("2.1"), criterion, comments (St. MBO's), evidence (files to supplement)}]."""
    staff_comments = {}
    for comment in assessment.comments:
        if comment.from_staff and comment.criterion_id is not None:
            staff_comments.setdefault(comment.criterion_id, []).append(comment)
    answers = answers_by_criterion(assessment)
    found = []
    for t_index, theme in enumerate(assessment.criteria_set.themes, start=1):
        for c_index, criterion in enumerate(theme.criteria, start=1):
            answer = answers.get(criterion.id)
            to_supplement = [e for e in (answer.evidence if answer else []) if e.review_state == "aanvullen"]
            comments = staff_comments.get(criterion.id, [])
            if to_supplement or comments:
                found.append({"theme": theme, "number": f"{t_index}.{c_index}", "criterion": criterion,
                              "comments": comments, "evidence": to_supplement})
    return found
