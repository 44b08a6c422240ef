"""The whole cycle through the pages: submit, take, ask for changes, resubmit, approve; every mail over SMTP."""
from urllib.parse import urlsplit

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.label import assessments
from portal.label.models import Assessment, Label
from tests.conftest import Mailbox, login
from tests.label.conftest import FULL, answer_all, review_all


def test_full_review_cycle_with_mails(app, client, make_user, member_org, staff, mailbox):
    org, member = member_org
    login(client, member.email)
    page = client.get("/label/zelfscan")
    assert page.status_code == 200 and "Zelfscan starten" in page.get_data(as_text=True)
    response = client.post("/label/zelfscan/starten")
    assert response.status_code == 302
    item = db.session.scalar(select(Assessment).where(Assessment.organisation_id == org.id))
    assert item.status == "concept"

    # Answer the first theme through the form, come back later and see the progress.
    loaded = assessments.load(item.id)
    theme = loaded.criteria_set.themes[0]
    a1, a2 = theme.criteria
    response = client.post(f"/label/zelfscan/{item.id}/thema/{theme.id}", data={
        "version": str(loaded.version), f"option-{a1.id}": str(a1.options[2].id),
        f"explanation-{a1.id}": "Wij werven op motivatie.", "next": "0"})
    assert response.status_code == 302
    text = client.get("/label/zelfscan").get_data(as_text=True)
    assert "1 van 4 vragen beantwoord" in text

    # Submitting an incomplete assessment says what is missing.
    loaded = assessments.load(item.id)
    response = client.post(f"/label/zelfscan/{item.id}/indienen", data={"version": str(loaded.version)},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "nog niet compleet" in text and "voeg een bewijsstuk toe" in text and "kies een antwoord" in text
    assert db.session.get(Assessment, item.id).status == "concept"

    answer_all(item, member, FULL)
    loaded = assessments.load(item.id)
    client.post(f"/label/zelfscan/{item.id}/indienen", data={"version": str(loaded.version)})
    assert db.session.get(Assessment, item.id).status == "ingediend"
    assert mailbox.last_to(member.email)["Subject"] == "Zelfscan ingediend"
    staff_mail = mailbox.last_to(staff.email)
    assert "Bouwbedrijf Test" in staff_mail["Subject"]

    reviewer = app.test_client()
    login(reviewer, staff.email)
    queue = reviewer.get("/label/beoordeling").get_data(as_text=True)
    assert "Bouwbedrijf Test" in queue
    reviewer.post(f"/label/beoordeling/{item.id}/oppakken")
    assert db.session.get(Assessment, item.id).status == "in_behandeling"
    assert mailbox.last_to(member.email)["Subject"] == "Uw zelfscan is in behandeling"
    # The organisation sees who has it.
    assert "Sanne Staf" in client.get(f"/label/zelfscan/{item.id}").get_data(as_text=True)

    # A comment on one criterion, then a request for changes.
    reviewer.post(f"/label/beoordeling/{item.id}/vraag/{a2.id}/opmerking", data={"body": "Graag het getekende beleid."})
    version = db.session.get(Assessment, item.id).version
    response = reviewer.post(f"/label/beoordeling/{item.id}/besluit",
                             data={"version": str(version), "decision": "wijzigingen",
                                   "reason": "Zie de vraag over beleid."})
    assert response.status_code == 302
    assert db.session.get(Assessment, item.id).status == "wijzigingen_gevraagd"
    mail = mailbox.last_to(member.email)
    assert mail["Subject"] == "Uw zelfscan: graag aanvullen" and "Zie de vraag over beleid." in Mailbox.text(mail)
    theme_page = client.get(f"/label/zelfscan/{item.id}/thema/{theme.id}").get_data(as_text=True)
    assert "Graag het getekende beleid." in theme_page

    # The organisation answers in the thread and resubmits.
    client.post(f"/label/zelfscan/{item.id}/vraag/{a2.id}/reactie", data={"body": "Toegevoegd."})
    version = db.session.get(Assessment, item.id).version
    client.post(f"/label/zelfscan/{item.id}/indienen", data={"version": str(version)})
    assert db.session.get(Assessment, item.id).status == "ingediend"
    reviewer.post(f"/label/beoordeling/{item.id}/oppakken")
    review_all(item, staff)
    version = db.session.get(Assessment, item.id).version
    response = reviewer.post(f"/label/beoordeling/{item.id}/besluit",
                             data={"version": str(version), "decision": "goedkeuren", "reason": ""})
    assert response.status_code == 302
    label = db.session.scalar(select(Label).where(Label.organisation_id == org.id))
    assert label.status == "geldig" and label.certificate_number.startswith("OMI-")
    mail = mailbox.last_to(member.email)
    assert mail["Subject"] == "Gefeliciteerd: het label Ondernemen met impact"
    link = Mailbox.link(mail, "/label/verificatie/")
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert "Het label is geldig" in page.get_data(as_text=True)

    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.organisation_id == org.id)))
    assert {"label.assessment_started", "label.assessment_submitted", "label.review_started",
            "label.assessment_wijzigingen_gevraagd", "label.assessment_goedgekeurd", "label.awarded"} <= actions


def test_reject_with_reason_mails_the_next_step(app, client, submitted, staff, member_org, mailbox):
    org, member = member_org
    login(client, staff.email)
    client.post(f"/label/beoordeling/{submitted.id}/oppakken")
    version = db.session.get(Assessment, submitted.id).version
    response = client.post(f"/label/beoordeling/{submitted.id}/besluit",
                           data={"version": str(version), "decision": "afwijzen", "reason": ""})
    assert response.status_code == 400 and "Geef de reden" in response.get_data(as_text=True)
    response = client.post(f"/label/beoordeling/{submitted.id}/besluit",
                           data={"version": str(version), "decision": "afwijzen", "reason": "Begin bij werving."})
    assert response.status_code == 302
    item = db.session.get(Assessment, submitted.id)
    assert item.status == "afgewezen" and item.open_key is None and item.closed_on is not None
    assert "Begin bij werving." in Mailbox.text(mailbox.last_to(member.email))
    # A new assessment may start after a rejection.
    assert assessments.start_assessment(org, member).status == "concept"


def test_second_staff_member_gets_a_clear_message(app, submitted, make_user):
    first, second = app.test_client(), app.test_client()
    other = make_user("mbo_staff", name="Piet Staf")
    login(first, make_user("mbo_staff").email)
    login(second, other.email)
    assert first.post(f"/label/beoordeling/{submitted.id}/oppakken").status_code == 302
    response = second.post(f"/label/beoordeling/{submitted.id}/oppakken", follow_redirects=True)
    assert "al opgepakt of afgehandeld" in response.get_data(as_text=True)

    review_all(submitted, make_user("mbo_staff"))
    # Both have the decision form open at the same version; the second decision is refused.
    version = db.session.get(Assessment, submitted.id).version
    one = first.post(f"/label/beoordeling/{submitted.id}/besluit",
                     data={"version": str(version), "decision": "goedkeuren", "reason": ""})
    two = second.post(f"/label/beoordeling/{submitted.id}/besluit",
                      data={"version": str(version), "decision": "afwijzen", "reason": "Nee."})
    assert one.status_code == 302
    assert two.status_code == 409 and "al opgepakt of afgehandeld" in two.get_data(as_text=True)
    assert db.session.get(Assessment, submitted.id).status == "goedgekeurd"
    assert len(db.session.scalars(select(Label)).all()) == 1


def test_approval_is_refused_below_the_label_rule(app, client, member_org, staff):
    org, member = member_org
    item = assessments.start_assessment(org, member)
    db.session.commit()
    item = answer_all(item, member, {"A1": 0, "A2": 0, "B1": 0, "B2": 0})
    assessments.submit_assessment(item, member)
    db.session.commit()
    login(client, staff.email)
    client.post(f"/label/beoordeling/{item.id}/oppakken")
    version = db.session.get(Assessment, item.id).version
    response = client.post(f"/label/beoordeling/{item.id}/besluit",
                           data={"version": str(version), "decision": "goedkeuren", "reason": ""})
    assert response.status_code == 400 and "labelregel" in response.get_data(as_text=True)
    assert db.session.get(Assessment, item.id).status == "in_behandeling"
    # Below the rule the page does not offer approval at all (the same function the rule checks).
    page = client.get(f"/label/beoordeling/{item.id}").get_data(as_text=True)
    assert 'value="goedkeuren"' not in page and 'value="afwijzen"' in page


def test_approval_waits_for_every_evidence_file_and_every_verdict(app, client, submitted, staff, member_org):
    """Unreviewed evidence or a question without a verdict blocks approval; an override needs a written reason."""
    org, member = member_org
    login(client, staff.email)
    client.post(f"/label/beoordeling/{submitted.id}/oppakken")
    item = assessments.load(submitted.id)

    def approve(**extra):
        version = db.session.get(Assessment, item.id).version
        return client.post(f"/label/beoordeling/{item.id}/besluit",
                           data={"version": str(version), "decision": "goedkeuren", "reason": "", **extra})

    response = approve()
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "is nog niet bekeken" in text and "geef een oordeel" in text
    assert db.session.scalar(select(Label)) is None

    # Verdicts per question through the page; evidence still unseen keeps blocking.
    criteria = [c for t in item.criteria_set.themes for c in t.criteria]
    for c in criteria:
        response = client.post(f"/label/beoordeling/{item.id}/vraag/{c.id}/oordeel", data={"verdict": "voldoet"})
        assert response.status_code == 302
    response = client.post(f"/label/beoordeling/{item.id}/vraag/{criteria[1].id}/oordeel", data={"verdict": "nvt"})
    page = client.get(f"/label/beoordeling/{item.id}").get_data(as_text=True)
    assert "Niet van toepassing" in page and "geef een oordeel" not in page
    assert approve().status_code == 400

    evidence = [e for a in item.answers for e in a.evidence]
    client.post(f"/label/beoordeling/bewijs/{evidence[0].id}/status", data={"state": "aanvullen"})
    response = approve()
    assert response.status_code == 400 and "moet aangevuld worden" in response.get_data(as_text=True)
    client.post(f"/label/beoordeling/bewijs/{evidence[0].id}/status", data={"state": "klaar"})
    client.post(f"/label/beoordeling/{item.id}/vraag/{criteria[0].id}/oordeel", data={"verdict": "aanvullen"})
    assert approve().status_code == 400

    # An override with a written reason approves, and the audit log keeps the reason and what was open.
    response = approve(override="Beleid is mondeling toegelicht tijdens het bezoek.")
    assert response.status_code == 302
    assert db.session.get(Assessment, item.id).approval_override.startswith("Beleid is mondeling")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "label.approval_override"))
    assert "Beleid is mondeling" in entry.summary and "aanvullen" in str(entry.changes)
