"""Queue mail inside the current transaction; the worker delivers it after the commit, and retries with backoff.

The outbox table is the record of what must be sent. After a request commits, the ids of its new rows are
handed to the job queue (``portal.jobs.enqueue_delivery``): the request never waits on the SMTP server.
The ``mail-send`` job sweeps every minute for rows whose (next) attempt is due, so a lost task, a worker
that crashed or an SMTP outage only delays a mail. Each row is claimed with a conditional UPDATE (on
PostgreSQL the sweep picks rows with ``FOR UPDATE SKIP LOCKED``) before it is sent, so two workers never
send one twice; the Message-ID is fixed per row, so the one unavoidable case (a crash after the SMTP
server accepted but before ``sent`` was committed) repeats the same message, which mail clients merge.
"""
import base64
import logging
import smtplib
from datetime import timedelta

from flask import current_app, g, has_app_context, has_request_context, render_template
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


def _claim_next():
    """Claim the oldest due row nobody holds; its id, or None. PostgreSQL skips rows another sweep locked."""
    now = utcnow()
    due = (OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
           or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
    oldest = (select(OutboxMessage.id).where(*due).order_by(OutboxMessage.id).limit(1)
              .with_for_update(skip_locked=True).scalar_subquery())
    claimed = db.session.scalar(
        update(OutboxMessage).where(OutboxMessage.id == oldest, *due)
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed


def message_id(row: OutboxMessage) -> str:
    """The same Message-ID on every attempt of one outbox row."""
    domain = current_app.config["PORTAL_BASE_URL"].split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<outbox-{row.id}-{int(row.created_at.timestamp())}@{domain or 'localhost'}>"


def _to_flask_mail(row: OutboxMessage) -> Message:
    msg = Message(subject=row.subject, recipients=[row.recipient], body=row.body_text, html=row.body_html,
                  sender=current_app.config["MAIL_DEFAULT_SENDER"])
    msg.msgId = message_id(row)
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


class _Sender:
    """One SMTP connection for a run of claimed rows, opened at the first one."""

    def __init__(self):
        self.connection = None
        self.result = {"sent": 0, "failed": 0, "skipped": 0}

    def send(self, message_id: int) -> bool:
        """Send one claimed row; False when the server is unreachable (the rest waits for a later run)."""
        row = db.session.get(OutboxMessage, message_id)
        message = _to_flask_mail(row)
        db.session.commit()  # no transaction (on SQLite: no write lock) is held while the SMTP server talks
        if self.connection is None:
            try:
                self.connection = _Connection(current_app.extensions["mail"])
                self.connection.__enter__()
            except (OSError, smtplib.SMTPException) as exc:
                self.connection = None
                _record_failure(row, exc)
                self.result["failed"] += 1
                return False
        try:
            self.connection.send(message)
        except (OSError, smtplib.SMTPException) as exc:
            _record_failure(row, exc)
            self.result["failed"] += 1
            if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
                self.close()
            return True
        row.attempts += 1
        row.status = "sent"
        row.sent_at = utcnow()
        row.claimed_until = None
        row.last_error = ""
        db.session.commit()
        self.result["sent"] += 1
        return True

    def close(self):
        _close(self.connection)
        self.connection = None


def deliver(message_ids) -> dict:
    """Try to send the given outbox rows now. Never raises: a failure is recorded for a later try."""
    sender = _Sender()
    try:
        for message_id in list(message_ids):
            if not _claim(message_id):
                sender.result["skipped"] += 1
                continue
            if not sender.send(message_id):
                break  # the server is unreachable: the rest waits for the next run
    finally:
        sender.close()
    return sender.result


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
    """Deliver what is due, oldest first, claiming one row at a time (`flask --app wsgi mail send`)."""
    db.session.commit()
    sender = _Sender()
    try:
        for _ in range(limit):
            claimed = _claim_next()
            if claimed is None or not sender.send(claimed):
                break
    finally:
        sender.close()
    return sender.result


def send_due_job() -> str:
    """The scheduled ``mail-send`` job: the sweep that retries with backoff and catches anything not yet sent."""
    if not current_app.config["MAIL_SEND_ON_COMMIT"]:
        return "mail delivery is off (MAIL_SEND_ON_COMMIT); mail stays in the outbox"
    result = send_pending()
    return f"sent {result['sent']}, failed {result['failed']}"


@event.listens_for(Session, "after_flush")
def _collect_new_messages(session, flush_context):
    for obj in session.new:
        if isinstance(obj, OutboxMessage):
            session.info.setdefault("outbox_new", []).append(obj.id)


@event.listens_for(Session, "after_commit")
def _remember_committed(session):
    new = session.info.pop("outbox_new", None)
    if new and has_app_context():
        g.setdefault("outbox_committed", []).extend(new)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop("outbox_new", None)


def init_app(app):
    @app.after_request
    def deliver_after_commit(response):
        ids = (g.pop("outbox_committed", None) or []) + (g.pop("outbox_retry", None) or [])
        if ids and app.config["MAIL_SEND_ON_COMMIT"]:
            from portal import jobs

            # The response is built: end the request's transaction, so that a worker running in this
            # process (immediate mode) never waits on a lock the request still holds.
            db.session.rollback()
            jobs.enqueue_delivery(ids)
        return response
