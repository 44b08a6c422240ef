"""EXPLAIN ANALYZE the statements of one request: `python -m bench.explain URL ROLE PATH [--top K]`.

ROLE is a bench role (ondernemer, mbo_staff, inkoop, gemeente, admin) or `-` for anonymous. The request runs
through a test client on the database at URL (a seeded bench database); every statement is timed, and the
slowest K are explained (PostgreSQL: EXPLAIN (ANALYZE, BUFFERS); SQLite: EXPLAIN QUERY PLAN).
"""
import argparse
import time

from sqlalchemy import event

from bench import common
from bench.run import make_app


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("role")
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=3)
    parser.add_argument("--width", type=int, default=400)
    args = parser.parse_args(argv)
    from portal.extensions import db

    app = make_app(args.url)
    with app.app_context():
        engine = db.engine
    rows = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["t0"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        rows.append(((time.perf_counter() - conn.info["t0"]) * 1000, statement, parameters))

    client = app.test_client()
    if args.role != "-":
        client.post("/account/inloggen", data={"email": common.bench_email(args.role),
                                               "password": common.BENCH_PASSWORD})
    client.get(args.path)
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    began = time.perf_counter()
    response = client.get(args.path)
    total = (time.perf_counter() - began) * 1000
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"{args.path}: {response.status_code}, {total:.0f} ms, {len(rows)} statements, "
          f"{sum(r[0] for r in rows):.0f} ms in the database")
    postgres = args.url.startswith("postgresql")
    for ms, statement, params in sorted(rows, key=lambda r: -r[0])[: args.top]:
        print(f"\n--- {ms:.1f} ms: {' '.join(statement.split())[: args.width]}")
        if statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            continue
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        with engine.connect() as conn:
            plan = conn.exec_driver_sql(prefix + statement, params).all()
        for line in plan:
            print("   ", " | ".join(str(v) for v in line))
    engine.dispose()


if __name__ == "__main__":
    main()
