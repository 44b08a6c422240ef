"""The portal as the benchmark serves it: the normal app, with the API rate limit raised so that the load
generator (one client address) measures the API and not the limiter. Everything else comes from the
environment exactly as in production (wsgi.py). It also carries the `seed-bench` command (bench/seed.py).

BENCH_SQLITE_DEFERRED_READS=1 is an experiment (`bench.run --server-env BENCH_SQLITE_DEFERRED_READS=1`):
read-only requests start SQLite transactions with a deferred BEGIN instead of BEGIN IMMEDIATE (README, item 6).
"""
import os

from bench.seed import seed_bench_command
from portal import create_app

app = create_app({"RATELIMIT_API": os.environ.get("BENCH_RATELIMIT_API", "100000000 per minute")})
# Benchmark data is the bench's business, not the app's: `flask --app bench.wsgi seed-bench --orgs N`.
app.cli.add_command(seed_bench_command)

if os.environ.get("BENCH_SQLITE_DEFERRED_READS") == "1":
    from flask import has_request_context, request
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import portal

    event.remove(Engine, "begin", portal._sqlite_begin)

    @event.listens_for(Engine, "begin")
    def _sqlite_begin_deferred_reads(conn):
        if conn.dialect.name == "sqlite":
            reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
            conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
