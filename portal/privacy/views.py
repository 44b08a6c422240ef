"""The privacy pages.

  /privacy/mijn-gegevens                      a person: download their data, delete their account
  /privacy/mijn-gegevens/download        POST the ZIP
  /privacy/account-verwijderen           POST erase the account (password and confirmation)
  /privacy/aanmelding/<token>                 a public event registrant, through their personal link
  /privacy/aanmelding/<token>/download   POST their ZIP
  /privacy/aanmelding/<token>/wissen     POST erase their registrations
  /privacy/verzoeken                          St. MBO: carry out a request received by mail
  /privacy/verwerkingsregister                St. MBO: the processing register, from the retention schedule
(The public privacy page with the schedule is main.privacy.)
"""
from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.actions import attempt
from portal.clock import today
from portal.events.services import registration_for_token
from portal.permissions import login_required, public, requires
from portal.privacy import erasure, services
from portal.privacy.forms import ConfirmForm, EraseAccountForm, EraseRegistrantForm, RequestForm
from portal.privacy.schedule import schedule

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def _zip(data: bytes, name: str):
    import io

    response = send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                         download_name=f"{name}-{today().isoformat()}.zip", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/mijn-gegevens")
@login_required
def my_data():
    return render_template("privacy/my_data.html", download_form=ConfirmForm(), erase_form=EraseAccountForm(),
                           handover=erasure.handover_needed(current_user))


@bp.route("/mijn-gegevens/download", methods=["POST"])
@login_required
def download():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    data = None
    with attempt(form) as done:
        data = services.download_own_data(current_user)
    if not done:
        return redirect(url_for("privacy.my_data"))
    return _zip(data, "mijn-gegevens")


@bp.route("/account-verwijderen", methods=["POST"])
@login_required
def erase_account():
    form = EraseAccountForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            services.erase_own_account(current_user, form.password.data, form.confirm.data)
        if done:
            logout_user()
            flash(_("Uw account is verwijderd. Wat u voor uw organisatie invulde, blijft bewaard zonder uw naam."),
                  "success")
            return redirect(url_for("main.home"))
    return render_template("privacy/my_data.html", download_form=ConfirmForm(), erase_form=form,
                           handover=erasure.handover_needed(current_user)), 400


def _registration_or_404(token):
    registration = registration_for_token(token)
    if registration is None or registration.user_id is not None:
        abort(404)
    return registration


@bp.route("/aanmelding/<token>")
@public
def registrant(token):
    registration = _registration_or_404(token)
    return render_template("privacy/registrant.html", registration=registration, download_form=ConfirmForm(),
                           erase_form=EraseRegistrantForm())


@bp.route("/aanmelding/<token>/download", methods=["POST"])
@public
def registrant_download(token):
    registration = _registration_or_404(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    data = None
    with attempt(form) as done:
        data = services.download_registrant_data(registration)
    if not done:
        return redirect(url_for("privacy.registrant", token=token))
    return _zip(data, "mijn-aanmeldingen")


@bp.route("/aanmelding/<token>/wissen", methods=["POST"])
@public
def registrant_erase(token):
    registration = _registration_or_404(token)
    form = EraseRegistrantForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            services.erase_registrant_by_link(registration, form.confirm.data)
        if done:
            return render_template("privacy/erased.html")
    return render_template("privacy/registrant.html", registration=registration, download_form=ConfirmForm(),
                           erase_form=form), 400


@bp.route("/verzoeken", methods=["GET", "POST"])
@requires("mbo_staff", "admin")
def requests():
    form = RequestForm()
    if form.validate_on_submit():
        if form.kind.data == "inzage":
            result = None
            with attempt(form) as done:
                result = services.export_on_request(form.email.data, current_user, form.reason.data)
            if done:
                return _zip(result[1], "gegevens-" + result[0].replace("@", "-at-"))
        else:
            with attempt(form) as done:
                erasure.erase_on_request(form.email.data, current_user, form.reason.data)
            if done:
                flash(_("De gegevens van %(email)s zijn verwijderd; het verzoek staat in de auditlog.",
                        email=form.email.data.strip().lower()), "success")
                return redirect(url_for("privacy.requests"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("privacy/requests.html", form=form), status


@bp.route("/verwerkingsregister")
@requires("mbo_staff", "admin")
def register():
    return render_template("privacy/register.html", schedule=schedule())
