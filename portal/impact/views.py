"""Impact pages: value tables and social value (staff, municipality), SROI obligations (buyers),
Wijk naar Werk (employers offer, staff fill) and agreements beyond procurement (wederkerigheid).

Every view calls one rule inside ``attempt``; organisations see only their own places and agreements.
"""
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, or_, select

from portal import clock
from portal.actions import attempt
from portal.database import paginate
from portal.extensions import db
from portal.impact import agreements as agreement_rules

# hooks and panels register template globals and panels when imported
from portal.impact import cache, hooks, panels, reference, sroi, tables, value, wijk  # noqa: F401
from portal.impact.forms import (
    AgreementForm,
    FillPlaceForm,
    GoalForm,
    MeetingForm,
    NewTableForm,
    RatesForm,
    SroiForm,
    ValueFilterForm,
    WijkPlaceForm,
)
from portal.impact.models import WIJK_AREAS, Agreement, SroiObligation, ValueTable, WijkPlace
from portal.partners.models import ImpactJob, Municipality, Organisation, Stageplek
from portal.permissions import get_or_404, get_org_object_or_404, org_member_required, org_scoped, requires

bp = Blueprint("impact", __name__, url_prefix="/impact")
hooks.register(bp)

STAFF = ("mbo_staff", "admin")
VIEWERS = ("mbo_staff", "gemeente", "admin")
BUYERS = ("inkoop", "gemeente", "admin")
AGREEMENT_EDITORS = ("mbo_staff", "gemeente", "admin")
# Inkoop reads the agreements next to the label check.
AGREEMENT_READERS = ("mbo_staff", "gemeente", "inkoop", "admin")


@bp.context_processor
def _labels():
    return {"euro": euro}


def euro(amount) -> str:
    return "" if amount is None else "€ " + format_decimal(amount, format="#,##0")


# ----------------------------------------------------------------------------- value tables
@bp.route("/waardetabellen", methods=["GET", "POST"])
@requires(*VIEWERS)
def value_tables():
    form = NewTableForm()
    can_edit = any(current_user.has_role(r) for r in STAFF)
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if form.validate_on_submit():
            with attempt(form) as done:
                table = tables.create_table(form.year.data, by=current_user, fulltime_hours=form.fulltime_hours.data)
            if done:
                flash(_("De waardetabel voor %(year)s is aangemaakt als concept.", year=table.year), "success")
                return redirect(url_for("impact.value_table", table_id=table.id))
    page = paginate(select(ValueTable).order_by(ValueTable.year.desc()), per_page=50)
    status = 400 if request.method == "POST" else 200
    return render_template("impact/value_tables.html", page=page, form=form, can_edit=can_edit), status


@bp.route("/waardetabellen/<int:table_id>", methods=["GET", "POST"])
@requires(*VIEWERS)
def value_table(table_id):
    table = get_or_404(ValueTable, table_id)
    can_edit = any(current_user.has_role(r) for r in STAFF) and not table.published
    if request.method == "POST":
        if not can_edit:
            abort(403)
        form = RatesForm()
    else:
        data = {f"rate_{r.kind}": r.amount for r in table.rates} | {"fulltime_hours": table.fulltime_hours}
        form = RatesForm(data=data)
    if request.method == "POST" and form.validate_on_submit():
        amounts = {kind: form[f"rate_{kind}"].data for kind in reference.CONTRIBUTION_KINDS}
        with attempt(form) as done:
            tables.set_rates(table, amounts, by=current_user, fulltime_hours=form.fulltime_hours.data)
        if done:
            flash(_("De bedragen zijn opgeslagen."), "success")
            return redirect(url_for("impact.value_table", table_id=table.id))
    status = 400 if request.method == "POST" else 200
    return render_template("impact/value_table.html", table=table, form=form, can_edit=can_edit), status


@bp.route("/waardetabellen/<int:table_id>/vaststellen", methods=["POST"])
@requires(*STAFF)
def publish_value_table(table_id):
    table = get_or_404(ValueTable, table_id)
    with attempt() as done:
        tables.publish_table(table, by=current_user)
    if done:
        flash(_("De waardetabel %(year)s is vastgesteld en verandert niet meer.", year=table.year), "success")
    return redirect(url_for("impact.value_table", table_id=table_id))


@bp.route("/waardetabellen/<int:table_id>/verwijderen", methods=["POST"])
@requires(*STAFF)
def delete_value_table(table_id):
    table = get_or_404(ValueTable, table_id)
    with attempt() as done:
        tables.delete_concept(table, by=current_user)
    if done:
        flash(_("Het concept is verwijderd."), "success")
        return redirect(url_for("impact.value_tables"))
    return redirect(url_for("impact.value_table", table_id=table_id))


# ----------------------------------------------------------------------------- realised social value
def _default_period() -> tuple[date, date]:
    today = clock.today()
    return date(today.year, 1, 1), today


@bp.route("/sociale-waarde")
@requires(*VIEWERS)
def social_value():
    municipalities = list(db.session.scalars(select(Municipality).order_by(Municipality.name)))
    form = ValueFilterForm(request.args, municipalities=municipalities)
    start, end = _default_period()
    municipality_id, sector = None, None
    status = 200
    if form.validate():
        start, end = form.van.data or start, form.tot.data or end
        municipality_id, sector = form.gemeente.data or None, form.sector.data or None
        if end < start:
            form.tot.errors.append(_("Het einde van de periode ligt vóór het begin."))
            start, end = _default_period()
            status = 400
    else:
        status = 400
    filters = {"municipality_id": municipality_id, "sector": sector}
    per_municipality = cache.social_value(start, end, group_by="municipality", **filters)
    per_sector = cache.social_value(start, end, group_by="sector", **filters)
    per_year = cache.social_value(start, end, group_by="year", **filters)
    total = cache.total_value(start, end, **filters)
    # Organisations that logged anything, a page at a time, with their value (one aggregate for the page).
    # Correlated EXISTS (an index lookup per organisation): "id IN (every job's organisation) OR ..." made
    # PostgreSQL scan the million jobs for each organisation at bench scale.
    logged = or_(exists().where(ImpactJob.organisation_id == Organisation.id),
                 exists().where(Stageplek.organisation_id == Organisation.id, Stageplek.places_filled > 0))
    stmt = select(Organisation).where(logged).order_by(Organisation.name, Organisation.id)
    if municipality_id:
        stmt = stmt.where(Organisation.municipality_id == municipality_id)
    if sector:
        stmt = stmt.where(Organisation.sector == sector)
    page = paginate(stmt)
    per_org = value.social_value(start, end, organisation_ids=[o.id for o in page.items]) if page.items else {}
    names = {m.id: m.name for m in municipalities}
    applied = tables.tables_for_years(range(start.year, end.year + 1))
    return render_template("impact/social_value.html", form=form, start=start, end=end, total=total,
                           per_municipality=per_municipality, per_sector=per_sector, per_year=per_year,
                           page=page, per_org=per_org, names=names, applied=applied,
                           sector_labels=dict(_sector_pairs())), status


def _sector_pairs():
    from portal.partners import reference as ref

    return [("", _("Geen sector"))] + list(ref.SECTORS)


# ----------------------------------------------------------------------------- SROI obligations (buyers)
@bp.route("/sroi")
@requires(*BUYERS)
def sroi_list():
    """Every SROI obligation, promised against realised; the ones behind first."""
    page = paginate(select(SroiObligation).order_by(SroiObligation.end_date, SroiObligation.id))
    rows = sroi.progress(page.items)
    return render_template("impact/sroi_list.html", page=page, rows=rows, state_labels=sroi.STATE_LABELS)


@bp.route("/sroi/procedure/<int:procedure_id>", methods=["GET", "POST"])
@requires(*BUYERS)
def sroi_procedure(procedure_id):
    from portal.inkoop.models import Procedure

    procedure = get_or_404(Procedure, procedure_id)
    obligation = db.session.scalar(select(SroiObligation).where(SroiObligation.procedure_id == procedure.id))
    if obligation is not None and request.method == "GET":
        form = SroiForm(obj=obligation)
    else:
        form = SroiForm(data=None if request.method == "POST" else {
            "share_pct": 5, "start_date": procedure.awarded_on})
    if request.method == "POST" and form.validate_on_submit():
        with attempt(form) as done:
            sroi.set_obligation(procedure, by=current_user, contract_value=form.contract_value.data,
                                share_pct=form.share_pct.data, start_date=form.start_date.data,
                                end_date=form.end_date.data)
        if done:
            flash(_("De SROI-verplichting is opgeslagen."), "success")
            return redirect(url_for("impact.sroi_procedure", procedure_id=procedure.id))
    status = 400 if request.method == "POST" else 200
    progress = sroi.progress([obligation])[0] if obligation is not None else None
    return render_template("impact/sroi_procedure.html", procedure=procedure, form=form, progress=progress,
                           state_labels=sroi.STATE_LABELS), status


# ----------------------------------------------------------------------------- Wijk naar Werk
@bp.route("/wijk-naar-werk", methods=["GET", "POST"])
@org_member_required
def org_wijk():
    """The organisation's places for Wijk naar Werk, and a form to offer more."""
    form = WijkPlaceForm()
    if request.method == "GET":
        form.period_start.data = clock.today()
    if request.method == "POST" and form.validate_on_submit():
        with attempt(form) as done:
            wijk.offer_place(g.org, by=current_user, kind=form.kind.data, area=form.area.data, field=form.field.data,
                             places=form.places.data, period_start=form.period_start.data,
                             period_end=form.period_end.data, join_pilot=form.join_pilot.data,
                             attends_kickoff=form.attends_kickoff.data, note=form.note.data)
        if done:
            flash(_("Dank u wel: uw plek voor Wijk naar Werk is aangeboden."), "success")
            return redirect(url_for("impact.org_wijk"))
    page = paginate(org_scoped(WijkPlace).order_by(WijkPlace.period_start.desc(), WijkPlace.id.desc()))
    filled = wijk.filled_counts(p.id for p in page.items)
    status = 400 if request.method == "POST" else 200
    return render_template("impact/org_wijk.html", form=form, page=page, filled=filled,
                           sector_labels=dict(_sector_pairs())), status


@bp.route("/wijk-naar-werk/<int:place_id>/intrekken", methods=["POST"])
@org_member_required
def withdraw_wijk_place(place_id):
    place = get_org_object_or_404(WijkPlace, place_id)
    with attempt() as done:
        wijk.withdraw_place(place, by=current_user)
    if done:
        flash(_("De plek is ingetrokken."), "success")
    return redirect(url_for("impact.org_wijk"))


@bp.route("/wijk-naar-werk/overzicht")
@requires(*VIEWERS)
def wijk_overview():
    """Places on offer per neighbourhood, the lasting places filled per year, and every offer (paginated)."""
    area = request.args.get("wijk", "")
    stmt = select(WijkPlace).order_by(WijkPlace.status, WijkPlace.period_start.desc(), WijkPlace.id.desc())
    if area in WIJK_AREAS:
        stmt = stmt.where(WijkPlace.area == area)
    else:
        area = ""
    page = paginate(stmt)
    filled = wijk.filled_counts(p.id for p in page.items)
    year = clock.today().year
    lasting = wijk.residents_to_lasting_place(year=year)
    municipalities = dict(db.session.execute(select(Municipality.id, Municipality.name)).all())
    return render_template("impact/wijk_overview.html", page=page, filled=filled, per_area=wijk.per_area(),
                           area=area, year=year, lasting=lasting, municipalities=municipalities,
                           lasting_total=sum(lasting.values()), target=reference.WIJK_YEARLY_TARGET,
                           sector_labels=dict(_sector_pairs()),
                           can_fill=any(current_user.has_role(r) for r in STAFF))


@bp.route("/wijk-naar-werk/<int:place_id>/vervullen", methods=["GET", "POST"])
@requires(*STAFF)
def fill_wijk_place(place_id):
    place = get_or_404(WijkPlace, place_id)
    form = FillPlaceForm()
    if request.method == "GET":
        form.filled_on.data = clock.today()
        form.lasting.data = place.kind == "baan"
    if request.method == "POST" and form.validate_on_submit():
        with attempt(form) as done:
            wijk.fill_place(place, by=current_user, route=form.route.data, filled_on=form.filled_on.data,
                            lasting=form.lasting.data)
        if done:
            flash(_("De vervulling is vastgelegd."), "success")
            return redirect(url_for("impact.wijk_overview", wijk=place.area))
    status = 400 if request.method == "POST" else 200
    return render_template("impact/wijk_fill.html", place=place, form=form,
                           filled=wijk.filled_counts([place.id]).get(place.id, 0),
                           sector_labels=dict(_sector_pairs())), status


# ----------------------------------------------------------------------------- agreements (wederkerigheid)
def _can_edit_agreements() -> bool:
    return any(current_user.has_role(r) for r in AGREEMENT_EDITORS)


@bp.route("/afspraken", methods=["GET", "POST"])
@requires(*AGREEMENT_READERS)
def agreements():
    form = AgreementForm()
    if request.method == "GET":
        form.start_date.data = clock.today()
    if request.method == "POST":
        if not _can_edit_agreements():
            abort(403)
        if form.validate_on_submit():
            with attempt(form) as done:
                agreement = agreement_rules.create_agreement(
                    by=current_user, kind=form.kind.data, title=form.title.data, area=form.area.data,
                    kvks=form.kvks.data.split(), start_date=form.start_date.data, end_date=form.end_date.data,
                    description=form.description.data)
            if done:
                flash(_("De afspraak is vastgelegd. Voeg nu toe wat beide kanten beloven."), "success")
                return redirect(url_for("impact.agreement", agreement_id=agreement.id))
    kind = request.args.get("soort", "")
    stmt = select(Agreement).order_by(Agreement.end_date.desc(), Agreement.id.desc())
    if kind in reference.AGREEMENT_KIND_LABELS:
        stmt = stmt.where(Agreement.kind == kind)
    page = paginate(stmt)
    progress = agreement_rules.progress(page.items)
    status = 400 if request.method == "POST" else 200
    return render_template("impact/agreements.html", page=page, progress=progress, form=form, kind=kind,
                           can_edit=_can_edit_agreements()), status


def _agreement_page(agreement, goal_form=None, meeting_form=None, status=200):
    goal_form = goal_form or GoalForm(formdata=None)
    meeting_form = meeting_form or MeetingForm(formdata=None)
    if meeting_form.held_on.data is None:
        meeting_form.held_on.data = clock.today()
    meeting_form.done_goals.choices = [(goal.id, goal.description[:80]) for goal in agreement.goals if not goal.done]
    return render_template("impact/agreement.html", agreement=agreement, goal_form=goal_form,
                           meeting_form=meeting_form, progress=agreement_rules.progress([agreement]),
                           can_edit=_can_edit_agreements()), status


@bp.route("/afspraken/<int:agreement_id>")
@requires(*AGREEMENT_READERS)
def agreement(agreement_id):
    return _agreement_page(get_or_404(Agreement, agreement_id))


@bp.route("/afspraken/<int:agreement_id>/doelen", methods=["POST"])
@requires(*AGREEMENT_EDITORS)
def add_agreement_goal(agreement_id):
    agreement = get_or_404(Agreement, agreement_id)
    form = GoalForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            agreement_rules.add_goal(agreement, by=current_user, side=form.side.data,
                                     description=form.description.data, measure=form.measure.data or "",
                                     target=form.target.data, due_date=form.due_date.data)
        if done:
            flash(_("De afspraak is toegevoegd."), "success")
            return redirect(url_for("impact.agreement", agreement_id=agreement.id))
    return _agreement_page(agreement, goal_form=form, status=400)


@bp.route("/afspraken/<int:agreement_id>/gesprekken", methods=["POST"])
@requires(*AGREEMENT_EDITORS)
def add_agreement_meeting(agreement_id):
    agreement = get_or_404(Agreement, agreement_id)
    form = MeetingForm()
    form.done_goals.choices = [(goal.id, goal.description[:80]) for goal in agreement.goals]
    if form.validate_on_submit():
        with attempt(form) as done:
            agreement_rules.add_meeting(agreement, by=current_user, held_on=form.held_on.data, note=form.note.data,
                                        done_goal_ids=form.done_goals.data or [])
        if done:
            flash(_("Het gesprek is vastgelegd."), "success")
            return redirect(url_for("impact.agreement", agreement_id=agreement.id))
    return _agreement_page(agreement, meeting_form=form, status=400)


@bp.route("/organisatie/afspraken")
@org_member_required
def org_agreements():
    """The organisation's own agreements with the municipality and how far each promise is."""
    page = paginate(agreement_rules.agreements_of(g.org.id))
    return render_template("impact/org_agreements.html", page=page,
                           progress=agreement_rules.progress(page.items))
