"""Panel evaluation: blind individual scores, the chair's consensus, final scores, ranking and the report."""
import io
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.audit.services import record
from portal.database import utcnow
from portal.extensions import db
from portal.inkoop import scoring
from portal.inkoop.models import ConsensusScore, EvaluatorScore, PanelMember, Procedure
from portal.inkoop.procedures import ProcedureError, ensure_editable, flush_or_refuse
from portal.spreadsheets import neutralise_workbook


def panel_member(procedure: Procedure, user) -> PanelMember | None:
    return next((m for m in procedure.panel if m.user_id == user.id), None)


def scored_bids(procedure: Procedure):
    """The bids that take part in the scoring: admitted ones."""
    return [b for b in procedure.bids if b.admitted]


def quality_criteria(procedure: Procedure):
    return [c for c in procedure.criteria if c.kind == "quality"]


def can_see_panel_scores(procedure: Procedure, user) -> bool:
    """Blind evaluation: a panel member sees the others' scores only after submitting their own.

    Outside the panel, individual scores are shown once the procedure is decided.
    """
    if procedure.status == "gegund":
        return True
    member = panel_member(procedure, user)
    return member is not None and member.submitted_at is not None


def own_scores(procedure: Procedure, user) -> dict:
    rows = db.session.scalars(select(EvaluatorScore).where(EvaluatorScore.procedure_id == procedure.id,
                                                           EvaluatorScore.evaluator_id == user.id)).all()
    return {(s.bid_id, s.criterion_id): s for s in rows}


def submitted_scores(procedure: Procedure) -> list[EvaluatorScore]:
    """The scores of panel members who have submitted theirs: the only scores anyone but their author reads.

    A member's saved draft stays private until the member submits (blind evaluation), whoever asks: the
    other members, the chair, the report and its workbook, and after the award too.
    """
    return list(db.session.scalars(
        select(EvaluatorScore)
        .join(PanelMember, (PanelMember.procedure_id == EvaluatorScore.procedure_id)
              & (PanelMember.user_id == EvaluatorScore.evaluator_id))
        .where(EvaluatorScore.procedure_id == procedure.id, PanelMember.submitted_at.is_not(None))
        .order_by(EvaluatorScore.evaluator_id, EvaluatorScore.id)).all())


def consensus_scores(procedure: Procedure) -> dict:
    rows = db.session.scalars(select(ConsensusScore).where(ConsensusScore.procedure_id == procedure.id)).all()
    return {(c.bid_id, c.criterion_id): c for c in rows}


def _parse_score(raw, scale):
    try:
        value = Decimal(str(raw).replace(",", ".").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ProcedureError(_("Kies een score uit de schaal.")) from exc
    try:
        return scoring.check_on_scale(value, scale)
    except scoring.ScoringError as exc:
        raise ProcedureError(str(exc)) from exc


def save_scores(procedure: Procedure, user, entries: dict, *, submit: bool = False) -> list[str]:
    """Store the evaluator's own scores; ``entries`` maps (bid_id, criterion_id) to (score or '', motivation).

    Saving keeps a draft; submitting needs a score and a motivation for every bid on every quality
    criterion and then fixes the evaluator's scores. Returns the problems of a refused submit.
    """
    ensure_editable(procedure, "beoordeling")
    member = panel_member(procedure, user)
    if member is None:
        raise ProcedureError(_("U zit niet in het beoordelingspanel van deze procedure."))
    if member.submitted_at is not None:
        raise ProcedureError(_("U heeft uw scores al ingediend; ze liggen vast."))
    bids = {b.id: b for b in scored_bids(procedure)}
    criteria = {c.id: c for c in quality_criteria(procedure)}
    existing = own_scores(procedure, user)
    problems = []
    for (bid_id, criterion_id), (raw, motivation) in entries.items():
        if bid_id not in bids or criterion_id not in criteria:
            raise ProcedureError(_("Deze score hoort niet bij deze procedure."))
        motivation = (motivation or "").strip()
        if raw in (None, ""):
            if motivation:
                problems.append(_("%(org)s, %(criterion)s: kies ook een score.",
                                  org=bids[bid_id].organisation.name, criterion=criteria[criterion_id].name))
            continue
        value = _parse_score(raw, procedure.scale)
        if not motivation:
            problems.append(_("%(org)s, %(criterion)s: een score heeft een motivering nodig.",
                              org=bids[bid_id].organisation.name, criterion=criteria[criterion_id].name))
            continue
        score = existing.get((bid_id, criterion_id))
        if score is None:
            score = EvaluatorScore(procedure_id=procedure.id, bid_id=bid_id, criterion_id=criterion_id,
                                   evaluator_id=user.id, score=value, motivation=motivation)
            db.session.add(score)
            existing[(bid_id, criterion_id)] = score
        else:
            score.score, score.motivation = value, motivation
    if problems:
        raise ProcedureError(" ".join(problems))
    flush_or_refuse(_("Uw scores zijn intussen in een ander venster opgeslagen. Laad de pagina opnieuw."))
    if submit:
        missing = [(b, c) for b in bids.values() for c in criteria.values() if (b.id, c.id) not in existing]
        if missing:
            raise ProcedureError(_("Geef eerst elke inschrijving een score met motivering op elk kwaliteitscriterium "
                                   "(nog %(n)s open).", n=len(missing)))
        result = db.session.execute(
            update(PanelMember).where(PanelMember.id == member.id, PanelMember.submitted_at.is_(None))
            .values(submitted_at=utcnow()).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise ProcedureError(_("U heeft uw scores al ingediend; ze liggen vast."))
        db.session.refresh(member)
        record("inkoop.scores_submitted", procedure, actor=user,
               changes={f"{bids[b].organisation.name} / {criteria[c].name}": [str(s.score), s.motivation]
                        for (b, c), s in existing.items()})
    else:
        record("inkoop.scores_saved", procedure, actor=user, summary=_l("concept"))
    return problems


def all_submitted(procedure: Procedure) -> bool:
    return bool(procedure.panel) and all(m.submitted_at is not None for m in procedure.panel)


def set_consensus(procedure: Procedure, user, *, bid_id: int, criterion_id: int, score, motivation: str):
    """The chair fixes the panel's score for one bid on one criterion, with its motivation."""
    ensure_editable(procedure, "beoordeling")
    member = panel_member(procedure, user)
    if member is None or not member.is_chair:
        raise ProcedureError(_("Alleen de voorzitter van het panel stelt de consensusscore vast."))
    if procedure.score_mode != "consensus":
        raise ProcedureError(_("In deze procedure is vooraf gekozen voor het gemiddelde van het panel."))
    if not all_submitted(procedure):
        raise ProcedureError(_("Wacht tot alle panelleden hun scores hebben ingediend."))
    if (bid_id not in {b.id for b in scored_bids(procedure)}
            or criterion_id not in {c.id for c in quality_criteria(procedure)}):
        raise ProcedureError(_("Deze score hoort niet bij deze procedure."))
    value = _parse_score(score, procedure.scale)
    motivation = (motivation or "").strip()
    if not motivation:
        raise ProcedureError(_("Motiveer de consensusscore; de inschrijvers hebben recht op de redenen."),
                             field="motivation")
    row = db.session.scalar(select(ConsensusScore).where(ConsensusScore.bid_id == bid_id,
                                                         ConsensusScore.criterion_id == criterion_id))
    old = [str(row.score), row.motivation] if row else None
    if row is None:
        row = ConsensusScore(procedure_id=procedure.id, bid_id=bid_id, criterion_id=criterion_id,
                             score=value, motivation=motivation, set_by_id=user.id)
        db.session.add(row)
    else:
        row.score, row.motivation, row.set_by_id = value, motivation, user.id
    flush_or_refuse(_("De consensusscore is intussen al vastgelegd. Laad de pagina opnieuw."))
    record("inkoop.consensus_set", procedure, actor=user,
           changes={"bid": bid_id, "criterion": criterion_id, "score": [old, [str(value), motivation]]})
    return row


def final_quality_scores(procedure: Procedure) -> dict:
    """(bid_id, criterion_id) -> the score that counts: the consensus, or the panel's average."""
    if procedure.score_mode == "consensus":
        return {key: c.score for key, c in consensus_scores(procedure).items()}
    if not all_submitted(procedure):
        return {}
    sums: dict = {}
    for s in submitted_scores(procedure):
        sums.setdefault((s.bid_id, s.criterion_id), []).append(Decimal(s.score))
    return {key: sum(values, Decimal(0)) / len(values) for key, values in sums.items()}


def results(procedure: Procedure) -> list[scoring.BidResult]:
    """Weighted points and ranking; raises ScoringError while scores are missing."""
    finals = final_quality_scores(procedure)
    criteria = [scoring.CriterionSpec(id=c.id, kind=c.kind, weight=c.weight, name=c.name,
                                      commitment_kind=c.commitment_kind, formula=c.formula, target=c.target,
                                      working_share=c.working_share) for c in procedure.criteria]
    bids = [scoring.BidInput(id=b.id, price=b.price, label_level=b.label_level,
                             promised={c.kind: c.quantity for c in b.commitments},
                             quality={c.id: finals.get((b.id, c.id)) for c in quality_criteria(procedure)},
                             lot_number=b.lot_number) for b in scored_bids(procedure)]
    return scoring.score_bids(criteria, bids, price_method=procedure.price_method, scale=procedure.scale,
                              discount_per_point=procedure.discount_per_point)


def try_results(procedure: Procedure):
    """(results, None) or (None, reason)."""
    if not scored_bids(procedure):
        return None, _("Er zijn geen toegelaten inschrijvingen.")
    try:
        return results(procedure), None
    except scoring.ScoringError as exc:
        return None, str(exc)


def report_data(procedure: Procedure) -> dict:
    """Everything the evaluation report shows: criteria, every score and motivation, the ranking."""
    ranked, problem = try_results(procedure)
    bids = {b.id: b for b in procedure.bids}
    scores = submitted_scores(procedure)
    consensus = consensus_scores(procedure)
    # Who has not submitted yet is shown, never what they saved.
    pending = [m for m in procedure.panel if m.submitted_at is None]
    return {"procedure": procedure, "ranked": ranked or [], "problem": problem, "bids": bids,
            "criteria": procedure.criteria, "quality": quality_criteria(procedure), "scores": scores,
            "pending": pending, "consensus": consensus, "finals": final_quality_scores(procedure)}


def report_xlsx(data: dict) -> bytes:
    """The evaluation report as a workbook, in the language of whoever downloads it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from portal.inkoop.forms import (
        LABEL_STATUS_LABELS,
        PARTNER_STATUS_LABELS,
        PRICE_METHOD_LABELS,
        STATUS_LABELS,
    )

    def label(labels, code):
        return str(labels[code]) if code in labels else code or ""

    def yes_no(value):
        return _("ja") if value else _("nee")

    procedure = data["procedure"]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Rangorde")[:31]
    bold = Font(bold=True)
    ws.append([procedure.title])
    ws["A1"].font = bold
    ws.append([_("Kenmerk"), procedure.reference, _("Sluitingsdatum"), procedure.closing_date.isoformat(),
               _("Status"), label(STATUS_LABELS, procedure.status),
               _("Prijsmethode"), label(PRICE_METHOD_LABELS, procedure.price_method)])
    ws.append([])
    header = [_("Rang"), _("Gelijk"), _("Loting"), _("Inschrijver"), _("KvK"), _("Prijs")]
    header += [f"{c.name} ({c.weight}%)" for c in data["criteria"]]
    header += [_("Totaal punten")] + ([_("Fictieve prijs")] if procedure.price_method == "fictieve_korting" else [])
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for r in data["ranked"]:
        bid = data["bids"][r.bid_id]
        row = [r.rank, yes_no(r.tied), r.lot_number if r.by_lot else "", bid.organisation.name,
               bid.organisation.kvk, float(bid.price) if bid.price is not None else None]
        row += [float(scoring.rounded(r.points.get(c.id, 0))) for c in data["criteria"]]
        row += [float(scoring.rounded(r.total))]
        if procedure.price_method == "fictieve_korting":
            row.append(float(scoring.rounded(r.fictive_price)))
        ws.append(row)
    if data["problem"]:
        ws.append([data["problem"]])

    detail = wb.create_sheet(_("Scores")[:31])
    detail.append([_("Inschrijver"), _("Criterium"), _("Beoordelaar"), _("Score"), _("Motivering")])
    for cell in detail[1]:
        cell.font = bold
    criteria = {c.id: c for c in data["criteria"]}
    for s in data["scores"]:
        detail.append([data["bids"][s.bid_id].organisation.name, criteria[s.criterion_id].name,
                       s.evaluator.email, float(s.score), s.motivation])
    for m in data.get("pending", []):
        detail.append(["", "", m.user.email, None, _("nog niet ingediend")])
    for (bid_id, criterion_id), c in data["consensus"].items():
        detail.append([data["bids"][bid_id].organisation.name, criteria[criterion_id].name, _("Consensus"),
                       float(c.score), c.motivation])
    labels = wb.create_sheet(_("Inschrijvers")[:31])
    labels.append([_("Inschrijver"), _("KvK"), _("Toegelaten"), _("Reden"), _("Peildatum label"), _("Labelstatus"),
                   _("Certificaat"), _("Partnerstatus"), _("Werkt aan label")])
    for bid in data["bids"].values():
        labels.append([bid.organisation.name, bid.organisation.kvk, yes_no(bid.admitted),
                       bid.admission_note, bid.frozen_on.isoformat() if bid.frozen_on else "",
                       label(LABEL_STATUS_LABELS, bid.frozen_label_status), bid.frozen_certificate,
                       label(PARTNER_STATUS_LABELS, bid.frozen_partner_status), yes_no(bid.frozen_working_on_label)])
    neutralise_workbook(wb)  # titles, names and motivations are typed by people (or imported)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
