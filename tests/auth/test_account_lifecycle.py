"""The whole account life cycle, with every mail received by the real SMTP server on loopback."""
from urllib.parse import urlsplit

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.auth.models import User
from portal.extensions import db
from tests.conftest import PASSWORD, Mailbox, login

NEW_PASSWORD = "Blauwe-reiger-vliegt-laag-9"


def path(link):
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def register(client, email="nieuw@bedrijf.nl", password=PASSWORD, name="Nieuwe Ondernemer"):
    return client.post("/account/registreren",
                       data={"name": name, "email": email, "password": password, "password2": password})


def test_register_verify_login_logout(client, mailbox):
    response = register(client)
    assert response.status_code == 200
    assert "Kijk in uw mailbox" in response.get_data(as_text=True)

    user = db.session.scalar(select(User).where(User.email == "nieuw@bedrijf.nl"))
    assert user is not None and not user.verified
    assert user.role_names == {"ondernemer"}
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash

    # Unverified accounts cannot log in yet.
    response = client.post("/account/inloggen", data={"email": "nieuw@bedrijf.nl", "password": PASSWORD})
    assert "Bevestig eerst uw e-mailadres" in response.get_data(as_text=True)

    mail = mailbox.last_to("nieuw@bedrijf.nl")
    assert mail["Subject"] == "Bevestig uw e-mailadres"
    link = Mailbox.link(mail, "/account/bevestigen/")
    response = client.get(path(link))
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/inloggen")
    db.session.refresh(user)
    assert user.verified

    login(client, "nieuw@bedrijf.nl")
    home = client.get("/")
    assert "Welkom, Nieuwe Ondernemer" in home.get_data(as_text=True)

    client.post("/account/uitloggen")
    assert client.get("/account/").status_code == 302

    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == user.id)).all()
    assert "account.registered" in actions and "account.email_verified" in actions


def test_forged_or_expired_verification_link_is_refused(client, app, mailbox):
    register(client)
    link = Mailbox.link(mailbox.last_to("nieuw@bedrijf.nl"), "/account/bevestigen/")
    response = client.get(path(link) + "x")
    assert response.status_code == 400
    assert "ongeldig of verlopen" in response.get_data(as_text=True)

    app.config["EMAIL_TOKEN_MAX_AGE"] = -1
    response = client.get(path(link))
    assert response.status_code == 400
    assert not db.session.scalar(select(User).where(User.email == "nieuw@bedrijf.nl")).verified


def test_registering_a_known_address_looks_the_same_and_mails_the_owner(client, make_user, mailbox):
    owner = make_user(email="bekend@bedrijf.nl")
    unknown = register(client, email="onbekend@bedrijf.nl").get_data(as_text=True)
    known = register(client, email="bekend@bedrijf.nl").get_data(as_text=True)
    assert unknown.replace("onbekend@", "X@") == known.replace("bekend@", "X@")
    mail = mailbox.last_to(owner.email)
    assert mail["Subject"] == "U heeft al een account"
    assert db.session.scalar(select(db.func.count()).select_from(User).where(User.email == owner.email)) == 1


def test_weak_and_short_passwords_are_refused_at_the_field(client, mailbox):
    for password, message in [("kort", "minstens 10 tekens"), ("password123", "veelgebruikte"),
                              ("wachtwoord123", "veelgebruikte"), ("aaaaaaaaaaaa", "te makkelijk")]:
        response = register(client, password=password)
        text = response.get_data(as_text=True)
        assert response.status_code == 200
        assert message in text, password
        assert 'aria-invalid="true"' in text and "Er is een probleem" in text
    assert db.session.scalar(select(User).where(User.email == "nieuw@bedrijf.nl")) is None
    assert mailbox.messages == []


def test_login_with_wrong_password_or_unknown_address_gives_the_same_answer(client, make_user):
    user = make_user()
    wrong = client.post("/account/inloggen", data={"email": user.email, "password": "Niet-het-goede-1"})
    unknown = client.post("/account/inloggen", data={"email": "niemand@bedrijf.nl", "password": "Niet-het-goede-1"})
    assert wrong.status_code == unknown.status_code == 200
    assert "Het e-mailadres of het wachtwoord klopt niet." in wrong.get_data(as_text=True)
    assert "Het e-mailadres of het wachtwoord klopt niet." in unknown.get_data(as_text=True)


def test_login_only_redirects_to_local_next(client, make_user):
    user = make_user()
    response = client.post("/account/inloggen?next=https://evil.example/x",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_password_reset_link_is_single_use_and_dies_with_a_password_change(client, make_user, mailbox):
    user = make_user(email="reset@bedrijf.nl")
    unknown = client.post("/account/wachtwoord-vergeten", data={"email": "niemand@bedrijf.nl"})
    known = client.post("/account/wachtwoord-vergeten", data={"email": user.email})
    assert (unknown.get_data(as_text=True).replace("niemand@", "X@")
            == known.get_data(as_text=True).replace("reset@", "X@"))
    assert mailbox.to("niemand@bedrijf.nl") == []

    link = path(Mailbox.link(mailbox.last_to(user.email), "/account/wachtwoord-herstellen/"))
    second_link = None
    client.post("/account/wachtwoord-vergeten", data={"email": user.email})
    second_link = path(Mailbox.link(mailbox.last_to(user.email), "/account/wachtwoord-herstellen/"))

    response = client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert mailbox.last_to(user.email)["Subject"] == "Uw wachtwoord is gewijzigd"

    # Used once: dead. The other outstanding link died with the password change too.
    for dead in (link, second_link):
        response = client.get(dead)
        assert response.status_code == 400
        assert "ongeldig, al gebruikt of verlopen" in response.get_data(as_text=True)

    login(client, user.email, NEW_PASSWORD)


def test_reset_link_expires(client, app, make_user, mailbox):
    user = make_user()
    client.post("/account/wachtwoord-vergeten", data={"email": user.email})
    link = path(Mailbox.link(mailbox.last_to(user.email), "/account/wachtwoord-herstellen/"))
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    assert client.get(link).status_code == 400


def test_change_password_ends_other_sessions(app, make_user, mailbox):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(first, user.email)
    login(second, user.email)
    response = first.post("/account/wachtwoord", data={"pw-current": "fout-wachtwoord-1", "pw-password": NEW_PASSWORD,
                                                        "pw-password2": NEW_PASSWORD})
    assert response.status_code == 400 and "Het huidige wachtwoord klopt niet." in response.get_data(as_text=True)

    response = first.post("/account/wachtwoord", data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD,
                                                        "pw-password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert first.get("/account/").status_code == 200       # this session goes on
    assert second.get("/account/").status_code == 302      # the other one is logged out
    assert mailbox.last_to(user.email)["Subject"] == "Uw wachtwoord is gewijzigd"


def test_change_email_is_reverified_before_it_takes_effect(client, make_user, mailbox):
    user = make_user(email="oud@bedrijf.nl")
    login(client, user.email)
    response = client.post("/account/e-mailadres", data={"em-email": "nieuw@bedrijf.nl", "em-password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "oud@bedrijf.nl" and user.pending_email == "nieuw@bedrijf.nl"

    link = Mailbox.link(mailbox.last_to("nieuw@bedrijf.nl"), "/account/bevestigen/")
    client.get(path(link))
    db.session.refresh(user)
    assert user.email == "nieuw@bedrijf.nl" and user.pending_email is None
    assert mailbox.last_to("oud@bedrijf.nl")["Subject"] == "Uw e-mailadres is gewijzigd"
    client.post("/account/uitloggen")
    login(client, "nieuw@bedrijf.nl")


def test_change_email_to_a_taken_address_reveals_nothing(client, make_user, mailbox):
    user = make_user(email="een@bedrijf.nl")
    other = make_user(email="twee@bedrijf.nl")
    login(client, user.email)
    response = client.post("/account/e-mailadres", data={"em-email": other.email, "em-password": PASSWORD})
    assert response.status_code == 302
    assert mailbox.last_to(other.email)["Subject"] == "U heeft al een account"
    db.session.refresh(user)
    assert user.email == "een@bedrijf.nl"
