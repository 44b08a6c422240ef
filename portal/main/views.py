"""The start page for each role, the language switch and a health check."""
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from portal.extensions import csrf, db
from portal.inputs import bounded_id
from portal.main import start
from portal.permissions import current_membership, login_required, public
from portal.redirects import redirect_next

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def home():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    from portal.navigation import may_register_organisation

    waiting = start.staff_waiting() if current_user.has_role("mbo_staff") else None
    invitations = []
    if current_membership() is None and "partners.invitation" in current_app.view_functions:
        from portal.partners.services import open_invitations_for

        invitations = open_invitations_for(current_user)
    return render_template("main/home.html", waiting=waiting, invitations=invitations,
                           may_register=may_register_organisation(current_user) and not invitations)


@bp.route("/taal", methods=["POST"])
@public
@csrf.exempt  # choosing a language changes nothing but the visitor's own display
def set_language():
    lang = request.form.get("lang")
    if lang in ("nl", "en"):
        session["lang"] = lang
    return redirect_next(request.form.get("next"))


@bp.route("/organisatie-wisselen", methods=["POST"])
@login_required
def switch_organisation():
    """Work for another organisation the user is a member of."""
    wanted = bounded_id(request.form.get("organisation_id", ""))
    if wanted is None:
        abort(400)
    if not any(m.organisation_id == wanted for m in current_user.memberships):
        abort(403)
    session["org_id"] = wanted
    g.pop("membership", None)
    return redirect(url_for("main.home"))


@bp.route("/healthz")
@public
def health():
    """Liveness for the load balancer and the baseline route of the benchmark."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/toegankelijkheid")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    from portal.privacy.schedule import schedule

    return render_template("main/privacy.html", schedule=schedule())


@bp.route("/favicon.ico")
@public
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), 301)
