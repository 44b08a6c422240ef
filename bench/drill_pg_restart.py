# ruff: noqa: S603, S607 - the drill restarts the local PostgreSQL cluster on purpose
"""Fault drill (a): PostgreSQL restarted under load. `python -m bench.drill_pg_restart [--orgs N] [--duration S]`

gunicorn (2 workers) serves a seeded `bench_drill` database while 8 client threads send GETs (health, label
API, register search). After a few seconds the cluster is restarted with
`pg_ctlcluster --skip-systemctl-redirect <version> main restart`. Requests are counted before, during
(restart until PostgreSQL is ready again, plus one second) and after. Passes when nothing fails after the
restart and the gunicorn master and workers are the same processes (no restart of the app was needed;
pool_pre_ping replaces the dead connections). PostgreSQL is always running again at the end (pg_isready).
"""
import argparse
import json
import os
import random
import subprocess
import time
from pathlib import Path

from bench import common
from bench.common import log
from bench.loadgen import Load


def pg_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def other_active_connections() -> int:
    """Connections of other people (test databases) that are inside a transaction or query right now."""
    import psycopg

    with psycopg.connect(common.PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL AND datname NOT LIKE 'bench%%' "
            "AND datname <> 'postgres' AND pid <> pg_backend_pid() AND state <> 'idle'").fetchone()[0]


def wait_for_quiet(max_wait: float) -> int:
    """Wait (bounded) until no other session is busy, so that the restart disturbs nobody's test run."""
    deadline = time.monotonic() + max_wait
    busy = other_active_connections()
    while busy and time.monotonic() < deadline:
        time.sleep(1)
        busy = other_active_connections()
    return busy


def ensure_pg_running():
    if common.pg_ready():
        return True
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "start"], check=False)
    for _ in range(60):
        if common.pg_ready():
            return True
        time.sleep(0.5)
    return False


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=40)
    parser.add_argument("--restart-at", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--quiet-wait", type=float, default=90, help="max seconds to wait for other DB users")
    args = parser.parse_args(argv)
    if not 5 <= args.duration <= 300:
        parser.error("--duration must be 5..300 s")
    result = {"drill": "postgresql restart under load", "machine": common.machine(), "orgs": args.orgs}
    url = common.pg_create("bench_drill")
    try:
        result["schema"] = common.build_schema(url)
        common.seed(url, args.orgs)
        from bench.run import data_context

        kvks = data_context(url, None)["kvks"]
        with common.Server(url) as server:
            master, workers = server.proc.pid, sorted(server.worker_pids())
            rng = random.Random(1)

            def make_request(index, n):
                pick = (index + n) % 3
                if pick == 0:
                    return "healthz", "GET", "/healthz", None, None
                if pick == 1:
                    return "api_label", "GET", f"/api/v1/labels/{rng.choice(kvks)}", None, None
                return "register", "GET", "/label/register?q=bouw", None, None

            busy = wait_for_quiet(args.quiet_wait)
            result["other_busy_sessions_at_restart"] = busy
            load = Load(server.port, args.duration, threads=args.threads)
            threads = load.run(make_request)
            time.sleep(args.restart_at)
            t_restart = time.monotonic() - load.start
            log(f"  restarting PostgreSQL {pg_version()} at t={t_restart:.1f} s")
            restart = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "restart"],
                                     capture_output=True, text=True, timeout=120)
            while not common.pg_ready():
                time.sleep(0.1)
            t_ready = time.monotonic() - load.start
            log(f"  PostgreSQL ready again at t={t_ready:.1f} s (restart exit {restart.returncode})")
            for t in threads:
                t.join(timeout=args.duration + 30)
            same_processes = server.proc.poll() is None and server.proc.pid == master \
                and sorted(server.worker_pids()) == workers
            final = common.http_get(server.base + f"/api/v1/labels/{kvks[0]}")[0]
        outcomes = sorted(load.outcomes, key=lambda o: o.t)
        grace = 1.0
        before = [o for o in outcomes if o.t + o.ms / 1000 < t_restart]
        during = [o for o in outcomes if o not in before and o.t < t_ready + grace]
        after = [o for o in outcomes if o.t >= t_ready + grace]
        first_ok_after = next((o.t for o in outcomes if o.t >= t_ready and o.status == 200), None)
        result.update({
            "restart_at_s": round(t_restart, 2), "ready_at_s": round(t_ready, 2),
            "restart_exit_code": restart.returncode, "restart_stderr": restart.stderr[-500:],
            "before": Load.summary(before), "during": Load.summary(during), "after": Load.summary(after),
            "first_success_after_ready_s": round(first_ok_after - t_ready, 2) if first_ok_after else None,
            "gunicorn_not_restarted": same_processes, "final_request_status": final,
        })
        result["passed"] = (result["after"]["errors"] == 0 and same_processes and final == 200
                            and result["after"]["requests"] > 0)
    finally:
        result["pg_ready_at_end"] = ensure_pg_running()
        try:
            common.pg_drop("bench_drill")
        except Exception as exc:  # noqa: BLE001 - report, do not hide the drill's result
            log(f"  could not drop bench_drill: {exc}")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2, default=str))
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    path = common.RESULTS / f"drill-pg-restart-{time.strftime('%Y%m%d-%H%M', time.gmtime())}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    log(f"saved {Path(path).relative_to(common.ROOT)}")
    return 0 if result.get("passed") else 1


if __name__ == "__main__":
    raise SystemExit(main())
