"""Organisation A can neither read nor change anything of organisation B, not even by typing URLs."""
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.mail.outbox import send_pending
from portal.partners import services
from portal.partners.models import ImpactJob, Invitation, JoinRequest, Membership, Stageplek
from tests.conftest import login


def test_organisation_a_cannot_touch_b_by_url(client, make_user, make_org, mailbox):
    alice, bob, bobs_colleague, asker = make_user(), make_user(), make_user(), make_user()
    make_org(name="Bedrijf A", members=[alice])
    org_b = make_org(name="Bedrijf B", members=[bob, (bobs_colleague, "lid")])
    job = services.save_impact_job(org_b, bob, dict(title="Geheime functie B", target_groups=["ww"],
                                                    contract_type="vast", hours_per_week=30,
                                                    start_date=date(2025, 1, 6)))
    plek = services.save_stageplek(org_b, bob, dict(title="Stage B", education_level="mbo2", stage_type="bol",
                                                    field="zorg", places=2, published=False))
    invitation = services.invite_member(org_b, bob, "nieuw@b.example", "lid")
    join = services.request_to_join(asker, org_b, "")
    db.session.commit()
    send_pending()
    colleague_membership = db.session.scalar(select(Membership).where(Membership.user_id == bobs_colleague.id))
    ids = dict(job=job.id, plek=plek.id, invitation=invitation.id, join=join.id, member=colleague_membership.id)

    login(client, alice.email)
    # Reading B's objects: 404, as if they did not exist.
    for url in (f"/organisatie/banen/{ids['job']}", f"/organisatie/banen/{ids['job']}/afsluiten",
                f"/organisatie/stageplekken/{ids['plek']}"):
        assert client.get(url).status_code == 404, url
    for url in ("/organisatie/banen", "/organisatie/stageplekken", "/organisatie/leden", "/organisatie"):
        text = client.get(url).get_data(as_text=True)
        assert "Geheime functie B" not in text and "Stage B" not in text and bobs_colleague.email not in text, url

    # Changing them: 404 too, and nothing changed.
    attempts = [
        (f"/organisatie/banen/{ids['job']}", {"title": "Overgenomen", "target_groups": ["ww"], "contract_type": "vast",
                                             "hours_per_week": "10", "start_date": "2025-01-06"}),
        (f"/organisatie/banen/{ids['job']}/afsluiten", {"end_date": "2025-02-01", "end_reason": "anders"}),
        (f"/organisatie/banen/{ids['job']}/verwijderen", {}),
        (f"/organisatie/stageplekken/{ids['plek']}", {"title": "Overgenomen", "education_level": "mbo2",
                                                     "stage_type": "bol", "field": "zorg", "places": "2",
                                                     "places_filled": "0"}),
        (f"/organisatie/stageplekken/{ids['plek']}/publiceren", {"published": "1"}),
        (f"/organisatie/stageplekken/{ids['plek']}/verwijderen", {}),
        (f"/organisatie/leden/{ids['member']}/rol", {"role": "beheerder"}),
        (f"/organisatie/leden/{ids['member']}/verwijderen", {}),
        (f"/organisatie/uitnodigingen/{ids['invitation']}/intrekken", {}),
        (f"/organisatie/verzoeken/{ids['join']}", {"decision": "accept"}),
    ]
    for url, data in attempts:
        assert client.post(url, data=data).status_code == 404, url

    db.session.expire_all()
    job, plek = db.session.get(ImpactJob, ids["job"]), db.session.get(Stageplek, ids["plek"])
    assert job.title == "Geheime functie B" and job.end_date is None
    assert plek.title == "Stage B" and not plek.published
    assert db.session.get(Membership, ids["member"]).role == "lid"
    assert db.session.get(Invitation, ids["invitation"]).is_open
    assert db.session.get(JoinRequest, ids["join"]).status == "open"


def test_switching_to_an_organisation_one_is_not_in_is_refused(client, make_user, make_org):
    alice = make_user()
    make_org(members=[alice])
    other = make_org(name="Niet van Alice")
    login(client, alice.email)
    assert client.post("/organisatie-wisselen", data={"organisation_id": str(other.id)}).status_code == 403
    assert "Niet van Alice" not in client.get("/organisatie").get_data(as_text=True)


def test_a_lid_cannot_do_beheerder_things(client, make_user, make_org):
    admin, lid = make_user(), make_user()
    make_org(members=[admin, (lid, "lid")])
    admin_membership = db.session.scalar(select(Membership.id).where(Membership.user_id == admin.id))
    login(client, lid.email)
    assert client.post(f"/organisatie/leden/{admin_membership}/verwijderen").status_code == 403
    assert client.post(f"/organisatie/leden/{admin_membership}/rol", data={"role": "lid"}).status_code == 403
    assert client.get("/organisatie/partnerschap").status_code == 403
    # But a lid does log impact jobs.
    assert client.get("/organisatie/banen/nieuw").status_code == 200
