"""Admins list accounts, create staff accounts and assign roles."""
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from portal.admin.forms import CreateUserForm, UserSearchForm
from portal.audit.services import record
from portal.auth import services
from portal.auth.forms import RolesForm
from portal.auth.models import User, UserRole
from portal.database import contains, paginate
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.outbox import retry_message
from portal.permissions import requires

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.route("/accounts/")
@requires("admin")
def users():
    form = UserSearchForm(request.args)
    stmt = select(User).order_by(User.email)
    if form.validate() and form.q.data:
        stmt = stmt.where(or_(contains(User.email, form.q.data), contains(User.name, form.q.data)))
    role = request.args.get("rol")
    if role:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    page = paginate(stmt)
    return render_template("admin/users.html", page=page, form=form, role=role)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@requires("admin")
def edit_user(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = RolesForm(data={"roles": sorted(user.role_names), "active": user.active})
    if form.validate_on_submit():
        try:
            services.set_roles(user, form.roles.data, by=current_user)
            if form.active.data != user.active:
                services.set_active(user, form.active.data, by=current_user)
        except services.AccountError as exc:
            db.session.rollback()
            form.roles.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("De rollen van %(email)s zijn opgeslagen.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/edit_user.html", user=user, form=form)


@bp.route("/accounts/nieuw", methods=["GET", "POST"])
@requires("admin")
def create_user():
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            # A random password the person never sees: they set their own through the mailed link.
            user = services.create_user(form.email.data, secrets.token_urlsafe(24), roles=form.roles.data or [],
                                        name=form.name.data, verified=True, check_password=False)
            services.request_password_reset(user.email)
        except services.AccountError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Account aangemaakt. %(email)s krijgt een e-mail om een wachtwoord in te stellen.",
                    email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/create_user.html", form=form)


@bp.route("/outbox")
@requires("admin")
def outbox():
    """Mail that is waiting or failed, so that nothing is lost silently."""
    status = request.args.get("status", "open")
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status == "open":
        stmt = stmt.where(OutboxMessage.status.in_(("pending", "failed")))
    elif status in ("pending", "failed", "sent"):
        stmt = stmt.where(OutboxMessage.status == status)
    page = paginate(stmt, per_page=50)
    counts = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return render_template("admin/outbox.html", page=page, status=status, counts=counts)


@bp.route("/outbox/<int:message_id>/opnieuw", methods=["POST"])
@requires("admin")
def retry_mail(message_id):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if message.status == "sent":
        flash(_("Deze e-mail is al verstuurd."), "warning")
    else:
        retry_message(message)
        record("mail.retry_requested", message, summary=message.recipient)
        db.session.commit()
        flash(_("De e-mail aan %(to)s wordt opnieuw verstuurd.", to=message.recipient), "success")
    return redirect(url_for("admin.outbox"))
