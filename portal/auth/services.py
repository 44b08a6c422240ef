"""Account rules: each function is one user action and is called by views, CLI and tests alike.

Functions add to the session and flush; the caller commits once.
"""
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.actions import Refusal
from portal.audit.services import record
from portal.auth import passwords, sessions, tokens
from portal.auth.models import User, UserRole
from portal.database import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.outbox import queue_mail
from portal.permissions import ROLES


class AccountError(Refusal):
    """A refusal of the auth package (message fit for the page, optional field)."""


class NotVerified(AccountError):
    """The password is right but the address was never confirmed: the page explains what to do."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def emails_with_role(role: str, configured: str | None = None) -> list[str]:
    """Where mail for a role goes: ``configured`` (one address from the configuration) if given, else the
    address of every active account with ``role``, sorted."""
    if configured:
        return [configured]
    return list(db.session.scalars(
        select(User.email).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, User.active.is_(True)).order_by(User.email)))


def external_url(endpoint: str, **values) -> str:
    return current_app.config["PORTAL_BASE_URL"] + url_for(endpoint, **values)


def _verify_link(user: User, email: str) -> str:
    token = tokens.make_token("verify", {"u": user.id, "e": email})
    return external_url("auth.verify_email", token=token)


# Mails that anybody can set off by typing an address: an address gets at most one of a group per interval
# (AUTH_MAIL_INTERVAL_MINUTES), however often the form is sent and from however many app servers.
ACCOUNT_MAIL_KINDS = ("auth-verify", "auth-already-registered", "auth-verify-change")
RESET_MAIL_KINDS = ("auth-reset",)


def recently_mailed(address: str, kinds) -> bool:
    """Whether ``address`` was sent a mail of ``kinds`` within the interval (the outbox is the record)."""
    since = utcnow() - timedelta(minutes=current_app.config["AUTH_MAIL_INTERVAL_MINUTES"])
    return db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.recipient == normalise_email(address),
                                       OutboxMessage.kind.in_(kinds), OutboxMessage.created_at > since).limit(1)
    ) is not None


def _tell_already_registered(existing: User) -> None:
    if recently_mailed(existing.email, ACCOUNT_MAIL_KINDS):
        return
    queue_mail(existing.email, _l("U heeft al een account"), "auth/already_registered",
               user=existing, login_url=external_url("auth.login"),
               reset_url=external_url("auth.forgot_password"), kind="auth-already-registered")


def register_user(email: str, password: str, name: str = "") -> User | None:
    """Create an account with role ``ondernemer`` and mail a verification link.

    The form is judged first, whoever owns the address. An address that is already registered then gets a
    mail saying so (with a link to reset the password) instead; the caller shows the same answer either way,
    so nobody can learn from the page which addresses have an account. An address gets at most one such
    mail per interval.
    """
    email = normalise_email(email)
    problems = passwords.password_problems(password, email=email, name=name)
    if problems:
        raise AccountError(problems[0], field="password")
    # Hash before the first query: the slow hash then never holds a database lock, and known and
    # unknown addresses take equally long.
    password_hash = passwords.hash_password(password)
    existing = find_user(email)
    if existing is not None:
        _tell_already_registered(existing)
        return None
    user = User(email=email, name=name.strip(), password_hash=password_hash)
    user.roles.append(UserRole(role="ondernemer"))
    db.session.add(user)
    db.session.flush()
    record("account.registered", user, actor=user, role="ondernemer", summary=email)
    queue_mail(email, _l("Bevestig uw e-mailadres"), "auth/verify", user=user,
               link=_verify_link(user, email), kind="auth-verify")
    return user


def resend_verification(user: User) -> None:
    if not user.verified and not recently_mailed(user.email, ACCOUNT_MAIL_KINDS):
        queue_mail(user.email, _l("Bevestig uw e-mailadres"), "auth/verify", user=user,
                   link=_verify_link(user, user.email), kind="auth-verify")


def resend_verification_to(email: str) -> None:
    """A new verification link when ``email`` has an unconfirmed account; silently nothing otherwise."""
    user = find_user(email)
    if user is not None:
        resend_verification(user)


def verify_email(token: str, *, session_id: int | None = None) -> User:
    """Confirm an address (``session_id``: the session that clicked, kept when an e-mail change ends the others)."""
    data = tokens.read_token("verify", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    if not data:
        raise AccountError(_("Deze bevestigingslink is ongeldig of verlopen. Vraag een nieuwe aan."))
    user = db.session.get(User, data.get("u"))
    if user is None:
        raise AccountError(_("Deze bevestigingslink is ongeldig of verlopen. Vraag een nieuwe aan."))
    email = data.get("e")
    if email == user.email:
        if not user.verified:
            user.email_verified_at = utcnow()
            record("account.email_verified", user, actor=user, summary=email)
        return user
    if email and email == user.pending_email:
        if find_user(email) is not None:
            raise AccountError(_("Dit e-mailadres is intussen door een ander account in gebruik."))
        old = user.email
        user.email = email
        user.pending_email = None
        user.email_verified_at = utcnow()
        sessions.end_sessions(user, keep=session_id)  # whoever knew the old address is logged out
        record("account.email_changed", user, actor=user, changes={"email": [old, email]})
        queue_mail(old, _l("Uw e-mailadres is gewijzigd"), "auth/email_changed", user=user, new_email=email,
                   kind="auth-email-changed")
        return user
    raise AccountError(_("Deze bevestigingslink is ongeldig of verlopen. Vraag een nieuwe aan."))


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        passwords.verify_dummy(password)
        return None
    if not passwords.verify_password(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def log_in(email: str, password: str, *, remember: bool = False, user_agent: str | None = None) -> User:
    """Check the password and open a server-side session (``user.session_token`` goes into the cookies)."""
    user = authenticate(email, password)
    if user is None:
        raise AccountError(_("Het e-mailadres of het wachtwoord klopt niet."))
    if not user.verified:
        raise NotVerified(_("We hebben u een e-mail gestuurd met een link om uw adres te bevestigen. "
                            "Daarna kunt u inloggen."))
    sessions.start_session(user, remember=remember, user_agent=user_agent)
    return user


def log_out(user: User) -> None:
    """End the session this user is working in."""
    sessions.end_session(user, user.session_id)


def log_out_everywhere(user: User) -> int:
    """End every session of ``user``, this one included; how many ended."""
    ended = sessions.end_sessions(user)
    record("account.sessions_ended", user, actor=user, summary=str(ended))
    return ended


def end_other_session(user: User, session_id: int) -> None:
    """End one of the user's other sessions (a browser on the list of the account page)."""
    if session_id == user.session_id or not sessions.end_session(user, session_id):
        raise AccountError(_("Deze sessie bestaat niet (meer)."))
    record("account.session_ended", user, actor=user, summary=str(session_id))


def _reset_payload(user: User) -> dict:
    return {"u": user.id, "p": tokens.fingerprint(user.password_hash)}


def request_password_reset(email: str) -> None:
    """Mail a reset link when the account exists; silently nothing otherwise (no enumeration)."""
    user = find_user(email)
    if user is None or not user.active or recently_mailed(user.email, RESET_MAIL_KINDS):
        return
    token = tokens.make_token("reset", _reset_payload(user))
    queue_mail(user.email, _l("Nieuw wachtwoord instellen"), "auth/reset", user=user,
               link=external_url("auth.reset_password", token=token), kind="auth-reset")


def user_for_reset_token(token: str) -> User:
    data = tokens.read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, data.get("u")) if data else None
    # The token carries a fingerprint of the password hash: once the password changes it is dead.
    if user is None or data.get("p") != tokens.fingerprint(user.password_hash):
        raise AccountError(_("Deze link om uw wachtwoord te herstellen is ongeldig, al gebruikt of verlopen."))
    return user


def _set_password(user: User, password: str) -> None:
    problems = passwords.password_problems(password, email=user.email, name=user.name)
    if problems:
        raise AccountError(problems[0])
    user.password_hash = passwords.hash_password(password)
    user.session_version += 1


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    _set_password(user, password)
    # Following a mailed link proves the address too.
    if not user.verified:
        user.email_verified_at = utcnow()
    sessions.end_sessions(user)
    record("account.password_reset", user, actor=user)
    queue_mail(user.email, _l("Uw wachtwoord is gewijzigd"), "auth/password_changed", user=user,
               kind="auth-password-changed")
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise AccountError(_("Het huidige wachtwoord klopt niet."), field="current")
    _set_password(user, new)
    sessions.end_sessions(user, keep=user.session_id)  # every other browser logs in again
    record("account.password_changed", user, actor=user)
    queue_mail(user.email, _l("Uw wachtwoord is gewijzigd"), "auth/password_changed", user=user,
               kind="auth-password-changed")


def request_email_change(user: User, new_email: str, password: str) -> None:
    new_email = normalise_email(new_email)
    if not passwords.verify_password(user.password_hash, password):
        raise AccountError(_("Het wachtwoord klopt niet."))
    if new_email == user.email:
        raise AccountError(_("Dit is al uw e-mailadres."))
    user.pending_email = new_email
    record("account.email_change_requested", user, actor=user, summary=new_email)
    existing = find_user(new_email)
    if existing is not None:
        # Say nothing on the page; the other account's owner is told instead (at most once per interval).
        _tell_already_registered(existing)
        return
    if recently_mailed(new_email, ACCOUNT_MAIL_KINDS):
        return
    queue_mail(new_email, _l("Bevestig uw nieuwe e-mailadres"), "auth/verify", user=user,
               link=_verify_link(user, new_email), kind="auth-verify-change")


def create_user(email: str, password: str, roles=("ondernemer",), name: str = "", verified: bool = True,
                check_password: bool = True) -> User:
    """Create an account directly (admins, CLI, demo data)."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError(_("Er bestaat al een account met dit e-mailadres."))
    if check_password:
        problems = passwords.password_problems(password, email=email, name=name)
        if problems:
            raise AccountError(problems[0])
    for role in roles:
        if role not in ROLES:
            raise AccountError(_("Onbekende rol: %(role)s", role=role))
    user = User(email=email, name=name, password_hash=passwords.hash_password(password),
                email_verified_at=utcnow() if verified else None)
    for role in dict.fromkeys(("ondernemer", *roles)):
        user.roles.append(UserRole(role=role))
    db.session.add(user)
    db.session.flush()
    record("account.created", user, summary=f"{email} ({', '.join(roles)})")
    return user


def set_roles(user: User, roles, *, by: User | None = None) -> dict:
    """Give ``user`` exactly ``roles`` (``ondernemer`` is always kept)."""
    wanted = set(roles) | {"ondernemer"}
    unknown = wanted - set(ROLES)
    if unknown:
        raise AccountError(_("Onbekende rol: %(role)s", role=", ".join(sorted(unknown))))
    before = user.role_names
    if by is not None and by.id == user.id and "admin" in before and "admin" not in wanted:
        raise AccountError(_("U kunt uw eigen beheerdersrol niet intrekken."))
    if "admin" in before and "admin" not in wanted:
        admins = db.session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == "admin"))
        if admins <= 1:
            raise AccountError(_("Er moet minstens één beheerder overblijven."))
    for link in list(user.roles):
        if link.role not in wanted:
            user.roles.remove(link)
    for role in sorted(wanted - before):
        user.roles.append(UserRole(role=role))
    changes = {}
    if before != wanted:
        changes = {"roles": [sorted(before), sorted(wanted)]}
        # The user starts again with the new roles; an admin changing their own keeps this session.
        sessions.end_sessions(user, keep=by.session_id if by is not None and by.id == user.id else None)
        record("account.roles_changed", user, changes=changes, actor=by)
    return changes


def set_active(user: User, active: bool, *, by: User) -> None:
    if user.id == by.id:
        raise AccountError(_("U kunt uw eigen account niet blokkeren."))
    if user.active != active:
        user.active = active
        user.session_version += 1
        if not active:
            sessions.end_sessions(user)
        record("account.activated" if active else "account.deactivated", user, actor=by)
