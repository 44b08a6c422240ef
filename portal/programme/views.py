"""St. MBO manages the municipalities of the programme: list, add and change (name, start date, taking part)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.actions import attempt
from portal.database import paginate
from portal.partners.models import Municipality
from portal.permissions import get_or_404, requires
from portal.programme import municipalities
from portal.programme.forms import MunicipalityForm

bp = Blueprint("programme", __name__, url_prefix="/programma")

STAFF = ("mbo_staff", "admin")


@bp.route("/gemeenten", methods=["GET", "POST"])
@requires(*STAFF)
def municipality_list():
    form = MunicipalityForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            municipalities.add_municipality(form.name.data, joins_on=form.joins_on.data, active=form.active.data,
                                            by=current_user)
        if done:
            flash(_("Gemeente %(name)s is toegevoegd.", name=form.name.data.strip()), "success")
            return redirect(url_for("programme.municipality_list"))
    page = paginate(municipalities.municipality_list_statement(), per_page=50)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("programme/municipalities.html", form=form, page=page), status


@bp.route("/gemeenten/<int:municipality_id>", methods=["GET", "POST"])
@requires(*STAFF)
def municipality_edit(municipality_id):
    municipality = get_or_404(Municipality, municipality_id)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit():
        with attempt(form) as done:
            municipalities.change_municipality(municipality, name=form.name.data, joins_on=form.joins_on.data,
                                               active=form.active.data, by=current_user)
        if done:
            flash(_("Gemeente %(name)s is opgeslagen.", name=municipality.name), "success")
            return redirect(url_for("programme.municipality_list"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("programme/municipality_edit.html", form=form, municipality=municipality), status
