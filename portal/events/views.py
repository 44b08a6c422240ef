"""Event pages: the public calendar and event pages, registration links, and the staff side
(manage, programme, questions, invitations, attendees, exports and check-in).

URL map
  /evenementen/                                   calendar (public)
  /evenementen/agenda.ics                         ICS feed of public events
  /evenementen/<id>                               event page with programme and registration
  /evenementen/<id>/agenda.ics                    one event as a calendar file
  /evenementen/<id>/aanmelden          POST       one-click registration of an organisation member
  /evenementen/<id>/inschrijven                   public registration form
  /evenementen/inschrijving/<token>               my registration (from the mail)
  /evenementen/inschrijving/<token>/bevestigen    confirm a public registration
  /evenementen/inschrijving/<token>/afmelden POST cancel
  /evenementen/inchecken/<token>                  staff: check-in of one attendee (QR code)
  /evenementen/beheer/...                         staff
"""
import csv
import io
import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.database import contains, paginate, utcnow
from portal.events import forms, services
from portal.events import panels as _panels  # noqa: F401 - registers the panels
from portal.events.models import Event, Invitation, ProgrammeSlot, Registration, RegistrationQuestion
from portal.extensions import db, limiter
from portal.partners.forms import municipality_rows
from portal.permissions import current_membership, get_or_404, org_member_required, public, requires
from portal.redirects import redirect_next

bp = Blueprint("events", __name__, url_prefix="/evenementen")

STAFF = ("mbo_staff", "admin")
KIND_NAMES = dict(forms.KIND_LABELS)
AUDIENCE_NAMES = dict(forms.AUDIENCE_LABELS)


@bp.app_template_filter("event_kind")
def _kind_name(kind):
    return KIND_NAMES.get(kind, kind)


@bp.app_template_filter("event_audience")
def _audience_name(audience):
    return AUDIENCE_NAMES.get(audience, audience)


@bp.app_template_filter("event_markdown")
def _markdown(text):
    return services.render_description(text)


def _is_staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff


def _visible_event_or_404(event_id: int) -> Event:
    event = db.session.scalar(
        select(Event).where(Event.id == event_id).options(selectinload(Event.slots), selectinload(Event.questions))
    )
    if event is None or (event.status == "draft" and not _is_staff()):
        abort(404)
    return event


def _staff_event(event_id: int) -> Event:
    return get_or_404(Event, event_id)


def _error_to_form(form, exc):
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors"):
        if isinstance(target.errors, tuple):
            target.errors = list(target.errors)
        target.errors.append(str(exc))
    else:
        form.form_errors.append(str(exc))


# --------------------------------------------------------------------------- public side
@bp.route("/")
@public
def calendar():
    now = utcnow()
    visible = Event.status.in_(("published", "cancelled"))
    upcoming = db.session.scalars(
        select(Event).where(visible, Event.end_at > now).order_by(Event.start_at).limit(100)
    ).all()
    past = paginate(select(Event).where(visible, Event.end_at <= now).order_by(Event.start_at.desc()), per_page=10)
    return render_template("events/calendar.html", upcoming=upcoming, past=past, now=now,
                           state=services.event_state, to_local=services.to_local)


@bp.route("/agenda.ics")
@public
def feed():
    events = db.session.scalars(
        select(Event).where(Event.audience == "public", Event.status.in_(("published", "cancelled")))
        .order_by(Event.start_at).limit(500)
    ).all()
    return Response(services.feed_ics(events), mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="evenementen.ics"'})


@bp.route("/<int:event_id>")
@public
def detail(event_id):
    event = _visible_event_or_404(event_id)
    state = services.event_state(event)
    membership = current_membership()
    mine = None
    if current_user.is_authenticated:
        mine = db.session.scalar(
            select(Registration).where(Registration.event_id == event.id,
                                       Registration.active_key == services.normalise_email(current_user.email))
        )
    member_form = forms.with_questions(forms.MemberRegistrationForm, event.questions)() if membership else None
    return render_template("events/detail.html", event=event, state=state, membership=membership, mine=mine,
                           member_form=member_form, cancel_form=forms.ActionForm(), to_local=services.to_local)


@bp.route("/<int:event_id>/agenda.ics")
@public
def event_ics(event_id):
    event = _visible_event_or_404(event_id)
    return Response(services.event_ics(event, cancelled=event.status == "cancelled"), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="evenement-{event.id}.ics"'})


@bp.route("/<int:event_id>/aanmelden", methods=["POST"])
@org_member_required
def register(event_id):
    event = _visible_event_or_404(event_id)
    form = forms.with_questions(forms.MemberRegistrationForm, event.questions)()
    membership = current_membership()
    if form.validate_on_submit():
        try:
            registration = services.register_member(event, current_user, membership.organisation,
                                                    form.answers(event.questions))
        except services.EventError as exc:
            db.session.rollback()
            _error_to_form(form, exc)
        else:
            db.session.commit()
            if registration.status == "confirmed":
                flash(_("U bent aangemeld. De bevestiging met een agenda-bestand staat in uw mailbox."), "success")
            else:
                flash(_("Het evenement is vol. U staat op de wachtlijst en krijgt bericht zodra er een plek "
                        "vrijkomt."), "warning")
            return redirect(url_for("events.detail", event_id=event.id))
    event = _visible_event_or_404(event_id)
    return render_template("events/detail.html", event=event, state=services.event_state(event),
                           membership=membership, mine=None, member_form=form, cancel_form=forms.ActionForm(),
                           to_local=services.to_local), 400


@bp.route("/<int:event_id>/inschrijven", methods=["GET", "POST"])
@public
@limiter.limit("20 per minute", methods=["POST"])  # each POST may send a mail: no mail bombing
def register_public(event_id):
    event = _visible_event_or_404(event_id)
    form = forms.with_questions(forms.PublicRegistrationForm, event.questions)()
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = current_user.name
        form.email.data = current_user.email
    state = services.event_state(event)
    if form.validate_on_submit():
        try:
            services.register_public(event, form.name.data, form.email.data, form.organisation_name.data,
                                     form.answers(event.questions))
        except services.EventError as exc:
            db.session.rollback()
            _error_to_form(form, exc)
        else:
            db.session.commit()
            return render_template("events/check_mail.html", event=event,
                                   email=services.normalise_email(form.email.data))
    status = 400 if request.method == "POST" else 200
    return render_template("events/register_public.html", event=event, form=form, state=state,
                           to_local=services.to_local), status


@bp.route("/inschrijving/<token>/bevestigen", methods=["GET", "POST"])
@public
def confirm_registration(token):
    registration = services.registration_for_token(token)
    if registration is None:
        return render_template("events/message.html", title=_("Link werkt niet"),
                               message=_("Deze link is ongeldig of verlopen.")), 404
    form = forms.ActionForm()
    if form.validate_on_submit():
        try:
            registration = services.confirm_public_registration(token)
        except services.EventError as exc:
            db.session.rollback()
            return render_template("events/message.html", title=_("Aanmelden lukt niet"), message=str(exc),
                                   event=registration.event), 400
        db.session.commit()
        return redirect(url_for("events.my_registration", token=token))
    if registration.status != "pending":
        return redirect(url_for("events.my_registration", token=token))
    return render_template("events/confirm.html", registration=registration, event=registration.event, form=form,
                           to_local=services.to_local)


@bp.route("/inschrijving/<token>")
@public
def my_registration(token):
    registration = services.registration_for_token(token)
    if registration is None:
        return render_template("events/message.html", title=_("Link werkt niet"),
                               message=_("Deze link is ongeldig of verlopen.")), 404
    return render_template("events/my_registration.html", registration=registration, event=registration.event,
                           state=services.event_state(registration.event), form=forms.ActionForm(),
                           to_local=services.to_local)


@bp.route("/inschrijving/<token>/afmelden", methods=["POST"])
@public
def cancel(token):
    registration = services.registration_for_token(token)
    if registration is None:
        abort(404)
    form = forms.ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel_registration(registration, by=current_user if current_user.is_authenticated else None)
    except services.EventError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("U bent afgemeld. Jammer dat u niet komt!"), "success")
    return redirect(url_for("events.my_registration", token=token))


# --------------------------------------------------------------------------- staff: events
@bp.route("/beheer")
@requires(*STAFF)
def manage():
    page = paginate(select(Event).order_by(Event.start_at.desc()), per_page=25)
    counts = services.counts_for(e.id for e in page.items)
    return render_template("events/manage.html", page=page, counts=counts, state=services.event_state,
                           to_local=services.to_local)


def _event_values(form) -> dict:
    return {
        "title": form.title.data, "kind": form.kind.data, "description": form.description.data or "",
        "start_at": services.from_local(form.start_at.data), "end_at": services.from_local(form.end_at.data),
        "location": (form.location.data or "").strip(), "capacity": form.capacity.data,
        "audience": form.audience.data,
        "registration_opens_at": services.from_local(form.registration_opens_at.data),
        "registration_closes_at": services.from_local(form.registration_closes_at.data),
        "reminder_days": form.reminder_days.data if form.reminder_days.data is not None else 2,
    }


def _local_naive(value):
    return services.to_local(value).replace(tzinfo=None) if value is not None else None


@bp.route("/beheer/nieuw", methods=["GET", "POST"])
@requires(*STAFF)
def create():
    form = forms.EventForm()
    if form.validate_on_submit():
        try:
            event = services.create_event(_event_values(form), current_user)
        except services.EventError as exc:
            db.session.rollback()
            _error_to_form(form, exc)
        else:
            db.session.commit()
            flash(_("Het evenement is opgeslagen als concept. Voeg het programma toe en publiceer het."), "success")
            return redirect(url_for("events.staff_detail", event_id=event.id))
    return render_template("events/edit.html", form=form, event=None), 400 if request.method == "POST" else 200


@bp.route("/beheer/<int:event_id>/bewerken", methods=["GET", "POST"])
@requires(*STAFF)
def edit(event_id):
    event = _staff_event(event_id)
    form = forms.EventForm(obj=None if request.method == "POST" else event)
    if request.method == "GET":
        for name in ("start_at", "end_at", "registration_opens_at", "registration_closes_at"):
            getattr(form, name).data = _local_naive(getattr(event, name))
    if form.validate_on_submit():
        try:
            changes = services.change_event(event, _event_values(form), current_user)
        except services.EventError as exc:
            db.session.rollback()
            _error_to_form(form, exc)
        else:
            db.session.commit()
            if {"start_at", "end_at", "location"} & set(changes) and event.status == "published":
                flash(_("Opgeslagen. De aangemelde deelnemers krijgen een mail over de wijziging."), "success")
            else:
                flash(_("Opgeslagen."), "success")
            return redirect(url_for("events.staff_detail", event_id=event.id))
    return render_template("events/edit.html", form=form, event=event), 400 if request.method == "POST" else 200


@bp.route("/beheer/<int:event_id>")
@requires(*STAFF)
def staff_detail(event_id):
    event = db.session.scalar(select(Event).where(Event.id == event_id)
                              .options(selectinload(Event.slots), selectinload(Event.questions)))
    if event is None:
        abort(404)
    counts = services.counts_for([event.id])[event.id]
    invitations = db.session.scalar(select(func.count()).select_from(Invitation)
                                    .where(Invitation.event_id == event.id))
    ended = event.end_at <= utcnow()
    return render_template(
        "events/staff_detail.html", event=event, counts=counts, ended=ended, invitations=invitations,
        no_shows=counts["confirmed"] - counts["checked_in"] if ended else None,
        state=services.event_state(event), action_form=forms.ActionForm(), cancel_form=forms.CancelEventForm(),
        slot_form=forms.SlotForm(prefix="slot"), question_form=forms.QuestionForm(prefix="question"),
        invite_form=forms.InviteForm(prefix="invite", municipalities=municipality_rows()), to_local=services.to_local,
    )


@bp.route("/beheer/<int:event_id>/publiceren", methods=["POST"])
@requires(*STAFF)
def publish(event_id):
    event = _staff_event(event_id)
    if forms.ActionForm().validate_on_submit():
        try:
            services.publish_event(event, current_user)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Het evenement is gepubliceerd."), "success")
    return redirect(url_for("events.staff_detail", event_id=event_id))


@bp.route("/beheer/<int:event_id>/annuleren", methods=["POST"])
@requires(*STAFF)
def cancel_event(event_id):
    event = _staff_event(event_id)
    form = forms.CancelEventForm()
    if form.validate_on_submit():
        try:
            mailed = services.cancel_event(event, form.reason.data, current_user)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Het evenement is geannuleerd; %(n)s deelnemer(s) krijgen een mail.", n=mailed), "success")
    return redirect(url_for("events.staff_detail", event_id=event_id))


def _flash_form_errors(form):
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")
    for message in form.form_errors:
        flash(message, "error")


@bp.route("/beheer/<int:event_id>/programma", methods=["POST"])
@requires(*STAFF)
def add_slot(event_id):
    event = _staff_event(event_id)
    form = forms.SlotForm(prefix="slot")
    if form.validate_on_submit():
        try:
            services.add_slot(event, form.starts.data, form.ends.data, form.title.data, form.speaker.data,
                              form.room.data, current_user)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Het programmaonderdeel is toegevoegd."), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("events.staff_detail", event_id=event_id) + "#programma")


@bp.route("/beheer/<int:event_id>/programma/<int:slot_id>/verwijderen", methods=["POST"])
@requires(*STAFF)
def remove_slot(event_id, slot_id):
    slot = get_or_404(ProgrammeSlot, slot_id)
    if slot.event_id != event_id:
        abort(404)
    if forms.ActionForm().validate_on_submit():
        services.remove_slot(slot, current_user)
        db.session.commit()
        flash(_("Het programmaonderdeel is verwijderd."), "success")
    return redirect(url_for("events.staff_detail", event_id=event_id) + "#programma")


@bp.route("/beheer/<int:event_id>/vragen", methods=["POST"])
@requires(*STAFF)
def add_question(event_id):
    event = _staff_event(event_id)
    form = forms.QuestionForm(prefix="question")
    if form.validate_on_submit():
        try:
            services.add_question(event, form.label.data, form.kind.data, form.choices.data, form.required.data,
                                  current_user)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("De vraag is toegevoegd."), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("events.staff_detail", event_id=event_id) + "#vragen")


@bp.route("/beheer/<int:event_id>/vragen/<int:question_id>/verwijderen", methods=["POST"])
@requires(*STAFF)
def remove_question(event_id, question_id):
    question = get_or_404(RegistrationQuestion, question_id)
    if question.event_id != event_id:
        abort(404)
    if forms.ActionForm().validate_on_submit():
        services.remove_question(question, current_user)
        db.session.commit()
        flash(_("De vraag is verwijderd."), "success")
    return redirect(url_for("events.staff_detail", event_id=event_id) + "#vragen")


@bp.route("/beheer/<int:event_id>/uitnodigen", methods=["POST"])
@requires(*STAFF)
def invite(event_id):
    event = _staff_event(event_id)
    form = forms.InviteForm(prefix="invite", municipalities=municipality_rows())
    if form.validate_on_submit():
        emails = [e for e in re.split(r"[\s,;]+", form.emails.data or "") if e]
        try:
            if form.groep.data:
                added = services.invite_partners(event, current_user, extra_emails=emails,
                                                 label="" if form.groep.data == "alle" else form.groep.data,
                                                 municipality_id=form.municipality_id)
            else:
                added = services.invite(event, emails, current_user)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("%(n)s adres(sen) uitgenodigd.", n=added), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("events.staff_detail", event_id=event_id) + "#uitnodigingen")


# --------------------------------------------------------------------------- staff: attendees
def _attendee_query(event: Event, q: str = "", statuses=("confirmed", "waitlisted", "pending", "cancelled")):
    stmt = (select(Registration).where(Registration.event_id == event.id, Registration.status.in_(statuses))
            .options(selectinload(Registration.answers), selectinload(Registration.check_in))
            .order_by(func.lower(Registration.name), Registration.id))
    q = (q or "").strip()
    if q:
        stmt = stmt.where(or_(contains(Registration.name, q), contains(Registration.organisation_name, q),
                              contains(Registration.email, q)))
    return stmt


STATUS_FILTERS = {"": ("confirmed", "waitlisted", "pending", "cancelled"), "confirmed": ("confirmed",),
                  "waitlisted": ("waitlisted",), "pending": ("pending",), "cancelled": ("cancelled",)}


@bp.route("/beheer/<int:event_id>/deelnemers")
@requires(*STAFF)
def attendees(event_id):
    event = db.session.scalar(select(Event).where(Event.id == event_id).options(selectinload(Event.questions)))
    if event is None:
        abort(404)
    status = request.args.get("status", "")
    statuses = STATUS_FILTERS.get(status, STATUS_FILTERS[""])
    q = request.args.get("q", "")
    page = paginate(_attendee_query(event, q, statuses), per_page=50)
    return render_template("events/attendees.html", event=event, page=page, q=q, status=status,
                           counts=services.counts_for([event.id])[event.id], to_local=services.to_local,
                           add_form=forms.StaffRegistrationForm(prefix="aanmelden"),
                           can_add=services.staff_can_register(event))


@bp.route("/beheer/<int:event_id>/deelnemers/aanmelden", methods=["POST"])
@requires(*STAFF)
def register_on_behalf(event_id):
    event = _staff_event(event_id)
    form = forms.StaffRegistrationForm(prefix="aanmelden")
    if form.validate_on_submit():
        try:
            registration = services.register_by_staff(event, form.name.data, form.email.data,
                                                      form.organisation_name.data, current_user)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            if registration.status == "confirmed":
                flash(_("%(name)s is aangemeld en krijgt een bevestiging per e-mail.", name=registration.name),
                      "success")
            else:
                flash(_("Het evenement is vol: %(name)s staat op de wachtlijst en krijgt daarover een e-mail.",
                        name=registration.name), "success")
    else:
        _flash_form_errors(form)
    return redirect(url_for("events.attendees", event_id=event_id) + "#aanmelden")


STATUS_NAMES = {"confirmed": _l("bevestigd"), "waitlisted": _l("wachtlijst"), "pending": _l("onbevestigd"),
                "cancelled": _l("afgemeld")}


def _export_rows(event: Event):
    """The attendee list for CSV and XLSX, headers and statuses in the language of the staff member."""
    registrations = db.session.scalars(_attendee_query(event)).all()
    header = [_("Naam"), _("E-mailadres"), _("Organisatie"), _("Status"), _("Aangemeld op"), _("Ingecheckt op"),
              *[q.label for q in event.questions]]
    rows = []
    for r in registrations:
        answers = {a.question_id: a.value for a in r.answers}
        checked = services.to_local(r.check_in.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.check_in else ""
        rows.append([r.name, r.email, r.organisation_name, STATUS_NAMES.get(r.status, r.status),
                     services.to_local(r.created_at).strftime("%Y-%m-%d %H:%M"), checked,
                     *[answers.get(q.id, "") for q in event.questions]])
    return header, rows


def _cell(value):
    # A spreadsheet would run a cell starting with = + - @ as a formula.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/beheer/<int:event_id>/deelnemers.csv")
@requires(*STAFF)
def export_csv(event_id):
    event = db.session.scalar(select(Event).where(Event.id == event_id).options(selectinload(Event.questions)))
    if event is None:
        abort(404)
    header, rows = _export_rows(event)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    data = "\ufeff" + buffer.getvalue()  # the BOM makes Excel read UTF-8
    return Response(data.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="deelnemers-{event.id}.csv"',
                             "Cache-Control": "no-store"})


@bp.route("/beheer/<int:event_id>/deelnemers.xlsx")
@requires(*STAFF)
def export_xlsx(event_id):
    from openpyxl import Workbook

    event = db.session.scalar(select(Event).where(Event.id == event_id).options(selectinload(Event.questions)))
    if event is None:
        abort(404)
    header, rows = _export_rows(event)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Deelnemers")[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(buffer.getvalue(),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="deelnemers-{event.id}.xlsx"',
                             "Cache-Control": "no-store"})


@bp.route("/beheer/<int:event_id>/inchecken")
@requires(*STAFF)
def check_in_list(event_id):
    event = _staff_event(event_id)
    q = request.args.get("q", "")
    page = paginate(_attendee_query(event, q, ("confirmed",)), per_page=50)
    counts = services.counts_for([event.id])[event.id]
    return render_template("events/check_in.html", event=event, page=page, q=q, counts=counts,
                           form=forms.ActionForm(), to_local=services.to_local)


@bp.route("/inchecken/<token>")
@requires(*STAFF)
def check_in_attendee(token):
    registration = services.registration_for_token(token)
    if registration is None:
        abort(404)
    return render_template("events/check_in_attendee.html", registration=registration, event=registration.event,
                           form=forms.ActionForm(), to_local=services.to_local)


def _registration_of(event_id, registration_id) -> Registration:
    registration = get_or_404(Registration, registration_id)
    if registration.event_id != event_id:
        abort(404)
    return registration


def _back_to_check_in(event_id):
    return redirect_next(request.form.get("next"), prefix="/evenementen/",
                         default=url_for("events.check_in_list", event_id=event_id, q=request.form.get("q") or None))


@bp.route("/beheer/<int:event_id>/inchecken/<int:registration_id>", methods=["POST"])
@requires(*STAFF)
def check_in(event_id, registration_id):
    registration = _registration_of(event_id, registration_id)
    if forms.ActionForm().validate_on_submit():
        try:
            services.check_in(registration, current_user)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "warning")
        else:
            db.session.commit()
            flash(_("%(name)s is ingecheckt.", name=registration.display_name), "success")
    return _back_to_check_in(event_id)


@bp.route("/beheer/<int:event_id>/inchecken/<int:registration_id>/ongedaan", methods=["POST"])
@requires(*STAFF)
def undo_check_in(event_id, registration_id):
    registration = _registration_of(event_id, registration_id)
    if forms.ActionForm().validate_on_submit():
        try:
            services.undo_check_in(registration, current_user)
        except services.EventError as exc:
            db.session.rollback()
            flash(str(exc), "warning")
        else:
            db.session.commit()
            flash(_("De check-in van %(name)s is ongedaan gemaakt.", name=registration.display_name), "success")
    return _back_to_check_in(event_id)

