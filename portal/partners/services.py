"""Partner rules: registration, join requests, the partnership, members, impact jobs and stageplekken.

Each public function is one user action: it checks the transition, changes the objects, writes the audit
entry and queues the mail, and flushes. The caller commits.
"""
import re
import secrets
from datetime import date, timedelta

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import clock
from portal.actions import Refusal
from portal.audit.services import diff, record
from portal.auth import tokens
from portal.auth.models import User
from portal.auth.services import emails_with_role, normalise_email
from portal.database import contains, for_update, utcnow
from portal.extensions import db
from portal.i18n import in_dutch, one_stop
from portal.mail.outbox import queue_mail
from portal.partners import reference as ref
from portal.partners.models import (
    ImpactJob,
    Invitation,
    JoinRequest,
    Membership,
    Municipality,
    Organisation,
    PartnerStatusChange,
    Stageplek,
)
from portal.partners.reference import ensure_municipalities  # noqa: F401 - part of this module's interface
from portal.validators import InvalidNumber, normalise_kvk, normalise_postcode


class PartnerError(Refusal):
    """A refusal of the partners package (message fit for the page, optional field)."""


class KvkTaken(PartnerError):
    """The KvK-nummer is registered already: the user may ask to join that organisation."""

    def __init__(self, organisation: Organisation):
        super().__init__(_("Deze organisatie is al geregistreerd in het portaal."), field="kvk")
        self.organisation = organisation


ORG_FIELDS = ("name", "kvk", "street", "postcode", "city", "municipality_id", "sector", "size_class", "website",
              "contact_name", "contact_phone", "contact_email")


# --------------------------------------------------------------------------- lookups
def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail; works in a request, the CLI and tests alike."""
    adapter = current_app.url_map.bind("localhost", script_name="/")
    return current_app.config["PORTAL_BASE_URL"] + adapter.build(endpoint, values)


def find_organisation_by_kvk(kvk) -> Organisation | None:
    try:
        kvk = normalise_kvk(kvk)
    except InvalidNumber:
        return None
    return db.session.scalar(select(Organisation).where(Organisation.kvk == kvk))


def beheerders(org: Organisation) -> list[User]:
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id, Membership.role == "beheerder", User.active.is_(True))
        .order_by(User.id)
    ))


def _org_recipients(org: Organisation) -> list[str]:
    emails = [u.email for u in beheerders(org)]
    if not emails and org.contact_email:
        emails = [org.contact_email]
    return emails


def _mail_org(org: Organisation, subject: str, template: str, kind: str, **context):
    for email in _org_recipients(org):
        queue_mail(email, subject, f"partners/{template}", org=org, kind=kind,
                   org_url=external_url("partners.org_home"), **context)


def normalise_website(value: str) -> str:
    """An http(s) address; anything else (``javascript:``, ``data:``) becomes a harmless https:// host name."""
    value = (value or "").strip()[:300]
    if value and not re.match(r"^https?://", value, re.I):
        value = "https://" + value.split("://", 1)[-1]
    return value


def _clean_fields(data: dict) -> dict:
    """Normalise the organisation fields from a form or an import row; raises PartnerError at the field."""
    fields = {k: (data.get(k) or "") for k in ORG_FIELDS if k in data}
    for key, value in list(fields.items()):
        if isinstance(value, str):
            fields[key] = value.strip()
    if "name" in fields and not fields["name"]:
        raise PartnerError(_("Vul de naam van de organisatie in."), field="name")
    if "kvk" in fields:
        try:
            fields["kvk"] = normalise_kvk(fields["kvk"])
        except InvalidNumber as exc:
            raise PartnerError(str(exc), field="kvk") from exc
    if fields.get("postcode"):
        try:
            fields["postcode"] = normalise_postcode(fields["postcode"])
        except InvalidNumber as exc:
            raise PartnerError(str(exc), field="postcode") from exc
    if "municipality_id" in fields:
        muni = db.session.get(Municipality, fields["municipality_id"]) if fields["municipality_id"] else None
        if muni is None:
            raise PartnerError(_("Kies een gemeente uit de lijst."), field="municipality_id")
        fields["municipality_id"] = muni.id
    if fields.get("sector") and fields["sector"] not in ref.codes(ref.SECTORS):
        raise PartnerError(_("Kies een sector uit de lijst."), field="sector")
    if fields.get("size_class") and fields["size_class"] not in ref.codes(ref.SIZE_CLASSES):
        raise PartnerError(_("Kies een grootteklasse uit de lijst."), field="size_class")
    if fields.get("website"):
        fields["website"] = normalise_website(fields["website"])
    if fields.get("contact_email"):
        fields["contact_email"] = normalise_email(fields["contact_email"])
    return fields


# --------------------------------------------------------------------------- registration and joining
def register_organisation(user: User, data: dict) -> Organisation:
    """Register a new organisation with ``user`` as its first beheerder (status ``geen``).

    A KvK-nummer that is already registered raises KvkTaken: the user asks to join instead.
    """
    fields = _clean_fields(data)
    existing = find_organisation_by_kvk(fields["kvk"])
    if existing is not None:
        raise KvkTaken(existing)
    org = Organisation(partner_status="geen", **fields)
    try:
        with db.session.begin_nested():
            db.session.add(org)
            db.session.flush()
    except IntegrityError:
        # Someone registered the same number a moment ago.
        existing = find_organisation_by_kvk(fields["kvk"])
        if existing is None:
            raise
        raise KvkTaken(existing) from None
    db.session.add(Membership(user_id=user.id, organisation_id=org.id, role="beheerder"))
    db.session.flush()
    record("organisation.registered", org, actor=user, summary=f"{org.name} ({org.kvk})")
    return org


def update_organisation(org: Organisation, by: User, data: dict, *, allow_kvk: bool = False) -> dict:
    """Change the organisation's details. Only St. MBO (``allow_kvk``) corrects the KvK-nummer."""
    if not allow_kvk:
        data = {k: v for k, v in data.items() if k != "kvk"}
    fields = _clean_fields(data)
    if "kvk" in fields and fields["kvk"] != org.kvk:
        other = find_organisation_by_kvk(fields["kvk"])
        if other is not None:
            raise PartnerError(one_stop(_("Dit KvK-nummer hoort al bij %(org)s.", org=other.name)), field="kvk")
    changes = diff(org, fields)
    if changes:
        db.session.flush()
        record("organisation.updated", org, actor=by, changes=changes)
    return changes


def request_to_join(user: User, org: Organisation, message: str = "") -> JoinRequest:
    """Ask the beheerders of ``org`` to let ``user`` in; they accept or refuse."""
    if any(m.organisation_id == org.id for m in user.memberships):
        raise PartnerError(_("U bent al lid van deze organisatie."))
    open_request = db.session.scalar(select(JoinRequest).where(
        JoinRequest.organisation_id == org.id, JoinRequest.user_id == user.id, JoinRequest.status == "open"))
    if open_request is not None:
        raise PartnerError(_("U heeft al gevraagd om lid te worden. De beheerder van de organisatie beslist."))
    join = JoinRequest(organisation_id=org.id, user_id=user.id, message=(message or "").strip()[:2000])
    db.session.add(join)
    db.session.flush()
    record("organisation.join_requested", join, actor=user, organisation_id=org.id,
           summary=f"{user.email} vraagt lidmaatschap van {org.name}")
    for admin in beheerders(org):
        queue_mail(admin.email, _l("Verzoek om lid te worden van %(org)s", org=org.name), "partners/join_request",
                   org=org, requester=user, join=join, members_url=external_url("partners.members"),
                   kind="partners-join-request")
    return join


def decide_join_request(join: JoinRequest, by: User, accept: bool, reason: str = "") -> JoinRequest:
    """Accept or refuse an open join request; a second decision is refused.

    The user becomes ``lid``; of an organisation without a beheerder (an imported partner that nobody has
    claimed yet; St. MBO decides then) the user becomes its first ``beheerder``.
    """
    new_status = "geaccepteerd" if accept else "geweigerd"
    result = db.session.execute(
        update(JoinRequest).where(JoinRequest.id == join.id, JoinRequest.status == "open")
        .values(status=new_status, decided_at=utcnow(), decided_by_id=by.id, reason=(reason or "").strip()[:2000])
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PartnerError(_("Over dit verzoek is al beslist."))
    db.session.refresh(join)
    org = join.organisation
    if accept:
        exists = db.session.scalar(select(Membership).where(Membership.organisation_id == org.id,
                                                            Membership.user_id == join.user_id))
        if exists is None:
            role = "lid" if beheerders(org) else "beheerder"
            db.session.add(Membership(user_id=join.user_id, organisation_id=org.id, role=role))
    db.session.flush()
    record("organisation.join_" + ("accepted" if accept else "refused"), join, actor=by,
           organisation_id=org.id, summary=join.user.email)
    queue_mail(join.user.email,
               _l("U bent lid van %(org)s", org=org.name) if accept
               else _l("Uw verzoek om lid te worden van %(org)s", org=org.name),
               "partners/join_accepted" if accept else "partners/join_refused",
               org=org, user=join.user, reason=join.reason, org_url=external_url("partners.org_home"),
               kind="partners-join-decision")
    return join


# --------------------------------------------------------------------------- the partnership
APPLY_FROM = ("geen", "geweigerd", "beeindigd")
TRANSITIONS = {
    # action: (from statuses, to status, reason required, mail template, audit action)
    "approve": (("aanvraag",), "partner", False, "approved", "partnership.approved"),
    "refuse": (("aanvraag",), "geweigerd", True, "refused", "partnership.refused"),
    "suspend": (("partner",), "geschorst", True, "suspended", "partnership.suspended"),
    "reinstate": (("geschorst",), "partner", False, "reinstated", "partnership.reinstated"),
    "end": (("partner", "geschorst"), "beeindigd", True, "ended", "partnership.ended"),
}


def _subjects():
    return {
        "approved": _l("Welkom als partner van St. MBO"),
        "refused": _l("Uw aanvraag voor het partnerschap"),
        "suspended": _l("Uw partnerschap is geschorst"),
        "reinstated": _l("Uw partnerschap is hersteld"),
        "ended": _l("Uw partnerschap is beëindigd"),
    }


def _set_status(org: Organisation, from_statuses, to: str, by: User | None, reason: str = "",
                valid_from: date | None = None, extra: dict | None = None) -> str:
    """Change the status only if it is still one of ``from_statuses`` (two staff at once: one wins)."""
    previous = db.session.scalar(select(Organisation.partner_status).where(Organisation.id == org.id))
    now = utcnow()
    values = {"partner_status": to, "status_changed_at": now, "status_reason": reason}
    values.update(extra or {})
    result = db.session.execute(
        update(Organisation).where(Organisation.id == org.id, Organisation.partner_status.in_(from_statuses))
        .values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(org)
        raise PartnerError(_("De status van %(org)s is intussen gewijzigd in ‘%(status)s’. Laad de pagina "
                             "opnieuw en kijk of uw actie nog nodig is.",
                             org=org.name, status=ref.label_of(ref.PARTNER_STATUSES, org.partner_status)))
    db.session.refresh(org)
    db.session.add(PartnerStatusChange(organisation_id=org.id, status=to, previous_status=previous or "",
                                       valid_from=valid_from or clock.today(), reason=reason,
                                       changed_by_id=by.id if by is not None else None))
    db.session.flush()
    return previous


def apply_for_partnership(org: Organisation, by: User, motivation: str, accept_terms: bool) -> Organisation:
    """The organisation asks to become a St. MBO partner (status ``aanvraag``)."""
    motivation = (motivation or "").strip()
    if not motivation:
        raise PartnerError(_("Vertel kort waarom uw organisatie partner wil worden."), field="motivation")
    if not accept_terms:
        raise PartnerError(_("U moet akkoord gaan met de partnervoorwaarden."), field="accept_terms")
    if org.partner_status not in APPLY_FROM:
        raise PartnerError(_("Uw organisatie heeft al een aanvraag lopen of is al partner."))
    now = utcnow()
    previous = _set_status(org, APPLY_FROM, "aanvraag", by,
                           extra={"motivation": motivation[:5000], "terms_accepted_at": now, "applied_at": now})
    record("partnership.applied", org, actor=by, changes={"partner_status": [previous, "aanvraag"]},
           summary=motivation[:200])
    _mail_org(org, _l("Uw aanvraag voor het partnerschap is ontvangen"), "application_received",
              "partners-application")
    _mail_staff_about_application(org, by, motivation)
    return org


def staff_emails() -> list[str]:
    """Who at St. MBO hears about new applications: PARTNERS_STAFF_EMAIL, else every active mbo_staff account."""
    return emails_with_role("mbo_staff", current_app.config.get("PARTNERS_STAFF_EMAIL"))


def _mail_staff_about_application(org: Organisation, by: User, motivation: str):
    for email in staff_emails():
        queue_mail(email, _l("Nieuwe aanvraag voor het partnerschap: %(org)s", org=org.name),
                   "partners/application_staff", org=org, applicant=by, motivation=motivation[:2000],
                   kind="partners-application-staff", review_url=external_url("partners.applications"))


def allowed_actions(org: Organisation) -> list[str]:
    """The partnership actions staff may take on ``org`` now (approve, refuse, suspend, reinstate, end).

    The one answer for the page (which choices it offers) and for ``change_partnership`` (what it accepts).
    """
    return [action for action, spec in TRANSITIONS.items() if org.partner_status in spec[0]]


def change_partnership(org: Organisation, action: str, by: User, reason: str = "") -> Organisation:
    """Staff approve, refuse, suspend, reinstate or end a partnership; the organisation is mailed."""
    if action not in TRANSITIONS:
        raise PartnerError(_("Onbekende actie."))
    if action not in allowed_actions(org):  # the page offered it, so someone else changed the status first
        raise PartnerError(_("De status van %(org)s is intussen gewijzigd in ‘%(status)s’. Laad de pagina "
                             "opnieuw en kijk of uw actie nog nodig is.",
                             org=org.name, status=ref.label_of(ref.PARTNER_STATUSES, org.partner_status)))
    from_statuses, to, reason_required, template, audit_action = TRANSITIONS[action]
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise PartnerError(_("Geef een reden op; de organisatie krijgt die te lezen."), field="reason")
    extra = {}
    if action == "approve":
        extra["partner_since"] = clock.today()
    previous = _set_status(org, from_statuses, to, by, reason, extra=extra)
    record(audit_action, org, actor=by, changes={"partner_status": [previous, to]}, summary=reason[:200])
    _mail_org(org, _subjects()[template], template, f"partners-{template}", reason=reason)
    return org


def approve_partnership(org, by):
    return change_partnership(org, "approve", by)


def refuse_partnership(org, by, reason):
    return change_partnership(org, "refuse", by, reason)


def suspend_partnership(org, by, reason):
    return change_partnership(org, "suspend", by, reason)


def end_partnership(org, by, reason):
    return change_partnership(org, "end", by, reason)


def partner_status_on(org_ids, on_date: date) -> dict[int, str]:
    """The partner status of each organisation on ``on_date`` (``geen`` before its first change).

    ``org_ids`` None means every organisation. Two queries at most, whatever the number of organisations.
    """
    stmt = select(PartnerStatusChange.organisation_id, PartnerStatusChange.status).where(
        PartnerStatusChange.valid_from <= on_date
    ).order_by(PartnerStatusChange.organisation_id, PartnerStatusChange.valid_from, PartnerStatusChange.id)
    if org_ids is None:
        ids = list(db.session.scalars(select(Organisation.id)))
    else:
        ids = [int(i) for i in org_ids]
        if not ids:
            return {}
        stmt = stmt.where(PartnerStatusChange.organisation_id.in_(ids))
    result = dict.fromkeys(ids, "geen")
    for org_id, status in db.session.execute(stmt):
        result[org_id] = status  # ordered by date: the last one wins
    return result


# --------------------------------------------------------------------------- members
def _invitation_token(invitation: Invitation) -> str:
    return tokens.make_token("invite", {"i": invitation.id, "n": invitation.nonce})


def open_invitations_for(user: User) -> list[tuple[Invitation, str]]:
    """The open, unexpired invitations to a signed-in user's confirmed address, with the link token of each:
    shown on the start page so an invited colleague joins instead of registering the organisation again."""
    if user is None or not getattr(user, "verified", False):
        return []
    since = utcnow() - timedelta(seconds=current_app.config["INVITE_TOKEN_MAX_AGE"])
    found = db.session.scalars(
        select(Invitation).options(selectinload(Invitation.organisation))
        .where(Invitation.email == normalise_email(user.email), Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None), Invitation.created_at > since)
        .order_by(Invitation.created_at.desc()).limit(5)).all()
    return [(invitation, _invitation_token(invitation)) for invitation in found]


def invite_member(org: Organisation, by: User, email: str, role: str = "lid") -> Invitation:
    """Mail a single-use link that makes the receiver a member with ``role``."""
    email = normalise_email(email)
    if not email or "@" not in email:
        raise PartnerError(_("Vul een geldig e-mailadres in."), field="email")
    if role not in ("beheerder", "lid"):
        raise PartnerError(_("Kies de rol beheerder of lid."), field="role")
    already = db.session.scalar(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id == org.id, func.lower(User.email) == email))
    if already is not None:
        raise PartnerError(_("%(email)s is al lid van uw organisatie.", email=email), field="email")
    # A new invitation replaces an open one for the same address (its link dies).
    for old in db.session.scalars(select(Invitation).where(
            Invitation.organisation_id == org.id, Invitation.email == email,
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))):
        old.revoked_at = utcnow()
    invitation = Invitation(organisation_id=org.id, email=email, role=role, nonce=secrets.token_hex(16),
                            invited_by_id=by.id)
    db.session.add(invitation)
    db.session.flush()
    record("member.invited", invitation, actor=by, organisation_id=org.id, summary=f"{email} ({role})")
    queue_mail(email, _l("Uitnodiging voor %(org)s in Ondernemen met impact", org=org.name), "partners/invitation",
               org=org, inviter=by, role=role,
               link=external_url("partners.invitation", token=_invitation_token(invitation)),
               days=current_app.config["INVITE_TOKEN_MAX_AGE"] // 86400, kind="partners-invitation")
    return invitation


def invitation_from_token(token: str) -> Invitation:
    data = tokens.read_token("invite", token, current_app.config["INVITE_TOKEN_MAX_AGE"])
    invitation = db.session.get(Invitation, data.get("i")) if isinstance(data, dict) else None
    if invitation is None or not secrets.compare_digest(str(data.get("n", "")), invitation.nonce) \
            or not invitation.is_open:
        raise PartnerError(_("Deze uitnodiging is ongeldig, al gebruikt, ingetrokken of verlopen. Vraag de "
                             "beheerder van de organisatie om een nieuwe uitnodiging."))
    return invitation


def accept_invitation(token: str, user: User) -> Membership:
    """Use the link once: the signed-in user with the invited address becomes a member."""
    invitation = invitation_from_token(token)
    if normalise_email(user.email) != invitation.email:
        raise PartnerError(_("Deze uitnodiging is verstuurd naar %(email)s. Log in met dat e-mailadres om haar "
                             "te aanvaarden.", email=invitation.email))
    result = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise PartnerError(_("Deze uitnodiging is al gebruikt."))
    membership = db.session.scalar(select(Membership).where(Membership.organisation_id == invitation.organisation_id,
                                                            Membership.user_id == user.id))
    if membership is None:
        membership = Membership(user_id=user.id, organisation_id=invitation.organisation_id, role=invitation.role)
        db.session.add(membership)
    db.session.flush()
    record("member.joined", membership, actor=user, organisation_id=invitation.organisation_id,
           summary=f"{user.email} ({membership.role})")
    return membership


def revoke_invitation(invitation: Invitation, by: User) -> None:
    if not invitation.is_open:
        raise PartnerError(_("Deze uitnodiging is al gebruikt of ingetrokken."))
    invitation.revoked_at = utcnow()
    record("member.invitation_revoked", invitation, actor=by, summary=invitation.email)


def _lock_admin_ids(org_id: int) -> list[int]:
    # Ids only: the membership's joined organisation would put FOR UPDATE on an outer join.
    return list(db.session.scalars(for_update(
        select(Membership.id).where(Membership.organisation_id == org_id, Membership.role == "beheerder")
        .order_by(Membership.id))))


def _refuse_last_admin(membership: Membership, message: str):
    """Two beheerders removing each other at once: the row locks make the second one wait and see."""
    if membership.role != "beheerder":
        return
    others = [i for i in _lock_admin_ids(membership.organisation_id) if i != membership.id]
    if not others:
        raise PartnerError(message)


def change_member_role(membership: Membership, by: User, role: str) -> None:
    if role not in ("beheerder", "lid"):
        raise PartnerError(_("Kies de rol beheerder of lid."), field="role")
    if role == membership.role:
        return
    if role == "lid":
        _refuse_last_admin(membership, _("Uw organisatie heeft altijd minstens één beheerder. Maak eerst iemand "
                                         "anders beheerder."))
    old = membership.role
    membership.role = role
    db.session.flush()
    record("member.role_changed", membership, actor=by, changes={"role": [old, role]},
           summary=membership.user.email)


def remove_member(membership: Membership, by: User) -> None:
    """Remove a member (or leave, when ``by`` is the member); the last beheerder cannot go."""
    leaving = membership.user_id == by.id
    _refuse_last_admin(membership, _("U bent de laatste beheerder. Maak eerst iemand anders beheerder voordat u "
                                     "de organisatie verlaat.") if leaving else
                       _("De laatste beheerder kan niet worden verwijderd."))
    email, org_id, role = membership.user.email, membership.organisation_id, membership.role
    record("member.left" if leaving else "member.removed", membership, actor=by, organisation_id=org_id,
           summary=f"{email} ({role})")
    db.session.delete(membership)
    db.session.flush()


# --------------------------------------------------------------------------- impact jobs
_PERSONAL = [
    (re.compile(r"\b\d{9}\b"), "bsn"),
    (re.compile(r"\b\d{4}[ .]\d{2}[ .]\d{3}\b"), "bsn"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "email"),
    (re.compile(r"(\+31|\b0)[1-9]([ -]?\d){8}\b"), "phone"),
    (re.compile(r"\b\d{1,2}[-/.]\d{1,2}[-/.](19|20)?\d{2}\b"), "date"),
    (re.compile(r"\b(bsn|burgerservicenummer|geboren|geb\.|geboortedatum|sofinummer)\b", re.I), "word"),
]


def personal_data_problem(text: str) -> str | None:
    """A message when ``text`` looks like it identifies a person (BSN, date of birth, e-mail, phone)."""
    for pattern, _kind in _PERSONAL:
        if pattern.search(text or ""):
            return _("Noteer niets waarmee iemand te herkennen is: geen namen, BSN, geboortedatum, "
                     "e-mailadres of telefoonnummer.")
    return None


def _check_choice(value, pairs, field, message, required=True):
    if not value:
        if required:
            raise PartnerError(message, field=field)
        return ""
    if value not in ref.codes(pairs):
        raise PartnerError(message, field=field)
    return value


def _as_date(value, field: str, message: str):
    """A date from a form (date) or a caller (ISO text); None when empty; refused otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise PartnerError(message, field=field) from None


def _clean_job(data: dict) -> dict:
    title = (data.get("title") or "").strip()
    if not title:
        raise PartnerError(_("Vul de functie in."), field="title")
    if len(title) > 120:
        raise PartnerError(_("Houd de functie korter dan 120 tekens."), field="title")
    problem = personal_data_problem(title)
    if problem:
        raise PartnerError(problem, field="title")
    groups = list(data.get("target_groups") or [])
    if not groups:
        raise PartnerError(_("Kies minstens één doelgroep."), field="target_groups")
    if any(g not in ref.codes(ref.TARGET_GROUPS) for g in groups):
        raise PartnerError(_("Kies doelgroepen uit de lijst."), field="target_groups")
    contract = _check_choice(data.get("contract_type"), ref.CONTRACT_TYPES, "contract_type",
                             _("Kies het soort contract."))
    hours = data.get("hours_per_week")
    try:
        hours_value = float(hours)
    except (TypeError, ValueError):
        raise PartnerError(_("Vul het aantal uren per week in."), field="hours_per_week") from None
    if not 1 <= hours_value <= 60:
        raise PartnerError(_("Het aantal uren per week ligt tussen 1 en 60."), field="hours_per_week")
    start = _as_date(data.get("start_date"), "start_date", _("Vul een geldige startdatum in."))
    if start is None:
        raise PartnerError(_("Vul de startdatum in."), field="start_date")
    if start.year < 2000 or start > clock.today().replace(year=clock.today().year + 1):
        raise PartnerError(_("Vul een startdatum in die niet meer dan een jaar in de toekomst ligt."),
                           field="start_date")
    end = _as_date(data.get("end_date"), "end_date", _("Vul een geldige einddatum in."))
    reason = data.get("end_reason") or ""
    if end is not None:
        if end < start:
            raise PartnerError(_("De einddatum ligt vóór de startdatum."), field="end_date")
        reason = _check_choice(reason, ref.END_REASONS, "end_reason", _("Kies waarom de plaatsing is gestopt."))
    elif reason:
        raise PartnerError(_("Vul ook de einddatum in, of laat de reden leeg."), field="end_date")
    note = (data.get("note") or "").strip()
    problem = personal_data_problem(note)
    if problem:
        raise PartnerError(problem, field="note")
    return {
        "title": title, "target_groups": groups, "contract_type": contract,
        "hours_per_week": _decimal(hours_value), "start_date": start, "end_date": end, "end_reason": reason,
        "route": _check_choice(data.get("route"), ref.ROUTES, "route", _("Kies een route uit de lijst."),
                               required=False),
        "neighbourhood": _check_choice(data.get("neighbourhood"), ref.NEIGHBOURHOODS, "neighbourhood",
                                       _("Kies een wijk uit de lijst."), required=False),
        "profile": _check_choice(data.get("profile"), ref.PROFILES, "profile", _("Kies een profiel uit de lijst."),
                                 required=False),
        "job_coaching": bool(data.get("job_coaching")),
        "note": note[:2000],
    }


def save_impact_job(org: Organisation, by: User, data: dict, job: ImpactJob | None = None) -> ImpactJob:
    """Log a new placement or change one; nothing that identifies the person is accepted."""
    fields = _clean_job(data)
    groups = fields.pop("target_groups")
    if job is None:
        job = ImpactJob(organisation_id=org.id, created_by_id=by.id, **fields)
        job.target_groups = groups
        db.session.add(job)
        db.session.flush()
        record("impact_job.created", job, actor=by,
           summary=f"{job.title} ({in_dutch(ref.label_of(ref.CONTRACT_TYPES, job.contract_type))})")
        return job
    if job.organisation_id != org.id:
        raise PartnerError(_("Deze plaatsing hoort niet bij uw organisatie."))
    old_groups = job.target_groups
    changes = diff(job, fields)
    if sorted(old_groups) != sorted(groups):
        job.target_groups = groups
        changes["target_groups"] = [old_groups, groups]
    db.session.flush()
    if changes:
        record("impact_job.updated", job, actor=by, changes=changes)
    return job


def _decimal(value):
    from decimal import Decimal

    return Decimal(str(value)).quantize(Decimal("0.1"))


def close_impact_job(job: ImpactJob, by: User, end_date, end_reason: str) -> ImpactJob:
    data = {"title": job.title, "target_groups": job.target_groups, "contract_type": job.contract_type,
            "hours_per_week": job.hours_per_week, "start_date": job.start_date, "end_date": end_date,
            "end_reason": end_reason, "route": job.route, "neighbourhood": job.neighbourhood,
            "profile": job.profile, "job_coaching": job.job_coaching, "note": job.note}
    if end_date is None:
        raise PartnerError(_("Vul de einddatum in."), field="end_date")
    return save_impact_job(job.organisation, by, data, job)


def delete_impact_job(job: ImpactJob, by: User) -> None:
    record("impact_job.deleted", job, actor=by, summary=job.title)
    db.session.delete(job)
    db.session.flush()


def job_totals(org_ids=None, on: date | None = None) -> dict:
    """Totals of impact jobs (all, running today, durable, with job coaching) in one query."""
    on = on or clock.today()
    running = and_(ImpactJob.start_date <= on, or_(ImpactJob.end_date.is_(None), ImpactJob.end_date >= on))
    stmt = select(
        func.count(ImpactJob.id),
        func.coalesce(func.sum(case((running, 1), else_=0)), 0),
        func.coalesce(func.sum(case((ImpactJob.durable.is_(True), 1), else_=0)), 0),
        func.coalesce(func.sum(case((ImpactJob.job_coaching.is_(True), 1), else_=0)), 0),
    )
    if org_ids is not None:
        stmt = stmt.where(ImpactJob.organisation_id.in_(list(org_ids)))
    total, active, durable, coached = db.session.execute(stmt).one()
    return {"total": total, "active": int(active), "durable": int(durable), "coached": int(coached)}


# --------------------------------------------------------------------------- stageplekken
def _clean_stageplek(data: dict) -> dict:
    title = (data.get("title") or "").strip()
    if not title:
        raise PartnerError(_("Vul een titel in."), field="title")
    level = _check_choice(data.get("education_level"), ref.EDUCATION_LEVELS, "education_level",
                          _("Kies het opleidingsniveau."))
    stage_type = _check_choice(data.get("stage_type"), ref.STAGE_TYPES, "stage_type", _("Kies het soort stage."))
    field = _check_choice(data.get("field"), ref.SECTORS, "field", _("Kies het vakgebied."))
    try:
        places = int(data.get("places"))
    except (TypeError, ValueError):
        raise PartnerError(_("Vul het aantal plaatsen in."), field="places") from None
    if not 1 <= places <= 500:
        raise PartnerError(_("Het aantal plaatsen ligt tussen 1 en 500."), field="places")
    try:
        filled = int(data.get("places_filled") or 0)
    except (TypeError, ValueError):
        raise PartnerError(_("Vul het aantal bezette plaatsen in."), field="places_filled") from None
    if filled < 0 or filled > places:
        raise PartnerError(_("Er kunnen niet meer plaatsen bezet zijn dan er zijn."), field="places_filled")
    start = _as_date(data.get("period_start"), "period_start", _("Vul een geldige datum in."))
    end = _as_date(data.get("period_end"), "period_end", _("Vul een geldige datum in."))
    if start and end and end < start:
        raise PartnerError(_("Het einde van de periode ligt vóór het begin."), field="period_end")
    description = (data.get("description") or "").strip()
    problem = personal_data_problem(description) if description else None
    if problem and re.search(r"\b(bsn|geboren|geboortedatum)\b", description, re.I):
        raise PartnerError(problem, field="description")
    return {
        "title": title[:120], "education_level": level, "stage_type": stage_type, "field": field,
        "places": places, "places_filled": filled, "period_start": start, "period_end": end,
        "school": (data.get("school") or "").strip()[:120], "sbb_recognised": bool(data.get("sbb_recognised")),
        "published": bool(data.get("published")), "description": description[:4000],
    }


def save_stageplek(org: Organisation, by: User, data: dict, plek: Stageplek | None = None) -> Stageplek:
    fields = _clean_stageplek(data)
    if plek is None:
        plek = Stageplek(organisation_id=org.id, **fields)
        db.session.add(plek)
        db.session.flush()
        record("stageplek.created", plek, actor=by, summary=plek.title)
        return plek
    if plek.organisation_id != org.id:
        raise PartnerError(_("Deze stageplek hoort niet bij uw organisatie."))
    changes = diff(plek, fields)
    db.session.flush()
    if changes:
        record("stageplek.updated", plek, actor=by, changes=changes)
    return plek


def set_stageplek_published(plek: Stageplek, by: User, published: bool) -> None:
    if plek.published != published:
        plek.published = published
        record("stageplek.published" if published else "stageplek.unpublished", plek, actor=by,
               summary=plek.title)
        db.session.flush()


def delete_stageplek(plek: Stageplek, by: User) -> None:
    record("stageplek.deleted", plek, actor=by, summary=plek.title)
    db.session.delete(plek)
    db.session.flush()


def public_stageplekken_query(level: str = "", field: str = "", municipality_id: int | None = None,
                              on: date | None = None):
    """Published places with room left, of organisations that are partner, for the public page."""
    on = on or clock.today()
    stmt = (
        select(Stageplek).join(Organisation, Organisation.id == Stageplek.organisation_id)
        .where(Stageplek.published.is_(True), Stageplek.places_filled < Stageplek.places,
               Organisation.partner_status == "partner",
               or_(Stageplek.period_end.is_(None), Stageplek.period_end >= on))
        .order_by(Stageplek.period_start.is_(None), Stageplek.period_start, Stageplek.id)
    )
    if level:
        stmt = stmt.where(Stageplek.education_level == level)
    if field:
        stmt = stmt.where(Stageplek.field == field)
    if municipality_id:
        stmt = stmt.where(Organisation.municipality_id == municipality_id)
    return stmt


# --------------------------------------------------------------------------- staff list
# The label package owns label status. It may register how to filter and show it (see provide_label_status).
_LABEL_STATUS = {"choices": (), "where": None, "lookup": None}


def provide_label_status(*, choices, where, lookup):
    """Called by the label package: ``choices`` [(code, label)], ``where(code)`` a SQL condition on
    Organisation, ``lookup(org_ids) -> {org_id: label text}`` in one query."""
    _LABEL_STATUS.update(choices=tuple(choices), where=where, lookup=lookup)


def label_status_choices():
    return _LABEL_STATUS["choices"]


def label_statuses(org_ids) -> dict:
    lookup = _LABEL_STATUS["lookup"]
    return lookup(list(org_ids)) if lookup and org_ids else {}


def staff_partner_query(q: str = "", status: str = "", municipality_id: int | None = None, sector: str = "",
                        size_class: str = "", label: str = ""):
    stmt = select(Organisation).order_by(func.lower(Organisation.name), Organisation.id)
    q = (q or "").replace("\x00", "").strip()
    if q:
        digits = re.sub(r"\D", "", q)
        conditions = [contains(Organisation.name, q), contains(Organisation.city, q)]
        if len(digits) >= 4:
            conditions.append(Organisation.kvk.like(f"%{digits}%"))
        stmt = stmt.where(or_(*conditions))
    if status:
        stmt = stmt.where(Organisation.partner_status == status)
    if municipality_id:
        stmt = stmt.where(Organisation.municipality_id == municipality_id)
    if sector:
        stmt = stmt.where(Organisation.sector == sector)
    if size_class:
        stmt = stmt.where(Organisation.size_class == size_class)
    if label and _LABEL_STATUS["where"] is not None and label in ref.codes(_LABEL_STATUS["choices"]):
        stmt = stmt.where(_LABEL_STATUS["where"](label))
    return stmt


def organisation_counts(org_ids) -> dict[int, dict]:
    """Members, impact jobs (all, durable) and stageplekken per organisation: one query for any number."""
    ids = list(org_ids)
    result = {i: {"members": 0, "jobs": 0, "durable": 0, "stageplekken": 0, "places": 0} for i in ids}
    if not ids:
        return result

    def per_org(model, *columns):
        return (select(*columns).where(model.organisation_id == Organisation.id)
                .correlate(Organisation).scalar_subquery())

    durable = func.coalesce(func.sum(case((ImpactJob.durable.is_(True), 1), else_=0)), 0)
    stmt = select(
        Organisation.id,
        per_org(Membership, func.count(Membership.id)),
        per_org(ImpactJob, func.count(ImpactJob.id)),
        per_org(ImpactJob, durable),
        per_org(Stageplek, func.count(Stageplek.id)),
        per_org(Stageplek, func.coalesce(func.sum(Stageplek.places), 0)),
    ).where(Organisation.id.in_(ids))
    for org_id, members, jobs, durable_jobs, stageplekken, places in db.session.execute(stmt):
        result[org_id] = {"members": int(members or 0), "jobs": int(jobs or 0), "durable": int(durable_jobs or 0),
                          "stageplekken": int(stageplekken or 0), "places": int(places or 0)}
    return result


def next_steps(org: Organisation, has_endpoint) -> list[dict]:
    """What the organisation can do next, in order: shown on its home page."""
    steps = []
    if org.partner_status in APPLY_FROM:
        steps.append({"text": _("Vraag het partnerschap met St. MBO aan."), "endpoint": "partners.apply"})
    elif org.partner_status == "aanvraag":
        if org.applied_at is not None:
            steps.append({"text": _("Uw aanvraag wacht op St. MBO sinds %(date)s. U krijgt bericht per e-mail; "
                                    "daarna kunt u de zelfscan voor het label starten.",
                                    date=format_datetime(org.applied_at, "d MMMM yyyy")), "endpoint": None})
        else:
            steps.append({"text": _("St. MBO beoordeelt uw aanvraag. U krijgt bericht per e-mail."), "endpoint": None})
    elif org.partner_status == "geschorst":
        steps.append({"text": _("Uw partnerschap is geschorst. Neem contact op met St. MBO."), "endpoint": None})
    if org.partner_status == "partner" and has_endpoint("label.assessment"):
        steps.append({"text": _("Start of vervolg uw zelfscan voor het label Ondernemen met impact."),
                      "endpoint": "label.assessment"})
    if org.partner_status in ("aanvraag", "partner"):
        steps.append({"text": _("Registreer uw banen met impact."), "endpoint": "partners.jobs"})
        steps.append({"text": _("Bied stageplekken aan voor studenten uit de regio."),
                      "endpoint": "partners.stageplekken"})
    if len(org.memberships) < 2:
        steps.append({"text": _("Nodig een collega uit om mee te werken."), "endpoint": "partners.members"})
    return steps
