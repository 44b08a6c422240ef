"""The portal application factory."""
import importlib
import logging
import os
import re

from flask import Flask, current_app, has_app_context, has_request_context, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from portal import extensions as ext
from portal.config import ConfigError, load_config  # noqa: F401  (re-exported for wsgi and tests)

# Blueprints are listed once here; each package owns its URL rules.
BLUEPRINTS = [
    ("portal.main.views", "bp"),
    ("portal.auth.views", "bp"),
    ("portal.admin.views", "bp"),
    ("portal.audit.views", "bp"),
    ("portal.partners.views", "bp"),
    ("portal.partners.path_views", "bp"),
    ("portal.label.views", "bp"),
    ("portal.inkoop.views", "bp"),
    ("portal.events.views", "bp"),
    ("portal.api.views", "bp"),
    ("portal.dashboard.views", "bp"),
    ("portal.programme.views", "bp"),
    ("portal.privacy.views", "bp"),
    ("portal.impact.views", "bp"),
]


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path, config))
    if app.config["PORTAL_ENV"] == "development" and not app.config.get("TESTING"):
        logging.basicConfig(level=logging.INFO)

    # Package names (portal.mail) shadow extension names here, hence the ext. prefix.
    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    ext.login_manager.init_app(app)
    ext.csrf.init_app(app)
    ext.mail.init_app(app)
    ext.babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: "Europe/Amsterdam")
    ext.limiter.init_app(app)
    from portal import database

    database.init_app(app)

    # Ids in URLs fit the database's integer: /x/99999999999999999999 is a 404, not an overflow.
    app.url_map.converters["int"] = _DatabaseInteger
    _register_models()
    _register_blueprints(app)

    from portal import errors, security, templating, widgets

    widgets.install()
    from portal.mail import outbox

    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    outbox.init_app(app)
    from portal import jobs

    jobs.init_app(app)

    from portal.cli import register_cli

    register_cli(app)
    return app


class _DatabaseInteger(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _select_locale():
    # Dutch first: English only when the visitor chose it. CLI and cron mail are Dutch.
    if not has_request_context():
        return "nl"
    lang = session.get("lang")
    if lang in ("nl", "en"):
        return lang
    lang = request.args.get("lang")
    return lang if lang in ("nl", "en") else "nl"


def import_optional(module_name: str):
    """Import a module of the portal that may not exist (yet); None when it or its package is absent.

    Any other import error (a bug inside the module) is raised.
    """
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        parts = module_name.split(".")
        if exc.name in {".".join(parts[:i]) for i in range(2, len(parts) + 1)}:
            return None
        raise


def _register_models():
    # Import every models module so that metadata (create_all, Alembic) sees all tables.
    for name in ("auth", "audit", "mail", "partners", "label", "inkoop", "events", "dashboard",
                 "jobs", "files", "impact"):
        import_optional(f"portal.{name}.models")


def _register_blueprints(app):
    for module_name, attr in BLUEPRINTS:
        module = import_optional(module_name)
        if module is not None:
            app.register_blueprint(getattr(module, attr))


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if _is_sqlite(dbapi_connection):
        # Let SQLAlchemy control transactions (see _sqlite_begin) instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    # SQLite cannot upgrade a read lock to a write lock under contention without failing, so a transaction
    # that may write takes the write lock up front; writers queue on busy_timeout instead of erroring.
    # A GET whose view only reads starts a deferred transaction: in WAL mode readers take no lock at all,
    # so pages are served side by side while one writer works. Views that write on GET are marked with
    # portal.database.writes_on_get; a connection can ask for the lock with execution_options(sqlite_immediate=True).
    if conn.dialect.name == "sqlite":
        from portal.database import in_reading_request

        reading = not conn.get_execution_options().get("sqlite_immediate") and in_reading_request()
        conn.info["sqlite_deferred"] = reading
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


_WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_write_guard(conn, cursor, statement, parameters, context, executemany):
    # A write in a deferred (read) transaction fails with "database is locked" whenever another request
    # wrote since it began. Tests fail loudly so that such a view gets @writes_on_get; in production the
    # write is tried (it usually succeeds) and a failure answers 503 with Retry-After.
    if conn.info.get("sqlite_deferred") and conn.dialect.name == "sqlite" and _WRITE_STATEMENT.match(statement):
        message = (f"{request.endpoint if has_request_context() else '?'} writes during a GET on SQLite: "
                   "mark the view with portal.database.writes_on_get")
        if has_app_context() and current_app.config.get("TESTING"):
            raise RuntimeError(message)
        logging.getLogger(__name__).warning(message)
