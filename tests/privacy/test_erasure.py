"""Erasure: after an account is deleted, its address and name are in no text column of any table; what the
organisation and the procurement record keep stays, under a pseudonym; the last beheerder hands over first."""
from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, Text, cast, func, or_, select

from portal.audit.models import AuditEntry
from portal.auth.models import User
from portal.auth.services import register_user
from portal.events.models import Registration
from portal.extensions import db
from portal.label import assessments
from portal.label.models import AssessmentAnswer, ReviewComment
from portal.partners.models import Membership
from portal.partners.services import invite_member
from portal.privacy import erasure
from tests.conftest import login
from tests.label.conftest import FULL, answer_all, build_set
from tests.privacy.filler import fill, tables_referring_to_users

EMAIL = "erika.erasmus@example.nl"
NAME = "Erika Erasmus-Testpersoon"


def hits(*needles) -> list[str]:
    """Every (table.column) of every table whose text holds one of ``needles``, case-insensitively."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text):
                value = func.lower(column)
            elif isinstance(column.type, JSON):
                value = func.lower(cast(column, Text))
            else:
                continue
            condition = or_(*[value.contains(n.lower(), autoescape=True) for n in needles])
            if db.session.scalar(select(func.count()).select_from(table).where(condition)):
                found.append(f"{table.name}.{column.name}")
    return found


def test_erased_account_leaves_no_address_or_name_in_any_column(app, client, make_user, make_org):
    staff = make_user("mbo_staff")
    build_set(staff)
    with app.test_request_context("/"):
        register_user(EMAIL, "Groene-kikker-springt-2026", name=NAME)  # audit entry and mail carry the address
    db.session.commit()
    person = db.session.scalar(select(User).where(User.email == EMAIL))
    person.email_verified_at = person.created_at  # as the mailed link would (tests/auth prove that path)
    colleague = make_user("ondernemer", name="Collega Beheerder")
    org = make_org(members=[colleague, (person, "lid")])
    item = assessments.start_assessment(org, person)
    db.session.commit()
    answer_all(item, person, FULL)
    assessments.add_comment(assessments.load(item.id), None, f"Vraag van {NAME}", person, from_staff=False)
    with app.test_request_context("/"):
        # An invitation to the same address from another organisation, not taken up.
        invite_member(make_org(members=[colleague]), colleague, "erika.erasmus@example.nl", "lid")
    # Every table that refers to a user gets a row with the name and address in each text column.
    for table in tables_referring_to_users():
        fill(table, person.id, marker=f"{NAME} <{EMAIL}>")
    db.session.commit()
    assert len(hits(EMAIL, NAME)) >= 20

    login(client, EMAIL)
    response = client.post("/privacy/account-verwijderen",
                           data={"password": "Groene-kikker-springt-2026", "confirm": "y"})
    assert response.status_code == 302

    assert hits(EMAIL, NAME) == []
    pseudonym = db.session.get(User, person.id)
    assert pseudonym.email == f"verwijderd-{person.id}@verwijderd.invalid"
    assert pseudonym.name == f"Verwijderde gebruiker {person.id}" and not pseudonym.active
    assert pseudonym.role_names == set()
    assert db.session.scalar(select(func.count()).select_from(Membership).where(Membership.user_id == person.id)) == 0
    # The organisation's record stays: the answers, the comment (under the pseudonym), the audit trail.
    assert db.session.scalar(select(func.count()).select_from(AssessmentAnswer)
                             .where(AssessmentAnswer.updated_by_id == person.id)) >= 4
    comment = db.session.scalar(select(ReviewComment).where(ReviewComment.author_id == person.id,
                                                            ReviewComment.body.like("Vraag van%")))
    assert comment.author_name == pseudonym.name and comment.body == f"Vraag van {pseudonym.name}"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.account_erased"))
    assert entry.object_id == person.id and entry.actor_email == pseudonym.email
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_id == person.id)) > 3
    # Logged out, and the old password opens nothing.
    assert client.get("/account/").status_code == 302
    assert client.post("/account/inloggen", data={"email": EMAIL, "password": "Groene-kikker-springt-2026"}
                       ).status_code != 302


def test_the_last_beheerder_hands_over_first(app, client, make_user, make_org):
    boss = make_user("ondernemer", name="Baas Beheerder")
    member = make_user("ondernemer", name="Lid Persoon")
    org = make_org(name="Overdracht BV", members=[boss, (member, "lid")])
    login(client, boss.email)
    page = client.get("/privacy/mijn-gegevens").get_data(as_text=True)
    assert "enige beheerder" in page and "Overdracht BV" in page
    response = client.post("/privacy/account-verwijderen", data={"password": "Groene-kikker-springt-2026",
                                                                 "confirm": "y"})
    assert response.status_code == 400
    assert "Maak eerst een collega beheerder" in response.get_data(as_text=True)
    assert db.session.get(User, boss.id).email == boss.email
    # After handing over, the account goes.
    membership = db.session.scalar(select(Membership).where(Membership.user_id == member.id))
    membership.role = "beheerder"
    db.session.commit()
    assert erasure.handover_needed(db.session.get(User, boss.id)) == []
    erasure.erase_account(db.session.get(User, boss.id), db.session.get(User, boss.id))
    db.session.commit()
    assert db.session.get(User, boss.id).email.endswith("@verwijderd.invalid")
    assert org.name == "Overdracht BV"


def test_wrong_password_or_no_confirmation_is_refused_on_the_page(app, client, login_as):
    user = login_as("ondernemer")
    response = client.post("/privacy/account-verwijderen", data={"password": "fout-wachtwoord", "confirm": "y"})
    assert response.status_code == 400 and "Het wachtwoord klopt niet." in response.get_data(as_text=True)
    response = client.post("/privacy/account-verwijderen", data={"password": "Groene-kikker-springt-2026"})
    assert response.status_code == 400 and "niet ongedaan" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).active


def test_staff_carry_out_a_request_by_mail_and_it_is_audited(app, client, make_user, login_as):
    person = make_user("ondernemer", email="permail@example.nl", name="Per Mail-Verzoeker")
    staff = login_as("mbo_staff")
    response = client.post("/privacy/verzoeken", data={"email": "permail@example.nl", "kind": "inzage",
                                                       "reason": "Mail van 1 december, teruggebeld"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    response = client.post("/privacy/verzoeken", data={"email": "permail@example.nl", "kind": "verwijderen",
                                                       "reason": ""})
    assert response.status_code == 400 and "Noteer hoe en wanneer" in response.get_data(as_text=True)
    response = client.post("/privacy/verzoeken", data={"email": "permail@example.nl", "kind": "verwijderen",
                                                       "reason": "Mail van 1 december, teruggebeld"})
    assert response.status_code == 302
    assert hits("permail@example.nl", "Per Mail-Verzoeker") == []
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.changes)
                                 .where(AuditEntry.action.like("privacy.%")).order_by(AuditEntry.id)).all()
    assert [(a, actor) for a, actor, _c in entries] == [("privacy.exported", staff.id),
                                                       ("privacy.account_erased", staff.id)]
    assert entries[1][2] == {"op_verzoek_via": "St. MBO", "reden": "Mail van 1 december, teruggebeld"}
    response = client.post("/privacy/verzoeken", data={"email": "onbekend@example.nl", "kind": "inzage",
                                                       "reason": "mail"})
    assert response.status_code == 400 and "geen account en geen aanmelding" in response.get_data(as_text=True)
    assert db.session.get(User, person.id).email.endswith("@verwijderd.invalid")


def test_a_public_registrant_downloads_and_erases_through_the_personal_link(app, client, make_user):
    from portal.database import utcnow
    from portal.events import services

    staff = make_user("mbo_staff")
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    event = services.create_event({"title": "Studentenfestival", "kind": "festival", "description": "",
                                   "start_at": start, "end_at": start + timedelta(hours=2), "location": "Dordrecht",
                                   "capacity": 10, "audience": "public", "registration_opens_at": None,
                                   "registration_closes_at": None, "reminder_days": 2}, staff)
    services.publish_event(event, staff)
    db.session.commit()
    with app.test_request_context("/"):
        registration = services.register_public(event, "Bea Bezoeker-Publiek", "bea@example.nl", "School")
    db.session.commit()
    token = registration.token
    page = client.get(f"/privacy/aanmelding/{token}")
    assert page.status_code == 200 and "bea@example.nl" in page.get_data(as_text=True)
    download = client.post(f"/privacy/aanmelding/{token}/download")
    assert download.mimetype == "application/zip"
    refused = client.post(f"/privacy/aanmelding/{token}/wissen", data={})
    assert refused.status_code == 400
    erased = client.post(f"/privacy/aanmelding/{token}/wissen", data={"confirm": "y"})
    assert erased.status_code == 200 and "gewist" in erased.get_data(as_text=True)
    assert hits("bea@example.nl", "Bea Bezoeker-Publiek") == []
    assert db.session.get(Registration, registration.id).anonymised_at is not None
    assert client.get(f"/privacy/aanmelding/{token}").status_code == 404


def test_the_last_admin_of_the_portal_cannot_erase_themselves(app, make_user):
    admin = make_user("admin")
    with pytest.raises(erasure.PrivacyError, match="laatste beheerdersaccount"):
        erasure.erase_account(admin, admin)
    db.session.rollback()
    make_user("admin")
    erasure.erase_account(db.session.get(User, admin.id), db.session.get(User, admin.id))
    db.session.commit()
    assert erasure.is_erased(db.session.get(User, admin.id))
