"""CSRF, security headers, cookie flags, login rate limit and error pages."""
import pytest
from flask import Blueprint
from sqlalchemy import select

from portal import ConfigError, create_app
from portal.auth.models import User
from portal.extensions import db
from portal.permissions import public
from tests.conftest import PASSWORD, login


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_config_secures_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/portal")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert not app.debug


def test_without_secret_key_development_makes_one_private_random_key_per_instance(monkeypatch, tmp_path):
    import stat

    from portal.config import load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    first = load_config(str(tmp_path))["SECRET_KEY"]
    assert first != "dev-only-insecure-key-change-me" and len(first) >= 32
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_config(str(tmp_path))["SECRET_KEY"] == first  # every worker and restart reads the same key
    other = tmp_path / "other"
    other.mkdir()
    assert load_config(str(other))["SECRET_KEY"] != first  # another installation has its own
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert load_config(str(tmp_path))["SECRET_KEY"] == "from-the-environment"


def test_development_defaults_to_embedded_sqlite(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/portal.db")


def test_post_without_csrf_token_is_refused_with_a_clear_page(client, make_user):
    user = make_user()
    response = client.post("/account/inloggen", data={"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "Het formulier is verlopen of ongeldig" in response.get_data(as_text=True)
    response = client.post("/account/inloggen", data={"email": user.email, "password": PASSWORD,
                                                       "csrf_token": "vervalst"}, csrf=False)
    assert response.status_code == 400


def test_every_page_sends_security_headers(client):
    for url in ("/", "/account/inloggen", "/bestaat-niet"):
        response = client.get(url)
        headers = response.headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(client):
    for url in ("/", "/account/inloggen", "/account/registreren"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "style=" not in html and "onclick" not in html


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user()
    response = login(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_is_rate_limited(make_app, mailbox):
    make_app(RATELIMIT_ENABLED=False)  # an earlier app without limits must not switch them off for the next
    app = make_app(RATELIMIT_LOGIN="3 per minute")
    client = app.test_client()
    answers = [client.post("/account/inloggen", data={"email": "x@y.nl", "password": "Fout-wachtwoord-1"}).status_code
               for _ in range(5)]
    assert answers[:3] == [200, 200, 200]
    assert answers[3:] == [429, 429]
    page = client.post("/account/inloggen", data={"email": "x@y.nl", "password": "Fout-wachtwoord-1"})
    assert "Te veel pogingen" in page.get_data(as_text=True)


def test_unexpected_error_shows_a_calm_500_page_and_writes_nothing(make_app, mailbox):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    boom = Blueprint("boom", __name__)

    @boom.route("/boom", methods=["POST"])
    @public
    def explode():
        from portal.auth.services import create_user

        create_user("half@bedrijf.nl", PASSWORD)
        db.session.flush()
        raise RuntimeError("secret internal detail")

    app.register_blueprint(boom)
    response = app.test_client().post("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Er ging iets mis" in html and "secret internal detail" not in html and "Traceback" not in html
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "half@bedrijf.nl")) is None


def test_not_found_page_is_in_the_portal_style(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Pagina niet gevonden" in html and 'class="skip-link"' in html


HOSTILE_NEXT = [
    "/\t/evil.example", "/%09/evil.example", "//evil.example", "///evil.example", "/\\evil.example",
    "\\evil.example", "/\\/evil.example", "https://evil.example/", "http:evil.example", "javascript:alert(1)",
    "data:text/html,x", " //evil.example", "\t//evil.example", "/\n/evil.example", "/\r\n/evil.example",
    "%2F%2Fevil.example", "/%2F/evil.example", "/%5Cevil.example", "/%252F%252Fevil.example",
    "/%2509/evil.example", "evil.example", "//evil.example@portal", "/\x7f/evil.example", "/\u3000/evil.example",
    "HTTPS://evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/taal", data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_site(client, make_user, target):
    user = make_user()
    response = client.post("/account/inloggen", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_local_next_is_kept(client, make_user):
    assert client.post("/taal", data={"lang": "en", "next": "/label/register?q=a%20b"}).headers["Location"] \
        == "/label/register?q=a%20b"
    user = make_user()
    response = client.post("/account/inloggen", query_string={"next": "/account/"},
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account/"


def test_safe_next_keeps_to_the_given_prefix(app):
    from portal.redirects import safe_next

    with app.test_request_context():
        assert safe_next("/evenementen/3/inchecken", "/x", prefix="/evenementen/") == "/evenementen/3/inchecken"
        assert safe_next("/beheer/", "/x", prefix="/evenementen/") == "/x"
        assert safe_next("/evenementen/\\evil", "/x", prefix="/evenementen/") == "/x"


def test_method_not_allowed_says_which_methods_are_allowed(client):
    for url in ("/api/v1/openapi.json", "/api/v1/labels/12345678", "/", "/account/inloggen", "/taal"):
        response = client.open(url, method="TRACE")
        assert response.status_code == 405, url
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert "TRACE" not in allowed and allowed, url


def test_language_switch_to_english_and_back(client):
    response = client.post("/taal", data={"lang": "en", "next": "/account/inloggen"})
    assert response.status_code == 302 and response.headers["Location"] == "/account/inloggen"
    assert '<html lang="en">' in client.get("/account/inloggen").get_data(as_text=True)
    client.post("/taal", data={"lang": "nl", "next": "https://evil.example/"})
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)


def test_switching_to_an_organisation_you_do_not_belong_to_is_refused(client, make_user, make_org):
    user = make_user()
    own = make_org(members=[user])
    other = make_org()
    login(client, user.email)
    assert client.post("/organisatie-wisselen", data={"organisation_id": other.id}).status_code == 403
    assert client.post("/organisatie-wisselen", data={"organisation_id": own.id}).status_code == 302
    assert client.post("/organisatie-wisselen", data={"organisation_id": "abc"}).status_code == 400


def test_huge_ids_and_page_numbers_are_a_404_or_a_page_not_an_overflow(client, login_as):
    login_as("admin")
    assert client.get("/beheer/accounts/99999999999999999999").status_code == 404
    assert client.get("/beheer/accounts/?page=99999999999999999999").status_code == 200
    assert client.get("/beheer/audit/?page=-5").status_code == 200


@pytest.mark.parametrize("kind", ["operational", "interface", "invalidated"])
def test_database_outage_answers_503_with_retry_after(make_app, mailbox, kind):
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    app = make_app(PROPAGATE_EXCEPTIONS=False)
    down = Blueprint("down", __name__)
    errors = {
        "operational": lambda: OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")),
        "interface": lambda: InterfaceError("SELECT 1", {}, Exception("connection already closed")),
        "invalidated": lambda: DBAPIError("SELECT 1", {}, Exception("terminating connection"),
                                          connection_invalidated=True),
    }

    @down.route("/down")
    @public
    def database_down():
        raise errors[kind]()

    app.register_blueprint(down)
    response = app.test_client().get("/down")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert "niet bereikbaar" in response.get_data(as_text=True)
