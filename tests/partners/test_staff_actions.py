"""St. MBO's other partner actions: claiming an imported organisation, correcting details, the CLI."""
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.partners.models import JoinRequest, Membership, Organisation
from tests.conftest import Mailbox, login


def test_an_imported_organisation_without_beheerder_is_claimed_through_st_mbo(app, client, make_user, make_org,
                                                                             mailbox):
    org = make_org(name="Geïmporteerd BV", kvk="24010101")  # no members, as after an import
    claimant = make_user(email="directeur@geimporteerd.example")
    login(client, claimant.email)
    response = client.post("/organisatie/aansluiten", data={"join-kvk": "24010101"}, follow_redirects=True)
    assert "nog geen beheerder" in response.get_data(as_text=True)
    join = db.session.scalar(select(JoinRequest))

    staff = app.test_client()
    login(staff, make_user("mbo_staff").email)
    assert "Geïmporteerd BV" in staff.get("/partners/aanvragen").get_data(as_text=True)
    assert "directeur@geimporteerd.example" in staff.get(f"/partners/{org.id}").get_data(as_text=True)
    assert staff.post(f"/partners/verzoeken/{join.id}", data={"decision": "accept"}).status_code == 302
    membership = db.session.scalar(select(Membership).where(Membership.user_id == claimant.id))
    assert membership.organisation_id == org.id and membership.role == "beheerder"
    assert "U bent lid van" in mailbox.last_to(claimant.email)["Subject"]
    assert "Geïmporteerd BV" not in staff.get("/partners/aanvragen").get_data(as_text=True).split("zonder beheerder")[1]
    assert client.get("/organisatie/gegevens").status_code == 200  # the new beheerder manages it now
    assert Mailbox.text(mailbox.last_to(claimant.email))


def test_staff_correct_details_including_kvk(client, login_as, make_org):
    login_as("mbo_staff")
    org = make_org(name="Typfout BV", kvk="24020202", street="Straat 1", city="Dordrecht",
                   contact_name="A", contact_phone="1", sector="zorg", size_class="1-9", postcode="3311 AB")
    make_org(name="Ander BV", kvk="24030303")
    form = {"org-name": "Typfout BV", "org-kvk": "24030303", "org-street": "Straat 1", "org-postcode": "3311ab",
            "org-city": "Dordrecht", "org-municipality_id": str(org.municipality_id), "org-sector": "zorg",
            "org-size_class": "1-9", "org-contact_name": "A", "org-contact_phone": "1"}
    response = client.post(f"/partners/{org.id}/gegevens", data=form)
    assert response.status_code == 400 and "Dit KvK-nummer hoort al bij Ander BV." in response.get_data(as_text=True)
    form["org-kvk"] = "24040404"
    assert client.post(f"/partners/{org.id}/gegevens", data=form).status_code == 302
    db.session.refresh(org)
    assert org.kvk == "24040404"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.updated"))
    assert entry.changes["kvk"] == ["24020202", "24040404"]


def test_beheerder_edits_details_but_not_the_kvk(client, make_user, make_org):
    admin = make_user()
    org = make_org(name="Eigen BV", kvk="24050505", members=[admin])
    login(client, admin.email)
    page = client.get("/organisatie/gegevens").get_data(as_text=True)
    assert 'name="org-kvk"' not in page
    form = {"org-name": "Eigen BV Nieuw", "org-kvk": "24060606", "org-street": "Kade 2", "org-postcode": "3311 AB",
            "org-city": "Dordrecht", "org-municipality_id": str(org.municipality_id), "org-sector": "horeca",
            "org-size_class": "10-49", "org-contact_name": "B", "org-contact_phone": "078"}
    assert client.post("/organisatie/gegevens", data=form).status_code == 302
    db.session.refresh(org)
    assert org.name == "Eigen BV Nieuw" and org.kvk == "24050505" and org.sector == "horeca"


def test_cli_import_and_status_counts(app, runner, make_user, tmp_path):
    staff = make_user("mbo_staff", email="staf@stmbo.example")
    path = tmp_path / "lijst.csv"
    path.write_text("naam;kvk;postcode;gemeente;partner_sinds\nCli BV;24070707;3311 AB;Dordrecht;2024-02-01\n"
                    "Fout BV;12;3311 AB;Dordrecht;\n", encoding="utf-8")
    result = runner.invoke(args=["partners", "import", str(path), "--by", staff.email])
    assert result.exit_code == 0, result.output
    assert "regel 3" in result.output and "Niets geïmporteerd" in result.output
    assert db.session.scalar(select(Organisation).where(Organisation.kvk == "24070707")) is None
    result = runner.invoke(args=["partners", "import", str(path), "--by", staff.email, "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 nieuw" in result.output
    assert db.session.scalar(select(Organisation).where(Organisation.kvk == "24070707")) is not None
    result = runner.invoke(args=["partners", "status-on", "2024-03-01"])
    assert "partner" in result.output and "1" in result.output
    assert runner.invoke(args=["partners", "status-on", "gisteren"]).exit_code != 0
    ondernemer = make_user()
    assert runner.invoke(args=["partners", "import", str(path), "--by", ondernemer.email]).exit_code != 0
