"""Enforcing the retention schedule (schedule.py): ``run_retention(today)``, one call a day.

Each step is idempotent, so running it twice on a day, or after a missed day, does the right thing. The caller
commits (the CLI command, or the job engine).
"""
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, null, or_, select, update

from portal.audit.models import AuditEntry
from portal.audit.services import record
from portal.auth.models import User
from portal.events.services import purge_personal_data
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.partners.models import JoinRequest, Membership, Organisation
from portal.privacy.scrub import replacements, scrub_everywhere

# Audit entries of procurement and land issuance are archive records of the municipality (Archiefwet,
# Selectielijst gemeenten): the portal never removes them by itself.
KEPT_AUDIT_PREFIXES = ("inkoop.",)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 - months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def remove_unverified_accounts(today: date) -> int:
    """Accounts never confirmed within the term, never used and in no organisation: deleted, and their address
    replaced where the audit log or mail kept it."""
    cutoff = _start_of(today - timedelta(days=current_app.config["PRIVACY_UNVERIFIED_DAYS"]))
    users = db.session.scalars(select(User).where(
        User.email_verified_at.is_(None), User.last_login_at.is_(None), User.created_at < cutoff,
        ~select(Membership.id).where(Membership.user_id == User.id).exists()).order_by(User.id)).all()
    for user in users:
        db.session.execute(delete(OutboxMessage).where(func.lower(OutboxMessage.recipient) == user.email.lower()))
        scrub_everywhere(replacements(user.email, user.name, f"onbevestigd-{user.id}@verwijderd.invalid",
                                      f"Onbevestigd account {user.id}"))
        db.session.execute(delete(User).where(User.id == user.id))
    return len(users)


def clear_mail(today: date) -> tuple[int, int]:
    """Bodies and attachments of delivered or given-up mail after the short term; the rows after the long one."""
    cfg = current_app.config
    body_cutoff = _start_of(today - timedelta(days=cfg["PRIVACY_OUTBOX_BODY_DAYS"]))
    row_cutoff = _start_of(_months_before(today, cfg["PRIVACY_OUTBOX_MONTHS"]))
    removed = db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.status != "pending", OutboxMessage.created_at < row_cutoff)).rowcount
    cleared = db.session.execute(
        # Every message has a text body, so an empty one marks a message already cleared.
        update(OutboxMessage).where(OutboxMessage.status != "pending", OutboxMessage.created_at < body_cutoff,
                                    OutboxMessage.body_text != "")
        .values(body_text="", body_html=None, attachments=null()).execution_options(synchronize_session=False)).rowcount
    return cleared, removed


def clear_rejected_applications(today: date) -> tuple[int, int]:
    """A refused partner application loses its motivation and contact person; a refused join request goes."""
    cutoff = _start_of(_months_before(today, current_app.config["PRIVACY_REJECTED_MONTHS"]))
    cleared = db.session.execute(
        update(Organisation).where(Organisation.partner_status == "geweigerd", Organisation.status_changed_at < cutoff,
                                   or_(Organisation.motivation != "", Organisation.contact_name != "",
                                       Organisation.contact_email != "", Organisation.contact_phone != ""))
        .values(motivation="", contact_name="", contact_email="", contact_phone="")
        .execution_options(synchronize_session=False)).rowcount
    removed = db.session.execute(delete(JoinRequest).where(JoinRequest.status == "geweigerd",
                                                           JoinRequest.decided_at < cutoff)).rowcount
    return cleared, removed


def remove_old_audit_entries(today: date) -> int:
    """Entries older than the term, except those of procurement and land issuance (kept as the law requires).
    A Core delete: the ORM guard keeps everyone else from removing audit entries."""
    years = current_app.config["PRIVACY_AUDIT_YEARS"]
    try:
        cutoff_day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff_day = today.replace(year=today.year - years, day=28)
    kept = or_(*[AuditEntry.action.startswith(prefix) for prefix in KEPT_AUDIT_PREFIXES])
    return db.session.execute(delete(AuditEntry.__table__).where(
        AuditEntry.created_at < _start_of(cutoff_day), ~kept)).rowcount


def run_retention(today: date) -> dict[str, int]:
    """Apply the whole schedule for ``today``; returns what was done per kind. The caller commits."""
    now = _start_of(today)
    events, registrants = purge_personal_data(now=now)
    result = {"unverified_accounts": remove_unverified_accounts(today), "event_registrants": registrants}
    result["mail_bodies"], result["mail_rows"] = clear_mail(today)
    result["rejected_applications"], result["rejected_join_requests"] = clear_rejected_applications(today)
    result["audit_entries"] = remove_old_audit_entries(today)
    if any(result.values()):
        record("privacy.retention", object_type="Retentie",
               summary=_l("Bewaartermijnen toegepast op %(day)s", day=today.isoformat()), changes=result)
    db.session.flush()
    db.session.expire_all()
    return result
