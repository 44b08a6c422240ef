"""Procedure rules: setting up criteria and panel, entering bids, the status steps and the award.

Every function is one user action: it checks the step, changes the objects, writes the audit entry and
flushes. The caller commits. Nothing changes once a procedure is gegund or ingetrokken.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.actions import Refusal
from portal.audit.services import record
from portal.database import utcnow
from portal.extensions import db
from portal.inkoop import scoring, sources
from portal.inkoop.models import (
    COMMITMENT_FORMULAS,
    COMMITMENT_KINDS,
    CRITERION_KINDS,
    KINDS,
    PRICE_METHODS,
    SCORE_MODES,
    Bid,
    BidCommitment,
    Criterion,
    PanelMember,
    Procedure,
)
from portal.inkoop.presets import PRESETS
from portal.mail.outbox import queue_mail
from portal.partners.models import Organisation
from portal.validators import InvalidNumber, normalise_kvk


class ProcedureError(Refusal):
    """A refusal of the inkoop package (message fit for the page, optional field)."""


def flush_or_refuse(message: str) -> None:
    """Flush; a unique constraint that another request beat us to becomes a refusal, not a 500."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise ProcedureError(message) from exc


def ensure_editable(procedure: Procedure, *allowed: str) -> None:
    if procedure.locked:
        raise ProcedureError(_("Deze procedure is %(status)s; er kan niets meer worden gewijzigd.",
                               status=procedure.status))
    if allowed and procedure.status not in allowed:
        raise ProcedureError(_("Dit kan niet in de status %(status)s.", status=procedure.status))


def _move(procedure: Procedure, source: str, target: str, **values) -> None:
    """Change the status only if nobody else did first (a conditional UPDATE)."""
    result = db.session.execute(
        update(Procedure).where(Procedure.id == procedure.id, Procedure.status == source)
        .values(status=target, **values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ProcedureError(_("Iemand anders heeft de status van deze procedure intussen gewijzigd."))
    db.session.refresh(procedure)


# ----------------------------------------------------------------------------- what may be done now
ACTIONS = ("edit", "criteria", "panel", "open", "bids", "close", "close_early", "admission", "lots", "award",
           "withdraw")


def allowed_actions(procedure: Procedure, *, today: date | None = None, ranked=None,
                    with_award: bool = True) -> set[str]:
    """The actions a procedure allows now; the page offers exactly these and the rules refuse the rest.

    edit (settings; once open only the closing date), criteria (add, remove, change a weight: only before
    publication, BPKV), panel, open, bids, close (from the closing date), close_early (before it, with a
    reason), admission (before the panel submits), lots, award (one number one), withdraw. ``ranked`` may
    pass the ranking the caller already computed; ``with_award=False`` skips computing it.
    """
    today = today or sources.today()
    status = procedure.status
    allowed = set()
    if status in ("concept", "open"):
        allowed |= {"edit", "panel"}
    if status == "concept":
        allowed |= {"criteria", "open"}
    if status == "open":
        allowed |= {"bids", "close" if today >= procedure.closing_date else "close_early"}
    if status == "beoordeling":
        allowed.add("lots")
        if not any(m.submitted_at is not None for m in procedure.panel):
            allowed.add("admission")
        if ranked is None and with_award:
            from portal.inkoop import evaluation

            ranked, _problem = evaluation.try_results(procedure)
        if ranked and sum(1 for r in ranked if r.rank == 1) == 1:
            allowed.add("award")
    if not procedure.locked:
        allowed.add("withdraw")
    return allowed


def ensure_allowed(procedure: Procedure, action: str, message: str | None = None) -> None:
    """Refuse an action that ``allowed_actions`` does not list (the page does not offer it either)."""
    ensure_editable(procedure)
    if action not in allowed_actions(procedure, with_award=action == "award"):
        raise ProcedureError(message or _("Dit kan niet in de status %(status)s.", status=procedure.status))


# ----------------------------------------------------------------------------- set-up
def _check_settings(kind, price_method, score_mode, scale):
    if kind not in KINDS:
        raise ProcedureError(_("Kies aanbesteding of gronduitgifte."), field="kind")
    if price_method not in PRICE_METHODS:
        raise ProcedureError(_("Kies een prijsmethode."), field="price_method")
    if score_mode not in SCORE_MODES:
        raise ProcedureError(_("Kies consensus of gemiddelde."), field="score_mode")
    try:
        steps = sorted({Decimal(p.strip()) for p in scale.split(",") if p.strip()})
    except InvalidOperation as exc:
        raise ProcedureError(_("De schaal bestaat uit getallen, gescheiden door komma's."),
                             field="quality_scale") from exc
    if len(steps) < 2 or steps[0] < 0 or steps[-1] <= 0:
        raise ProcedureError(_("De schaal heeft minstens twee stappen, de hoogste groter dan 0."),
                             field="quality_scale")
    return ",".join(format(s.normalize(), "f") for s in steps)


def create_procedure(*, by, kind: str, title: str, closing_date: date, preset: str = "", reference: str = "",
                     category: str = "", vulnerable_jobs: bool = False, development_area: str = "", plot: str = "",
                     price_method: str = "relatief", discount_per_point=None, score_mode: str = "consensus",
                     quality_scale: str = "0,2,4,6,8,10", commitment_months: int = 24,
                     description: str = "") -> Procedure:
    scale = _check_settings(kind, price_method, score_mode, quality_scale)
    if price_method == "fictieve_korting" and (discount_per_point is None or Decimal(discount_per_point) <= 0):
        raise ProcedureError(_("Vul de fictieve korting per kwaliteitspunt in (in euro's)."),
                             field="discount_per_point")
    if preset and (preset not in PRESETS or PRESETS[preset]["kind"] != kind):
        raise ProcedureError(_("Dit sjabloon hoort niet bij dit soort procedure."), field="preset")
    procedure = Procedure(
        kind=kind, title=title.strip(), reference=reference.strip(), category=category.strip(),
        vulnerable_jobs=vulnerable_jobs, development_area=development_area, plot=plot.strip(),
        closing_date=closing_date, price_method=price_method, discount_per_point=discount_per_point,
        score_mode=score_mode, quality_scale=scale, commitment_months=commitment_months or 24,
        description=description.strip(), created_by_id=by.id if by else None, status="concept",
    )
    db.session.add(procedure)
    db.session.flush()
    if preset:
        for position, (ckind, name, weight, params) in enumerate(PRESETS[preset]["criteria"]):
            if ckind == "price" and price_method == "fictieve_korting":
                continue  # under the price-quality method price is not a weighted criterion
            procedure.criteria.append(Criterion(kind=ckind, name=name, weight=weight, position=position, **params))
    record("inkoop.procedure_created", procedure, actor=by,
           summary=f"{kind}: {procedure.title}", changes={"preset": preset, "price_method": price_method})
    db.session.flush()
    return procedure


SETTINGS = ("title", "reference", "category", "vulnerable_jobs", "development_area", "plot", "closing_date",
            "price_method", "discount_per_point", "score_mode", "quality_scale", "commitment_months", "description")


def update_procedure(procedure: Procedure, *, by, **values) -> dict:
    """Change the settings of a concept; once open only the closing date may move (an extension), and
    only while no bid has been frozen."""
    ensure_allowed(procedure, "edit")
    values = {k: v for k, v in values.items() if k in SETTINGS}
    if "quality_scale" in values or "price_method" in values or "score_mode" in values:
        values["quality_scale"] = _check_settings(procedure.kind, values.get("price_method", procedure.price_method),
                                                  values.get("score_mode", procedure.score_mode),
                                                  values.get("quality_scale", procedure.quality_scale))
    if procedure.status == "open":
        changed = [k for k, v in values.items() if getattr(procedure, k) != v and k != "closing_date"]
        if changed:
            raise ProcedureError(_("Na publicatie kan alleen de sluitingsdatum nog worden verschoven."))
    method = values.get("price_method", procedure.price_method)
    discount = values.get("discount_per_point", procedure.discount_per_point)
    if method == "fictieve_korting":
        if discount is None or Decimal(discount) <= 0:
            raise ProcedureError(_("Vul de fictieve korting per kwaliteitspunt in (in euro's)."),
                                 field="discount_per_point")
        if any(c.kind == "price" for c in procedure.criteria):
            raise ProcedureError(_("Bij de methode fictieve korting is de prijs geen gewogen criterium; verwijder "
                                   "eerst het prijscriterium."), field="price_method")
    from portal.audit.services import diff

    changes = diff(procedure, values)
    if changes:
        record("inkoop.procedure_updated", procedure, actor=by, changes=changes)
    db.session.flush()
    return changes


def add_criterion(procedure: Procedure, *, by, kind: str, name: str, weight, description: str = "",
                  commitment_kind: str = "", formula: str = "doel", target=None,
                  working_share=Decimal("0.5")) -> Criterion:
    ensure_allowed(procedure, "criteria")
    if kind not in CRITERION_KINDS:
        raise ProcedureError(_("Kies een soort criterium."), field="kind")
    weight = Decimal(weight or 0)
    if weight <= 0 or weight > 100:
        raise ProcedureError(_("Een gewicht ligt tussen 0 en 100%."), field="weight")
    if kind == "price":
        if procedure.price_method == "fictieve_korting":
            raise ProcedureError(_("Bij de methode fictieve korting is de prijs geen gewogen criterium."), field="kind")
        if any(c.kind == "price" for c in procedure.criteria):
            raise ProcedureError(_("Er is al een prijscriterium."), field="kind")
    if kind == "label" and any(c.kind == "label" for c in procedure.criteria):
        raise ProcedureError(_("Er is al een labelcriterium."), field="kind")
    if kind == "commitment":
        if commitment_kind not in COMMITMENT_KINDS:
            raise ProcedureError(_("Kies wat er wordt toegezegd."), field="commitment_kind")
        if formula not in COMMITMENT_FORMULAS:
            raise ProcedureError(_("Kies een formule."), field="formula")
        if formula == "doel" and (target is None or Decimal(target) <= 0):
            raise ProcedureError(_("Vul bij de formule 'doel' het aantal in dat de volle punten oplevert."),
                                 field="target")
    working_share = Decimal(working_share if working_share is not None else "0.5")
    if not 0 <= working_share <= 1:
        raise ProcedureError(_("Het deel voor 'werkt aan het label' ligt tussen 0 en 1."), field="working_share")
    criterion = Criterion(
        kind=kind, name=name.strip(), description=description.strip(), weight=weight,
        position=len(procedure.criteria), commitment_kind=commitment_kind if kind == "commitment" else "",
        formula=formula, target=target, working_share=working_share,
    )
    procedure.criteria.append(criterion)
    db.session.flush()
    record("inkoop.criterion_added", procedure, actor=by, summary=f"{kind}: {criterion.name} ({weight}%)")
    return criterion


def remove_criterion(procedure: Procedure, criterion: Criterion, *, by) -> None:
    ensure_allowed(procedure, "criteria", _("Na publicatie liggen de criteria en gewichten vast."))
    if criterion.procedure_id != procedure.id:
        raise ProcedureError(_("Dit criterium hoort niet bij deze procedure."))
    procedure.criteria.remove(criterion)
    record("inkoop.criterion_removed", procedure, actor=by, summary=criterion.name,
           changes={"weight": [criterion.weight, None], "kind": criterion.kind})
    db.session.flush()


def change_criterion_weight(procedure: Procedure, criterion: Criterion, weight, *, by) -> Criterion:
    """A criterion's weight may change until the procedure is published (weights are known before bids)."""
    ensure_allowed(procedure, "criteria", _("Na publicatie liggen de criteria en gewichten vast."))
    if criterion.procedure_id != procedure.id:
        raise ProcedureError(_("Dit criterium hoort niet bij deze procedure."))
    try:
        weight = Decimal(weight)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ProcedureError(_("Een gewicht ligt tussen 0 en 100%."), field="weight") from exc
    if not weight.is_finite() or weight <= 0 or weight > 100:
        raise ProcedureError(_("Een gewicht ligt tussen 0 en 100%."), field="weight")
    weight = weight.quantize(Decimal("0.01"))
    old = criterion.weight
    if old != weight:
        criterion.weight = weight
        record("inkoop.criterion_weight_changed", procedure, actor=by, summary=f"{criterion.name}: {old}% → {weight}%",
               changes={"criterion": criterion.name, "weight": [old, weight]})
    db.session.flush()
    return criterion


def add_panel_member(procedure: Procedure, user, *, by, is_chair: bool = False) -> PanelMember:
    ensure_allowed(procedure, "panel")
    if not (user.has_role("inkoop") or user.has_role("gemeente")):
        raise ProcedureError(_("Alleen inkoopadviseurs en medewerkers van de gemeente kunnen beoordelen."),
                             field="email")
    if any(m.user_id == user.id for m in procedure.panel):
        raise ProcedureError(_("Deze persoon zit al in het beoordelingspanel."), field="email")
    if is_chair:
        for m in procedure.panel:
            m.is_chair = False
    member = PanelMember(user=user, is_chair=is_chair)
    procedure.panel.append(member)
    flush_or_refuse(_("Deze persoon zit al in het beoordelingspanel."))
    record("inkoop.panel_member_added", procedure, actor=by,
           summary=f"{user.email}{' (voorzitter)' if is_chair else ''}")
    if user.active:
        queue_mail(user.email, _l("U zit in het beoordelingspanel van %(title)s", title=procedure.title),
                   "inkoop/panel_member_added", kind="inkoop-panel-member", procedure=procedure, user=user,
                   is_chair=is_chair, added_by=by,
                   link=current_app.config["PORTAL_BASE_URL"] + f"/inkoop/procedures/{procedure.id}")
    return member


def remove_panel_member(procedure: Procedure, member: PanelMember, *, by) -> None:
    ensure_allowed(procedure, "panel")
    procedure.panel.remove(member)
    record("inkoop.panel_member_removed", procedure, actor=by, summary=member.user.email)
    db.session.flush()


# ----------------------------------------------------------------------------- bids
def _organisation_for_kvk(kvk: str, name: str, *, by) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.kvk == kvk))
    if org is not None:
        return org
    if not name.strip():
        raise ProcedureError(_("Dit KvK-nummer is onbekend in het portaal. Vul ook de naam van de inschrijver in."),
                             field="name")
    # A bidder need not be a partner: it gets a plain record without partnership.
    org = Organisation(name=name.strip(), kvk=kvk, partner_status="geen")
    db.session.add(org)
    flush_or_refuse(_("Deze organisatie is intussen al vastgelegd. Verstuur het formulier opnieuw."))
    record("inkoop.organisation_registered", org, actor=by, summary=f"{org.name} ({kvk}) als inschrijver")
    return org


def enter_bid(procedure: Procedure, *, by, kvk: str, name: str = "", price=None, commitments: dict | None = None,
              note: str = "") -> Bid:
    ensure_allowed(procedure, "bids")
    try:
        kvk = normalise_kvk(kvk)
    except InvalidNumber as exc:
        raise ProcedureError(str(exc), field="kvk") from exc
    needs_price = procedure.price_method == "fictieve_korting" or any(c.kind == "price" for c in procedure.criteria)
    if price is not None or needs_price:
        try:
            price = scoring.check_price(price)
        except scoring.ScoringError as exc:
            raise ProcedureError(str(exc), field="price") from exc
    org = _organisation_for_kvk(kvk, name, by=by)
    if any(b.organisation_id == org.id for b in procedure.bids):
        raise ProcedureError(_("%(org)s heeft al een inschrijving in deze procedure.", org=org.name), field="kvk")
    bid = Bid(organisation=org, price=price, note=note.strip(), entered_by_id=by.id if by else None)
    for kind, quantity in (commitments or {}).items():
        if kind not in COMMITMENT_KINDS:
            raise ProcedureError(_("Onbekend soort toezegging."))
        quantity = int(quantity or 0)
        if quantity < 0:
            raise ProcedureError(_("Een toezegging is 0 of meer."), field=kind)
        if quantity:
            bid.commitments.append(BidCommitment(kind=kind, quantity=quantity))
    procedure.bids.append(bid)
    flush_or_refuse(_("Deze inschrijving is intussen al ingevoerd. Laad de pagina opnieuw."))
    record("inkoop.bid_entered", bid, actor=by, organisation_id=org.id,
           summary=f"{procedure.title}: {org.name}",
           changes={"price": price, "commitments": {c.kind: c.quantity for c in bid.commitments}})
    return bid


def remove_bid(procedure: Procedure, bid: Bid, *, by) -> None:
    ensure_allowed(procedure, "bids")
    if bid.procedure_id != procedure.id:
        raise ProcedureError(_("Deze inschrijving hoort niet bij deze procedure."))
    procedure.bids.remove(bid)
    record("inkoop.bid_removed", procedure, actor=by, organisation_id=bid.organisation_id,
           summary=bid.organisation.name)
    db.session.flush()


# ----------------------------------------------------------------------------- status steps
def check_ready_to_open(procedure: Procedure) -> None:
    try:
        scoring.check_weights([c.weight for c in procedure.criteria])
    except scoring.ScoringError as exc:
        raise ProcedureError(str(exc)) from exc
    if procedure.price_method == "fictieve_korting":
        if any(c.kind == "price" for c in procedure.criteria):
            raise ProcedureError(_("Bij de methode fictieve korting is de prijs geen gewogen criterium."))
        if not procedure.discount_per_point or procedure.discount_per_point <= 0:
            raise ProcedureError(_("Vul de fictieve korting per kwaliteitspunt in (in euro's)."))


def open_procedure(procedure: Procedure, *, by) -> None:
    """Publish: criteria and weights are fixed from here on (BPKV: known before bids arrive)."""
    ensure_allowed(procedure, "open")
    check_ready_to_open(procedure)
    _move(procedure, "concept", "open")
    record("inkoop.procedure_opened", procedure, actor=by,
           changes={"criteria": [[c.name, c.kind, c.weight] for c in procedure.criteria]})


def freeze_label_status(procedure: Procedure) -> None:
    """Write every bidder's label and partner status on the closing date into its bid."""
    on = procedure.closing_date
    org_ids = [b.organisation_id for b in procedure.bids]
    labels = sources.label_status_on(org_ids, on)
    standings = sources.standing_on(org_ids, on)
    partners = sources.partner_status_on(org_ids, on)
    for bid in procedure.bids:
        snapshot = labels[bid.organisation_id]
        bid.frozen_on = on
        bid.frozen_label_status = snapshot.status
        bid.frozen_certificate = snapshot.certificate_number or ""
        bid.frozen_partner_status = partners.get(bid.organisation_id, "geen")
        # As the programme counts: every partner without a valid label works on the label.
        bid.frozen_working_on_label = standings[bid.organisation_id].group == "werkt_aan_label"


def _check_ready_to_close(procedure: Procedure) -> None:
    if not procedure.bids:
        raise ProcedureError(_("Er zijn nog geen inschrijvingen ingevoerd."))
    if any(c.kind == "quality" for c in procedure.criteria) and not any(m.is_chair for m in procedure.panel):
        raise ProcedureError(_("Stel eerst een beoordelingspanel met een voorzitter samen."))


def close_procedure(procedure: Procedure, *, by, today: date | None = None) -> None:
    """After the closing date: no more bids; the label status on the closing date is frozen."""
    ensure_editable(procedure, "open")
    today = today or sources.today()
    if "close" not in allowed_actions(procedure, today=today):
        raise ProcedureError(_("De sluitingsdatum (%(date)s) is nog niet voorbij. Wilt u eerder sluiten, kies dan "
                               "'Vervroegd sluiten' en geef de reden.", date=procedure.closing_date.isoformat()))
    _check_ready_to_close(procedure)
    _close(procedure, by)


def close_early(procedure: Procedure, *, by, reason: str, today: date | None = None) -> None:
    """Close before the closing date, with a written reason (audited). The closing date becomes today: bids
    stopped today, so the label status is frozen on today."""
    ensure_editable(procedure, "open")
    today = today or sources.today()
    if "close_early" not in allowed_actions(procedure, today=today):
        raise ProcedureError(_("De sluitingsdatum is bereikt; sluit de inschrijving gewoon."))
    reason = (reason or "").strip()
    if not reason:
        raise ProcedureError(_("Geef de reden om de inschrijving vóór de sluitingsdatum te sluiten."), field="reason")
    _check_ready_to_close(procedure)
    planned = procedure.closing_date
    procedure.closing_date = today
    db.session.flush()
    record("inkoop.procedure_closed_early", procedure, actor=by, summary=reason[:400],
           changes={"closing_date": [planned, today]})
    _close(procedure, by)


def _close(procedure: Procedure, by) -> None:
    _move(procedure, "open", "beoordeling", closed_at=utcnow())
    freeze_label_status(procedure)
    db.session.flush()
    record("inkoop.procedure_closed", procedure, actor=by,
           changes={"frozen": {b.organisation.name: [b.frozen_label_status, b.frozen_partner_status,
                                                    b.frozen_working_on_label] for b in procedure.bids},
                    "on": procedure.closing_date})


def withdraw_procedure(procedure: Procedure, *, by, reason: str) -> None:
    ensure_allowed(procedure, "withdraw")
    if not reason.strip():
        raise ProcedureError(_("Geef de reden van het intrekken."), field="reason")
    source = procedure.status
    _move(procedure, source, "ingetrokken", withdrawn_reason=reason.strip())
    record("inkoop.procedure_withdrawn", procedure, actor=by, summary=reason.strip()[:400])


def decide_admission(procedure: Procedure, bid: Bid, *, by, admitted: bool, reason: str = "") -> None:
    """Admit a bid to the scoring or not (admission criteria are pass or fail), before the panel submits."""
    ensure_editable(procedure, "beoordeling")
    if bid.procedure_id != procedure.id:
        raise ProcedureError(_("Deze inschrijving hoort niet bij deze procedure."))
    ensure_allowed(procedure, "admission", _("Over toelating wordt beslist voordat het panel scores indient."))
    reason = (reason or "").strip()
    if not admitted and not reason:
        raise ProcedureError(_("Motiveer waarom de inschrijving niet aan de toelatingseisen voldoet."), field="reason")
    changes = {"admitted": [bid.admitted, admitted], "reason": reason}
    bid.admitted, bid.admission_note = admitted, reason
    record("inkoop.admission_decided", bid, actor=by, organisation_id=bid.organisation_id,
           summary=f"{procedure.title}: {bid.organisation.name} {'toegelaten' if admitted else 'niet toegelaten'}",
           changes=changes)
    db.session.flush()


def record_lots(procedure: Procedure, lots: dict[int, int], *, by, note: str = "") -> None:
    """Record the outcome of drawing lots among tied bids (Didam): 1 was drawn first."""
    ensure_allowed(procedure, "lots")
    bids = {b.id: b for b in procedure.bids}
    numbers = [n for n in lots.values() if n is not None]
    if len(numbers) != len(set(numbers)) or any(n < 1 for n in numbers):
        raise ProcedureError(_("Geef elke inschrijving een eigen volgnummer uit de loting (1, 2, 3, ...)."))
    changes = {}
    for bid_id, number in lots.items():
        bid = bids.get(bid_id)
        if bid is None:
            raise ProcedureError(_("Deze inschrijving hoort niet bij deze procedure."))
        if bid.lot_number != number:
            changes[bid.organisation.name] = [bid.lot_number, number]
            bid.lot_number = number
    record("inkoop.lots_recorded", procedure, actor=by, summary=note.strip()[:400], changes=changes)
    db.session.flush()


def award_procedure(procedure: Procedure, *, by, today: date | None = None) -> Bid:
    """Award to the best bid; its commitments become the organisation's commitments with due dates."""
    from portal.inkoop import commitments, evaluation

    ensure_editable(procedure, "beoordeling")
    try:
        results = evaluation.results(procedure)
        best = scoring.winner(results)  # the same condition as allowed_actions' "award"
    except scoring.ScoringError as exc:
        raise ProcedureError(str(exc)) from exc
    today = today or sources.today()
    _move(procedure, "beoordeling", "gegund", awarded_at=utcnow(), awarded_on=today, awarded_bid_id=best.bid_id)
    bid = db.session.get(Bid, best.bid_id)
    created = commitments.create_from_bid(procedure, bid, start=today)
    record("inkoop.procedure_awarded", procedure, actor=by, organisation_id=bid.organisation_id,
           summary=f"{procedure.title} → {bid.organisation.name}",
           changes={"ranking": [[r.rank, r.bid_id, scoring.rounded(r.total), r.tied, r.by_lot] for r in results],
                    "commitments": [[c.kind, c.promised, c.due_date] for c in created]})
    commitments.notify_awarded(procedure, bid, created)
    return bid
