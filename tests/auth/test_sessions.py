"""Server-side sessions: log-out ends a session on every worker and app server, copied cookies die with it,
and a password, e-mail, role or status change ends the user's other sessions."""
from datetime import timedelta

from sqlalchemy import select, update

from portal.auth.models import User, UserSession
from portal.database import utcnow
from portal.extensions import db
from tests.conftest import PASSWORD, Mailbox, login
from tests.querycount import count_queries

NEW_PASSWORD = "Blauwe-reiger-vliegt-laag-9"


def cookies(client) -> dict:
    return {c.key: c.value for c in client._cookies.values()}


def browser_with(app, jar: dict):
    """Another browser (or an attacker) holding a copy of ``jar``."""
    other = app.test_client()
    for name, value in jar.items():
        other.set_cookie(name, value)
    return other


def logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_a_session_cookie_copied_before_log_out_does_not_work_after_it(app, client, make_user):
    user = make_user()
    login(client, user.email)
    stolen = browser_with(app, cookies(client))
    assert logged_in(stolen)
    client.post("/account/uitloggen")
    assert not logged_in(client)
    assert not logged_in(stolen)


def test_a_remember_cookie_copied_before_log_out_does_not_work_after_it(app, client, make_user):
    user = make_user()
    client.post("/account/inloggen", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    jar = cookies(client)
    assert "remember_token" in jar
    only_remember = browser_with(app, {"remember_token": jar["remember_token"]})
    assert logged_in(only_remember)  # the cookie alone logs in: it is what "ingelogd blijven" means
    client.post("/account/uitloggen")
    assert not logged_in(browser_with(app, {"remember_token": jar["remember_token"]}))


def test_log_out_on_one_app_server_ends_the_session_on_another(make_app, mailbox):
    first, second = make_app(), make_app()  # two processes sharing only the database
    with first.app_context():
        from portal.auth.services import create_user

        create_user("twee@bedrijf.nl", PASSWORD)
        db.session.commit()
    one = first.test_client()
    login(one, "twee@bedrijf.nl")
    on_second = browser_with(second, cookies(one))
    assert logged_in(on_second)
    one.post("/account/uitloggen")
    assert not logged_in(browser_with(second, cookies(on_second)))


def test_log_out_everywhere_ends_every_session_of_the_user(app, make_user):
    user = make_user()
    other = make_user()
    laptop, phone, someone_else = app.test_client(), app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    login(someone_else, other.email)
    page = laptop.get("/account/").get_data(as_text=True)
    assert "Uitloggen op alle apparaten" in page and "dit apparaat" in page
    response = laptop.post("/account/uitloggen-overal")
    assert response.status_code == 302 and response.headers["Location"] == "/account/inloggen"
    assert not logged_in(laptop) and not logged_in(phone)
    assert logged_in(someone_else)
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == user.id)) is None


def test_one_other_session_can_be_ended_from_the_account_page(app, make_user):
    user = make_user()
    other = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email, )
    phone_session = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                       .order_by(UserSession.id.desc())).first()
    login(app.test_client(), other.email)
    foreign = db.session.scalars(select(UserSession).where(UserSession.user_id == other.id)).first()
    # Somebody else's session is not yours to end.
    laptop.post(f"/account/sessies/{foreign.id}/beeindigen")
    assert db.session.get(UserSession, foreign.id) is not None
    laptop.post(f"/account/sessies/{phone_session.id}/beeindigen")
    assert not logged_in(phone) and logged_in(laptop)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, client, make_user):
    user = make_user()
    login(client, user.email)
    other = app.test_client()
    login(other, user.email)
    response = client.post("/account/wachtwoord", data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD,
                                                         "pw-password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in(client)
    assert not logged_in(other)


def test_resetting_the_password_ends_every_session(app, client, make_user, mailbox):
    user = make_user()
    logged = app.test_client()
    login(logged, user.email)
    client.post("/account/wachtwoord-vergeten", data={"email": user.email})
    link = Mailbox.link(mailbox.last_to(user.email), "/account/wachtwoord-herstellen/")
    path = link.split("http://localhost", 1)[1]
    client.post(path, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not logged_in(logged)


def test_changing_the_email_address_ends_the_other_sessions(app, client, make_user, mailbox):
    user = make_user()
    login(client, user.email)
    other = app.test_client()
    login(other, user.email)
    client.post("/account/e-mailadres", data={"em-email": "nieuw-adres@bedrijf.nl", "em-password": PASSWORD})
    link = Mailbox.link(mailbox.last_to("nieuw-adres@bedrijf.nl"), "/account/bevestigen/")
    client.get(link.split("http://localhost", 1)[1])
    assert db.session.get(User, user.id).email == "nieuw-adres@bedrijf.nl"
    assert logged_in(client)
    assert not logged_in(other)


def test_a_role_change_or_blocking_by_an_admin_ends_the_users_sessions(app, client, make_user):
    admin = make_user("admin")
    user = make_user()
    login(client, admin.email)
    theirs = app.test_client()
    login(theirs, user.email)
    response = client.post(f"/beheer/accounts/{user.id}", data={"roles": ["ondernemer", "inkoop"], "active": "y"})
    assert response.status_code == 302
    assert not logged_in(theirs)
    login(theirs, user.email)
    client.post(f"/beheer/accounts/{user.id}", data={"roles": ["ondernemer", "inkoop"]})  # blocked
    assert not logged_in(theirs)
    assert logged_in(client)


def test_an_idle_session_ends_on_the_server(app, client, make_user):
    user = make_user()
    login(client, user.email)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=13)))
    db.session.commit()
    assert not logged_in(client)


def test_an_old_style_cookie_logs_nobody_in(app, make_user):
    from flask.sessions import SecureCookieSessionInterface

    user = make_user()
    forged = SecureCookieSessionInterface().get_signing_serializer(app).dumps(
        {"_user_id": f"{user.id}:1", "_fresh": True})
    assert not logged_in(browser_with(app, {"session": forged}))


def test_a_logged_in_request_loads_session_user_and_roles_in_one_query(app, client, make_user):
    user = make_user()
    login(client, user.email)
    client.get("/healthz")
    with count_queries() as anonymous:
        app.test_client().get("/healthz")
    with count_queries() as q:
        client.get("/healthz")
    # /healthz does not load the user; a page does, with one statement for session, user and roles.
    with count_queries() as page:
        client.get("/toegankelijkheid")
    assert anonymous.count == q.count
    session_lookups = [s for s in page.statements if "user_session" in s]
    assert len(session_lookups) == 1 and "user_role" in session_lookups[0], page.statements
    assert not [s for s in page.statements if "user_role" in s and "user_session" not in s]


def test_last_use_is_recorded_without_writing_on_every_request(app, client, make_user):
    user = make_user()
    login(client, user.email)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    long_ago = utcnow() - timedelta(hours=1)
    db.session.execute(update(UserSession).values(last_seen_at=long_ago))
    db.session.commit()
    client.get("/account/")
    db.session.refresh(row)
    assert row.last_seen_at > long_ago + timedelta(minutes=30)
    with count_queries() as q:
        client.get("/account/")
    assert not any(s.lstrip().upper().startswith("UPDATE") for s in q.statements)
