"""Staff invite whole groups of partner organisations to an invitation-only event (e.g. the Wijk naar Werk kick-off)."""
from sqlalchemy import select

from portal import clock
from portal.events.models import Invitation
from portal.extensions import db
from portal.partners.models import Municipality
from tests.conftest import login


def _invited(event):
    return set(db.session.scalars(select(Invitation.email).where(Invitation.event_id == event.id)))


def test_staff_invite_every_member_of_the_partners_of_one_municipality(client, make_event, staff, make_user,
                                                                       make_org, mailbox):
    event = make_event(title="Kick-off Wijk naar Werk", audience="invitation")
    dordt_a, dordt_b = make_user(email="a@dordt.example"), make_user(email="b@dordt.example")
    make_org(name="Dordtse Partner", members=[dordt_a, (dordt_b, "lid")])
    make_org(name="Zwijndrechtse Partner", municipality="Zwijndrecht",
             members=[make_user(email="z@zwijndrecht.example")])
    make_org(name="Nog geen partner", status="aanvraag", members=[make_user(email="aanvraag@dordt.example")])
    inactive = make_user(email="weg@dordt.example")
    inactive.active = False
    make_org(name="Andere Dordtse Partner", members=[inactive])
    db.session.commit()
    dordrecht = db.session.scalar(select(Municipality).where(Municipality.name == "Dordrecht"))

    login(client, staff.email)
    page = client.get(f"/evenementen/beheer/{event.id}").get_data(as_text=True)
    assert "Alle partners" in page and "Partners met een geldig label" in page and "Zwijndrecht" in page
    response = client.post(f"/evenementen/beheer/{event.id}/uitnodigen",
                           data={"invite-groep": "alle", "invite-gemeente": str(dordrecht.id),
                                 "invite-emails": "gast@example.nl"})
    assert response.status_code == 302
    assert _invited(event) == {"a@dordt.example", "b@dordt.example", "gast@example.nl"}
    assert mailbox.last_to("b@dordt.example")["Subject"] == "Uitnodiging: Kick-off Wijk naar Werk"
    assert "3 adressen uitgenodigd" in client.get(response.headers["Location"]).get_data(as_text=True)

    # Again, for all municipalities: only the new addresses are added and mailed.
    client.post(f"/evenementen/beheer/{event.id}/uitnodigen", data={"invite-groep": "alle"})
    assert _invited(event) == {"a@dordt.example", "b@dordt.example", "gast@example.nl", "z@zwijndrecht.example"}
    assert len(mailbox.to("a@dordt.example")) == 1


def test_a_group_without_members_or_nothing_chosen_is_refused_with_a_message(client, make_event, staff, make_org):
    event = make_event(audience="invitation")
    make_org(name="Partner zonder accounts")
    login(client, staff.email)
    response = client.post(f"/evenementen/beheer/{event.id}/uitnodigen", data={"invite-groep": "geldig"},
                           follow_redirects=True)
    assert "geen leden met een account" in response.get_data(as_text=True)
    response = client.post(f"/evenementen/beheer/{event.id}/uitnodigen", data={}, follow_redirects=True)
    assert "Vul e-mailadressen in of kies een groep organisaties." in response.get_data(as_text=True)
    assert _invited(event) == set()


def test_only_partners_with_a_valid_label(client, make_event, staff, make_user, make_org, mailbox):
    from datetime import timedelta

    from tests.dashboard.conftest import add_label

    event = make_event(audience="invitation")
    holder = make_org(name="Labelhouder", members=[make_user(email="houder@example.nl")])
    make_org(name="Zonder label", members=[make_user(email="zonder@example.nl")])
    add_label(holder, clock.today() - timedelta(days=30), clock.today() + timedelta(days=700))
    db.session.commit()
    login(client, staff.email)
    client.post(f"/evenementen/beheer/{event.id}/uitnodigen", data={"invite-groep": "geldig"})
    assert _invited(event) == {"houder@example.nl"}
    client.post(f"/evenementen/beheer/{event.id}/uitnodigen", data={"invite-groep": "geen"})
    assert _invited(event) == {"houder@example.nl", "zonder@example.nl"}
