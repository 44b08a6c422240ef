"""The right to erasure (art. 17 AVG): an account, or a public event registrant, removed from the portal.

What the organisation and the procurement record must keep (self-assessment answers, evidence, scores with
their motivation, the audit trail) stays, under a pseudonym: the account row remains as "Verwijderde gebruiker
<id>" with an address that cannot receive mail, so every reference still points somewhere and says nothing
about the person. Everything else that names the person is deleted or blanked, and their address and full name
are replaced wherever they were stored as text (``scrub.scrub_everywhere``).
"""
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from portal.actions import Refusal
from portal.audit.services import record
from portal.auth.models import User, UserRole
from portal.database import utcnow
from portal.events.models import Answer, Registration
from portal.events.models import Invitation as EventInvitation
from portal.extensions import db
from portal.label.models import ReviewComment
from portal.mail.models import OutboxMessage
from portal.partners.models import Invitation, JoinRequest, Membership, Organisation
from portal.privacy.scrub import replacements, scrub_everywhere

PSEUDONYM_DOMAIN = "verwijderd.invalid"


class PrivacyError(Refusal):
    """A privacy request that cannot be carried out as asked."""


def pseudonym_name(user_id: int) -> str:
    return f"Verwijderde gebruiker {user_id}"


def pseudonym_email(user_id: int) -> str:
    return f"verwijderd-{user_id}@{PSEUDONYM_DOMAIN}"


def is_erased(user: User) -> bool:
    return user.email.endswith("@" + PSEUDONYM_DOMAIN)


def handover_needed(user: User) -> list[Organisation]:
    """Organisations where the user is the only beheerder while colleagues remain: they hand over first."""
    mine = db.session.scalars(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.role == "beheerder")).all()
    needed = []
    for membership in mine:
        others = db.session.execute(
            select(Membership.role, func.count()).where(Membership.organisation_id == membership.organisation_id,
                                                        Membership.user_id != user.id)
            .group_by(Membership.role)).all()
        roles = dict(others)
        if roles and not roles.get("beheerder"):
            needed.append(membership.organisation)
    return needed


def _forget_registrations(condition) -> int:
    """Blank the personal fields of the registrations matching ``condition`` and delete their answers."""
    ids = list(db.session.scalars(select(Registration.id).where(condition)))
    if ids:
        db.session.execute(delete(Answer).where(Answer.registration_id.in_(ids)))
        db.session.execute(update(Registration).where(Registration.id.in_(ids))
                           .values(name="", email="", organisation_name="", active_key=None, anonymised_at=utcnow())
                           .execution_options(synchronize_session=False))
    return len(ids)


def _forget_address(email: str) -> None:
    """Rows that exist only because of this address: event and organisation invitations not taken up, mail."""
    db.session.execute(delete(EventInvitation).where(func.lower(EventInvitation.email) == email))
    db.session.execute(delete(Invitation).where(func.lower(Invitation.email) == email,
                                                Invitation.accepted_by_id.is_(None)))
    db.session.execute(delete(OutboxMessage).where(func.lower(OutboxMessage.recipient) == email))
    db.session.execute(update(Organisation).where(func.lower(Organisation.contact_email) == email)
                       .values(contact_email="", contact_name="", contact_phone="")
                       .execution_options(synchronize_session=False))


def erase_account(user: User, by: User, reason: str = "") -> None:
    """Erase ``user``'s personal data, keeping their contributions under a pseudonym. ``by`` is the user
    (a request on the account page) or St. MBO (a request received by mail; ``reason`` says which)."""
    if is_erased(user):
        raise PrivacyError(_("Dit account is al verwijderd."))
    if user.has_role("admin") and not db.session.scalar(
            select(func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
            .where(UserRole.role == "admin", User.active.is_(True), User.id != user.id)):
        raise PrivacyError(_("Dit is het laatste beheerdersaccount van het portaal. Geef eerst iemand anders de "
                             "rol admin."))
    blocking = handover_needed(user)
    if blocking:
        names = ", ".join(org.name for org in blocking)
        raise PrivacyError(_("U bent de enige beheerder van %(names)s. Maak eerst een collega beheerder (via "
                             "Mijn organisatie, Leden) en verwijder daarna uw account.", names=names)
                           if by.id == user.id else
                           _("%(email)s is de enige beheerder van %(names)s. Laat eerst een collega beheerder "
                             "maken.", email=user.email, names=names))
    by_self = by.id == user.id
    email, name = user.email.lower(), user.name
    new_email, new_name = pseudonym_email(user.id), pseudonym_name(user.id)
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(delete(JoinRequest).where(JoinRequest.user_id == user.id))
    db.session.execute(delete(UserRole).where(UserRole.user_id == user.id))
    _forget_registrations((Registration.user_id == user.id) | (func.lower(Registration.email) == email))
    _forget_address(email)
    db.session.execute(update(ReviewComment).where(ReviewComment.author_id == user.id)
                       .values(author_name=new_name).execution_options(synchronize_session=False))
    db.session.execute(update(User).where(User.id == user.id).values(
        email=new_email, name=new_name, pending_email=None, active=False, last_login_at=None,
        password_hash="!erased:" + secrets.token_hex(16), session_version=User.session_version + 1)
        .execution_options(synchronize_session=False))
    scrub_everywhere(replacements(email, name, new_email, new_name))
    db.session.expire_all()
    record("privacy.account_erased", actor=by, object_type="User", object_id=user.id,
           summary=_l("Account verwijderd; bijdragen blijven onder het pseudoniem %(name)s", name=new_name),
           changes={"op_verzoek_via": "account" if by_self else "St. MBO", "reden": reason})
    db.session.flush()


def erase_registrant(registration: Registration, by: User | None = None, reason: str = "") -> int:
    """Erase a public registrant (no account): every registration of their address, the invitations and mail
    to it. Reached through the personal link (which proves the address) or by St. MBO. Returns the count."""
    if registration.user_id is not None:
        raise PrivacyError(_("Deze aanmelding hoort bij een account; verwijder het account via Mijn account."))
    email, name = registration.email.lower(), registration.name
    if not email:
        raise PrivacyError(_("Deze aanmelding is al geanonimiseerd."))
    count = _forget_registrations(Registration.user_id.is_(None) & (func.lower(Registration.email) == email))
    _forget_address(email)
    scrub_everywhere(replacements(email, name, f"verwijderd-aanmelding-{registration.id}@{PSEUDONYM_DOMAIN}",
                                  _("Verwijderde bezoeker")))
    db.session.expire_all()
    record("privacy.registrant_erased", actor=by, object_type="Registration",
           object_id=registration.id, summary=_l("%(n)s aanmelding(en) van een bezoeker gewist", n=count),
           changes={"op_verzoek_via": "St. MBO" if by else "persoonlijke link", "reden": reason})
    db.session.flush()
    return count


def find_subject(email: str) -> tuple[User | None, Registration | None]:
    """Whom a request by mail is about: the account with this address, else a public registration of it."""
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise PrivacyError(_("Vul een geldig e-mailadres in."), field="email")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    registration = db.session.scalar(select(Registration).where(
        Registration.user_id.is_(None), func.lower(Registration.email) == email).order_by(Registration.id).limit(1))
    if user is None and registration is None:
        raise PrivacyError(_("Het portaal heeft geen account en geen aanmelding met dit e-mailadres."), field="email")
    return user, registration


def erase_on_request(email: str, by: User, reason: str) -> str:
    """St. MBO carries out an erasure request received by mail (``reason``: when and how it came in)."""
    reason = (reason or "").strip()
    if not reason:
        raise PrivacyError(_("Noteer hoe en wanneer het verzoek binnenkwam."), field="reason")
    user, registration = find_subject(email)
    if user is not None:
        erase_account(user, by, reason)  # also the public registrations of the same address
        return "account"
    erase_registrant(registration, by, reason)
    return "registrant"
