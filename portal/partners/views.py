"""Partner pages: the organisation's own side (/organisatie), the public stageplekken and St. MBO's side (/partners).

Views parse the input, call one rule from services.py or importing.py, commit, and render or redirect.
"""
import io

import pandas as pd
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import extract, or_, select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.actions import attempt
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.panels import render_panels
from portal.partners import forms, importing, services
from portal.partners import reference as ref
from portal.partners.models import (
    ImpactJob,
    ImpactJobTargetGroup,
    ImportBatch,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    PartnerStatusChange,
    Stageplek,
)
from portal.permissions import (
    STAFF_ROLES,
    get_or_404,
    get_org_object_or_404,
    login_required,
    org_member_required,
    public,
    requires,
)

bp = Blueprint("partners", __name__)


@bp.context_processor
def partner_labels():
    """Labels of the reference codes, for every template that shows partner data."""
    return {"ref": ref, "label_of": ref.label_of}


MAX_PAGE = 10000


def paginate(stmt, per_page=25):
    """portal.database.paginate with the page number clamped: a huge ?page= would overflow the OFFSET."""
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=100, error_out=False)


def _me():
    return current_user._get_current_object()


def _refuse(form, exc: services.PartnerError):
    """Roll back and show the refusal at its field, or on top of the form."""
    db.session.rollback()
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors"):
        if isinstance(target.errors, dict):  # a field that was never validated
            target.errors = []
        target.errors = list(target.errors) + [str(exc)]
    else:
        form.form_errors.append(str(exc))


# =========================================================================== registration
@bp.route("/organisatie/aanmelden", methods=["GET", "POST"])
@login_required
def start():
    """Register an organisation, or ask to join one that is registered already."""
    form = forms.OrganisationForm(prefix="org")
    join_form = forms.JoinRequestForm(prefix="join")
    if form.validate_on_submit():
        try:
            org = services.register_organisation(_me(), form.data_for_rules())
        except services.KvkTaken as exc:
            db.session.rollback()
            join_form = forms.JoinRequestForm(prefix="join", data={"kvk": exc.organisation.kvk})
            return render_template("partners/join.html", org=exc.organisation, form=join_form)
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            session["org_id"] = org.id
            flash(_("%(org)s is aangemeld. Vraag nu het partnerschap aan.", org=org.name), "success")
            return redirect(url_for("partners.apply"))
    status = 400 if form.errors else 200
    return render_template("partners/start.html", form=form, join_form=join_form), status


@bp.route("/organisatie/aansluiten", methods=["POST"])
@login_required
def request_join():
    form = forms.JoinRequestForm(prefix="join")
    org = None
    if form.validate_on_submit():
        org = services.find_organisation_by_kvk(form.kvk.data)
        if org is None:
            form.kvk.errors.append(_("Er is geen organisatie met dit KvK-nummer. Meld de organisatie zelf aan."))
        else:
            try:
                services.request_to_join(_me(), org, form.message.data)
            except services.PartnerError as exc:
                _refuse(form, exc)
            else:
                db.session.commit()
                if services.beheerders(org):
                    flash(_("Uw verzoek is verstuurd naar de beheerder van %(org)s. U krijgt bericht per e-mail.",
                            org=org.name), "success")
                else:
                    flash(_("%(org)s heeft nog geen beheerder in het portaal. St. MBO beoordeelt uw verzoek; u "
                            "krijgt bericht per e-mail.", org=org.name), "success")
                return redirect(url_for("main.home"))
    if org is not None:
        return render_template("partners/join.html", org=org, form=form), 400
    return render_template("partners/start.html", form=forms.OrganisationForm(prefix="org", formdata=None),
                           join_form=form), 400


# =========================================================================== the organisation's own pages
@bp.route("/organisatie")
@org_member_required
def org_home():
    org = g.org
    counts = services.organisation_counts([org.id])[org.id]
    totals = services.job_totals([org.id])
    places_open = db.session.scalar(
        select(db.func.coalesce(db.func.sum(Stageplek.places - Stageplek.places_filled), 0))
        .where(Stageplek.organisation_id == org.id)) or 0
    open_requests = 0
    if current_user_is_admin():
        open_requests = db.session.scalar(select(db.func.count(JoinRequest.id)).where(
            JoinRequest.organisation_id == org.id, JoinRequest.status == "open"))
    steps = services.next_steps(org, lambda endpoint: endpoint in _view_functions())
    return render_template("partners/org_home.html", org=org, counts=counts, totals=totals,
                           places_open=places_open, steps=steps, open_requests=open_requests,
                           panels=render_panels("org_home", org))


def _view_functions():
    return current_app.view_functions


def current_user_is_admin() -> bool:
    from portal.permissions import current_membership

    membership = current_membership()
    return membership is not None and membership.role == "beheerder"


@bp.route("/organisatie/gegevens", methods=["GET", "POST"])
@org_member_required(admin=True)
def edit_org():
    org = g.org
    form = forms.EditOrganisationForm(prefix="org", obj=org)
    if request.method == "GET":
        form.municipality_id.data = org.municipality_id
    if form.validate_on_submit():
        try:
            services.update_organisation(org, _me(), form.data_for_rules())
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("De gegevens zijn opgeslagen."), "success")
            return redirect(url_for("partners.org_home"))
    return render_template("partners/edit_org.html", org=org, form=form), 400 if form.errors else 200


@bp.route("/organisatie/partnerschap", methods=["GET", "POST"])
@org_member_required(admin=True)
def apply():
    org = g.org
    form = forms.ApplicationForm()
    if form.validate_on_submit():
        try:
            services.apply_for_partnership(org, _me(), form.motivation.data, form.accept_terms.data)
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("Uw aanvraag is verstuurd. St. MBO beoordeelt haar en u krijgt bericht per e-mail."), "success")
            return redirect(url_for("partners.org_home"))
    return render_template("partners/apply.html", org=org, form=form,
                           can_apply=org.partner_status in services.APPLY_FROM), 400 if form.errors else 200


# --------------------------------------------------------------------------- members
def _members_page(invite_form=None, status=200):
    org = g.org
    memberships = db.session.scalars(
        select(Membership).where(Membership.organisation_id == org.id)
        .options(selectinload(Membership.user)).order_by(Membership.role, Membership.id)).all()
    invitations = db.session.scalars(select(Invitation).where(
        Invitation.organisation_id == org.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at)).all()
    join_requests = db.session.scalars(select(JoinRequest).where(
        JoinRequest.organisation_id == org.id, JoinRequest.status == "open")
        .options(selectinload(JoinRequest.user)).order_by(JoinRequest.created_at)).all()
    return render_template("partners/members.html", org=org, memberships=memberships, invitations=invitations,
                           join_requests=join_requests, invite_form=invite_form or forms.InviteForm(),
                           is_admin=current_user_is_admin(), role_form=forms.RoleForm(),
                           decision_form=forms.DecisionForm()), status


@bp.route("/organisatie/leden")
@org_member_required
def members():
    return _members_page()


@bp.route("/organisatie/leden/uitnodigen", methods=["POST"])
@org_member_required(admin=True)
def invite():
    form = forms.InviteForm()
    if form.validate_on_submit():
        try:
            services.invite_member(g.org, _me(), form.email.data, form.role.data)
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("De uitnodiging is verstuurd naar %(email)s.", email=form.email.data.strip().lower()), "success")
            return redirect(url_for("partners.members"))
    return _members_page(form, 400)


@bp.route("/organisatie/leden/<int(max=2147483647):membership_id>/rol", methods=["POST"])
@org_member_required(admin=True)
def change_role(membership_id):
    membership = get_org_object_or_404(Membership, membership_id)
    form = forms.RoleForm()
    if not form.validate_on_submit():
        flash(_("Kies de rol beheerder of lid."), "error")
        return redirect(url_for("partners.members"))
    try:
        services.change_member_role(membership, _me(), form.role.data)
    except services.PartnerError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("De rol is gewijzigd."), "success")
    return redirect(url_for("partners.members"))


@bp.route("/organisatie/leden/<int(max=2147483647):membership_id>/verwijderen", methods=["POST"])
@org_member_required(admin=True)
def remove_member(membership_id):
    membership = get_org_object_or_404(Membership, membership_id)
    try:
        services.remove_member(membership, _me())
    except services.PartnerError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Het lid is verwijderd."), "success")
    return redirect(url_for("partners.members"))


@bp.route("/organisatie/verlaten", methods=["GET", "POST"])
@org_member_required
def leave():
    """Leaving cannot be undone by the member: a page says what will happen and a POST confirms it."""
    from portal.actions import attempt
    from portal.permissions import current_membership

    membership = current_membership()
    org = membership.organisation
    name = org.name
    status = 200
    if request.method == "POST":
        with attempt() as done:  # a refusal (the last beheerder) is flashed on the page below
            services.remove_member(membership, _me())
        if done:
            session.pop("org_id", None)
            g.pop("membership", None)
            flash(_("U bent geen lid meer van %(org)s.", org=name), "success")
            return redirect(url_for("main.home"))
        status = 400
    last_admin = membership.role == "beheerder" and not db.session.scalar(
        select(Membership.id).where(Membership.organisation_id == org.id, Membership.role == "beheerder",
                                    Membership.id != membership.id).limit(1))
    return render_template("partners/leave.html", org=org, membership=membership, last_admin=last_admin), status


@bp.route("/organisatie/uitnodigingen/<int(max=2147483647):invitation_id>/intrekken", methods=["POST"])
@org_member_required(admin=True)
def revoke_invitation(invitation_id):
    invitation = get_org_object_or_404(Invitation, invitation_id)
    try:
        services.revoke_invitation(invitation, _me())
    except services.PartnerError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("De uitnodiging is ingetrokken."), "success")
    return redirect(url_for("partners.members"))


@bp.route("/organisatie/verzoeken/<int(max=2147483647):request_id>", methods=["POST"])
@org_member_required(admin=True)
def decide_join(request_id):
    return _decide_join(get_org_object_or_404(JoinRequest, request_id), url_for("partners.members"))


def _decide_join(join: JoinRequest, back: str):
    """Accept or refuse a join request (the organisation's beheerder or St. MBO), then go back to ``back``."""
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        flash(_("Kies accepteren of weigeren."), "error")
        return redirect(back)
    try:
        services.decide_join_request(join, _me(), form.decision.data == "accept", form.reason.data or "")
    except services.PartnerError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Uw besluit is opgeslagen en per e-mail doorgegeven."), "success")
    return redirect(back)


@bp.route("/uitnodiging/<token>")
@public
def invitation(token):
    try:
        found = services.invitation_from_token(token)
    except services.PartnerError as exc:
        return render_template("partners/message.html", title=_("Uitnodiging werkt niet"), message=str(exc)), 400
    return render_template("partners/invitation.html", invitation=found, token=token)


@bp.route("/uitnodiging/<token>", methods=["POST"])
@login_required
def accept_invitation(token):
    try:
        membership = services.accept_invitation(token, _me())
    except services.PartnerError as exc:
        db.session.rollback()
        return render_template("partners/message.html", title=_("Uitnodiging werkt niet"), message=str(exc)), 400
    db.session.commit()
    session["org_id"] = membership.organisation_id
    g.pop("membership", None)
    flash(_("Welkom bij %(org)s.", org=membership.organisation.name), "success")
    return redirect(url_for("partners.org_home"))


# --------------------------------------------------------------------------- impact jobs
@bp.route("/organisatie/banen")
@org_member_required
def jobs():
    org = g.org
    form = forms.JobFilterForm(request.args)
    form.validate()
    stmt = select(ImpactJob).where(ImpactJob.organisation_id == org.id) \
        .order_by(ImpactJob.start_date.desc(), ImpactJob.id.desc())
    today = clock.today()
    status = form.status.data if form.status.data in ("lopend", "afgesloten", "duurzaam") else ""
    if status == "lopend":
        stmt = stmt.where(or_(ImpactJob.end_date.is_(None), ImpactJob.end_date >= today))
    elif status == "afgesloten":
        stmt = stmt.where(ImpactJob.end_date < today)
    elif status == "duurzaam":
        stmt = stmt.where(ImpactJob.durable.is_(True))
    if form.contract_type.data in ref.codes(ref.CONTRACT_TYPES):
        stmt = stmt.where(ImpactJob.contract_type == form.contract_type.data)
    if form.target_group.data in ref.codes(ref.TARGET_GROUPS):
        stmt = stmt.where(ImpactJob.id.in_(select(ImpactJobTargetGroup.impact_job_id)
                                           .where(ImpactJobTargetGroup.target_group == form.target_group.data)))
    if form.year.data and not form.year.errors:
        stmt = stmt.where(extract("year", ImpactJob.start_date) == form.year.data)
    page = paginate(stmt)
    return render_template("partners/jobs.html", org=org, page=page, form=form,
                           totals=services.job_totals([org.id]), today=today)


@bp.route("/organisatie/banen/nieuw", methods=["GET", "POST"])
@org_member_required
def job_new():
    form = forms.ImpactJobForm()
    if form.validate_on_submit():
        try:
            services.save_impact_job(g.org, _me(), form.data_for_rules())
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("De baan met impact is opgeslagen."), "success")
            return redirect(url_for("partners.jobs"))
    return render_template("partners/job_form.html", form=form, job=None), 400 if form.errors else 200


@bp.route("/organisatie/banen/<int(max=2147483647):job_id>", methods=["GET", "POST"])
@org_member_required
def job_edit(job_id):
    return _edit_job(g.org, get_org_object_or_404(ImpactJob, job_id), url_for("partners.jobs"),
                     _("De wijzigingen zijn opgeslagen."))


def _edit_job(org, job: ImpactJob, back: str, saved: str, staff: bool = False):
    """The impact job form of the organisation's members and of St. MBO (``staff``: no delete, a note)."""
    form = forms.ImpactJobForm(obj=job)
    if request.method == "GET":
        form.target_groups.data = job.target_groups
    if form.validate_on_submit():
        try:
            services.save_impact_job(org, _me(), form.data_for_rules(), job)
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(saved, "success")
            return redirect(back)
    return render_template("partners/job_form.html", form=form, job=job, back_url=back,
                           staff_org=org if staff else None), 400 if form.errors else 200


@bp.route("/organisatie/banen/<int(max=2147483647):job_id>/afsluiten", methods=["GET", "POST"])
@org_member_required
def job_close(job_id):
    job = get_org_object_or_404(ImpactJob, job_id)
    form = forms.CloseJobForm()
    if form.validate_on_submit():
        try:
            services.close_impact_job(job, _me(), form.end_date.data, form.end_reason.data)
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("De plaatsing is afgesloten."), "success")
            return redirect(url_for("partners.jobs"))
    return render_template("partners/job_close.html", form=form, job=job), 400 if form.errors else 200


@bp.route("/organisatie/banen/<int(max=2147483647):job_id>/verwijderen", methods=["POST"])
@org_member_required
def job_delete(job_id):
    job = get_org_object_or_404(ImpactJob, job_id)
    services.delete_impact_job(job, _me())
    db.session.commit()
    flash(_("De plaatsing is verwijderd."), "success")
    return redirect(url_for("partners.jobs"))


# --------------------------------------------------------------------------- stageplekken
@bp.route("/organisatie/stageplekken")
@org_member_required
def stageplekken():
    org = g.org
    page = paginate(select(Stageplek).where(Stageplek.organisation_id == org.id)
                    .order_by(Stageplek.published.desc(), Stageplek.id.desc()))
    return render_template("partners/stageplekken.html", org=org, page=page)


@bp.route("/organisatie/stageplekken/nieuw", methods=["GET", "POST"])
@org_member_required
def stageplek_new():
    form = forms.StageplekForm()
    if form.validate_on_submit():
        try:
            services.save_stageplek(g.org, _me(), form.data_for_rules())
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("De stageplek is opgeslagen."), "success")
            return redirect(url_for("partners.stageplekken"))
    return render_template("partners/stageplek_form.html", form=form, plek=None), 400 if form.errors else 200


@bp.route("/organisatie/stageplekken/<int(max=2147483647):plek_id>", methods=["GET", "POST"])
@org_member_required
def stageplek_edit(plek_id):
    plek = get_org_object_or_404(Stageplek, plek_id)
    form = forms.StageplekForm(obj=plek)
    if form.validate_on_submit():
        try:
            services.save_stageplek(g.org, _me(), form.data_for_rules(), plek)
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("De wijzigingen zijn opgeslagen."), "success")
            return redirect(url_for("partners.stageplekken"))
    return render_template("partners/stageplek_form.html", form=form, plek=plek), 400 if form.errors else 200


@bp.route("/organisatie/stageplekken/<int(max=2147483647):plek_id>/publiceren", methods=["POST"])
@org_member_required
def stageplek_publish(plek_id):
    plek = get_org_object_or_404(Stageplek, plek_id)
    publish = request.form.get("published") == "1"
    services.set_stageplek_published(plek, _me(), publish)
    db.session.commit()
    flash(_("De stageplek is openbaar.") if publish else _("De stageplek is niet meer openbaar."), "success")
    return redirect(url_for("partners.stageplekken"))


@bp.route("/organisatie/stageplekken/<int(max=2147483647):plek_id>/verwijderen", methods=["POST"])
@org_member_required
def stageplek_delete(plek_id):
    plek = get_org_object_or_404(Stageplek, plek_id)
    services.delete_stageplek(plek, _me())
    db.session.commit()
    flash(_("De stageplek is verwijderd."), "success")
    return redirect(url_for("partners.stageplekken"))


@bp.route("/stageplekken")
@public
def public_stageplekken():
    form = forms.PublicStageFilterForm(request.args)
    level = form.niveau.data if form.niveau.data in ref.codes(ref.EDUCATION_LEVELS) else ""
    field = form.vakgebied.data if form.vakgebied.data in ref.codes(ref.SECTORS) else ""
    stmt = services.public_stageplekken_query(level, field, form.gemeente.data).options(
        selectinload(Stageplek.organisation).selectinload(Organisation.municipality))
    return render_template("partners/public_stageplekken.html", form=form, page=paginate(stmt, per_page=20))


# =========================================================================== St. MBO staff
def _partner_filter_form():
    return forms.PartnerFilterForm(request.args, label_choices=services.label_status_choices())


@bp.route("/partners")
@requires(*STAFF_ROLES)
def staff_list():
    form = _partner_filter_form()
    filters = form.filters()
    # No eager load of the municipalities: the filter form holds them all, so org.municipality is found in the
    # session without a query.
    page = paginate(services.staff_partner_query(**filters))
    ids = [org.id for org in page.items]
    return render_template("partners/staff_list.html", form=form, page=page,
                           counts=services.organisation_counts(ids), labels=services.label_statuses(ids),
                           has_label=bool(services.label_status_choices()))


def _safe_cell(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.route("/partners/export.<fmt>")
@requires(*STAFF_ROLES)
def staff_export(fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    form = _partner_filter_form()
    orgs = db.session.scalars(services.staff_partner_query(**form.filters())
                              .options(selectinload(Organisation.municipality))).all()
    ids = [o.id for o in orgs]
    counts = services.organisation_counts(ids)
    labels = services.label_statuses(ids)
    records = [{
        "naam": o.name, "kvk": o.kvk, "straat": o.street, "postcode": o.postcode, "plaats": o.city,
        "gemeente": o.municipality.name if o.municipality else "",
        "sector": str(ref.label_of(ref.SECTORS, o.sector)), "grootte": o.size_class,
        "website": o.website, "contactpersoon": o.contact_name, "telefoon": o.contact_phone,
        "email": o.contact_email, "status": o.partner_status,
        "partner_sinds": o.partner_since.isoformat() if o.partner_since else "",
        "labelstatus": str(labels.get(o.id, "")), "leden": counts[o.id]["members"],
        "banen_met_impact": counts[o.id]["jobs"], "duurzaam": counts[o.id]["durable"],
        "stageplekken": counts[o.id]["places"],
    } for o in orgs]
    columns = ["naam", "kvk", "straat", "postcode", "plaats", "gemeente", "sector", "grootte", "website",
               "contactpersoon", "telefoon", "email", "status", "partner_sinds", "labelstatus", "leden",
               "banen_met_impact", "duurzaam", "stageplekken"]
    frame = pd.DataFrame.from_records(records, columns=columns).map(_safe_cell)
    stamp = clock.today().isoformat()
    if fmt == "csv":
        data = frame.to_csv(index=False, sep=";").encode("utf-8-sig")
        mimetype = "text/csv; charset=utf-8"
    else:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name="Partners")
        data = buffer.getvalue()
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="partners-{stamp}.{fmt}"'})


@bp.route("/partners/aanvragen")
@requires(*STAFF_ROLES)
def applications():
    stmt = select(Organisation).where(Organisation.partner_status == "aanvraag") \
        .options(selectinload(Organisation.municipality)) \
        .order_by(Organisation.applied_at.is_(None), Organisation.applied_at, Organisation.id)
    # Join requests for organisations that nobody manages yet (imported partners) wait for St. MBO.
    has_admin = select(Membership.id).where(Membership.organisation_id == JoinRequest.organisation_id,
                                            Membership.role == "beheerder").exists()
    unclaimed = db.session.scalars(
        select(JoinRequest).where(JoinRequest.status == "open", ~has_admin)
        .options(selectinload(JoinRequest.user), selectinload(JoinRequest.organisation))
        .order_by(JoinRequest.created_at).limit(100)).all()
    return render_template("partners/applications.html", page=paginate(stmt), today=clock.today(),
                           form=forms.StatusChangeForm(), unclaimed=unclaimed)


@bp.route("/partners/verzoeken/<int(max=2147483647):request_id>", methods=["POST"])
@requires(*STAFF_ROLES)
def staff_decide_join(request_id):
    join = get_or_404(JoinRequest, request_id)
    return _decide_join(join, url_for("partners.partner_detail", org_id=join.organisation_id))


@bp.route("/partners/<int(max=2147483647):org_id>/gegevens", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def staff_edit(org_id):
    org = get_or_404(Organisation, org_id)
    form = forms.OrganisationForm(prefix="org", obj=org)
    if form.validate_on_submit():
        try:
            services.update_organisation(org, _me(), form.data_for_rules(), allow_kvk=True)
        except services.PartnerError as exc:
            _refuse(form, exc)
        else:
            db.session.commit()
            flash(_("De gegevens zijn opgeslagen."), "success")
            return redirect(url_for("partners.partner_detail", org_id=org.id))
    return render_template("partners/edit_org.html", org=org, form=form, staff=True), 400 if form.errors else 200


def _detail(org, status_form=None, status=200):
    memberships = db.session.scalars(select(Membership).where(Membership.organisation_id == org.id)
                                     .options(selectinload(Membership.user)).order_by(Membership.id)).all()
    history = db.session.scalars(select(PartnerStatusChange).where(PartnerStatusChange.organisation_id == org.id)
                                 .options(selectinload(PartnerStatusChange.changed_by))
                                 .order_by(PartnerStatusChange.valid_from.desc(),
                                           PartnerStatusChange.id.desc())).all()
    jobs_list = db.session.scalars(select(ImpactJob).where(ImpactJob.organisation_id == org.id)
                                   .order_by(ImpactJob.start_date.desc()).limit(25)).all()
    plekken = db.session.scalars(select(Stageplek).where(Stageplek.organisation_id == org.id)
                                 .order_by(Stageplek.id.desc())).all()
    join_requests = db.session.scalars(select(JoinRequest).where(
        JoinRequest.organisation_id == org.id, JoinRequest.status == "open")
        .options(selectinload(JoinRequest.user)).order_by(JoinRequest.created_at)).all()
    log = db.session.scalars(select(AuditEntry).where(AuditEntry.organisation_id == org.id)
                             .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(20)).all()
    allowed = services.allowed_actions(org)
    status_form = status_form or forms.StatusChangeForm()
    status_form.action.choices = [c for c in status_form.action.choices if c[0] in allowed]
    return render_template("partners/partner_detail.html", org=org, memberships=memberships, history=history,
                           jobs=jobs_list, plekken=plekken, totals=services.job_totals([org.id]),
                           join_requests=join_requests, log=log,
                           status_form=status_form, allowed=allowed,
                           label=services.label_statuses([org.id]).get(org.id),
                           panels=render_panels("partner_detail", org)), status


@bp.route("/partners/<int(max=2147483647):org_id>")
@requires(*STAFF_ROLES)
def partner_detail(org_id):
    return _detail(get_or_404(Organisation, org_id))


@bp.route("/partners/<int(max=2147483647):org_id>/banen/<int(max=2147483647):job_id>", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def staff_job_edit(org_id, job_id):
    """St. MBO corrects an impact job of an organisation (a wrong contract type, a missing end date)."""
    org = get_or_404(Organisation, org_id)
    job = db.session.scalar(select(ImpactJob).where(ImpactJob.id == job_id, ImpactJob.organisation_id == org.id))
    if job is None:
        abort(404)
    return _edit_job(org, job, url_for("partners.partner_detail", org_id=org.id) + "#banen",
                     _("De wijzigingen in de baan van %(org)s zijn opgeslagen.", org=org.name), staff=True)


@bp.route("/partners/<int(max=2147483647):org_id>/goedkeuren", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def approve(org_id):
    """Approving an application is irreversible: this page says what happens, the POST on it does it."""
    org = get_or_404(Organisation, org_id)
    form = forms.ConfirmForm()
    status = 200
    if request.method == "GET" and "approve" not in services.allowed_actions(org):
        flash(_("De aanvraag van %(org)s is al afgehandeld (status ‘%(status)s’).", org=org.name,
                status=ref.label_of(ref.PARTNER_STATUSES, org.partner_status)), "error")
        return redirect(url_for("partners.partner_detail", org_id=org.id))
    if form.validate_on_submit():
        with attempt(form) as done:
            services.change_partnership(org, "approve", _me())
        if done:
            flash(_("%(org)s is nu partner. De organisatie is per e-mail ingelicht.", org=org.name), "success")
            return redirect(url_for("partners.applications"))
        db.session.refresh(org)
        status = 409
    elif request.method == "POST":
        status = 400
    members = db.session.scalars(select(Membership).where(Membership.organisation_id == org.id)
                                 .options(selectinload(Membership.user)).order_by(Membership.id)).all()
    return render_template("partners/approve.html", org=org, form=form, today=clock.today(), members=members,
                           allowed=services.allowed_actions(org)), status


@bp.route("/partners/<int(max=2147483647):org_id>/status", methods=["POST"])
@requires(*STAFF_ROLES)
def change_status(org_id):
    org = get_or_404(Organisation, org_id)
    form = forms.StatusChangeForm()
    if not form.validate_on_submit():
        return _detail(org, form, 400)
    if form.action.data == "approve":
        # Irreversible: approving goes through its confirmation page.
        return redirect(url_for("partners.approve", org_id=org.id), 303)
    with attempt(form) as done:
        services.change_partnership(org, form.action.data, _me(), form.reason.data or "")
    if done:
        flash(_("De status van %(org)s is nu ‘%(status)s’. De organisatie is per e-mail ingelicht.",
                org=org.name, status=ref.label_of(ref.PARTNER_STATUSES, org.partner_status)), "success")
        return redirect(url_for("partners.partner_detail", org_id=org.id))
    db.session.refresh(org)
    return _detail(org, form, 409 if done.refusal.field is None else 400)


# --------------------------------------------------------------------------- import
@bp.route("/partners/import", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def import_upload():
    form = forms.ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [_("Kies een CSV- of XLSX-bestand.")]
        else:
            try:
                batch = importing.upload_partner_list(upload.filename, upload.read(), _me())
            except services.PartnerError as exc:
                _refuse(form, exc)
            else:
                db.session.commit()
                return redirect(url_for("partners.import_preview", batch_id=batch.id))
    recent = db.session.scalars(select(ImportBatch).where(ImportBatch.kind == "partners")
                                .order_by(ImportBatch.id.desc()).limit(10)).all()
    return render_template("partners/import_upload.html", form=form, recent=recent), 400 if form.errors else 200


@bp.route("/partners/import/voorbeeld.csv")
@requires(*STAFF_ROLES)
def import_sample():
    return Response(importing.SAMPLE_CSV.encode("utf-8-sig"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="partners-voorbeeld.csv"'})


@bp.route("/partners/import/<int(max=2147483647):batch_id>", methods=["GET", "POST"])
@requires(*STAFF_ROLES)
def import_preview(batch_id):
    batch = get_or_404(ImportBatch, batch_id)
    if batch.kind != "partners":  # labels and path steps have their own pages (path_views.py)
        abort(404)
    form = forms.ImportForm(formdata=None)
    if request.method == "POST":
        form = forms.ImportForm()
        if form.validate_on_submit():
            try:
                if request.form.get("discard"):
                    importing.discard_import(batch, _me())
                else:
                    importing.commit_import(batch, _me())
            except services.PartnerError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
                db.session.refresh(batch)
                return render_template("partners/import_preview.html", batch=batch, form=form), 409
            db.session.commit()
            if batch.status == "discarded":
                flash(_("De import is verworpen. Er is niets gewijzigd."), "success")
                return redirect(url_for("partners.import_upload"))
            flash(_("Import klaar: %(created)s nieuw, %(updated)s bijgewerkt, %(skipped)s overgeslagen.",
                    created=batch.created_count, updated=batch.updated_count, skipped=batch.skipped_count),
                  "success")
            return redirect(url_for("partners.import_preview", batch_id=batch.id))
    return render_template("partners/import_preview.html", batch=batch, form=form)
