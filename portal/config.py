"""Configuration read from the environment, with safe defaults for development."""
import logging
import os
import secrets
import tempfile
from datetime import timedelta


class ConfigError(RuntimeError):
    """Raised when the configuration is not safe to start with."""


def _bool(value, default=False):
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config dict from os.environ, then apply overrides (tests)."""
    env = os.environ
    portal_env = env.get("PORTAL_ENV", "development")
    production = portal_env == "production"
    secret = env.get("SECRET_KEY")
    database_url = env.get("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "portal.db")
    cfg = {
        "PORTAL_ENV": portal_env,
        # Production requires SECRET_KEY (below); elsewhere a random key is made once per instance folder.
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _normalise_db_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Ondernemen met impact <noreply@ondernemenmetimpact.nl>"),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", "10")),
        # Flask-Mail would silently drop mail under TESTING; tests use a real SMTP server instead.
        "MAIL_SUPPRESS_SEND": False,
        # Development keeps mail in the outbox unless an SMTP server is configured explicitly.
        "MAIL_SEND_ON_COMMIT": _bool(env.get("MAIL_SEND_ON_COMMIT"), default=production or "MAIL_SERVER" in env),
        "OUTBOX_MAX_ATTEMPTS": int(env.get("OUTBOX_MAX_ATTEMPTS", "8")),
        # The job queue (portal/jobs): Redis in production, shared by every node; SQLite beside the database on
        # one machine; the test suite runs tasks where they are enqueued ("immediate").
        "JOBS_URL": env.get("JOBS_URL") or ("immediate" if (overrides or {}).get("TESTING")
                                            else "sqlite:///" + os.path.join(instance_path, "jobs.db")),
        "JOBS_WORKERS": int(env.get("JOBS_WORKERS", "2")),
        "PORTAL_BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        # Explicit: Flask-Limiter's extension object otherwise inherits "enabled" from the last app it served.
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=True),
        # Counts must be shared by every worker and app server: Redis whenever it is configured (production must
        # configure it). memory:// counts per worker process and is only fit for one-process development.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://",
        # Redis down: count in the worker for a while rather than answer 500 on every limited form.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": env.get("RATELIMIT_KEY_PREFIX", "portal"),
        # How many proxies in front set X-Forwarded-For/-Proto (nginx: 1). Without it every visitor behind the
        # proxy has the proxy's address and shares one per-client limit.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute"),
        # Per account (the address typed), whichever clients the tries come from.
        "RATELIMIT_LOGIN_ACCOUNT": env.get("RATELIMIT_LOGIN_ACCOUNT", "10 per 15 minutes"),
        # Forms that send mail to a typed address: per client and per address.
        "RATELIMIT_ACCOUNT_MAIL": env.get("RATELIMIT_ACCOUNT_MAIL", "5 per minute;30 per hour"),
        "RATELIMIT_ACCOUNT_MAIL_ADDRESS": env.get("RATELIMIT_ACCOUNT_MAIL_ADDRESS", "5 per hour"),
        # An address gets at most one registration, verification or reset mail per this many minutes.
        "AUTH_MAIL_INTERVAL_MINUTES": int(env.get("AUTH_MAIL_INTERVAL_MINUTES", "15")),
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ["nl", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # Server-side sessions (portal/auth/sessions.py) end after this long unused; "ingelogd blijven" ones later.
        "SESSION_IDLE_HOURS": int(env.get("SESSION_IDLE_HOURS", "12")),
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(env.get("REMEMBER_DAYS", "30"))),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "12")) * 1024 * 1024,
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or os.path.join(instance_path, "uploads"),
        # Where uploaded files live (portal/files): "local" (UPLOAD_FOLDER) or "database" (every app server sees them).
        "FILE_STORAGE": env.get("FILE_STORAGE", "local"),
        "EMAIL_TOKEN_MAX_AGE": int(env.get("EMAIL_TOKEN_MAX_AGE", str(48 * 3600))),
        "RESET_TOKEN_MAX_AGE": int(env.get("RESET_TOKEN_MAX_AGE", str(2 * 3600))),
        "INVITE_TOKEN_MAX_AGE": int(env.get("INVITE_TOKEN_MAX_AGE", str(14 * 24 * 3600))),
        # argon2id parameters; tests lower them to keep the suite quick.
        "PASSWORD_HASH_TIME_COST": int(env.get("PASSWORD_HASH_TIME_COST", "3")),
        "PASSWORD_HASH_MEMORY_COST": int(env.get("PASSWORD_HASH_MEMORY_COST", "65536")),
        "PASSWORD_MIN_LENGTH": 10,
        "LABEL_VALIDITY_MONTHS": int(env.get("LABEL_VALIDITY_MONTHS", "24")),
        "LABEL_EVIDENCE_MAX_MB": int(env.get("LABEL_EVIDENCE_MAX_MB", "10")),
        # Where "new assessment to review" mail goes; empty: every mbo_staff account.
        "LABEL_STAFF_EMAIL": env.get("LABEL_STAFF_EMAIL") or None,
        # Where "new partnership application" mail goes; empty: every mbo_staff account.
        "PARTNERS_STAFF_EMAIL": env.get("PARTNERS_STAFF_EMAIL") or None,
        "RATELIMIT_API": env.get("RATELIMIT_API", "120 per minute"),
        "API_CACHE_SECONDS": int(env.get("API_CACHE_SECONDS", "300")),
        # How long the dashboard shows numbers computed earlier (portal/dashboard/cache.py); 0: always compute.
        "DASHBOARD_CACHE_SECONDS": int(env.get("DASHBOARD_CACHE_SECONDS", "600")),
        "RATELIMIT_DASHBOARD_REFRESH": env.get("RATELIMIT_DASHBOARD_REFRESH", "6 per minute"),
        # How long the public register keeps which organisations fill a page,
        # per search (seconds; 0: search every view).
        "REGISTER_CACHE_SECONDS": int(env.get("REGISTER_CACHE_SECONDS", "60")),
        "EVENT_PURGE_MONTHS": int(env.get("EVENT_PURGE_MONTHS", "6")),
        # The retention schedule (portal/privacy/schedule.py; shown on /privacy, enforced by `privacy retention`).
        "PRIVACY_UNVERIFIED_DAYS": int(env.get("PRIVACY_UNVERIFIED_DAYS", "30")),
        "PRIVACY_OUTBOX_BODY_DAYS": int(env.get("PRIVACY_OUTBOX_BODY_DAYS", "30")),
        "PRIVACY_OUTBOX_MONTHS": int(env.get("PRIVACY_OUTBOX_MONTHS", "12")),
        "PRIVACY_REJECTED_MONTHS": int(env.get("PRIVACY_REJECTED_MONTHS", "12")),
        "PRIVACY_AUDIT_YEARS": int(env.get("PRIVACY_AUDIT_YEARS", "7")),
        # Where people send privacy requests (shown on /privacy).
        "PRIVACY_CONTACT_EMAIL": env.get("PRIVACY_CONTACT_EMAIL", "privacy@stmbo.nl"),
        "TESTING": False,
    }
    if overrides:
        cfg.update(overrides)
        if "SQLALCHEMY_DATABASE_URI" in overrides:
            cfg["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(overrides["SQLALCHEMY_DATABASE_URI"])
    if cfg["FILE_STORAGE"] not in ("local", "database"):
        raise ConfigError(f"FILE_STORAGE={cfg['FILE_STORAGE']!r}: use local or database.")
    if cfg["PORTAL_ENV"] == "production" and cfg["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        logging.getLogger(__name__).warning(
            "Rate limits count per worker process: set REDIS_URL (or RATELIMIT_STORAGE_URI) in production.")
    if not cfg["SECRET_KEY"]:
        if cfg["PORTAL_ENV"] == "production":
            raise ConfigError("SECRET_KEY must be set when PORTAL_ENV=production; refusing to start.")
        cfg["SECRET_KEY"] = instance_secret_key(instance_path)
    return cfg


def instance_secret_key(instance_path: str) -> str:
    """The random key in ``<instance>/secret_key`` (mode 0600), made on first use.

    Several workers may start at once: the key is written to a private temporary file and linked into
    place, so exactly one key wins and every worker reads that one.
    """
    path = os.path.join(instance_path, "secret_key")
    for _ in range(2):
        try:
            with open(path, encoding="ascii") as handle:
                key = handle.read().strip()
            if len(key) >= 32:
                return key
            raise ConfigError(f"{path} holds no usable key; delete it to make a new one.")
        except FileNotFoundError:
            pass
        os.makedirs(instance_path, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=".secret_key-")  # mkstemp: mode 0600
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another worker was first: use its key
        finally:
            os.unlink(temporary)
    raise ConfigError(f"Could not create {path}.")


def _normalise_db_url(url: str) -> str:
    # Hosting panels hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url
