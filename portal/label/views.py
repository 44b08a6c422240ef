"""Label pages: the organisation's self-assessment, staff review and criteria, the public register and
verification page with QR code. URL rules of the whole area are in this one file."""
import io

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.actions import attempt
from portal.database import contains, paginate, utcnow
from portal.extensions import db
from portal.inputs import bounded_id
from portal.label import (
    assessments,
    awards,
    criteria,
    panels,  # noqa: F401 - registers the label panels
    plan,
    review,
)
from portal.label import evidence as files
from portal.label.errors import LabelError
from portal.label.forms import (
    VERDICT_LABELS,
    CommentForm,
    CriterionForm,
    DecisionForm,
    EvidenceForm,
    EvidenceStateForm,
    LabelStatusForm,
    PlanActionForm,
    RegisterFilterForm,
    SetForm,
    StartForm,
    ThemeForm,
    VerdictForm,
    VersionForm,
)
from portal.label.history import label_status_of, label_status_on, status_of, today, verification_path
from portal.label.models import (
    Assessment,
    CriteriaSet,
    EvidenceFile,
    ImprovementAction,
    Label,
    LabelCriterion,
    LabelTheme,
)
from portal.label.scoring import score_assessment
from portal.partners import reference as ref
from portal.partners.models import Municipality, Organisation
from portal.permissions import (
    STAFF_ROLES,
    get_or_404,
    get_org_object_or_404,
    org_member_required,
    public,
    requires,
)

bp = Blueprint("label", __name__, url_prefix="/label")
bp.add_app_template_global(criteria.shown, "shown")


def _version(form_value) -> int | None:
    try:
        return int(form_value)
    except (TypeError, ValueError):
        return None


def _refused(exc: LabelError):
    db.session.rollback()
    flash(str(exc), "error")


def _org_assessment(assessment_id: int) -> Assessment:
    get_org_object_or_404(Assessment, assessment_id)
    return assessments.load(assessment_id)


def _threads(assessment: Assessment) -> dict:
    threads = {}
    for comment in assessment.comments:
        threads.setdefault(comment.criterion_id, []).append(comment)
    return threads


# ----------------------------------------------------------------------------- organisation: self-assessment
@bp.route("/zelfscan")
@org_member_required
def assessment():
    org = g.org
    current = assessments.open_assessment(org.id)
    current = assessments.load(current.id) if current else None
    history = db.session.scalars(
        select(Assessment).where(Assessment.organisation_id == org.id,
                                 Assessment.status.in_(("goedgekeurd", "afgewezen")))
        .order_by(Assessment.id.desc()).limit(20)
    ).all()
    return render_template(
        "label/assessment_home.html", org=org, current=current,
        score=score_assessment(current) if current else None,
        answers=assessments.answers_by_criterion(current) if current else {},
        missing=assessments.missing_items(current) if current and current.is_editable else [],
        history=history, snapshot=label_status_of(org.id), label=awards.current_label(org.id),
        criteria_set=criteria.current_set(), start_form=StartForm(), submit_form=VersionForm(),
        status_labels=assessments.STATUS_LABELS, plan=plan.plan_of(org.id),
    )


@bp.route("/zelfscan/starten", methods=["POST"])
@org_member_required
def start():
    form = StartForm()
    if form.validate_on_submit():
        try:
            new = assessments.start_assessment(g.org, current_user)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Uw zelfscan is gestart. U kunt tussendoor opslaan en later verder."), "success")
            return redirect(url_for("label.assessment_detail", assessment_id=new.id))
    return redirect(url_for("label.assessment"))


@bp.route("/zelfscan/<int:assessment_id>")
@org_member_required
def assessment_detail(assessment_id):
    item = _org_assessment(assessment_id)
    return render_template("label/assessment_detail.html", item=item, score=score_assessment(item),
                           requested=assessments.requested_changes(item) if item.is_editable else [],
                           answers=assessments.answers_by_criterion(item), threads=_threads(item),
                           status_labels=assessments.STATUS_LABELS, submit_form=VersionForm(),
                           missing=assessments.missing_items(item) if item.is_editable else [],
                           label=db.session.scalar(select(Label).where(Label.assessment_id == item.id)),
                           plan=plan.plan_of(item.organisation_id), plan_form=PlanActionForm())


def _theme_of(item: Assessment, theme_id: int) -> LabelTheme:
    theme = next((t for t in item.criteria_set.themes if t.id == theme_id), None)
    if theme is None:
        abort(404)
    return theme


def _theme_page_post(theme_):
    """What the one form of a theme page carries: answers, chosen files, messages, a file to remove, the button."""
    values, uploads, comments = {}, [], {}
    for criterion in theme_.criteria:
        raw = request.form.get(f"option-{criterion.id}")
        values[criterion.id] = (_version(raw) if raw else None, request.form.get(f"explanation-{criterion.id}", ""))
        upload = request.files.get(f"file-{criterion.id}")
        if upload is not None and upload.filename:
            uploads.append((criterion.id, upload.filename, upload.read(files.max_bytes() + 1)))
        comments[criterion.id] = request.form.get(f"comment-{criterion.id}", "")
    remove = [_version(request.form.get("remove"))] if request.form.get("remove") else []
    return values, uploads, comments, [r for r in remove if r is not None]


@bp.route("/zelfscan/<int:assessment_id>/thema/<int:theme_id>", methods=["GET", "POST"])
@org_member_required
def theme(assessment_id, theme_id):
    """One theme of the self-assessment: one form for the answers, evidence files and messages, so that an
    upload or a message never drops answers typed but not yet saved."""
    item = _org_assessment(assessment_id)
    theme_ = _theme_of(item, theme_id)
    form = VersionForm()
    posted, refusal = None, None
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        values, uploads, comments, remove = _theme_page_post(theme_)
        posted = values
        with attempt(form) as done:
            assessments.save_theme(item, theme_, values, current_user, version=_version(form.version.data),
                                   uploads=uploads, comments=comments, remove=remove)
        if done:
            flash(_("Uw antwoorden zijn opgeslagen."), "success")
            if uploads:
                flash(_("Het bewijsstuk is toegevoegd."), "success")
            if remove:
                flash(_("Het bewijsstuk is verwijderd."), "success")
            if any(body.strip() for body in comments.values()):
                flash(_("Uw reactie is geplaatst."), "success")
            button = request.form.get("next", "0")
            themes = item.criteria_set.themes
            index = themes.index(theme_)
            if button == "1":
                if index + 1 < len(themes):
                    return redirect(url_for("label.theme", assessment_id=item.id, theme_id=themes[index + 1].id))
                return redirect(url_for("label.assessment_detail", assessment_id=item.id) + "#submit-title")
            target = url_for("label.theme", assessment_id=item.id, theme_id=theme_.id)
            if button.startswith("vraag-"):
                target += "#" + button
            return redirect(target)
        refusal = done.refusal
        item = assessments.load(assessment_id)
        theme_ = _theme_of(item, theme_id)
        status = 409 if getattr(refusal, "conflict", False) else 400
    elif request.method == "POST":
        status = 400
    field_errors = {refusal.field: str(refusal)} if refusal is not None and refusal.field else {}
    form.version.data = str(item.version)
    return render_template("label/assessment_theme.html", item=item, theme=theme_, form=form, posted=posted,
                           answers=assessments.answers_by_criterion(item), threads=_threads(item),
                           score=score_assessment(item), comment_form=CommentForm(), field_errors=field_errors,
                           comments_posted=request.form if status != 200 else {},
                           status_labels=assessments.STATUS_LABELS), status


def _criterion_of(item: Assessment, criterion_id: int) -> LabelCriterion:
    for theme_ in item.criteria_set.themes:
        for criterion in theme_.criteria:
            if criterion.id == criterion_id:
                return criterion
    abort(404)


@bp.route("/zelfscan/<int:assessment_id>/vraag/<int:criterion_id>/bewijs", methods=["POST"])
@org_member_required
def upload_evidence(assessment_id, criterion_id):
    item = _org_assessment(assessment_id)
    criterion = _criterion_of(item, criterion_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            assessments.add_evidence(item, criterion, upload.filename, upload.read(files.max_bytes() + 1),
                                     current_user)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Het bewijsstuk is toegevoegd."), "success")
    else:
        flash(" ".join(str(e) for e in form.file.errors) or _("Kies een bestand."), "error")
    return redirect(url_for("label.theme", assessment_id=item.id, theme_id=criterion.theme_id)
                    + f"#vraag-{criterion.id}")


@bp.route("/bewijs/<int:evidence_id>")
@org_member_required
def evidence_file(evidence_id):
    evidence = get_org_object_or_404(EvidenceFile, evidence_id)
    return _send_evidence(evidence)


@bp.route("/bewijs/<int:evidence_id>/verwijderen", methods=["POST"])
@org_member_required
def delete_evidence(evidence_id):
    evidence = get_org_object_or_404(EvidenceFile, evidence_id)
    answer = evidence.answer
    target = url_for("label.theme", assessment_id=answer.assessment_id, theme_id=answer.criterion.theme_id)
    if StartForm().validate_on_submit():
        try:
            assessments.delete_evidence(evidence, current_user)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Het bewijsstuk is verwijderd."), "success")
    return redirect(target)


def _send_evidence(evidence: EvidenceFile):
    try:
        handle = files.open_evidence(evidence)
    except LabelError:
        abort(404)
    response = send_file(handle, mimetype=evidence.content_type, as_attachment=True,
                         download_name=evidence.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/zelfscan/<int:assessment_id>/vraag/<int:criterion_id>/reactie", methods=["POST"])
@org_member_required
def org_comment(assessment_id, criterion_id):
    item = _org_assessment(assessment_id)
    criterion = _criterion_of(item, criterion_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            assessments.add_comment(item, criterion.id, form.body.data, current_user, from_staff=False)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Uw reactie is geplaatst."), "success")
    else:
        flash(_("Schrijf een bericht."), "error")
    return redirect(url_for("label.theme", assessment_id=item.id, theme_id=criterion.theme_id)
                    + f"#vraag-{criterion.id}")


@bp.route("/zelfscan/<int:assessment_id>/indienen", methods=["GET", "POST"])
@org_member_required
def submit(assessment_id):
    """Submitting is a step that cannot be undone: a page says what will happen and a POST confirms it."""
    item = _org_assessment(assessment_id)
    form = VersionForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            with attempt(form) as done:
                assessments.submit_assessment(item, current_user, version=_version(form.version.data))
            if done:
                flash(_("Uw zelfscan is ingediend. St. MBO beoordeelt hem; u krijgt bericht bij elke stap."),
                      "success")
                return redirect(url_for("label.assessment_detail", assessment_id=item.id))
            item = assessments.load(assessment_id)
            status = 409 if done.refusal.conflict else 400
    if not item.is_editable:
        return redirect(url_for("label.assessment_detail", assessment_id=item.id))
    form.version.data = str(item.version)
    return render_template("label/assessment_submit.html", item=item, form=form, score=score_assessment(item),
                           missing=assessments.missing_items(item)), status


def _add_plan_action(item, by_staff):
    form = PlanActionForm()
    if form.validate_on_submit():
        try:
            plan.add_action(item, current_user, form.description.data, form.due_on.data, by_staff=by_staff)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("De stap staat in het verbeterplan."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")


@bp.route("/zelfscan/<int:assessment_id>/plan", methods=["POST"])
@org_member_required
def org_plan_action(assessment_id):
    item = _org_assessment(assessment_id)
    _add_plan_action(item, by_staff=False)
    return redirect(url_for("label.assessment_detail", assessment_id=item.id) + "#plan")


@bp.route("/plan/<int:action_id>/gedaan", methods=["POST"])
@org_member_required
def plan_action_done(action_id):
    action = get_org_object_or_404(ImprovementAction, action_id)
    if StartForm().validate_on_submit():
        try:
            plan.complete_action(action, current_user)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Mooi: deze stap is afgerond."), "success")
    return redirect(url_for("label.assessment_detail", assessment_id=action.assessment_id) + "#plan")


# ----------------------------------------------------------------------------- staff: review
@bp.route("/beoordeling")
@requires(*STAFF_ROLES)
def review_queue():
    wanted = request.args.get("status")
    statuses = (wanted,) if wanted in ("ingediend", "in_behandeling", "wijzigingen_gevraagd") else \
        ("ingediend", "in_behandeling", "wijzigingen_gevraagd")
    page = paginate(review.waiting(statuses).options(selectinload(Assessment.organisation),
                                                     selectinload(Assessment.reviewer)))
    now = utcnow()
    return render_template("label/review_queue.html", page=page, wanted=wanted,
                           status_labels=assessments.STATUS_LABELS, waited_days=lambda moment: (now - moment).days)


def _staff_assessment(assessment_id: int) -> Assessment:
    item = assessments.load(assessment_id)
    if item is None:
        abort(404)
    return item


@bp.route("/beoordeling/<int:assessment_id>")
@requires(*STAFF_ROLES)
def review_detail(assessment_id):
    item = _staff_assessment(assessment_id)
    decision = DecisionForm()
    decision.version.data = str(item.version)
    return _render_review(item, decision)


def _render_review(item, decision, status=200):
    allowed = review.allowed_decisions(item)
    decision.decision.choices = [c for c in decision.decision.choices if c[0] in allowed]
    return render_template("label/review.html", item=item, score=score_assessment(item),
                           blockers=review.approval_blockers(item) if item.status == "in_behandeling" else [],
                           verdict_labels=VERDICT_LABELS,
                           answers=assessments.answers_by_criterion(item), threads=_threads(item),
                           decision=decision, take_form=VersionForm(), comment_form=CommentForm(),
                           state_form=EvidenceStateForm(), status_labels=assessments.STATUS_LABELS,
                           label=db.session.scalar(select(Label).where(Label.assessment_id == item.id)),
                           plan=plan.plan_of(item.organisation_id), plan_form=PlanActionForm()), status


@bp.route("/beoordeling/<int:assessment_id>/oppakken", methods=["POST"])
@requires(*STAFF_ROLES)
def take(assessment_id):
    item = _staff_assessment(assessment_id)
    if VersionForm().validate_on_submit():
        try:
            review.start_review(item, current_user)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("U beoordeelt deze zelfscan nu."), "success")
    return redirect(url_for("label.review_detail", assessment_id=assessment_id))


@bp.route("/beoordeling/<int:assessment_id>/besluit", methods=["POST"])
@requires(*STAFF_ROLES)
def decide(assessment_id):
    item = _staff_assessment(assessment_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_review(item, form, 400)
    version = _version(form.version.data)
    message = ""
    with attempt(form) as done:
        if form.decision.data == "goedkeuren":
            result = review.approve(item, current_user, form.reason.data, version=version,
                                    override=form.override.data or "")
            message = _("Goedgekeurd. Label %(number)s is toegekend.", number=result.certificate_number)
        elif form.decision.data == "afwijzen":
            review.reject(item, current_user, form.reason.data, version=version)
            message = _("De zelfscan is afgewezen; de organisatie krijgt de reden per e-mail.")
        else:
            review.request_changes(item, current_user, form.reason.data, version=version)
            message = _("De organisatie is gevraagd de zelfscan aan te vullen.")
    if done:
        flash(message, "success")
        return redirect(url_for("label.review_detail", assessment_id=assessment_id))
    item = _staff_assessment(assessment_id)
    form.version.data = str(item.version)
    return _render_review(item, form, 409 if done.refusal.conflict else 400)


@bp.route("/beoordeling/<int:assessment_id>/vraag/<int:criterion_id>/oordeel", methods=["POST"])
@requires(*STAFF_ROLES)
def verdict(assessment_id, criterion_id):
    """The reviewer's verdict on one question (voldoet, aanvullen, niet van toepassing)."""
    item = _staff_assessment(assessment_id)
    criterion = _criterion_of(item, criterion_id)
    form = VerdictForm()
    if form.validate_on_submit():
        with attempt() as done:
            review.set_verdict(item, criterion, form.verdict.data, current_user)
        if done:
            flash(_("Het oordeel over de vraag is opgeslagen."), "success")
    else:
        flash(_("Kies een oordeel."), "error")
    return redirect(url_for("label.review_detail", assessment_id=assessment_id) + f"#vraag-{criterion_id}")


@bp.route("/beoordeling/<int:assessment_id>/vraag/<int:criterion_id>/opmerking", methods=["POST"])
@requires(*STAFF_ROLES)
def staff_comment(assessment_id, criterion_id):
    item = _staff_assessment(assessment_id)
    form = CommentForm()
    criterion_ref = None if criterion_id == 0 else _criterion_of(item, criterion_id).id
    if form.validate_on_submit():
        try:
            assessments.add_comment(item, criterion_ref, form.body.data, current_user, from_staff=True)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Uw opmerking is geplaatst."), "success")
    else:
        flash(_("Schrijf een bericht."), "error")
    return redirect(url_for("label.review_detail", assessment_id=assessment_id) + f"#vraag-{criterion_id}")


@bp.route("/beoordeling/<int:assessment_id>/plan", methods=["POST"])
@requires(*STAFF_ROLES)
def staff_plan_action(assessment_id):
    item = _staff_assessment(assessment_id)
    _add_plan_action(item, by_staff=True)
    return redirect(url_for("label.review_detail", assessment_id=assessment_id) + "#plan")


@bp.route("/beoordeling/bewijs/<int:evidence_id>")
@requires(*STAFF_ROLES)
def staff_evidence_file(evidence_id):
    return _send_evidence(get_or_404(EvidenceFile, evidence_id))


@bp.route("/beoordeling/bewijs/<int:evidence_id>/status", methods=["POST"])
@requires(*STAFF_ROLES)
def evidence_state(evidence_id):
    evidence = get_or_404(EvidenceFile, evidence_id)
    answer = evidence.answer
    form = EvidenceStateForm()
    if form.validate_on_submit():
        try:
            review.set_evidence_state(evidence, form.state.data, current_user)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("De beoordeling van het bewijsstuk is opgeslagen."), "success")
    return redirect(url_for("label.review_detail", assessment_id=answer.assessment_id)
                    + f"#vraag-{answer.criterion_id}")


# ----------------------------------------------------------------------------- staff: labels
@bp.route("/labels")
@requires(*STAFF_ROLES)
def labels():
    stmt = select(Label).options(selectinload(Label.organisation)).order_by(Label.valid_until, Label.id)
    wanted = request.args.get("status")
    if wanted in ("geldig", "geschorst", "ingetrokken", "verlopen"):
        stmt = stmt.where(Label.status == wanted)
    return render_template("label/labels.html", page=paginate(stmt), wanted=wanted)


@bp.route("/labels/<int:label_id>", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def label_detail(label_id):
    label = get_or_404(Label, label_id)
    form = LabelStatusForm()
    allowed = awards.allowed_actions(label)
    status = 200
    if form.validate_on_submit():
        with attempt(form) as done:
            awards.change_label_status(label, form.action.data, current_user, form.reason.data)
        if done:
            flash(_("De status van het label is gewijzigd."), "success")
            return redirect(url_for("label.label_detail", label_id=label_id))
        label = get_or_404(Label, label_id)
        allowed = awards.allowed_actions(label)
        status = 400
    elif request.method == "POST":
        status = 400
    # The page offers only what the rules allow (the same function the action checks).
    form.action.choices = [c for c in form.action.choices if c[0] in allowed]
    return render_template("label/label_detail.html", label=label, form=form, allowed=allowed,
                           snapshot=label_status_of(label.organisation_id)), status


# ----------------------------------------------------------------------------- staff: criteria sets
@bp.route("/criteria")
@requires(*STAFF_ROLES)
def criteria_sets():
    counts = dict(db.session.execute(select(Assessment.criteria_set_id, func.count())
                                     .group_by(Assessment.criteria_set_id)).all())
    page = paginate(select(CriteriaSet).order_by(CriteriaSet.version.desc()))
    return render_template("label/criteria_sets.html", page=page, counts=counts, start_form=StartForm())


@bp.route("/criteria/nieuw", methods=["POST"])
@requires(*STAFF_ROLES)
def new_concept():
    if StartForm().validate_on_submit():
        try:
            new = criteria.create_concept(current_user)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Conceptversie %(v)s gemaakt. Pas hem aan en publiceer hem.", v=new.version), "success")
            return redirect(url_for("label.criteria_set", set_id=new.id))
    return redirect(url_for("label.criteria_sets"))


def _load_set(set_id) -> CriteriaSet:
    item = criteria.load_set(set_id)
    if item is None:
        abort(404)
    return item


@bp.route("/criteria/<int:set_id>", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def criteria_set(set_id):
    item = _load_set(set_id)
    form = SetForm(obj=item)
    status = 200
    if request.method == "POST":
        if item.is_concept and form.validate_on_submit():
            try:
                criteria.update_set(item, current_user, name=form.name.data, description=form.description.data or "",
                                    min_total_pct=form.min_total_pct.data, min_theme_pct=form.min_theme_pct.data)
            except LabelError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
                status = 400
            else:
                db.session.commit()
                flash(_("De instellingen zijn opgeslagen."), "success")
                return redirect(url_for("label.criteria_set", set_id=set_id))
        else:
            status = 400
            if not item.is_concept:
                form.form_errors.append(_("Een gepubliceerde of vervallen set verandert nooit."))
    return render_template("label/criteria_set.html", item=item, form=form, theme_form=ThemeForm(prefix="thema"),
                           publish_form=StartForm()), status


@bp.route("/criteria/<int:set_id>/publiceren", methods=["POST"])
@requires(*STAFF_ROLES)
def publish(set_id):
    item = _load_set(set_id)
    if StartForm().validate_on_submit():
        try:
            criteria.publish_set(item, current_user)
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Versie %(v)s is gepubliceerd. Nieuwe zelfscans gebruiken deze set.", v=item.version), "success")
    return redirect(url_for("label.criteria_set", set_id=set_id))


@bp.route("/criteria/<int:set_id>/thema", methods=["POST"])
@requires(*STAFF_ROLES)
def add_theme(set_id):
    item = _load_set(set_id)
    form = ThemeForm(prefix="thema")
    if form.validate_on_submit():
        try:
            criteria.add_theme(item, current_user, title=form.title.data, description=form.description.data or "",
                               weight=form.weight.data, min_pct=form.min_pct.data, title_en=form.title_en.data or "",
                               description_en=form.description_en.data or "")
        except LabelError as exc:
            _refused(exc)
        else:
            db.session.commit()
            flash(_("Het thema is toegevoegd."), "success")
            return redirect(url_for("label.criteria_set", set_id=set_id))
    return render_template("label/criteria_set.html", item=item, form=SetForm(obj=item), theme_form=form,
                           publish_form=StartForm()), 400


def _load_theme(theme_id) -> LabelTheme:
    return get_or_404(LabelTheme, theme_id)


@bp.route("/criteria/thema/<int:theme_id>", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def edit_theme(theme_id):
    theme_ = _load_theme(theme_id)
    form = ThemeForm(obj=theme_)
    if request.method == "POST" and form.validate_on_submit():
        try:
            if request.form.get("delete"):
                criteria.delete_theme(theme_, current_user)
            else:
                criteria.update_theme(theme_, current_user, title=form.title.data,
                                      description=form.description.data or "", weight=form.weight.data,
                                      min_pct=form.min_pct.data, title_en=form.title_en.data or "",
                                      description_en=form.description_en.data or "")
        except LabelError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Opgeslagen."), "success")
            return redirect(url_for("label.criteria_set", set_id=theme_.criteria_set_id))
    return render_template("label/theme_form.html", theme=theme_, form=form,
                           criterion_form=CriterionForm(prefix="vraag"))


@bp.route("/criteria/thema/<int:theme_id>/vraag", methods=["POST"])
@requires(*STAFF_ROLES)
def add_criterion(theme_id):
    theme_ = _load_theme(theme_id)
    form = CriterionForm(prefix="vraag")
    if form.validate_on_submit():
        try:
            criteria.add_criterion(theme_, current_user, question=form.question.data,
                                   help_text=form.help_text.data or "",
                                   evidence_required=form.evidence_required.data, options=form.options.data,
                                   question_en=form.question_en.data or "", help_text_en=form.help_text_en.data or "",
                                   options_en=form.options_en.data or "")
        except LabelError as exc:
            db.session.rollback()
            getattr(form, exc.field or "question").errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("De vraag is toegevoegd."), "success")
            return redirect(url_for("label.edit_theme", theme_id=theme_id))
    return render_template("label/theme_form.html", theme=theme_, form=ThemeForm(obj=theme_),
                           criterion_form=form), 400


@bp.route("/criteria/vraag/<int:criterion_id>", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def edit_criterion(criterion_id):
    criterion = get_or_404(LabelCriterion, criterion_id)
    form = CriterionForm(obj=criterion)
    if request.method == "GET":
        form.options.data = criteria.options_text(criterion)
        form.options_en.data = criteria.english_options_text(criterion)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                if request.form.get("delete"):
                    criteria.delete_criterion(criterion, current_user)
                else:
                    criteria.update_criterion(criterion, current_user, question=form.question.data,
                                              help_text=form.help_text.data or "",
                                              evidence_required=form.evidence_required.data,
                                              options=form.options.data, question_en=form.question_en.data or "",
                                              help_text_en=form.help_text_en.data or "",
                                              options_en=form.options_en.data or "")
            except LabelError as exc:
                db.session.rollback()
                getattr(form, exc.field or "question", form.question).errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Opgeslagen."), "success")
                return redirect(url_for("label.edit_theme", theme_id=criterion.theme_id))
    return render_template("label/criterion_form.html", criterion=criterion, form=form), status


# ----------------------------------------------------------------------------- public: register, verification
@bp.route("/register")
@public
def register():
    form = RegisterFilterForm(request.args)
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    form.gemeente.choices = [("", _("Alle gemeenten"))] + [(str(m.id), m.name) for m in municipalities]
    # The sector list is reference data: no scan of every organisation to build the filter.
    form.sector.choices = [("", _("Alle sectoren"))] + [(code, str(label)) for code, label in ref.SECTORS]
    holders = select(Label.organisation_id).where(Label.status == "geldig")
    stmt = (select(Organisation).options(selectinload(Organisation.municipality))
            .where(or_(Organisation.partner_status == "partner", Organisation.id.in_(holders)))
            .order_by(Organisation.name))
    if form.q.data:
        stmt = stmt.where(or_(contains(Organisation.name, form.q.data), contains(Organisation.city, form.q.data)))
    if bounded_id(form.gemeente.data) is not None:
        stmt = stmt.where(Organisation.municipality_id == bounded_id(form.gemeente.data))
    if form.sector.data:
        stmt = stmt.where(Organisation.sector == form.sector.data)
    if form.alleen_label.data:
        stmt = stmt.where(Organisation.id.in_(holders))
    # Which organisations fill a page (and the total) are kept a minute: counting and searching ~65,000 register
    # entries on every view costs far more than the page; what is shown of each is read now.
    page = paginate(stmt, cache_seconds=current_app.config["REGISTER_CACHE_SECONDS"])
    snapshots = label_status_on([o.id for o in page.items])
    return render_template("label/register.html", form=form, page=page, snapshots=snapshots,
                           sector_labels=dict(ref.SECTORS))


def _label_by_certificate(certificate_number: str) -> Label:
    label = db.session.scalar(select(Label).where(Label.certificate_number == certificate_number)
                              .options(selectinload(Label.organisation)))
    if label is None:
        abort(404)
    return label


def _verification_url(label: Label) -> str:
    return current_app.config["PORTAL_BASE_URL"] + verification_path(label.certificate_number)


@bp.route("/verificatie/<certificate_number>")
@public
def verify(certificate_number):
    label = _label_by_certificate(certificate_number)
    on = today()
    successor = db.session.scalar(
        select(Label.certificate_number).where(Label.organisation_id == label.organisation_id,
                                               Label.valid_from > label.valid_from).order_by(Label.valid_from))
    return render_template("label/verify.html", label=label, status=status_of(label, label.history, on),
                           successor=successor, url=_verification_url(label), today=on)


@bp.route("/verificatie/<certificate_number>/qr.svg")
@public
def verify_qr_svg(certificate_number):
    label = _label_by_certificate(certificate_number)
    buffer = io.BytesIO()
    segno.make(_verification_url(label), error="m").save(buffer, kind="svg", scale=6, border=2,
                                                         title=_("QR-code naar de verificatie van het label"))
    return _qr_response(buffer, "image/svg+xml", f"label-{label.certificate_number}.svg")


@bp.route("/verificatie/<certificate_number>/qr.png")
@public
def verify_qr_png(certificate_number):
    label = _label_by_certificate(certificate_number)
    buffer = io.BytesIO()
    segno.make(_verification_url(label), error="m").save(buffer, kind="png", scale=10, border=2)
    return _qr_response(buffer, "image/png", f"label-{label.certificate_number}.png")


def _qr_response(buffer, mimetype, name):
    buffer.seek(0)
    response = send_file(buffer, mimetype=mimetype, download_name=name,
                         as_attachment=request.args.get("download") == "1", max_age=86400)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
