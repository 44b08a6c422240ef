"""Account pages: register, verify, log in and out, reset and change password or e-mail."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from portal.auth import services
from portal.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailOnlyForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from portal.auth.models import User
from portal.database import writes_on_get
from portal.extensions import db, limiter, login_manager
from portal.permissions import login_required, public
from portal.redirects import redirect_next

bp = Blueprint("auth", __name__, url_prefix="/account")

login_manager.login_view = "auth.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(identity: str):
    try:
        user_id, version = (int(part) for part in identity.split(":"))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id, options=[joinedload(User.roles)])  # one query per request, roles included
    # A password change bumps the version, which ends every other session.
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def _login_rate_key():
    return f"{request.remote_addr}"


@bp.route("/registreren", methods=["GET", "POST"])
@public
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_user(form.email.data, form.password.data, form.name.data)
        except services.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            return render_template("auth/check_mail.html", email=services.normalise_email(form.email.data))
    return render_template("auth/register.html", form=form)


@bp.route("/bevestigen/<token>")
@public
@writes_on_get
def verify_email(token):
    try:
        user = services.verify_email(token)
    except services.AccountError as exc:
        db.session.rollback()
        return render_template("auth/message.html", title=_("Link werkt niet"), message=str(exc),
                               resend=True), 400
    db.session.commit()
    flash(_("Uw e-mailadres is bevestigd."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.login"))


@bp.route("/bevestiging-opnieuw", methods=["GET", "POST"])
@public
@limiter.limit("5 per minute", methods=["POST"])
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is not None:
            services.resend_verification(user)
            db.session.commit()
        return render_template("auth/check_mail.html", email=services.normalise_email(form.email.data))
    return render_template("auth/email_only.html", form=form, title=_("Nieuwe bevestigingslink"),
                           intro=_("Vul uw e-mailadres in. Als er een account bij hoort dat nog niet is "
                                   "bevestigd, sturen we een nieuwe link."))


@bp.route("/inloggen", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], key_func=_login_rate_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("Het e-mailadres of het wachtwoord klopt niet."))
        elif not user.verified:
            db.session.rollback()
            return render_template("auth/message.html", title=_("Bevestig eerst uw e-mailadres"),
                                   message=_("We hebben u een e-mail gestuurd met een link om uw adres te "
                                             "bevestigen. Daarna kunt u inloggen."), resend=True)
        else:
            db.session.commit()
            session.clear()  # a fresh session on login (no fixation)
            login_user(user, remember=form.remember.data)
            return redirect_next(request.args.get("next"))
    return render_template("auth/login.html", form=form)


@bp.route("/uitloggen", methods=["POST"])
@public
def logout():
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("main.home"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public
@limiter.limit("5 per minute", methods=["POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/check_mail.html", email=services.normalise_email(form.email.data),
                               reset=True)
    return render_template("auth/email_only.html", form=form, title=_("Wachtwoord vergeten"),
                           intro=_("Vul het e-mailadres van uw account in. We sturen u een link om een nieuw "
                                   "wachtwoord in te stellen."))


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    try:
        services.user_for_reset_token(token)
    except services.AccountError as exc:
        return render_template("auth/message.html", title=_("Link werkt niet"), message=str(exc),
                               reset_again=True), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except services.AccountError as exc:
            db.session.rollback()
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            logout_user()
            flash(_("Uw wachtwoord is gewijzigd. U kunt nu inloggen."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/", methods=["GET"])
@login_required
def account():
    return render_template("auth/account.html", password_form=ChangePasswordForm(prefix="pw"),
                           email_form=ChangeEmailForm(prefix="em"))


@bp.route("/wachtwoord", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field or "password").errors.append(str(exc))
        else:
            db.session.commit()
            login_user(current_user)  # keep this session alive under the new version
            flash(_("Uw wachtwoord is gewijzigd."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=form, email_form=ChangeEmailForm(prefix="em")), 400


@bp.route("/e-mailadres", methods=["POST"])
@login_required
def change_email():
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.email.data, form.password.data)
        except services.AccountError as exc:
            db.session.rollback()
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("We hebben een bevestigingslink gestuurd naar %(email)s. Uw e-mailadres verandert pas "
                    "als u op die link klikt.", email=services.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=ChangePasswordForm(prefix="pw"), email_form=form), 400
