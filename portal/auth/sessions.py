"""Server-side sessions: every login is a user_session row, and the cookies carry only its random token.

Log-out deletes the row, so a copied session or remember cookie stops working on every worker and app server
at its next request; "log out everywhere", a password, e-mail or role change delete a user's other rows.
A request costs one indexed lookup: the token's hash finds the session, its user and the user's roles at once.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import joinedload

from portal.auth.models import User, UserSession
from portal.database import utcnow
from portal.extensions import db

# last_seen_at is written at most this often per session (a write per request would cost more than the lookup).
TOUCH_INTERVAL = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limits():
    now = utcnow()
    plain = now - timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])
    remembered = now - current_app.config["REMEMBER_COOKIE_DURATION"]
    return now, plain, remembered


def _alive(plain, remembered):
    return or_(UserSession.last_seen_at > plain,
               and_(UserSession.remember.is_(True), UserSession.last_seen_at > remembered))


def short_user_agent(value: str | None) -> str:
    """A few words that name the browser and system ("Firefox op Linux"), never the whole header."""
    value = value or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
                                           ("Chrome/", "Chrome"), ("Safari/", "Safari")) if key in value), "")
    system = next((name for key, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                                          ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux"))
                   if key in value), "")
    text = " / ".join(part for part in (browser, system) if part)
    return (text or value[:60]).strip()[:120]


def start_session(user: User, *, remember: bool = False, user_agent: str | None = None) -> str:
    """Open a session for ``user`` (flushes; the caller commits) and return its token for the cookies."""
    now, plain, remembered = _idle_limits()
    # Expired sessions of this user go now: the table holds live sessions and a few stale ones at most.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, ~_alive(plain, remembered))
                       .execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    row = UserSession(token_hash=_digest(token), user_id=user.id, remember=bool(remember), created_at=now,
                      last_seen_at=now, user_agent=short_user_agent(user_agent))
    db.session.add(row)
    db.session.flush()
    user.session_token, user.session_id = token, row.id
    return token


def load_user(token: str) -> User | None:
    """The active user whose live session has ``token``, or None (Flask-Login's user_loader)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None  # a cookie from before server-side sessions ("id:version") or a forged value
    now, plain, remembered = _idle_limits()
    row = db.session.execute(
        select(User, UserSession.id, UserSession.last_seen_at)
        .join(UserSession, UserSession.user_id == User.id)
        .options(joinedload(User.roles))
        .where(UserSession.token_hash == _digest(token), User.active.is_(True), _alive(plain, remembered))
    ).unique().first()
    if row is None:
        return None
    user, session_id, last_seen = row
    user.session_token, user.session_id = token, session_id
    if last_seen < now - TOUCH_INTERVAL:
        g.touch_session_id = session_id
    return user


def end_session(user: User, session_id: int | None) -> bool:
    """End one of ``user``'s sessions; False when it was not theirs or already ended."""
    if session_id is None:
        return False
    result = db.session.execute(delete(UserSession).where(UserSession.id == session_id,
                                                          UserSession.user_id == user.id)
                                .execution_options(synchronize_session=False))
    return result.rowcount > 0


def end_sessions(user: User, *, keep: int | None = None) -> int:
    """End every session of ``user`` except ``keep`` (the session making the change); how many ended."""
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep)
    return db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount


def active_sessions(user: User) -> list[UserSession]:
    _, plain, remembered = _idle_limits()
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                              _alive(plain, remembered))
                                   .order_by(UserSession.last_seen_at.desc()).limit(50)))


def touch_after_request(exc) -> None:
    """Record when a session was last used, after the request's own transaction is over (a teardown hook):
    a short write of its own, so that a GET stays a read."""
    session_id = g.pop("touch_session_id", None)
    if session_id is None or exc is not None:
        return
    db.session.remove()
    try:
        with db.engine.connect() as conn:
            conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                conn.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=utcnow()))
    except DBAPIError:  # the database is busy or gone: a later request tries again
        current_app.logger.warning("Could not record the last use of session %s", session_id)
