"""Fixtures of the backup tests: an empty restore target on the same kind of database as the suite's."""
import os
import tempfile

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from tests.conftest import _test_config


def _fresh_postgres(url, name: str) -> str:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def empty_database(database_url: str, suffix: str) -> str:
    """A new, empty database of the suite's kind: <test database>_<suffix> on PostgreSQL, a new file on SQLite."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return _fresh_postgres(database_url, f"{make_url(database_url).database}_{suffix}")
    return "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix=f"portal-{suffix}-"), "portal.db")


def drop_database(url: str) -> None:
    if make_url(url).get_backend_name() == "postgresql":
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        finally:
            admin.dispose()


@pytest.fixture
def target_app(database_url, smtp_server):
    """An app on an empty database and an empty upload folder (no reference data: restore wants it empty)."""
    url = empty_database(database_url, "restore")
    app = create_app(_test_config(url, smtp_server.port, UPLOAD_FOLDER=tempfile.mkdtemp(prefix="portal-restored-")))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)
