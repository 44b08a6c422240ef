"""Who hears about label steps: the organisation's members and St. MBO staff, through the outbox."""
from flask import current_app
from sqlalchemy import select

from portal.auth.models import User
from portal.auth.services import emails_with_role
from portal.extensions import db
from portal.mail.outbox import queue_mail
from portal.partners.models import Membership


def member_emails(organisation_id: int) -> list[str]:
    return list(db.session.scalars(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.active.is_(True)).order_by(User.email)
    ))


def staff_emails() -> list[str]:
    return emails_with_role("mbo_staff", current_app.config.get("LABEL_STAFF_EMAIL"))


def external(path: str) -> str:
    return current_app.config["PORTAL_BASE_URL"] + path


def mail_members(organisation_id: int, subject: str, template: str, kind: str, **context):
    for email in member_emails(organisation_id):
        queue_mail(email, subject, f"label/{template}", kind=kind, **context)


def mail_staff(subject: str, template: str, kind: str, **context):
    for email in staff_emails():
        queue_mail(email, subject, f"label/{template}", kind=kind, **context)
