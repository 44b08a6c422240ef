"""The public register and the verification page with its QR code; panels; access rules of every route."""
from datetime import timedelta

from portal.extensions import db
from portal.label import awards
from portal.label.history import today
from portal.panels import render_panels
from tests.conftest import login
from tests.label.test_history import approve_now, move_label
from tests.querycount import count_queries


def test_register_lists_partners_and_label_holders_with_filters(client, make_org, member_org, staff):
    org, member = member_org
    approve_now(org, member, staff)
    make_org(name="Zorggroep Oost", municipality="Zwijndrecht", sector="Zorg")
    make_org(name="Aanvrager BV", status="aanvraag")
    page = client.get("/label/register")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bouwbedrijf Test" in text and "Zorggroep Oost" in text and "Aanvrager BV" not in text
    assert f"/label/verificatie/{awards.current_label(org.id).certificate_number}" in text

    only_label = client.get("/label/register?alleen_label=y").get_data(as_text=True)
    assert "Bouwbedrijf Test" in only_label and "Zorggroep Oost" not in only_label
    assert "Bouwbedrijf Test" not in client.get("/label/register?q=zorg").get_data(as_text=True)
    assert "Zorggroep Oost" in client.get("/label/register?sector=Zorg").get_data(as_text=True)


def test_register_query_count_does_not_grow_with_rows(client, make_org, label_set):
    for _ in range(3):
        make_org()
    with count_queries() as few:
        client.get("/label/register")
    for _ in range(12):
        make_org()
    with count_queries() as many:
        client.get("/label/register")
    assert many.count == few.count


def test_verification_page_shows_true_status_and_qr_codes(client, member_org, staff):
    org, member = member_org
    _, label = approve_now(org, member, staff)
    url = f"/label/verificatie/{label.certificate_number}"
    text = client.get(url).get_data(as_text=True)
    assert "Het label is geldig" in text and org.kvk in text and "http://localhost" + url in text

    svg = client.get(url + "/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get(url + "/qr.png?download=1")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert "attachment" in png.headers["Content-Disposition"]

    awards.suspend_label(label, staff, "Onderzoek")
    db.session.commit()
    assert "geschorst" in client.get(url).get_data(as_text=True)
    awards.withdraw_label(label, staff, "Afspraken niet nagekomen")
    db.session.commit()
    assert "is ingetrokken" in client.get(url).get_data(as_text=True)
    assert client.get("/label/verificatie/OMI-0000-00000").status_code == 404


def test_verification_page_of_an_expired_label(client, member_org, staff):
    org, member = member_org
    _, label = approve_now(org, member, staff)
    move_label(label, today() - timedelta(days=800))
    assert "is verlopen" in client.get(f"/label/verificatie/{label.certificate_number}").get_data(as_text=True)


def test_staff_suspend_and_withdraw_in_the_page(client, member_org, staff, mailbox):
    org, member = member_org
    _, label = approve_now(org, member, staff)
    login(client, staff.email)
    response = client.post(f"/label/labels/{label.id}", data={"action": "schorsen", "reason": ""})
    assert response.status_code == 400
    response = client.post(f"/label/labels/{label.id}", data={"action": "schorsen", "reason": "Onderzoek"})
    assert response.status_code == 302
    assert mailbox.last_to(member.email)["Subject"] == "Uw label is geschorst"
    response = client.post(f"/label/labels/{label.id}", data={"action": "intrekken", "reason": "Klacht gegrond"})
    assert response.status_code == 302
    assert mailbox.last_to(member.email)["Subject"] == "Uw label is ingetrokken"
    assert client.get("/label/labels").status_code == 200


def test_panels_show_status_next_step_and_history(app, member_org, staff, client):
    org, member = member_org
    with app.test_request_context():
        [(template, ctx)] = [p for p in render_panels("org_home", org) if p[0].startswith("label/")]
        assert ctx["snapshot"].status == "geen" and ctx["step"] == "start"
    approve_now(org, member, staff)
    with app.test_request_context():
        [(template, ctx)] = [p for p in render_panels("org_home", org) if p[0].startswith("label/")]
        assert ctx["snapshot"].status == "geldig" and ctx["step"] == "show" and ctx["score"].meets_rule
        html = app.jinja_env.get_template(template).render(ctx=ctx)
        assert "Banen met impact" in html
        [(template, ctx)] = [p for p in render_panels("partner_detail", org) if p[0].startswith("label/")]
        html = app.jinja_env.get_template(template).render(ctx=ctx)
        assert ctx["labels"][0].certificate_number in html


def test_every_label_and_api_route_declares_an_access_rule(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("label.", "api.")):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "access_rule", None), rule.endpoint
    for endpoint in ("label.assessment", "label.review_queue", "label.criteria_sets", "label.register"):
        [rule] = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
        assert not rule.arguments and "GET" in rule.methods


def test_pages_render_for_each_role(client, login_as, member_org, submitted, staff):
    org, member = member_org
    login(client, member.email)
    for url in ("/label/zelfscan", f"/label/zelfscan/{submitted.id}"):
        assert client.get(url).status_code == 200, url
    client.post("/account/uitloggen")
    login(client, staff.email)
    for url in ("/label/beoordeling", f"/label/beoordeling/{submitted.id}", "/label/criteria",
                f"/label/criteria/{submitted.criteria_set_id}", "/label/labels"):
        assert client.get(url).status_code == 200, url


def test_review_pages_load_in_a_fixed_number_of_queries(app, client, make_user, make_org, staff, label_set):
    from portal.label import assessments
    from tests.label.conftest import FULL, answer_all

    def submit_one():
        member = make_user()
        org = make_org(members=[member])
        item = answer_all(assessments.start_assessment(org, member), member, FULL)
        assessments.submit_assessment(item, member)
        db.session.commit()
        return item

    first = submit_one()
    login(client, staff.email)
    with count_queries() as one:
        client.get("/label/beoordeling")
    with count_queries() as detail_one:
        client.get(f"/label/beoordeling/{first.id}")
    for _ in range(4):
        last = submit_one()
    with count_queries() as five:
        client.get("/label/beoordeling")
    assert five.count == one.count
    with count_queries() as detail_five:
        client.get(f"/label/beoordeling/{last.id}")
    assert detail_five.count == detail_one.count


def test_partner_list_hook_filters_and_shows_label_status(app, make_org, member_org, staff):
    from sqlalchemy import select

    from portal.label.panels import list_filter, list_texts
    from portal.partners.models import Organisation

    org, member = member_org
    other = make_org(name="Zonder Label BV")
    approve_now(org, member, staff)
    holders = db.session.scalars(select(Organisation.id).where(list_filter("geldig"))).all()
    assert holders == [org.id]
    assert other.id in db.session.scalars(select(Organisation.id).where(list_filter("geen"))).all()
    with app.test_request_context():
        texts = list_texts([org.id, other.id])
    assert texts[org.id].startswith("geldig t/m") and other.id not in texts


def test_verification_of_a_renewed_label_points_to_its_successor(client, member_org, staff):
    org, member = member_org
    _, first = approve_now(org, member, staff)
    move_label(first, today() - timedelta(days=700))
    _, second = approve_now(org, member, staff)
    old_page = client.get(f"/label/verificatie/{first.certificate_number}").get_data(as_text=True)
    assert "Het label is geldig" in old_page and second.certificate_number in old_page
    new_page = client.get(f"/label/verificatie/{second.certificate_number}").get_data(as_text=True)
    assert "gaat in op" in new_page and "Opvolger" not in new_page


def test_non_partner_sees_the_way_to_partnership(client, make_user, make_org, label_set):
    user = make_user()
    make_org(status="aanvraag", members=[user])
    login(client, user.email)
    text = client.get("/label/zelfscan").get_data(as_text=True)
    assert "Zodra uw organisatie partner is" in text and "Zelfscan starten</button>" not in text
