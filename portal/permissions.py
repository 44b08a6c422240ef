"""The permission layer: access rules declared at the route and queries scoped to the user.

Every view function carries an access rule (``public``, ``login_required``, ``requires``,
``org_member_required``); tests/test_route_matrix.py walks every route and fails on a view without one.
"""
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db

ROLES = ("ondernemer", "mbo_staff", "inkoop", "gemeente", "admin")
STAFF_ROLES = ("mbo_staff", "admin")


def _declare(view, kind, roles=()):
    view.access_rule = {"kind": kind, "roles": tuple(roles)}
    return view


def public(view):
    """Anyone may open this route, signed in or not."""
    return _declare(view, "public")


def _to_login():
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


def login_required(view):
    """Any signed-in, active user."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _to_login()
        g.acting_role = current_user.primary_role
        return view(*args, **kwargs)

    return _declare(wrapped, "login")


def requires(*roles):
    """A signed-in user holding at least one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login()
            held = [r for r in roles if current_user.has_role(r)]
            if not held:
                abort(403)
            g.acting_role = held[0]
            return view(*args, **kwargs)

        return _declare(wrapped, "roles", roles)

    return decorator


def current_membership():
    """The membership of the organisation the user works in now (switchable), or None."""
    if not current_user.is_authenticated:
        return None
    if "membership" in g:
        return g.membership
    from portal.partners.models import Membership

    memberships = current_user.memberships
    chosen = None
    wanted = session.get("org_id")
    for m in memberships:
        if m.organisation_id == wanted:
            chosen = m
    if chosen is None and memberships:
        chosen = sorted(memberships, key=lambda m: m.id)[0]
        session["org_id"] = chosen.organisation_id
    g.membership = chosen
    assert chosen is None or isinstance(chosen, Membership)
    return chosen


def current_org():
    membership = current_membership()
    return membership.organisation if membership else None


def org_member_required(view=None, *, admin=False):
    """A member of the current organisation; ``admin=True`` asks for the role ``beheerder``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _to_login()
            membership = current_membership()
            if membership is None:
                # Not (yet) a member of any organisation: the next step is to register or join one.
                target = "partners.start" if "partners.start" in current_app.view_functions else "main.home"
                return redirect(url_for(target))
            if admin and membership.role != "beheerder":
                abort(403)
            g.org = membership.organisation
            g.acting_role = "beheerder" if membership.role == "beheerder" else "ondernemer"
            return view(*args, **kwargs)

        return _declare(wrapped, "org_admin" if admin else "org_member")

    return decorator(view) if view is not None else decorator


def org_scoped(model, stmt=None):
    """A select() of ``model`` limited to the current organisation's rows."""
    stmt = stmt if stmt is not None else select(model)
    return stmt.where(model.organisation_id == g.org.id)


def get_org_object_or_404(model, object_id):
    """Load one object of the current organisation; another organisation's id is a 404, not a leak."""
    obj = db.session.scalar(org_scoped(model).where(model.id == object_id))
    if obj is None:
        abort(404)
    return obj


def get_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def acting_role() -> str | None:
    return g.get("acting_role")
