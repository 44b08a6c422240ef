"""Account pages: register, verify, log in and out, reset and change password or e-mail."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.actions import attempt
from portal.auth import services, sessions
from portal.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmailOnlyForm,
    EmptyForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from portal.database import writes_on_get
from portal.extensions import limiter, login_manager
from portal.permissions import login_required, public
from portal.redirects import redirect_next

bp = Blueprint("auth", __name__, url_prefix="/account")

login_manager.login_view = "auth.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(token: str):
    # The cookies carry a session token (User.get_id), so log-out anywhere ends them everywhere.
    return sessions.load_user(token)


@bp.teardown_app_request
def _record_session_use(exc):
    sessions.touch_after_request(exc)


def _login_rate_key():
    return f"{request.remote_addr}"


def _typed_address(field: str = "email"):
    """A rate-limit key: the address typed in the form (so one address is limited from every client)."""
    def key():
        return "address:" + services.normalise_email(request.form.get(field, ""))[:254]
    return key


def _account_key():
    return f"account:{current_user.id}" if current_user.is_authenticated else f"{request.remote_addr}"


def _refused_login(response) -> bool:
    return response.status_code != 302


_mail_per_client = limiter.limit(lambda: current_app.config["RATELIMIT_ACCOUNT_MAIL"], methods=["POST"])
_mail_per_address = limiter.limit(lambda: current_app.config["RATELIMIT_ACCOUNT_MAIL_ADDRESS"], methods=["POST"],
                                  key_func=_typed_address())


@bp.route("/registreren", methods=["GET", "POST"])
@public
@_mail_per_client
@_mail_per_address
def register():
    form = RegisterForm()
    if request.method == "GET" and request.args.get("uitnodiging"):
        form.email.data = _invited_address(request.args["uitnodiging"])
    if form.validate_on_submit():
        with attempt(form) as done:
            services.register_user(form.email.data, form.password.data, form.name.data)
        if done:
            return render_template("auth/check_mail.html", email=services.normalise_email(form.email.data))
    return render_template("auth/register.html", form=form)


def _invited_address(token: str) -> str | None:
    """The address an invitation link was sent to (the "Account aanmaken" link of the invitation page carries
    it), so the invited colleague registers with the address the invitation belongs to."""
    if "partners.invitation" not in current_app.view_functions:
        return None
    from portal.partners.services import PartnerError, invitation_from_token

    try:
        return invitation_from_token(token).email
    except PartnerError:
        return None


@bp.route("/bevestigen/<token>")
@public
@writes_on_get
def verify_email(token):
    clicking = current_user.session_id if current_user.is_authenticated else None
    with attempt(EmptyForm(meta={"csrf": False})) as done:  # the refusal goes on the message page
        user = services.verify_email(token, session_id=clicking)
    if not done:
        return render_template("auth/message.html", title=_("Link werkt niet"), message=str(done.refusal),
                               resend=True), 400
    flash(_("Uw e-mailadres is bevestigd."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.login"))


@bp.route("/bevestiging-opnieuw", methods=["GET", "POST"])
@public
@_mail_per_client
@_mail_per_address
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        with attempt(form):
            services.resend_verification_to(form.email.data)
        return render_template("auth/check_mail.html", email=services.normalise_email(form.email.data))
    return render_template("auth/email_only.html", form=form, title=_("Nieuwe bevestigingslink"),
                           intro=_("Vul uw e-mailadres in. Als er een account bij hoort dat nog niet is "
                                   "bevestigd, sturen we een nieuwe link."))


@bp.route("/inloggen", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], key_func=_login_rate_key)
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN_ACCOUNT"], methods=["POST"], key_func=_typed_address(),
               deduct_when=_refused_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            user = services.log_in(form.email.data, form.password.data, remember=form.remember.data,
                                   user_agent=request.headers.get("User-Agent"))
        if done:
            token = user.session_token
            session.clear()  # a fresh session on login (no fixation)
            user.session_token = token
            login_user(user, remember=form.remember.data)
            return redirect_next(request.args.get("next"))
        if isinstance(done.refusal, services.NotVerified):
            form.form_errors.clear()
            return render_template("auth/message.html", title=_("Bevestig eerst uw e-mailadres"),
                                   message=str(done.refusal), resend=True)
    return render_template("auth/login.html", form=form)


@bp.route("/uitloggen", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        with attempt():
            services.log_out(current_user)
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("main.home"))


@bp.route("/uitloggen-overal", methods=["POST"])
@login_required
def logout_everywhere():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt() as done:
        services.log_out_everywhere(current_user)
    if done:
        logout_user()
        session.clear()
        flash(_("U bent uitgelogd op alle apparaten."), "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.account"))


@bp.route("/sessies/<int:session_id>/beeindigen", methods=["POST"])
@login_required
def end_session(session_id):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    with attempt() as done:
        services.end_other_session(current_user, session_id)
    if done:
        flash(_("U bent op dat apparaat uitgelogd."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@public
@_mail_per_client
@_mail_per_address
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        with attempt(form):
            services.request_password_reset(form.email.data)
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
        with attempt(form) as done:
            services.reset_password(token, form.password.data)
        if done:
            logout_user()
            flash(_("Uw wachtwoord is gewijzigd. U kunt nu inloggen."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


def _account_page(password_form=None, email_form=None, status=200):
    return render_template("auth/account.html", password_form=password_form or ChangePasswordForm(prefix="pw"),
                           email_form=email_form or ChangeEmailForm(prefix="em"),
                           sessions=sessions.active_sessions(current_user)), status


@bp.route("/", methods=["GET"])
@login_required
def account():
    return _account_page()


@bp.route("/wachtwoord", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        with attempt(form) as done:
            services.change_password(current_user, form.current.data, form.password.data)
        if done:
            flash(_("Uw wachtwoord is gewijzigd. U bent uitgelogd op uw andere apparaten."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form, status=400)


@bp.route("/e-mailadres", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_ACCOUNT_MAIL_ADDRESS"], methods=["POST"], key_func=_account_key)
@limiter.limit(lambda: current_app.config["RATELIMIT_ACCOUNT_MAIL_ADDRESS"], methods=["POST"],
               key_func=_typed_address("em-email"))
def change_email():
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        with attempt(form) as done:
            services.request_email_change(current_user, form.email.data, form.password.data)
        if done:
            flash(_("We hebben een bevestigingslink gestuurd naar %(email)s. Uw e-mailadres verandert pas "
                    "als u op die link klikt.", email=services.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.account"))
    return _account_page(email_form=form, status=400)
