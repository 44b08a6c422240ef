# ruff: noqa: S603, S607, S105 - the benchmark starts local tools on purpose and uses fixed bench secrets
"""The benchmark (issue 8): `python -m bench.run [--orgs N] [--db sqlite|postgres|both] [--duration S]
[--concurrency C] [--small N2] [--routes a,b] [--reuse] [--keep]`.

For each database: a fresh database (SQLite under bench/tmp/, or the PostgreSQL database `bench`), the schema
(`flask db upgrade`, or create_all while the migrations lag behind the models), `flask seed-bench --orgs N`,
the queries per request of every route measured in this process with a test client (at N and at a small
size, to see whether they grow with the data), then gunicorn (2 workers) on loopback driven by wrk with C
concurrent connections for S seconds per route. Prints a table and writes bench/results/<date>-<db>-<N>.json.
"""
import argparse
import json
import random
import time
from datetime import UTC, datetime

from bench import common
from bench.common import log

REGISTER_TERMS = ["bouw", "zorg", "dordrecht", "logistiek", "kinderopvang", "oude maas", "techniek",
                  "zwijndrecht", "catering", "merwede"]

# name, endpoint, role (None: anonymous), kind (baseline, api, page)
ROUTES = [
    ("healthz", "main.health", None, "baseline"),
    ("api_label", "api.label", None, "api"),
    ("register_search", "label.register", None, "page"),
    ("org_home", "partners.org_home", "ondernemer", "page"),
    ("staff_partners", "partners.staff_list", "mbo_staff", "page"),
    ("event_page", "events.detail", None, "page"),
    ("dashboard", "dashboard.index", "gemeente", "page"),  # last: the slowest, its backlog delays the next
]
# Issue 18: /healthz at least half of the bare Flask app, the label API at least 0.6 of /healthz, pages p95 < 100 ms.
GOALS = {"page_p95_ms": 100, "api_p95_ms": 50, "api_share_of_baseline": 0.6, "baseline_share_of_limit": 0.5}


def route_paths(name: str, ctx: dict) -> list[str]:
    if name == "healthz":
        return ["/healthz"]
    if name == "api_label":
        return [f"/api/v1/labels/{kvk}" for kvk in ctx["kvks"]]
    if name == "register_search":
        return ["/label/register"] + [f"/label/register?q={t.replace(' ', '+')}" for t in REGISTER_TERMS]
    if name == "org_home":
        return ["/organisatie"]
    if name == "staff_partners":
        return ["/partners", "/partners?status=partner", "/partners?q=bouw"]
    if name == "dashboard":
        return ["/dashboard/"]
    if name == "event_page":
        return [ctx["event_path"]] if ctx.get("event_path") else []
    raise KeyError(name)


def make_app(url: str):
    from portal import create_app

    config = {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
              "SECRET_KEY": common.SECRET, "PORTAL_BASE_URL": "http://127.0.0.1"}
    if url.startswith("postgresql"):
        # Bounded: a statement running over a minute fails (the route is then reported with status 500).
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True,
                                               "connect_args": {"options": "-c statement_timeout=60000"}}
    return create_app(config)


def data_context(url: str, event_path: str | None) -> dict:
    """KvK numbers to ask the API for, and the event page, read from the seeded database."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.partners.models import Organisation

    app = make_app(url)
    with app.app_context():
        kvks = list(db.session.scalars(select(Organisation.kvk).order_by(Organisation.id).limit(200_000)))
        if not event_path:
            events = __import__("portal").import_optional("portal.events.models")
            if events is not None:
                eid = db.session.scalar(select(events.Event.id).where(events.Event.status == "published")
                                        .order_by(events.Event.start_at.desc()).limit(1))
                event_path = f"/evenementen/{eid}" if eid else None
        db.engine.dispose()
    rng = random.Random(8)
    sample = rng.sample(kvks, min(2000, len(kvks)))
    # The first path is the one whose queries are counted: the first organisation (it holds a label at
    # every data size), so the counts of two sizes compare like with like.
    first = kvks[0] if kvks else None
    sample = [first] + [k for k in sample if k != first] if first else sample
    return {"kvks": sample, "event_path": event_path, "app": app}


def query_counts(url: str, ctx: dict, names) -> dict:
    """Statements per request of each route's first path, through a test client in this process."""
    from sqlalchemy import event

    from portal.extensions import db

    app = make_app(url)
    endpoints = set(app.view_functions)
    result = {}
    clients = {}
    # Requests run outside any app context of ours: each gets its own (and its own `g`), as in the server.
    with app.app_context():
        engine = db.engine
    statements = []

    def counter(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA", "COMMIT")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", counter)
    try:
        for name, endpoint, role, _kind in ROUTES:
            if name not in names:
                continue
            paths = route_paths(name, ctx)
            if endpoint not in endpoints or not paths:
                result[name] = {"status": "missing"}
                continue
            if role not in clients:
                client = app.test_client()
                if role:
                    r = client.post("/account/inloggen",
                                    data={"email": common.bench_email(role), "password": common.BENCH_PASSWORD})
                    if r.status_code != 302:
                        raise SystemExit(f"in-process login as {role} failed ({r.status_code})")
                clients[role] = client
            client = clients[role]
            statements.clear()
            began = time.perf_counter()
            response = client.get(paths[0])  # warm: first-request work (templates, caches) is not counted
            first_ms = (time.perf_counter() - began) * 1000
            if first_ms > 5000:  # too slow to repeat: count this one
                result[name] = {"status": response.status_code, "queries": len(statements), "path": paths[0],
                                "alone_ms": round(first_ms, 1)}
                continue
            statements.clear()
            response = client.get(paths[0])
            result[name] = {"status": response.status_code, "queries": len(statements), "path": paths[0]}
            # Service time of one request alone (no concurrency): median of up to 10, at most ~5 s.
            times, spent = [], 0.0
            while len(times) < 10 and spent < 5:
                began = time.perf_counter()
                client.get(paths[len(times) % len(paths)])
                times.append((time.perf_counter() - began) * 1000)
                spent += times[-1] / 1000
            result[name]["alone_ms"] = round(sorted(times)[len(times) // 2], 1)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
        engine.dispose()
    return result


def limit(duration: float, concurrency: int, warmup: float) -> dict:
    """The bare Flask app (bench/hello.py) on the same gunicorn and wrk settings: what no route can beat."""
    with common.Server("sqlite://", app="bench.hello:app", health="/") as server:
        if warmup:
            common.wrk(server.base, ["/"], warmup, concurrency)
        data = common.wrk(server.base, ["/"], duration, concurrency)
    data.update(kind="limit", status="ok", paths=1, role="anonymous")
    data["loadavg_after"] = __import__("os").getloadavg()[0]
    log(f"  {'bare flask':<16} {data['rps']:>8.1f} req/s  p50 {data['p50_ms']:>7.1f}  p95 {data['p95_ms']:>7.1f}  "
        f"p99 {data['p99_ms']:>7.1f} ms  (the limit)")
    return data


def load(url: str, ctx: dict, names, duration: float, concurrency: int, warmup: float, server_env=None) -> dict:
    results = {"bare_flask": limit(duration, concurrency, warmup)}
    app_endpoints = set(make_app(url).view_functions)
    with common.Server(url, **(server_env or {})) as server:
        cookies = {}
        for name, endpoint, role, kind in ROUTES:
            if name not in names:
                continue
            paths = route_paths(name, ctx)
            if endpoint not in app_endpoints or not paths:
                results[name] = {"status": "missing", "kind": kind}
                log(f"  {name:<16} missing")
                continue
            try:
                if role and role not in cookies:
                    cookies[role] = common.login(server.base, role)
                cookie = cookies.get(role, "")
                # One request alone first: it also stores what the session needs (organisation, CSRF token).
                status, resp = common.http_get(server.base + paths[0], cookie=cookie, timeout=120)
                if status == 200 and resp.cookies:
                    cookie = cookies[role] = common.merge_cookies(cookie, resp.cookies)
            except Exception as exc:  # noqa: BLE001 - a route that fails is reported, the run goes on
                status = f"{type(exc).__name__} (gunicorn --timeout {server.timeout} s?)"
            if status != 200:
                results[name] = {"status": f"error: {status}", "kind": kind}
                log(f"  {name:<16} answers {status}; not measured")
                continue
            if warmup:
                common.wrk(server.base, paths, warmup, concurrency, cookie)
            data = common.wrk(server.base, paths, duration, concurrency, cookie)
            # Requests that wrk gave up on still occupy the workers: let them drain before the next route.
            data["drain_s"] = common.drain(server.base)
            data.update(kind=kind, status="ok", paths=len(paths), role=role or "anonymous")
            data["loadavg_after"] = __import__("os").getloadavg()[0]
            results[name] = data
            log(f"  {name:<16} {data['rps']:>8.1f} req/s  p50 {data['p50_ms']:>7.1f}  p95 {data['p95_ms']:>7.1f}  "
                f"p99 {data['p99_ms']:>7.1f} ms  non-200 {data['non200']}  "
                f"errors {data['errors_connect'] + data['errors_read'] + data['errors_timeout']}")
    base = results.get("healthz", {}).get("rps")
    top = results["bare_flask"].get("rps")
    for data in results.values():
        if data.get("status") == "ok" and base:
            data["share_of_baseline"] = round(data["rps"] / base, 3)
        if data.get("status") == "ok" and top:
            data["share_of_limit"] = round(data["rps"] / top, 3)
    return results


def verdicts(routes: dict, counts_big: dict, counts_small: dict) -> dict:
    out = {}
    for name, data in routes.items():
        if data.get("status") != "ok":
            out[name] = [data.get("status", "?")]
            continue
        misses = []
        if data["kind"] == "limit":
            out[name] = ["the limit"]
            continue
        if data["kind"] == "baseline" and data.get("share_of_limit", 1) < GOALS["baseline_share_of_limit"]:
            misses.append(f"{data['share_of_limit']:.2f} of bare Flask < {GOALS['baseline_share_of_limit']}")
        if not data.get("requests"):
            misses.append(f"no request completed within {data.get('duration_us', 0) / 1e6:.0f} s")
        if data["kind"] == "page" and data["p95_ms"] >= GOALS["page_p95_ms"]:
            misses.append(f"p95 {data['p95_ms']} ms >= {GOALS['page_p95_ms']}")
        if data["kind"] == "api":
            if data["p95_ms"] >= GOALS["api_p95_ms"]:
                misses.append(f"p95 {data['p95_ms']} ms >= {GOALS['api_p95_ms']}")
            if data.get("share_of_baseline", 1) < GOALS["api_share_of_baseline"]:
                misses.append(f"throughput {data['share_of_baseline']:.2f} "
                              f"of baseline < {GOALS['api_share_of_baseline']}")
        big, small = counts_big.get(name, {}), counts_small.get(name, {})
        if "queries" in big and "queries" in small and big["queries"] > small["queries"]:
            misses.append(f"queries grow {small['queries']} -> {big['queries']}")
        if data.get("non200"):
            misses.append(f"{data['non200']} non-200 answers")
        out[name] = misses or ["meets goals"]
    return out


def table(run: dict) -> str:
    lines = [f"| route | req/s | share of bare Flask | share of baseline | p50 ms | p95 ms | p99 ms | "
             f"queries (N={run['small_orgs']:,}) | queries (N={run['orgs']:,}) | alone ms | verdict |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name in ["bare_flask"] + [route[0] for route in ROUTES]:
        data = run["routes"].get(name)
        if data is None:
            continue
        qs = run["queries_small"].get(name, {}).get("queries", "")
        qb = run["queries"].get(name, {}).get("queries", "")
        alone = run["queries"].get(name, {}).get("alone_ms", "")
        verdict = "; ".join(run["verdicts"].get(name, []))
        if data.get("status") != "ok":
            lines.append(f"| {name} | {data.get('status')} | | | | | | {qs} | {qb} | {alone} | {verdict} |")
            continue
        lines.append(f"| {name} | {data['rps']:.1f} | {data.get('share_of_limit', 0):.2f} | "
                     f"{data.get('share_of_baseline', 0):.2f} | {data['p50_ms']:.1f} | "
                     f"{data['p95_ms']:.1f} | {data['p99_ms']:.1f} | {qs} | {qb} | {alone} | {verdict} |")
    return "\n".join(lines)


def run_one(kind: str, args, names) -> dict:
    log(f"== {kind}: {args.orgs:,} organisations")
    small_url = common.database(kind, "bench_small")
    small_schema = common.build_schema(small_url)
    small_seed = common.seed(small_url, args.small)
    small_ctx = data_context(small_url, small_seed["event_path"])
    counts_small = query_counts(small_url, small_ctx, names)
    if kind == "postgres" and not args.keep:
        common.pg_drop("bench_small")

    url = common.database(kind, "bench") if not args.reuse else (
        f"{common.PG_HOST_URL}/bench" if kind == "postgres" else f"sqlite:///{common.TMP / 'bench.db'}")
    if args.reuse:
        schema, seeded = "reused", {"seconds": None, "rows": None, "tables": {}, "event_path": None}
    else:
        with common.timed("schema"):
            schema = common.build_schema(url)
        log(f"  seeding {args.orgs:,} organisations ...")
        seeded = common.seed(url, args.orgs, timeout=args.seed_timeout)
        log(f"  seeded {seeded['rows']:,} rows in {seeded['seconds']} s")
    ctx = data_context(url, seeded["event_path"])
    counts = query_counts(url, ctx, names)
    server_env = dict(item.split("=", 1) for item in args.server_env)
    routes = load(url, ctx, names, args.duration, args.concurrency, args.warmup, server_env)
    run = {"db": kind, "orgs": args.orgs, "small_orgs": args.small, "schema": schema, "small_schema": small_schema,
           "seed": {k: v for k, v in seeded.items() if k != "output"}, "duration_s": args.duration,
           "concurrency": args.concurrency, "workers": 2, "routes": routes, "queries": counts,
           "queries_small": counts_small, "goals": GOALS, "server_env": server_env}
    run["verdicts"] = verdicts(routes, counts, counts_small)
    if kind == "postgres" and not args.keep:
        common.pg_drop("bench")
    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per route")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of unmeasured load before each route")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--small", type=int, default=200, help="organisations in the small data set (query counts)")
    parser.add_argument("--routes", default="", help="comma-separated subset of: " + ",".join(r[0] for r in ROUTES))
    parser.add_argument("--reuse", action="store_true", help="use the seeded database of an earlier --keep run")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases afterwards")
    parser.add_argument("--seed-timeout", type=int, default=3600)
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment of the gunicorn server (experiments, see bench/wsgi.py)")
    parser.add_argument("--tag", default="", help="added to the result file name")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.duration > 600:
        parser.error("--duration must be between 0 and 600 seconds")
    names = [n.strip() for n in args.routes.split(",") if n.strip()] or [r[0] for r in ROUTES]
    if "healthz" not in names:
        names.insert(0, "healthz")
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    machine = common.machine()
    log(f"machine: {machine['nproc']} cpu ({machine['cpu']}), {machine['memory_gb']} GB, Python {machine['python']}, "
        f"PostgreSQL {machine['postgresql']}, SQLite {machine['sqlite']}, load {machine['loadavg_at_start']}")
    for kind in kinds:
        run = run_one(kind, args, names)
        run["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        run["loadavg_at_end"] = __import__("os").getloadavg()
        print()
        print(table(run))
        print()
        if not args.no_save:
            common.RESULTS.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M", time.gmtime())
            tag = f"-{args.tag}" if args.tag else ""
            path = common.RESULTS / f"{stamp}-{kind}-{args.orgs}{tag}.json"
            path.write_text(json.dumps({"machine": machine, **run}, indent=2, default=str) + "\n")
            log(f"saved {path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main()
