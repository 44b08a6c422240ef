"""Inkoop pages: label check, procedures with panel evaluation, and commitments follow-up.

Buyers (inkoop), the municipality (gemeente) and admins use the procedures; panel work is limited by the
rules to the procedure's panel. An ondernemer sees only its own commitments, on its home page (panels.py).
"""
from datetime import date
from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.actions import attempt
from portal.auth.models import User, UserRole
from portal.database import paginate
from portal.extensions import db
from portal.inkoop import commitments as commitment_rules
from portal.inkoop import evaluation, labelcheck, panels, procedures, scoring, sources  # noqa: F401 - panels registers
from portal.inkoop.forms import (
    BidForm,
    BulkCheckForm,
    CheckDateForm,
    CloseEarlyForm,
    ConfirmForm,
    CriterionForm,
    FollowUpForm,
    LabelSearchForm,
    PanelForm,
    ProcedureForm,
    WeightForm,
    WithdrawForm,
    labels,
)
from portal.inkoop.models import Bid, Commitment, Procedure
from portal.inputs import bounded_id, bounded_int
from portal.partners.models import Organisation
from portal.permissions import get_or_404, requires

bp = Blueprint("inkoop", __name__, url_prefix="/inkoop")

BUYERS = ("inkoop", "gemeente", "admin")
FOLLOW_UP = ("gemeente", "admin")


@bp.context_processor
def _labels():
    return {**labels(), "points": _points, "euro": _euro, "plain": _plain}


def _plain(value):
    return format(Decimal(value).normalize(), "f")


def _points(value):
    return "" if value is None else format_decimal(scoring.rounded(value), format="#,##0.00")


def _euro(value):
    return "" if value is None else "€ " + format_decimal(scoring.rounded(value), format="#,##0.00")


def _refused(exc):
    db.session.rollback()
    flash(str(exc), "error")


def _check_date(form) -> date:
    return form.op.data if form.validate() and form.op.data else sources.today()


# ----------------------------------------------------------------------------- label check
@bp.route("/labelcheck")
@requires(*BUYERS)
def check():
    form = LabelSearchForm(request.args)
    on = _check_date(form)
    page, rows = None, {}
    if form.q.data and form.q.data.strip():
        page = paginate(labelcheck.search_statement(form.q.data))
        rows = labelcheck.status_rows(page.items, on)
    return render_template("inkoop/check.html", form=form, page=page, rows=rows, on=on, today=sources.today())


def _organisation_check(org_id: int):
    org = get_or_404(Organisation, org_id)
    form = CheckDateForm(request.args)
    on = _check_date(form)
    today = sources.today()
    on_date = labelcheck.status_rows([org], on)[org.id]
    now = on_date if on == today else labelcheck.status_rows([org], today)[org.id]
    return org, form, on, today, on_date, now


@bp.route("/labelcheck/<int:org_id>")
@requires(*BUYERS)
def check_organisation(org_id):
    org, form, on, today, on_date, now = _organisation_check(org_id)
    return render_template("inkoop/check_organisation.html", org=org, form=form, on=on, today=today,
                           on_date=on_date, now=now, history=labelcheck.history(org))


@bp.route("/labelcheck/<int:org_id>/bewijs")
@requires(*BUYERS)
def check_proof(org_id):
    org, form, on, today, on_date, now = _organisation_check(org_id)
    # ?afdruk=1: the proof alone, for the browser's print dialog and "save as PDF" (works without script).
    template = "inkoop/check_proof_print.html" if request.args.get("afdruk") else "inkoop/check_proof.html"
    return render_template(template, org=org, on=on, today=today, row=on_date, checked_by=current_user)


@bp.route("/labelcheck/lijst", methods=["GET", "POST"])
@requires(*BUYERS)
def bulk_check():
    form = BulkCheckForm()
    rows, on = None, sources.today()
    if form.validate_on_submit():
        on = form.op.data or sources.today()
        upload = form.file.data
        data = upload.read(labelcheck.MAX_BYTES + 1)
        try:
            if len(data) > labelcheck.MAX_BYTES:
                raise labelcheck.LabelCheckError(_("Het bestand is groter dan 5 MB. Stuur alleen de KvK-kolom mee."))
            values = labelcheck.read_supplier_file(upload.filename, data)
        except labelcheck.LabelCheckError as exc:
            form.file.errors.append(str(exc))
        else:
            rows = labelcheck.bulk_check(values, on)
    return render_template("inkoop/bulk_check.html", form=form, rows=rows, on=on)


@bp.route("/labelcheck/lijst.xlsx", methods=["POST"])
@requires(*BUYERS)
def bulk_check_xlsx():
    """The same check again from the values on the result page, as a spreadsheet (no re-upload needed)."""
    values = request.form.getlist("kvk")[: labelcheck.MAX_ROWS]
    try:
        on = date.fromisoformat(request.form.get("op", ""))
    except ValueError:
        on = sources.today()
    rows = labelcheck.bulk_check(values, on)
    return Response(labelcheck.bulk_xlsx(rows, on),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="labelcheck-{on.isoformat()}.xlsx"'})


# ----------------------------------------------------------------------------- procedures
@bp.route("/procedures", endpoint="procedures")
@requires(*BUYERS)
def procedures_list():
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    stmt = select(Procedure).order_by(Procedure.closing_date.desc(), Procedure.id.desc())
    if status in ("concept", "open", "beoordeling", "gegund", "ingetrokken"):
        stmt = stmt.where(Procedure.status == status)
    if kind in ("aanbesteding", "gronduitgifte"):
        stmt = stmt.where(Procedure.kind == kind)
    page = paginate(stmt)
    ids = [p.id for p in page.items]
    bid_counts = {}
    if ids:
        bid_counts = dict(db.session.execute(select(Bid.procedure_id, func.count(Bid.id))
                                             .where(Bid.procedure_id.in_(ids)).group_by(Bid.procedure_id)).all())
    return render_template("inkoop/procedures.html", page=page, status=status, kind=kind, bid_counts=bid_counts)


@bp.route("/procedures/nieuw", methods=["GET", "POST"])
@requires(*BUYERS)
def new_procedure():
    form = ProcedureForm()
    if form.validate_on_submit():
        try:
            procedure = procedures.create_procedure(
                by=current_user, kind=form.kind.data, title=form.title.data, closing_date=form.closing_date.data,
                preset=form.preset.data or "", reference=form.reference.data or "",
                category=form.category.data or "", vulnerable_jobs=form.vulnerable_jobs.data,
                development_area=form.development_area.data or "", plot=form.plot.data or "",
                price_method=form.price_method.data, discount_per_point=form.discount_per_point.data,
                score_mode=form.score_mode.data, quality_scale=form.quality_scale.data,
                commitment_months=form.commitment_months.data, description=form.description.data or "")
        except procedures.ProcedureError as exc:
            db.session.rollback()
            target = getattr(form, exc.field, None) if exc.field else None
            (target.errors if target is not None else form.form_errors).append(str(exc))
        else:
            db.session.commit()
            flash(_("De procedure is aangemaakt als concept."), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure.id))
    return render_template("inkoop/procedure_form.html", form=form)


@bp.route("/procedures/<int:procedure_id>/bewerken", methods=["GET", "POST"])
@requires(*BUYERS)
def edit_procedure(procedure_id):
    procedure = _load_procedure(procedure_id)
    if "edit" not in procedures.allowed_actions(procedure, with_award=False):
        flash(_("Deze procedure kan niet meer worden gewijzigd."), "error")
        return redirect(url_for("inkoop.procedure", procedure_id=procedure_id))
    form = ProcedureForm(obj=procedure)
    del form.preset
    form.kind.data = procedure.kind
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in procedures.SETTINGS}
        for name in ("reference", "category", "development_area", "plot", "description"):
            values[name] = (values[name] or "").strip()
        values["title"] = values["title"].strip()
        try:
            procedures.update_procedure(procedure, by=current_user, **values)
        except procedures.ProcedureError as exc:
            db.session.rollback()
            target = getattr(form, exc.field, None) if exc.field else None
            (target.errors if target is not None else form.form_errors).append(str(exc))
        else:
            db.session.commit()
            flash(_("De procedure is bijgewerkt."), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id))
    return render_template("inkoop/procedure_form.html", form=form, procedure=procedure)


def _load_procedure(procedure_id: int) -> Procedure:
    procedure = db.session.scalar(
        select(Procedure).where(Procedure.id == procedure_id)
        .options(selectinload(Procedure.criteria), selectinload(Procedure.panel),
                 selectinload(Procedure.bids).selectinload(Bid.commitments)))
    if procedure is None:
        abort(404)
    return procedure


def _eligible_evaluators(procedure):
    taken = {m.user_id for m in procedure.panel}
    users = db.session.scalars(select(User).join(UserRole).where(UserRole.role.in_(("inkoop", "gemeente")),
                                                                  User.active.is_(True))
                               .order_by(User.name, User.email).distinct()).all()
    return [(u.id, f"{u.name} ({u.email})") for u in users if u.id not in taken]


def _render_procedure(procedure, criterion_form=None, panel_form=None, status=200):
    criterion_form = criterion_form or CriterionForm(formdata=None)
    panel_form = panel_form or PanelForm(formdata=None)
    panel_form.user_id.choices = _eligible_evaluators(procedure)
    ranked, problem = (evaluation.try_results(procedure) if procedure.status in ("beoordeling", "gegund")
                       else (None, None))
    member = evaluation.panel_member(procedure, current_user)
    weights = sum((c.weight for c in procedure.criteria), 0)
    return render_template("inkoop/procedure.html", procedure=procedure, criterion_form=criterion_form,
                           allowed=procedures.allowed_actions(procedure, ranked=ranked),
                           panel_form=panel_form, ranked=ranked, problem=problem, member=member,
                           weight_total=weights, bids={b.id: b for b in procedure.bids},
                           can_see_scores=evaluation.can_see_panel_scores(procedure, current_user),
                           submitted=sum(1 for m in procedure.panel if m.submitted_at), today=sources.today()), status


@bp.route("/procedures/<int:procedure_id>")
@requires(*BUYERS)
def procedure(procedure_id):
    return _render_procedure(_load_procedure(procedure_id))


@bp.route("/procedures/<int:procedure_id>/criteria", methods=["POST"])
@requires(*BUYERS)
def add_criterion(procedure_id):
    procedure = _load_procedure(procedure_id)
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            procedures.add_criterion(
                procedure, by=current_user, kind=form.kind.data, name=form.name.data, weight=form.weight.data,
                description=form.description.data or "", commitment_kind=form.commitment_kind.data or "",
                formula=form.formula.data, target=form.target.data,
                working_share=form.working_share.data if form.working_share.data is not None else 0.5)
        except procedures.ProcedureError as exc:
            db.session.rollback()
            target = getattr(form, exc.field, None) if exc.field else None
            (target.errors if target is not None else form.form_errors).append(str(exc))
        else:
            db.session.commit()
            flash(_("Het criterium is toegevoegd."), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure.id) + "#criteria")
    return _render_procedure(_load_procedure(procedure_id), criterion_form=form, status=400)


def _criterion_of(procedure, criterion_id):
    return next((c for c in procedure.criteria if c.id == criterion_id), None) or abort(404)


@bp.route("/procedures/<int:procedure_id>/criteria/<int:criterion_id>/verwijderen", methods=["GET", "POST"])
@requires(*BUYERS)
def remove_criterion(procedure_id, criterion_id):
    """Deleting a criterion is irreversible: this page says what happens to the weights; its POST does it."""
    procedure = _load_procedure(procedure_id)
    criterion = _criterion_of(procedure, criterion_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            procedures.remove_criterion(procedure, criterion, by=current_user)
        if done:
            flash(_("Het criterium is verwijderd."), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#criteria")
        procedure = _load_procedure(procedure_id)
    remaining = sum((c.weight for c in procedure.criteria if c.id != criterion.id), 0)
    return render_template("inkoop/remove_criterion.html", procedure=procedure, criterion=criterion, form=form,
                           remaining=remaining, allowed=procedures.allowed_actions(procedure, with_award=False)), \
        (400 if request.method == "POST" else 200)


@bp.route("/procedures/<int:procedure_id>/criteria/<int:criterion_id>/gewicht", methods=["GET", "POST"])
@requires(*BUYERS)
def criterion_weight(procedure_id, criterion_id):
    """Change a criterion's weight while the procedure is a concept (weights are fixed at publication)."""
    procedure = _load_procedure(procedure_id)
    criterion = _criterion_of(procedure, criterion_id)
    form = WeightForm(data={"weight": criterion.weight} if request.method == "GET" else None)
    if form.validate_on_submit():
        with attempt(form) as done:
            procedures.change_criterion_weight(procedure, criterion, form.weight.data, by=current_user)
        if done:
            flash(_("Het gewicht van %(name)s is nu %(weight)s%%.", name=criterion.name,
                    weight=_plain(criterion.weight)), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#criteria")
        procedure = _load_procedure(procedure_id)
        criterion = _criterion_of(procedure, criterion_id)
    others = sum((c.weight for c in procedure.criteria if c.id != criterion.id), 0)
    return render_template("inkoop/criterion_weight.html", procedure=procedure, criterion=criterion, form=form,
                           others=others, allowed=procedures.allowed_actions(procedure, with_award=False)), \
        (400 if request.method == "POST" else 200)


@bp.route("/procedures/<int:procedure_id>/panel", methods=["POST"])
@requires(*BUYERS)
def add_panel_member(procedure_id):
    procedure = _load_procedure(procedure_id)
    form = PanelForm()
    form.user_id.choices = _eligible_evaluators(procedure)
    if form.validate_on_submit():
        try:
            procedures.add_panel_member(procedure, db.session.get(User, form.user_id.data), by=current_user,
                                        is_chair=form.is_chair.data)
        except procedures.ProcedureError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("De beoordelaar is aan het panel toegevoegd."), "success")
        return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#panel")
    return _render_procedure(_load_procedure(procedure_id), panel_form=form, status=400)


@bp.route("/procedures/<int:procedure_id>/panel/<int:member_id>/verwijderen", methods=["POST"])
@requires(*BUYERS)
def remove_panel_member(procedure_id, member_id):
    procedure = _load_procedure(procedure_id)
    member = next((m for m in procedure.panel if m.id == member_id), None) or abort(404)
    try:
        procedures.remove_panel_member(procedure, member, by=current_user)
    except procedures.ProcedureError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("De beoordelaar is uit het panel gehaald."), "success")
    return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#panel")


@bp.route("/procedures/<int:procedure_id>/inschrijvingen/nieuw", methods=["GET", "POST"])
@requires(*BUYERS)
def new_bid(procedure_id):
    procedure = _load_procedure(procedure_id)
    if "bids" not in procedures.allowed_actions(procedure, with_award=False):
        flash(_("Inschrijvingen worden ingevoerd zolang de procedure open is."), "error")
        return redirect(url_for("inkoop.procedure", procedure_id=procedure_id))
    form = BidForm()
    commitment_kinds = sorted({c.commitment_kind for c in procedure.criteria if c.kind == "commitment"})
    if form.validate_on_submit():
        promised = {kind: getattr(form, kind).data or 0
                    for kind in ("impact_jobs", "stageplekken", "jobs_residents", "jobs")}
        try:
            procedures.enter_bid(procedure, by=current_user, kvk=form.kvk.data, name=form.name.data or "",
                                 price=form.price.data, commitments=promised, note=form.note.data or "")
        except procedures.ProcedureError as exc:
            db.session.rollback()
            target = getattr(form, exc.field, None) if exc.field else None
            (target.errors if target is not None else form.form_errors).append(str(exc))
        else:
            db.session.commit()
            flash(_("De inschrijving is ingevoerd."), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#inschrijvingen")
    return render_template("inkoop/bid_form.html", form=form, procedure=procedure,
                           commitment_kinds=commitment_kinds)


@bp.route("/procedures/<int:procedure_id>/inschrijvingen/<int:bid_id>/verwijderen", methods=["GET", "POST"])
@requires(*BUYERS)
def remove_bid(procedure_id, bid_id):
    """Deleting an entered bid loses its price and commitments: confirmed on a page, like the other deletions."""
    procedure = _load_procedure(procedure_id)
    bid = next((b for b in procedure.bids if b.id == bid_id), None) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            procedures.remove_bid(procedure, bid, by=current_user)
        if done:
            flash(_("De inschrijving is verwijderd."), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#inschrijvingen")
        procedure = _load_procedure(procedure_id)
        bid = next((b for b in procedure.bids if b.id == bid_id), None) or abort(404)
    return render_template("inkoop/remove_bid.html", procedure=procedure, bid=bid, form=form,
                           allowed=procedures.allowed_actions(procedure, with_award=False)), \
        (400 if request.method == "POST" else 200)


@bp.route("/procedures/<int:procedure_id>/inschrijvingen/<int:bid_id>/toelating", methods=["POST"])
@requires(*BUYERS)
def decide_admission(procedure_id, bid_id):
    procedure = _load_procedure(procedure_id)
    bid = next((b for b in procedure.bids if b.id == bid_id), None) or abort(404)
    admitted = request.form.get("admitted") == "1"
    try:
        procedures.decide_admission(procedure, bid, by=current_user, admitted=admitted,
                                    reason=request.form.get("reason", ""))
    except procedures.ProcedureError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("%(org)s is toegelaten.", org=bid.organisation.name) if admitted
              else _("%(org)s is niet toegelaten; de inschrijving telt niet mee.", org=bid.organisation.name),
              "success")
    return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#inschrijvingen")


@bp.route("/procedures/<int:procedure_id>/status", methods=["POST"])
@requires(*BUYERS)
def change_status(procedure_id):
    procedure = _load_procedure(procedure_id)
    action = request.form.get("action")
    # Awarding is irreversible and closing early needs a reason: both have their own page.
    if action == "award":
        return redirect(url_for("inkoop.award", procedure_id=procedure_id), 303)
    if action == "close_early":
        return redirect(url_for("inkoop.close_early", procedure_id=procedure_id), 303)
    steps = {"open": (procedures.open_procedure, _("De procedure is open voor inschrijvingen.")),
             "close": (procedures.close_procedure,
                       _("De inschrijving is gesloten; de labelstatus op de sluitingsdatum is vastgelegd."))}
    if action not in steps:
        abort(400)
    rule, message = steps[action]
    with attempt() as done:
        rule(procedure, by=current_user)
    if done:
        flash(message, "success")
    return redirect(url_for("inkoop.procedure", procedure_id=procedure_id))


@bp.route("/procedures/<int:procedure_id>/vervroegd-sluiten", methods=["GET", "POST"])
@requires(*BUYERS)
def close_early(procedure_id):
    """Close before the closing date, with a reason that goes into the audit log."""
    procedure = _load_procedure(procedure_id)
    form = CloseEarlyForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            procedures.close_early(procedure, by=current_user, reason=form.reason.data)
        if done:
            flash(_("De inschrijving is vervroegd gesloten; de labelstatus van vandaag is vastgelegd."), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id))
        procedure = _load_procedure(procedure_id)
    return render_template("inkoop/close_early.html", procedure=procedure, form=form, today=sources.today(),
                           allowed=procedures.allowed_actions(procedure, with_award=False)), \
        (400 if request.method == "POST" else 200)


@bp.route("/procedures/<int:procedure_id>/gunnen", methods=["GET", "POST"])
@requires(*BUYERS)
def award(procedure_id):
    """Awarding is irreversible: this page shows the winner, the ranking and what follows; its POST awards."""
    procedure = _load_procedure(procedure_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            bid = procedures.award_procedure(procedure, by=current_user)
        if done:
            flash(_("De procedure is gegund aan %(org)s; de toezeggingen worden gevolgd.", org=bid.organisation.name),
                  "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id))
        procedure = _load_procedure(procedure_id)
    ranked, problem = evaluation.try_results(procedure) if procedure.status == "beoordeling" else (None, None)
    allowed = procedures.allowed_actions(procedure, ranked=ranked)
    winner = next((r for r in ranked if r.rank == 1), None) if ranked and "award" in allowed else None
    bids = {b.id: b for b in procedure.bids}
    administrators = []
    if winner is not None:
        org = bids[winner.bid_id].organisation
        administrators = sorted(m.user.email for m in org.memberships if m.role == "beheerder" and m.user.active)
    return render_template("inkoop/award.html", procedure=procedure, form=form, ranked=ranked, problem=problem,
                           winner=winner, bids=bids, administrators=administrators, allowed=allowed,
                           today=sources.today()), (400 if request.method == "POST" else 200)


@bp.route("/procedures/<int:procedure_id>/intrekken", methods=["GET", "POST"])
@requires(*BUYERS)
def withdraw(procedure_id):
    procedure = _load_procedure(procedure_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            procedures.withdraw_procedure(procedure, by=current_user, reason=form.reason.data)
        except procedures.ProcedureError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("De procedure is ingetrokken."), "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id))
    return render_template("inkoop/withdraw.html", form=form, procedure=procedure)


@bp.route("/procedures/<int:procedure_id>/loting", methods=["POST"])
@requires(*BUYERS)
def record_lots(procedure_id):
    procedure = _load_procedure(procedure_id)
    lots = {}
    for bid in procedure.bids:
        raw = request.form.get(f"lot-{bid.id}", "").strip()
        if raw:
            if not raw.isdigit() or bounded_int(raw) is None:
                _refused(procedures.ProcedureError(_("Een volgnummer uit de loting is een heel getal.")))
                return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#rangorde")
            lots[bid.id] = bounded_int(raw)
    try:
        procedures.record_lots(procedure, lots, by=current_user, note=request.form.get("note", ""))
    except procedures.ProcedureError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("De uitkomst van de loting is vastgelegd."), "success")
    return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) + "#rangorde")


# ----------------------------------------------------------------------------- evaluation
@bp.route("/procedures/<int:procedure_id>/beoordelen", methods=["GET", "POST"])
@requires("inkoop", "gemeente")
def evaluate(procedure_id):
    procedure = _load_procedure(procedure_id)
    member = evaluation.panel_member(procedure, current_user)
    if member is None:
        abort(403)
    criteria = evaluation.quality_criteria(procedure)
    errors = []
    entries = None
    if request.method == "POST":
        entries = {(b.id, c.id): (request.form.get(f"score-{b.id}-{c.id}", ""),
                                  request.form.get(f"motivation-{b.id}-{c.id}", ""))
                   for b in evaluation.scored_bids(procedure) for c in criteria}
        submit = request.form.get("action") == "submit"
        try:
            evaluation.save_scores(procedure, current_user, entries, submit=submit)
        except procedures.ProcedureError as exc:
            db.session.rollback()
            errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Uw scores zijn ingediend en liggen vast.") if submit else _("Uw scores zijn opgeslagen."),
                  "success")
            return redirect(url_for("inkoop.procedure", procedure_id=procedure_id) if submit
                            else url_for("inkoop.evaluate", procedure_id=procedure_id))
        procedure = _load_procedure(procedure_id)
        member = evaluation.panel_member(procedure, current_user)
    own = evaluation.own_scores(procedure, current_user)
    values = {}
    for b in evaluation.scored_bids(procedure):
        for c in criteria:
            if entries is not None:
                values[(b.id, c.id)] = entries[(b.id, c.id)]
            elif (b.id, c.id) in own:
                s = own[(b.id, c.id)]
                values[(b.id, c.id)] = (format(s.score.normalize(), "f"), s.motivation)
            else:
                values[(b.id, c.id)] = ("", "")
    scale = [format(s.normalize(), "f") for s in procedure.scale]
    return render_template("inkoop/evaluate.html", procedure=procedure, member=member, criteria=criteria,
                           bids=evaluation.scored_bids(procedure),
                           values=values, scale=scale, errors=errors), 400 if errors else 200


@bp.route("/procedures/<int:procedure_id>/panelscores")
@requires(*BUYERS)
def panel_scores(procedure_id):
    procedure = _load_procedure(procedure_id)
    if not evaluation.can_see_panel_scores(procedure, current_user):
        # Blind evaluation: nobody reads the panel's scores before submitting their own.
        abort(403)
    data = evaluation.report_data(procedure)
    member = evaluation.panel_member(procedure, current_user)
    return render_template("inkoop/panel_scores.html", member=member, scale=[format(s.normalize(), "f")
                                                                            for s in procedure.scale],
                           all_submitted=evaluation.all_submitted(procedure), **data)


@bp.route("/procedures/<int:procedure_id>/consensus", methods=["POST"])
@requires("inkoop", "gemeente")
def consensus(procedure_id):
    procedure = _load_procedure(procedure_id)
    bid_id, criterion_id = bounded_id(request.form.get("bid_id", "")), bounded_id(request.form.get("criterion_id", ""))
    if bid_id is None or criterion_id is None:
        abort(400)
    try:
        evaluation.set_consensus(procedure, current_user, bid_id=bid_id, criterion_id=criterion_id,
                                 score=request.form.get("score", ""), motivation=request.form.get("motivation", ""))
    except procedures.ProcedureError as exc:
        _refused(exc)
    else:
        db.session.commit()
        flash(_("De consensusscore is vastgesteld."), "success")
    return redirect(url_for("inkoop.panel_scores", procedure_id=procedure_id) + f"#bid-{bid_id}")


@bp.route("/procedures/<int:procedure_id>/rapport")
@requires(*BUYERS)
def report(procedure_id):
    procedure = _load_procedure(procedure_id)
    if not evaluation.can_see_panel_scores(procedure, current_user):
        abort(403)
    return render_template("inkoop/report.html", today=sources.today(), **evaluation.report_data(procedure))


@bp.route("/procedures/<int:procedure_id>/rapport.xlsx")
@requires(*BUYERS)
def report_xlsx(procedure_id):
    procedure = _load_procedure(procedure_id)
    if not evaluation.can_see_panel_scores(procedure, current_user):
        abort(403)
    data = evaluation.report_xlsx(evaluation.report_data(procedure))
    filename = f"beoordelingsrapport-{procedure.id}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# ----------------------------------------------------------------------------- commitments
@bp.route("/toezeggingen")
@requires(*FOLLOW_UP)
def commitments():
    """Promised against realised, per organisation or per procedure (one paginated list at a time)."""
    per = "procedure" if request.args.get("per") == "procedure" else "organisatie"
    if per == "organisatie":
        page = paginate(select(Organisation).where(Organisation.id.in_(select(Commitment.organisation_id)))
                        .order_by(Organisation.name, Organisation.id))
        column = Commitment.organisation_id
    else:
        page = paginate(select(Procedure).where(Procedure.id.in_(select(Commitment.procedure_id)))
                        .order_by(Procedure.awarded_on.desc(), Procedure.id.desc()))
        column = Commitment.procedure_id
    ids = [item.id for item in page.items]
    rows = list(db.session.scalars(select(Commitment).where(column.in_(ids))
                                   .order_by(Commitment.procedure_id, Commitment.kind)).all()) if ids else []
    grouped = {}
    for p in commitment_rules.progress(rows):
        key = p.commitment.organisation_id if per == "organisatie" else p.commitment.procedure_id
        grouped.setdefault(key, []).append(p)
    return render_template("inkoop/commitments.html", page=page, grouped=grouped, per=per)


@bp.route("/toezeggingen/<int:org_id>", methods=["GET", "POST"])
@requires(*FOLLOW_UP)
def organisation_commitments(org_id):
    org = get_or_404(Organisation, org_id)
    own = commitment_rules.organisation_commitments(org.id)
    procedure_choices = {c.procedure_id: c.procedure.title for c in own}
    form = FollowUpForm()
    form.procedure_id.choices = [(0, _("Algemeen"))] + list(procedure_choices.items())
    status = 200
    if form.validate_on_submit():
        reported = {}
        for c in own:
            raw = request.form.get(f"reported-{c.id}", "").strip()
            if raw:
                if not raw.isdigit() or bounded_int(raw) is None:
                    form.form_errors.append(_("Een gerealiseerd aantal is een heel getal van 0 of meer."))
                    break
                reported[c.id] = bounded_int(raw)
        if not form.form_errors:
            try:
                commitment_rules.add_follow_up(org, by=current_user, held_on=form.held_on.data, note=form.note.data,
                                               procedure_id=form.procedure_id.data or None, reported=reported)
            except procedures.ProcedureError as exc:
                db.session.rollback()
                target = getattr(form, exc.field, None) if exc.field else None
                (target.errors if target is not None else form.form_errors).append(str(exc))
            else:
                db.session.commit()
                flash(_("Het gesprek is vastgelegd."), "success")
                return redirect(url_for("inkoop.organisation_commitments", org_id=org.id))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("inkoop/organisation_commitments.html", org=org,
                           progress=commitment_rules.progress(own), follow_ups=commitment_rules.follow_ups(org.id),
                           form=form, measured=commitment_rules.MEASURED), status
