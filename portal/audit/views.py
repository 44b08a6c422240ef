"""Staff and admins read and filter the audit log."""
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import Length, Optional

from portal.audit.models import AuditEntry
from portal.auth.forms import ROLE_LABELS
from portal.database import paginate
from portal.permissions import ROLES, requires

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")

# The acting role of an entry: a portal role, the organisation's administrator, or the system (cron, CLI).
ROLE_NAMES = {**{role: ROLE_LABELS[role] for role in ROLES}, "beheerder": _l("Beheerder van een organisatie"),
              "systeem": _l("Systeem")}


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = StringField(_l("Handeling (begint met)"), validators=[Optional(), Length(max=60)])
    object_type = StringField(_l("Soort object"), validators=[Optional(), Length(max=60)])
    object_id = IntegerField(_l("Object-id"), validators=[Optional()])
    actor = StringField(_l("Door (e-mail bevat)"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Rol"), choices=[("", _l("Alle rollen"))] + list(ROLE_NAMES.items()), validators=[Optional()])
    organisation_id = IntegerField(_l("Organisatie-id"), validators=[Optional()])
    date_from = DateField(_l("Vanaf datum"), validators=[Optional()])
    date_to = DateField(_l("Tot en met datum"), validators=[Optional()])


def filtered_entries(form: AuditFilterForm):
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if not form.validate():
        return stmt
    if form.action.data:
        stmt = stmt.where(AuditEntry.action.startswith(form.action.data.strip(), autoescape=True))
    if form.object_type.data:
        stmt = stmt.where(AuditEntry.object_type == form.object_type.data.strip())
    if form.object_id.data is not None:
        stmt = stmt.where(AuditEntry.object_id == form.object_id.data)
    if form.actor.data:
        stmt = stmt.where(AuditEntry.actor_email.contains(form.actor.data.strip().lower(), autoescape=True))
    if form.role.data:
        stmt = stmt.where(AuditEntry.acting_role == form.role.data)
    if form.organisation_id.data is not None:
        stmt = stmt.where(AuditEntry.organisation_id == form.organisation_id.data)
    tz = ZoneInfo("Europe/Amsterdam")
    if form.date_from.data:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(form.date_from.data, time.min, tz))
    if form.date_to.data:
        stmt = stmt.where(AuditEntry.created_at <= datetime.combine(form.date_to.data, time.max, tz))
    return stmt


@bp.route("/")
@requires("mbo_staff", "admin")
def log():
    form = AuditFilterForm(request.args)
    page = paginate(filtered_entries(form), per_page=50)
    return render_template("audit/log.html", form=form, page=page, role_names=ROLE_NAMES)
