"""St. MBO's side of the path to the label: recording intake and inspiratiesessie, who is at which stage on a
date (the list behind the dashboard's breakdown), and the imports of existing labels and path steps."""
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal import clock
from portal.actions import attempt
from portal.database import paginate
from portal.extensions import db
from portal.panels import panel
from portal.partners import path, programme_import
from portal.partners.forms import ImportForm, PartnerForm, municipality_choices, municipality_rows, to_int
from portal.partners.models import ImportBatch, Organisation
from portal.permissions import STAFF_ROLES, get_or_404, requires

bp = Blueprint("path", __name__)

# The URL word of each import kind, and its page texts.
KIND_SLUGS = {"labels": "labels", "trajectstappen": "path"}
SLUG_OF = {kind: slug for slug, kind in KIND_SLUGS.items()}
KIND_TITLES = {"labels": _l("Bestaande labels importeren"), "path": _l("Trajectstappen importeren")}


class PathStepForm(PartnerForm):
    step = SelectField(_l("Stap"), choices=[(code, label) for code, label in path.STEP_LABELS.items()],
                       validators=[InputRequired(_l("Kies een stap."))])
    held_on = DateField(_l("Datum"), validators=[InputRequired(_l("Vul de datum in."))])
    note = TextAreaField(_l("Notitie (optioneel)"),
                         validators=[Optional(), Length(max=path.NOTE_MAX,
                                                        message=_l("De notitie is te lang."))])


class StageFilterForm(PartnerForm):
    class Meta:
        csrf = False

    fase = SelectField(_l("Fase"), choices=[("", _l("Alle fasen"))] + list(path.STAGE_LABELS.items()),
                       validators=[Optional()])
    datum = DateField(_l("Peildatum"), validators=[Optional()])
    gemeente = SelectField(_l("Gemeente"), coerce=to_int, validators=[Optional()], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = municipality_rows()
        self.gemeente.choices = municipality_choices(_l("Alle gemeenten"), self.municipalities)


# --------------------------------------------------------------------------- the panel on the partner detail page
@panel("partner_detail", order=15, template="partners/_path_panel.html")
def path_panel(org):
    return {"org": org, "steps": path.steps_of(org.id), "stage": path.stage_of(org.id),
            "stage_labels": path.STAGE_LABELS, "step_labels": path.STEP_LABELS,
            "form": PathStepForm() if has_request_context() else None,
            "today": clock.today()}


@bp.route("/partners/<int(max=2147483647):org_id>/traject", methods=["POST"])
@requires(*STAFF_ROLES)
def record_step(org_id):
    org = get_or_404(Organisation, org_id)
    form = PathStepForm()
    back = url_for("partners.partner_detail", org_id=org.id) + "#traject"
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(back)
    with attempt() as done:
        path.record_path_step(org, form.step.data, form.held_on.data, current_user._get_current_object(),
                              form.note.data or "")
    if done:
        flash(_("%(step)s van %(org)s is vastgelegd.", step=path.STEP_LABELS[form.step.data], org=org.name),
              "success")
    return redirect(back)


# --------------------------------------------------------------------------- who is where on the path
@bp.route("/partners/traject")
@requires(*STAFF_ROLES)
def stages():
    form = StageFilterForm(request.args)
    form.validate()
    on = form.datum.data if form.datum.data and not form.datum.errors else clock.today()
    if on.year < 2000 or on.year > 2100:
        on = clock.today()
    stage = form.fase.data if form.fase.data in path.STAGE_CODES else None
    municipality_id = form.gemeente.data if form.gemeente.data in {m.id for m in form.municipalities} else None
    counts = path.stage_counts(on, municipality_id)
    stmt = path.stage_members(on, stage, municipality_id)
    page = paginate(stmt, per_page=50)
    # db.paginate yields the first column (the organisation); the stage and date of the page's rows in one query.
    ids = [org.id for org in page.items]
    details = {}
    if ids:
        sub = path.stages_on(on)
        details = {row.organisation_id: (path.code_of_rank(row.stage_rank), path._as_date(row.since))
                   for row in db.session.execute(select(sub).where(sub.c.organisation_id.in_(ids)))}
    return render_template("partners/path_stages.html", form=form, on=on, stage=stage, counts=counts, page=page,
                           details=details, stage_labels=path.STAGE_LABELS)


# --------------------------------------------------------------------------- imports of labels and path steps
def _kind(slug: str) -> str:
    kind = KIND_SLUGS.get(slug)
    if kind is None:
        abort(404)
    return kind


@bp.route("/partners/import/<slug>", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def import_upload(slug):
    kind = _kind(slug)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [_("Kies een CSV- of XLSX-bestand.")]
        else:
            with attempt(form) as done:
                batch = programme_import.upload(kind, upload.filename, upload.read(),
                                                current_user._get_current_object())
            if done:
                return redirect(url_for("path.import_preview", slug=slug, batch_id=batch.id))
    recent = db.session.scalars(select(ImportBatch).where(ImportBatch.kind == kind)
                                .order_by(ImportBatch.id.desc()).limit(10)).all()
    return render_template("partners/programme_import_upload.html", form=form, recent=recent, kind=kind,
                           slug=slug, title=KIND_TITLES[kind]), 400 if form.errors else 200


@bp.route("/partners/import/<slug>/voorbeeld.csv")
@requires(*STAFF_ROLES)
def import_sample(slug):
    kind = _kind(slug)
    return Response(programme_import.SAMPLES[kind].encode("utf-8-sig"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{slug}-voorbeeld.csv"'})


@bp.route("/partners/import/<slug>/<int(max=2147483647):batch_id>", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def import_preview(slug, batch_id):
    kind = _kind(slug)
    batch = get_or_404(ImportBatch, batch_id)
    if batch.kind != kind:
        abort(404)
    form = ImportForm(formdata=None)
    status = 200
    if request.method == "POST":
        form = ImportForm()
        if form.validate_on_submit():
            discard = bool(request.form.get("discard"))
            me = current_user._get_current_object()
            with attempt(form) as done:
                if discard:
                    programme_import.discard(batch, me)
                else:
                    programme_import.commit(batch, me)
            if done:
                if discard:
                    flash(_("De import is verworpen. Er is niets gewijzigd."), "success")
                    return redirect(url_for("path.import_upload", slug=slug))
                flash(_("Import klaar: %(created)s nieuw, %(updated)s bijgewerkt, %(skipped)s overgeslagen.",
                        created=batch.created_count, updated=batch.updated_count, skipped=batch.skipped_count),
                      "success")
                return redirect(url_for("path.import_preview", slug=slug, batch_id=batch.id))
            db.session.refresh(batch)
            status = 409
        else:
            status = 400
    return render_template("partners/programme_import_preview.html", batch=batch, form=form, kind=kind, slug=slug,
                           title=KIND_TITLES[kind], step_labels=path.STEP_LABELS), status
