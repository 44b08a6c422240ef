# ruff: noqa: S603, S607 - the drill kills its own gunicorn workers on purpose
"""Fault drill (b): a gunicorn worker killed mid-request. `python -m bench.drill_worker_kill [--db postgres|sqlite]`

8 client threads POST account registrations (`/account/registreren`: one transaction writes the user, its
role, the audit entry `account.registered` and the verification mail in the outbox) while a gunicorn worker
is killed with SIGKILL every few seconds. Afterwards every attempted address must be either complete (user,
audit entry and outbox mail) or absent altogether, and every address that got its confirmation page must be
complete. The master replaces the killed workers; the drill counts the requests that failed.
"""
import argparse
import json
import os
import random
import re
import signal
import threading
import time
from urllib.parse import urlencode

from bench import common
from bench.common import log
from bench.loadgen import Load

PASSWORD = "Zonnige-Merwede-fiets-2026"  # noqa: S105 - a throwaway password of drill accounts


def form_session(base: str):
    """(cookie header, csrf token) of a fresh visitor of the registration page."""
    import requests

    session = requests.Session()
    page = session.get(base + "/account/registreren", timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies), token.group(1)


def check_state(url: str, prefix: str) -> dict:
    from sqlalchemy import select

    from portal import create_app
    from portal.audit.models import AuditEntry
    from portal.auth.models import User, UserRole
    from portal.extensions import db
    from portal.mail.models import OutboxMessage

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        like = f"{prefix}%"
        users = set(db.session.scalars(select(User.email).where(User.email.like(like))))
        with_role = set(db.session.scalars(select(User.email).join(UserRole, UserRole.user_id == User.id)
                                           .where(User.email.like(like))))
        audited = set(db.session.scalars(select(AuditEntry.summary).where(
            AuditEntry.action == "account.registered", AuditEntry.summary.like(like))))
        mailed = set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.recipient.like(like))))
        db.engine.dispose()
    return {"users": users, "with_role": with_role, "audited": audited, "mailed": mailed}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--duration", type=float, default=25)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    if not 5 <= args.duration <= 300:
        parser.error("--duration must be 5..300 s")
    result = {"drill": "gunicorn worker killed mid-request", "db": args.db, "machine": common.machine()}
    url = common.database(args.db, "bench_drill")
    prefix = f"drill-{int(time.time())}-"
    try:
        result["schema"] = common.build_schema(url)
        common.seed(url, 50)
        with common.Server(url, timeout=60) as server:
            sessions = [form_session(server.base) for _ in range(args.threads)]
            attempted, answered = set(), {}
            lock = threading.Lock()

            def make_request(index, n):
                email = f"{prefix}{index}-{n}@{common.BENCH_DOMAIN}"
                cookie, token = sessions[index]
                with lock:
                    attempted.add(email)
                body = urlencode({"name": f"Drill {index} {n}", "email": email, "password": PASSWORD,
                                  "password2": PASSWORD, "csrf_token": token})
                return email, "POST", "/account/registreren", body, {
                    "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}

            load = Load(server.port, args.duration, threads=args.threads)
            threads = load.run(make_request)
            kills = []
            rng = random.Random(2)
            interval = args.duration / (args.kills + 1)
            for _ in range(args.kills):
                time.sleep(interval)
                pids = server.worker_pids()
                if not pids:
                    continue
                victim = rng.choice(pids)
                os.kill(victim, signal.SIGKILL)
                kills.append({"t": round(time.monotonic() - load.start, 2), "pid": victim})
                log(f"  killed worker {victim} at t={kills[-1]['t']} s")
            for t in threads:
                t.join(timeout=args.duration + 30)
            for o in load.outcomes:
                answered[o.kind] = o.status
            workers_after = server.worker_pids()
            healthy = common.http_get(server.base + "/healthz")[0]
        state = check_state(url, prefix)
        users, audited, mailed, with_role = state["users"], state["audited"], state["mailed"], state["with_role"]
        confirmed = {e for e, status in answered.items() if status == 200}
        failed = {e for e, status in answered.items() if status != 200}
        half = (users ^ audited) | (users ^ mailed) | (users ^ with_role)
        result.update({
            "kills": kills, "workers_after": len(workers_after), "healthz_after": healthy,
            "attempted": len(attempted), "answered_200": len(confirmed), "failed_requests": len(failed),
            "failed_kinds": Load.summary(load.outcomes, ok=(200,))["error_kinds"],
            "users_created": len(users), "audit_entries": len(audited), "outbox_mails": len(mailed),
            "users_with_role": len(with_role),
            "half_written": sorted(half)[:20], "half_written_count": len(half),
            "acknowledged_but_missing": sorted(confirmed - users)[:20],
            "failed_but_committed": len(failed & users),
        })
        result["passed"] = not half and not (confirmed - users) and healthy == 200 and len(kills) == args.kills
    finally:
        if args.db == "postgres":
            common.pg_drop("bench_drill")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2, default=str))
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    path = common.RESULTS / f"drill-worker-kill-{args.db}-{time.strftime('%Y%m%d-%H%M', time.gmtime())}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    log(f"saved {path.relative_to(common.ROOT)}")
    return 0 if result.get("passed") else 1


if __name__ == "__main__":
    raise SystemExit(main())
