"""Registration, password reset and e-mail change reveal nothing about which addresses have an account, are
rate limited per client and per address, and mail an address at most once per 15 minutes."""
import difflib
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from portal.database import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests.conftest import PASSWORD, login


def register(client, email, password=PASSWORD, name="Nieuwe Ondernemer", ip="10.0.0.1"):
    return client.post("/account/registreren", environ_base={"REMOTE_ADDR": ip},
                       data={"name": name, "email": email, "password": password, "password2": password})


@pytest.fixture
def unlimited(make_app, mailbox):
    """An app with generous request limits, to see what the rules themselves do."""
    return make_app(RATELIMIT_ACCOUNT_MAIL="1000 per minute", RATELIMIT_ACCOUNT_MAIL_ADDRESS="1000 per minute")


def same(page_a, page_b, a, b):
    def text(page, address):  # the CSRF token is signed with the time: not part of the answer
        return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", page.get_data(as_text=True)).replace(
            address, "X")

    text_a, text_b = text(page_a, a), text(page_b, b)
    assert text_a == text_b, "\n".join(difflib.unified_diff(text_a.splitlines(), text_b.splitlines(), lineterm=""))
    return page_a.status_code == page_b.status_code


@pytest.mark.parametrize("password", [PASSWORD, "kort", "", "x" * 9])
def test_registration_answers_the_same_for_known_and_unknown_addresses(unlimited, make_user, password):
    make_user(email="bekend@bedrijf.nl")
    client = unlimited.test_client()
    known = register(client, "bekend@bedrijf.nl", password)
    unknown = register(client, "onbekend@bedrijf.nl", password)
    assert same(known, unknown, "bekend@", "onbekend@")


def test_a_known_address_is_told_to_reset_its_password(unlimited, make_user, mailbox):
    make_user(email="bekend@bedrijf.nl")
    register(unlimited.test_client(), "bekend@bedrijf.nl")
    mail = mailbox.last_to("bekend@bedrijf.nl")
    assert mail["Subject"] == "U heeft al een account"
    assert "/account/wachtwoord-vergeten" in mail.get_body(preferencelist=("plain",)).get_content()


def test_an_invalid_form_sends_no_mail_even_to_a_known_address(unlimited, make_user, mailbox):
    make_user(email="bekend@bedrijf.nl")
    register(unlimited.test_client(), "bekend@bedrijf.nl", password="kort")
    assert mailbox.to("bekend@bedrijf.nl") == []


@pytest.mark.parametrize("known", [True, False])
def test_registering_an_address_25_times_mails_it_once(unlimited, make_user, mailbox, known):
    if known:
        make_user(email="doelwit@bedrijf.nl")
    client = unlimited.test_client()
    for _ in range(25):
        assert register(client, "doelwit@bedrijf.nl").status_code == 200
    assert len(mailbox.to("doelwit@bedrijf.nl")) == 1


def test_after_15_minutes_the_address_may_be_mailed_again(unlimited, make_user, mailbox):
    make_user(email="bekend@bedrijf.nl")
    client = unlimited.test_client()
    register(client, "bekend@bedrijf.nl")
    db.session.execute(update(OutboxMessage).values(created_at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    register(client, "bekend@bedrijf.nl")
    assert len(mailbox.to("bekend@bedrijf.nl")) == 2


def test_password_reset_and_verification_links_are_mailed_once_per_15_minutes(unlimited, make_user, mailbox):
    user = make_user(email="reset@bedrijf.nl")
    fresh = make_user(email="nieuw@bedrijf.nl", verified=False)
    client = unlimited.test_client()
    for _ in range(10):
        assert client.post("/account/wachtwoord-vergeten", data={"email": user.email}).status_code == 200
        assert client.post("/account/bevestiging-opnieuw", data={"email": fresh.email}).status_code == 200
    assert len(mailbox.to(user.email)) == 1
    assert len(mailbox.to(fresh.email)) == 1


def test_email_change_to_a_taken_address_mails_its_owner_once(unlimited, make_user, mailbox):
    user = make_user()
    taken = make_user(email="bezet@bedrijf.nl")
    client = unlimited.test_client()
    login(client, user.email)
    for _ in range(10):
        response = client.post("/account/e-mailadres", data={"em-email": taken.email, "em-password": PASSWORD})
        assert response.status_code == 302
    assert len(mailbox.to(taken.email)) == 1


def test_registration_is_limited_per_address_from_any_client(make_app, mailbox):
    client = make_app().test_client()
    answers = [register(client, "doelwit@bedrijf.nl", ip=f"10.0.1.{i}").status_code for i in range(7)]
    assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]
    assert register(client, "iemand-anders@bedrijf.nl", ip="10.0.1.99").status_code == 200


def test_registration_is_limited_per_client(make_app, mailbox):
    client = make_app().test_client()
    answers = [register(client, f"adres{i}@bedrijf.nl", ip="10.0.2.1").status_code for i in range(7)]
    assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]
    assert register(client, "adres-x@bedrijf.nl", ip="10.0.2.2").status_code == 200


def test_password_reset_is_limited_per_address(make_app, mailbox):
    client = make_app().test_client()
    answers = [client.post("/account/wachtwoord-vergeten", environ_base={"REMOTE_ADDR": f"10.0.3.{i}"},
                           data={"email": "iemand@bedrijf.nl"}).status_code for i in range(6)]
    assert answers == [200] * 5 + [429]
