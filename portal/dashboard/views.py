"""The dashboard (St. MBO and the municipality), the quarterly report and the targets page (St. MBO)."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.actions import attempt
from portal.dashboard import cache, charts, metrics, reports
from portal.dashboard.forms import FilterForm, ReportForm, TargetForm, default_period
from portal.dashboard.models import Target
from portal.dashboard.targets import FIELDS as TARGET_FIELDS
from portal.dashboard.targets import DashboardError, set_target
from portal.database import paginate
from portal.extensions import db, limiter
from portal.inputs import int_arg
from portal.label.history import today
from portal.partners.models import Municipality
from portal.partners.path import stage_counts
from portal.permissions import requires

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

VIEWERS = ("mbo_staff", "gemeente", "admin")
EDITORS = ("mbo_staff", "admin")


def _not_refreshing() -> bool:
    return request.args.get("ververs") != "1"


@bp.route("/")
@requires(*VIEWERS)
# Recomputing costs seconds at scale: "Nu verversen" is limited per visitor; viewing the kept numbers is not.
@limiter.limit(lambda: current_app.config.get("RATELIMIT_DASHBOARD_REFRESH", "6 per minute"),
               exempt_when=_not_refreshing)
def index():
    municipalities = metrics.municipalities()
    form = FilterForm(request.args, municipalities=municipalities)
    start, end = default_period(today())
    municipality_id, sector = None, None
    if form.validate():
        start, end = form.van.data or start, form.tot.data or end
        municipality_id, sector = form.gemeente.data, form.sector.data or None
    filters = metrics.Filters(start=start, end=end, municipality_id=municipality_id, sector=sector)
    points = metrics.quarter_points(start, end)
    # The numbers of the last few minutes (cache.py); ?ververs=1 ("Nu verversen") computes them again.
    snapshot = cache.get_snapshot(filters, reports.snapshot_dates(filters, points),
                                  refresh=request.args.get("ververs") == "1")
    subjects = reports.build_subjects(filters, points, municipalities, snapshot=snapshot)
    chart_svgs = {table.key: charts.chart_for(table) for subject in subjects for table in subject.tables}
    report_form = ReportForm(data={"jaar": end.year, "kwartaal": metrics.quarter_of(end),
                                   "gemeente": municipality_id, "versie": "extern"},
                             municipalities=municipalities)
    # Both forms have a "gemeente": the report form's controls get ids of their own on this page.
    for form_field in report_form:
        form_field.id = form_field.label.field_id = f"rapport-{form_field.name}"
    refresh_args = {k: v for k, v in request.args.items() if k != "ververs"} | {"ververs": "1"}
    # Where the partners working on the label are on the path (portal.partners.path); one query, always live.
    path_counts = stage_counts(filters.reference_date, municipality_id, sector)
    return render_template("dashboard/index.html", form=form, filters=filters, subjects=subjects,
                           path_counts=path_counts,
                           charts=chart_svgs, report_form=report_form, computed_at=snapshot.computed_at,
                           cache_seconds=cache.max_age(), refresh_url=url_for("dashboard.index", **refresh_args),
                           can_edit_targets=any(current_user.has_role(r) for r in EDITORS))


def _report_request():
    """(form, report, municipality) from the query string; report is None until the choice is complete."""
    municipalities = metrics.municipalities()
    form = ReportForm(request.args, municipalities=municipalities)
    if not request.args or not form.validate():
        return form, None, None
    municipality = next(m for m in municipalities if m.id == form.gemeente.data)
    report = reports.build_quarterly_report(form.jaar.data, form.kwartaal.data, municipality,
                                            external=form.versie.data == "extern")
    return form, report, municipality


@bp.route("/kwartaalrapportage")
@requires(*VIEWERS)
def report():
    form, report, _municipality = _report_request()
    if report is None:
        status = 400 if request.args else 200
        return render_template("dashboard/report_choice.html", form=form), status
    return render_template("dashboard/report.html", report=report, form=form,
                           xlsx_url=url_for("dashboard.report_xlsx", **request.args.to_dict()))


@bp.route("/kwartaalrapportage.xlsx")
@requires(*VIEWERS)
def report_xlsx():
    form, report, municipality = _report_request()
    if report is None:
        return redirect(url_for("dashboard.report", **request.args.to_dict()))
    filename = reports.report_filename(form.jaar.data, form.kwartaal.data, municipality, external=report.external)
    return Response(reports.to_xlsx(report),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


@bp.route("/doelen", methods=["GET", "POST"])
@requires(*EDITORS)
def targets():
    municipalities = metrics.municipalities()
    if request.method == "POST":
        form = TargetForm(municipalities=municipalities)
    else:
        # ?gemeente=&jaar= fills the form with that target, for changing it.
        prefill = {"jaar": today().year}
        wanted = {k: int_arg(k) for k in ("gemeente", "jaar")}
        if wanted["gemeente"] and wanted["jaar"]:
            existing = db.session.scalar(select(Target).where(Target.municipality_id == wanted["gemeente"],
                                                              Target.year == wanted["jaar"]))
            prefill = {"gemeente": wanted["gemeente"], "jaar": wanted["jaar"]}
            if existing is not None:
                prefill.update({name: getattr(existing, name) for name in TARGET_FIELDS})
        form = TargetForm(data=prefill, municipalities=municipalities)
    if form.validate_on_submit():
        municipality = next(m for m in municipalities if m.id == form.gemeente.data)
        with attempt(form) as done:
            try:
                set_target(municipality, form.jaar.data, by=current_user,
                           **{name: getattr(form, name).data for name in TARGET_FIELDS})
            except DashboardError as exc:
                exc.field = {"year": "jaar"}.get(exc.field, exc.field)  # the form calls the year "jaar"
                raise
        if done:
            flash(_("Het doel voor %(municipality)s in %(year)s is opgeslagen.", municipality=municipality.name,
                    year=form.jaar.data), "success")
            return redirect(url_for("dashboard.targets"))
    page = paginate(select(Target).join(Municipality, Municipality.id == Target.municipality_id)
                    .order_by(Target.year.desc(), Municipality.name), per_page=50)
    status = 400 if request.method == "POST" else 200
    return render_template("dashboard/targets.html", form=form, page=page), status
