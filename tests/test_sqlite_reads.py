"""SQLite: pages that only read run beside a writer; views that write on GET take the write lock at BEGIN."""
import sqlite3

import pytest
from sqlalchemy import select

from portal.database import writes_on_get
from portal.extensions import db
from portal.partners.models import Municipality
from portal.permissions import public


@pytest.fixture
def sqlite_path(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL readers never wait for writers")
    return db.engine.url.database


def _hold_write_lock(path):
    conn = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_a_read_only_page_is_served_while_another_connection_holds_the_write_lock(app, client, sqlite_path):
    writer = _hold_write_lock(sqlite_path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):  # the lock is really held
            _hold_write_lock(sqlite_path)
        response = client.get("/label/register")
        assert response.status_code == 200
        assert "Register" in response.get_data(as_text=True)
    finally:
        writer.rollback()
        writer.close()


def test_a_get_that_writes_must_be_marked(make_app, sqlite_path):
    app = make_app()

    @public
    def unmarked():
        db.session.add(Municipality(name="Ongemarkeerd"))
        db.session.commit()
        return "ok"

    @public
    @writes_on_get
    def marked():
        db.session.add(Municipality(name="Gemarkeerd"))
        db.session.commit()
        return "ok"

    app.add_url_rule("/test-unmarked", "test_unmarked", unmarked)
    app.add_url_rule("/test-marked", "test_marked", marked)
    client = app.test_client()
    with pytest.raises(RuntimeError, match="writes_on_get"):  # TESTING propagates; in production a warning
        client.get("/test-unmarked")
    assert client.get("/test-marked").status_code == 200
    with app.app_context():
        names = set(db.session.scalars(select(Municipality.name)))
    assert "Gemarkeerd" in names and "Ongemarkeerd" not in names
