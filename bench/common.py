# ruff: noqa: S603, S607, S105 - the benchmark starts local tools on purpose and uses fixed bench secrets
"""Shared by the benchmark and the fault drills: databases, the gunicorn server, logins and wrk."""
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TMP = BENCH / "tmp"
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_HOST_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
# Only these databases are ever created or dropped here; never `test` or `test_*`.
ALLOWED_PG = ("bench", "bench_small", "bench_drill")
SECRET = "bench-fixed-secret-key-not-for-production"
BENCH_PASSWORD = "Bench-Drechtsteden-2026"  # must equal bench.seed.BENCH_PASSWORD
BENCH_DOMAIN = "bench.ondernemenmetimpact.nl"


def log(msg):
    print(msg, flush=True)


def bench_email(role):
    return f"{role}@{BENCH_DOMAIN}"


# --------------------------------------------------------------------------- databases
def pg_create(name: str) -> str:
    """Drop and create a PostgreSQL database named ``name`` (bench* only); returns its URL."""
    import psycopg

    if name not in ALLOWED_PG:
        raise SystemExit(f"refusing to touch database {name!r}")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_HOST_URL}/{name}"


def pg_drop(name: str):
    import psycopg

    if name not in ALLOWED_PG:
        raise SystemExit(f"refusing to touch database {name!r}")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_create(name: str) -> str:
    TMP.mkdir(parents=True, exist_ok=True)
    path = TMP / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def database(kind: str, name: str) -> str:
    return pg_create(name) if kind == "postgres" else sqlite_create(name)


def server_env(url: str, **extra) -> dict:
    env = dict(os.environ)
    for key in ("MAIL_SERVER", "MAIL_SEND_ON_COMMIT", "FLASK_APP"):
        env.pop(key, None)
    env.update({
        "DATABASE_URL": url, "PORTAL_ENV": "development", "SECRET_KEY": SECRET,
        "RATELIMIT_LOGIN": "1000000 per minute", "BENCH_RATELIMIT_API": "100000000 per minute",
        "PYTHONPATH": str(ROOT), "PORTAL_BASE_URL": "http://127.0.0.1",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def flask(args, env, timeout=3600, check=True) -> subprocess.CompletedProcess:
    cmd = [str(VENV_BIN / "flask"), "--app", "bench.wsgi", *args]
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        log(result.stdout[-3000:])
        log(result.stderr[-3000:])
        raise SystemExit(f"failed: flask {' '.join(args)}")
    return result


def build_schema(url: str) -> str:
    """`flask db upgrade`; when the migrations do not (yet) match the models, rebuild with create_all.

    Returns "migrations" or a description of the fallback.
    """
    env = server_env(url)
    upgraded = flask(["db", "upgrade"], env, check=False)
    from sqlalchemy import inspect, text

    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        insp = inspect(db.engine)
        have = set(insp.get_table_names())
        missing_tables = [t.name for t in db.metadata.sorted_tables if t.name not in have]
        missing_cols = []
        for table in db.metadata.sorted_tables:
            if table.name in have:
                cols = {c["name"] for c in insp.get_columns(table.name)}
                missing_cols += [f"{table.name}.{c.name}" for c in table.columns if c.name not in cols]
        if upgraded.returncode == 0 and not missing_tables and not missing_cols:
            db.engine.dispose()
            return "migrations"
        why = (f"migrations incomplete ({len(missing_tables)} tables and {len(missing_cols)} columns of the "
               f"models missing after `flask db upgrade`"
               + ("" if upgraded.returncode == 0 else ", and the upgrade failed") + ")")
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        db.engine.dispose()
    note = why + "; schema built with db.create_all() instead"
    log("  " + note)
    return note


def seed(url: str, orgs: int, timeout=3600) -> dict:
    started = time.monotonic()
    result = flask(["seed-bench", "--orgs", str(orgs)], server_env(url), timeout=timeout)
    seconds = time.monotonic() - started
    counts = {}
    for line in result.stdout.splitlines():
        m = re.match(r"^  (\w+)\s+([\d,]+)$", line)
        if m:
            counts[m.group(1)] = int(m.group(2).replace(",", ""))
    event = re.search(r"bench event: (\S+)", result.stdout)
    return {"seconds": round(seconds, 1), "rows": sum(counts.values()), "tables": counts,
            "event_path": event.group(1) if event else None, "output": result.stdout[-4000:]}


# --------------------------------------------------------------------------- the server
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers on loopback, serving bench/wsgi.py (the portal with a high API limit)."""

    def __init__(self, url: str, workers: int = 2, timeout: int = 30, app: str = "bench.wsgi:app",
                 health: str = "/healthz", **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = server_env(url, **env)
        self.workers = workers
        self.timeout = timeout
        self.app = app
        self.health = health
        self.proc = None
        self.logfile = None

    def start(self):
        TMP.mkdir(parents=True, exist_ok=True)
        self.logfile = open(TMP / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115
        cmd = [str(VENV_BIN / "gunicorn"), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
               "--timeout", str(self.timeout), "--graceful-timeout", "5", self.app]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.logfile, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.logfile.name}")
            try:
                if http_get(self.base + self.health, timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer {self.health} within 60 s")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if self.logfile:
            self.logfile.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def http_get(url, cookie="", timeout=10):
    import requests

    response = requests.get(url, headers={"Cookie": cookie} if cookie else {}, timeout=timeout,
                            allow_redirects=False)
    return response.status_code, response


def login(base: str, role: str, warm_paths=()) -> str:
    """Log in the bench account of ``role``; returns the Cookie header value after visiting warm_paths."""
    import requests

    session = requests.Session()
    page = session.get(base + "/account/inloggen", timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    if token is None:
        token = re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
    response = session.post(base + "/account/inloggen", allow_redirects=False, timeout=30,
                            data={"email": bench_email(role), "password": BENCH_PASSWORD,
                                  "csrf_token": token.group(1) if token else ""})
    if response.status_code != 302:
        raise SystemExit(f"login as {role} failed: {response.status_code}")
    for path in warm_paths:
        session.get(base + path, timeout=60, allow_redirects=False)
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def drain(base: str, limit: float = 180) -> float:
    """Wait until /healthz answers within a second again (bounded); returns the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        try:
            t0 = time.monotonic()
            if http_get(base + "/healthz", timeout=limit)[0] == 200 and time.monotonic() - t0 < 1:
                break
        except OSError:
            time.sleep(1)
    return round(time.monotonic() - began, 1)


def merge_cookies(header: str, jar) -> str:
    """The Cookie header ``header`` updated with the cookies a response set."""
    cookies = dict(part.split("=", 1) for part in header.split("; ") if "=" in part)
    cookies.update({c.name: c.value for c in jar})
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# --------------------------------------------------------------------------- wrk
def wrk(base: str, paths: list[str], duration: float, concurrency: int, cookie: str = "",
        threads: int = 2, timeout: str = "10s") -> dict:
    """Drive GETs of random ``paths`` for ``duration`` seconds; returns wrk's summary as a dict."""
    TMP.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=TMP, suffix=".paths", delete=False) as fh:
        fh.write("\n".join(paths) + "\n")
        paths_file = fh.name
    env = dict(os.environ, BENCH_PATHS=paths_file, BENCH_COOKIE=cookie)
    cmd = ["wrk", "-t", str(min(threads, concurrency)), "-c", str(concurrency), "-d", f"{int(duration)}s",
           "--timeout", timeout, "-s", str(BENCH / "lua" / "route.lua"), base]
    try:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60).stdout
    finally:
        os.unlink(paths_file)
    m = re.search(r"^BENCH_JSON (.*)$", out, re.M)
    if m is None:
        raise RuntimeError("wrk gave no summary:\n" + out)
    data = json.loads(m.group(1))
    seconds = data["duration_us"] / 1e6
    data["rps"] = round(data["requests"] / seconds, 1) if seconds else 0.0
    for key in ("p50", "p90", "p95", "p99", "max"):
        data[f"{key}_ms"] = round(data.pop(f"{key}_us") / 1000, 1)
    data["mean_ms"] = round(data.pop("mean_us") / 1000, 1)
    return data


# --------------------------------------------------------------------------- the machine
def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    pg = ""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
            pg_settings = {k: conn.execute(f"SHOW {k}").fetchone()[0]
                           for k in ("shared_buffers", "work_mem", "max_connections")}
    except Exception:  # noqa: BLE001 - the machine summary never stops a run
        pg_settings = {}
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0] \
        if shutil.which("wrk") else ""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "postgresql": pg, "postgresql_settings": pg_settings,
            "sqlite": sqlite3.sqlite_version, "wrk": wrk_version, "kernel": platform.release(),
            "loadavg_at_start": os.getloadavg(), "git_commit": commit}


@contextmanager
def timed(label):
    started = time.monotonic()
    yield
    log(f"  {label}: {time.monotonic() - started:.1f} s")


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True).returncode == 0
