"""Queue mail inside the current transaction; deliver after commit and from cron with backoff."""
import base64
import logging
import smtplib
from datetime import timedelta

from flask import current_app, g, has_request_context, render_template
from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from flask_mail import Connection, Message
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from portal.database import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage

log = logging.getLogger(__name__)
CLAIM_SECONDS = 120


def queue_mail(recipient: str, subject: str | LazyString, template: str, *, attachments=None, kind: str = "",
               locale: str = "nl", **context) -> OutboxMessage:
    """Render ``mail/<template>.txt`` (and ``.html`` when present) and store it in the outbox.

    The message is part of the caller's transaction: it exists exactly when the action does.

    Mail goes to people whose language the portal does not know, so subject and body are rendered in
    ``locale`` (Dutch), whatever language the visitor who set it off reads the pages in. Pass the subject
    as a lazy string (``lazy_gettext``, imported as ``_l``): ``gettext`` would already have translated it
    into the visitor's language. Lazy strings in ``context`` are rendered in ``locale`` as well.
    """
    context.setdefault("base_url", current_app.config["PORTAL_BASE_URL"])
    with force_locale(locale):
        subject = str(subject)
        body_text = render_template(f"mail/{template}.txt", subject=subject, **context)
        try:
            body_html = render_template(f"mail/{template}.html", subject=subject, **context)
        except Exception as exc:  # noqa: BLE001 - the html part is optional
            if type(exc).__name__ != "TemplateNotFound":
                raise
            body_html = None
    encoded = None
    if attachments:
        encoded = [
            {
                "filename": a["filename"],
                "content_type": a["content_type"],
                "data_b64": base64.b64encode(a["data"]).decode("ascii"),
            }
            for a in attachments
        ]
    message = OutboxMessage(
        recipient=recipient, subject=subject, body_text=body_text, body_html=body_html,
        attachments=encoded, kind=kind, status="pending", next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def _backoff(attempts: int) -> timedelta:
    # 1, 2, 4, 8 ... minutes, at most six hours between tries.
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _claim(message_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _to_flask_mail(row: OutboxMessage) -> Message:
    msg = Message(subject=row.subject, recipients=[row.recipient], body=row.body_text, html=row.body_html,
                  sender=current_app.config["MAIL_DEFAULT_SENDER"])
    for a in row.attachments or []:
        msg.attach(a["filename"], a["content_type"], base64.b64decode(a["data_b64"]))
    return msg


class _Connection(Connection):
    """Flask-Mail's connection with a socket timeout, so a hanging server cannot hang a request."""

    def configure_host(self):
        timeout = current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def _record_failure(row: OutboxMessage, exc: Exception):
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:500]
    row.claimed_until = None
    if row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        row.status = "failed"
    else:
        row.next_attempt_at = utcnow() + _backoff(row.attempts)
    db.session.commit()
    log.warning("mail %s to %s not sent: %s", row.id, row.recipient, row.last_error)


def deliver(message_ids) -> dict:
    """Try to send the given outbox rows now. Never raises: a failure is recorded for a later try."""
    result = {"sent": 0, "failed": 0, "skipped": 0}
    connection = None
    try:
        for message_id in list(message_ids):
            if not _claim(message_id):
                result["skipped"] += 1
                continue
            row = db.session.get(OutboxMessage, message_id)
            if connection is None:
                try:
                    connection = _Connection(current_app.extensions["mail"])
                    connection.__enter__()
                except (OSError, smtplib.SMTPException) as exc:
                    connection = None
                    _record_failure(row, exc)
                    result["failed"] += 1
                    break  # the server is unreachable: the rest waits for the next run
            try:
                connection.send(_to_flask_mail(row))
            except (OSError, smtplib.SMTPException) as exc:
                _record_failure(row, exc)
                result["failed"] += 1
                if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
                    _close(connection)
                    connection = None
                continue
            row.attempts += 1
            row.status = "sent"
            row.sent_at = utcnow()
            row.claimed_until = None
            row.last_error = ""
            db.session.commit()
            result["sent"] += 1
    finally:
        _close(connection)
    return result


def _close(connection):
    if connection is not None:
        try:
            connection.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - closing a dead connection
            log.debug("closing SMTP connection failed", exc_info=True)


def retry_message(message: OutboxMessage) -> None:
    """Put a waiting or failed mail back in line to be sent now (admin action)."""
    message.status = "pending"
    message.next_attempt_at = utcnow()
    message.claimed_until = None
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.attempts = current_app.config["OUTBOX_MAX_ATTEMPTS"] - 1
    db.session.add(message)
    db.session.flush()
    if has_request_context():
        g.setdefault("outbox_retry", []).append(message.id)


def send_pending(limit: int = 200) -> dict:
    """Deliver what is due (cron: `flask --app wsgi mail send`)."""
    now = utcnow()
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    return deliver(ids)


@event.listens_for(Session, "after_flush")
def _collect_new_messages(session, flush_context):
    for obj in session.new:
        if isinstance(obj, OutboxMessage):
            session.info.setdefault("outbox_new", []).append(obj.id)


@event.listens_for(Session, "after_commit")
def _remember_committed(session):
    new = session.info.pop("outbox_new", None)
    if new and has_request_context():
        g.setdefault("outbox_committed", []).extend(new)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop("outbox_new", None)


def init_app(app):
    @app.after_request
    def send_after_commit(response):
        ids = (g.pop("outbox_committed", None) or []) + (g.pop("outbox_retry", None) or [])
        if ids and app.config["MAIL_SEND_ON_COMMIT"]:
            try:
                deliver(ids)
            except Exception:  # noqa: BLE001 - mail must never fail the user's action
                db.session.rollback()
                log.exception("sending mail after commit failed; cron will retry")
        return response
