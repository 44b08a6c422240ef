"""Fixtures: an app per test on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL),
a real SMTP server on loopback, and clients that send CSRF tokens like a browser does."""
import contextvars
import hashlib
import os
import re
import socket
import tempfile
import threading
from email import message_from_bytes, policy

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text

from portal import create_app
from portal.extensions import db, limiter
from portal.partners.reference import ensure_municipalities

TEST_SECRET = "test-secret-key"


# --------------------------------------------------------------------------- SMTP
class Mailbox:
    """Messages received by the loopback SMTP server."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append({"to": [a.lower() for a in envelope.rcpt_tos], "msg": msg})
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address):
        address = address.lower()
        return [m["msg"] for m in self.messages if address in m["to"]]

    def last_to(self, address):
        found = self.to(address)
        assert found, f"no mail to {address}; mails went to {[m['to'] for m in self.messages]}"
        return found[-1]

    @staticmethod
    def text(msg) -> str:
        part = msg.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @classmethod
    def links(cls, msg) -> list[str]:
        return re.findall(r"https?://[^\s<>\"]+", cls.text(msg))

    @classmethod
    def link(cls, msg, contains: str) -> str:
        matches = [link for link in cls.links(msg) if contains in link]
        assert matches, f"no link containing {contains!r} in:\n{cls.text(msg)}"
        return matches[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.clear()
    return smtp_server


# --------------------------------------------------------------------------- database
def _database_url(tmp_root):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + os.path.join(tmp_root, "test.db")


@pytest.fixture(scope="session")
def database_url():
    tmp_root = tempfile.mkdtemp(prefix="portal-tests-")
    url = _database_url(tmp_root)
    app = create_app(_test_config(url, 25))
    with app.app_context():
        db.drop_all()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.engine.dispose()
    return url


def _test_config(url, smtp_port, **extra):
    cfg = {
        "TESTING": True,
        # Dashboard numbers are computed on every request unless a test switches the cache on.
        "DASHBOARD_CACHE_SECONDS": 0,
        "REGISTER_CACHE_SECONDS": 0,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_USE_TLS": False,
        "MAIL_SEND_ON_COMMIT": True,
        "MAIL_TIMEOUT": 5,
        "PORTAL_BASE_URL": "http://localhost",
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_COST": 1024,
        "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_FOLDER": tempfile.mkdtemp(prefix="portal-uploads-"),
        "SERVER_NAME": None,
    }
    cfg.update(extra)
    return cfg


def _clean_tables():
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


class CSRFClient(FlaskClient):
    """A test client that behaves like a separate browser talking to a separate server process.

    Every request runs in a fresh context (its own app context, ``g`` and database session), the
    test's own session is committed before and expired after, and form POSTs carry a valid CSRF
    token as the browser would. Pass ``csrf=False`` to send none (CSRF tests).
    """

    def open(self, *args, **kwargs):
        outer = has_app_context()
        if outer:
            db.session.commit()
        try:
            return contextvars.Context().run(self._open, *args, **kwargs)
        finally:
            if outer:
                db.session.expire_all()

    def _open(self, *args, **kwargs):
        send_token = kwargs.pop("csrf", True)
        method = kwargs.get("method", "GET")
        data = kwargs.get("data")
        if send_token and method in ("POST", "PUT", "PATCH", "DELETE") and (data is None or isinstance(data, dict)):
            data = dict(data or {})
            if "csrf_token" not in data:
                data["csrf_token"] = self.csrf_token()
            kwargs["data"] = data
        return super().open(*args, **kwargs)

    def csrf_token(self):
        app = self.application
        with self.session_transaction() as sess:
            if "csrf_token" not in sess:
                sess["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - as flask-wtf
            raw = sess["csrf_token"]
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture
def make_app(database_url, smtp_server):
    apps = []

    def factory(**extra):
        app = create_app(_test_config(database_url, smtp_server.port, **extra))
        app.test_client_class = CSRFClient
        with app.app_context():
            limiter.reset()  # the limiter's memory storage outlives apps: start every test with fresh counts
        with app.app_context():  # reference data, as migration 0002 inserts it
            ensure_municipalities()
            db.session.commit()
            db.session.remove()
        apps.append(app)
        return app

    yield factory
    if apps:
        with apps[0].app_context():
            db.session.remove()
            _clean_tables()
        for app in apps:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def app(make_app, mailbox):
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --------------------------------------------------------------------------- people
PASSWORD = "Groene-kikker-springt-2026"


@pytest.fixture
def make_user(app):
    from portal.auth.services import create_user

    counter = {"n": 0}

    def factory(role="ondernemer", email=None, roles=None, name=None, verified=True):
        counter["n"] += 1
        email = email or f"{role}{counter['n']}@example.nl"
        user = create_user(email, PASSWORD, roles=roles or [role], name=name or f"{role} {counter['n']}",
                           verified=verified)
        db.session.commit()
        return user

    return factory


def login(client, email, password=PASSWORD):
    response = client.post("/account/inloggen", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@pytest.fixture
def login_as(client, make_user):
    """Log the client in as a new user with ``role``; returns the user."""

    def do(role="ondernemer", **kwargs):
        user = make_user(role, **kwargs)
        login(client, user.email)
        return user

    return do


def is_postgres(app):
    return db.engine.dialect.name == "postgresql"


# --------------------------------------------------------------------------- organisations
@pytest.fixture
def make_org(app):
    """Create an organisation (default: an approved partner in Dordrecht) with the given members.

    ``members`` is a list of users (role ``beheerder``) or (user, role) pairs.
    """
    from datetime import date

    from portal.partners.models import Membership, Municipality, Organisation

    counter = {"n": 0}

    def factory(name=None, kvk=None, status="partner", members=(), municipality="Dordrecht", **fields):
        counter["n"] += 1
        muni = db.session.scalar(db.select(Municipality).where(Municipality.name == municipality))
        if muni is None:
            muni = Municipality(name=municipality)  # takes part from the start
            db.session.add(muni)
        org = Organisation(
            name=name or f"Testbedrijf {counter['n']}",
            kvk=kvk or f"{90000000 + counter['n'] * 7919:08d}"[:8],
            municipality=muni, partner_status=status,
            partner_since=date(2024, 1, 15) if status in ("partner", "geschorst", "beeindigd") else None,
            **fields,
        )
        db.session.add(org)
        for member in members:
            user, role = member if isinstance(member, tuple) else (member, "beheerder")
            db.session.add(Membership(user=user, organisation=org, role=role))
        db.session.commit()
        return org

    return factory
