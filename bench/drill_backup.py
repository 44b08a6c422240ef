"""Backup drill: `python -m bench.drill_backup [--db sqlite|postgres] [--pg-name NAME] [--orgs N] [--seconds S]`

A portal (migrated to the newest revision) is seeded with organisations, each with a member and an open
self-assessment. Writer threads then sign people up, upload evidence and post review comments, while one more
writer writes an account and an upload and rolls them back (half-written work). Each writer logs what it
committed and when the commit returned. Mid-way the backup is taken (`portal.backup.services.create_backup`);
the writers carry on through it. The backup is restored into an empty database and upload folder, and:
- every account, evidence file and comment committed before the backup began is there, each file with the
  checksum it was written with;
- nothing of the rolled-back writer is there (no account, no file), and every evidence row has its file;
- the row counts equal the manifest's, the schema is at the newest revision, and the restored portal answers
  /healthz and its pages.
Prints a JSON summary and exits non-zero when a check fails. PostgreSQL databases: NAME and NAME_restore
(default bench_backup), dropped at the end.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
PASSWORD = "Drill-Drechtsteden-2026"  # noqa: S105 - a fixed password of throwaway drill accounts
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def config(url, uploads):
    return {"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": uploads, "SECRET_KEY": "drill-secret",
            "MAIL_SEND_ON_COMMIT": False, "PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_COST": 1024,
            "PORTAL_BASE_URL": "http://localhost", "RATELIMIT_ENABLED": False, "DASHBOARD_CACHE_SECONDS": 0}


def fresh_database(kind, name, folder, pg_url=PG_URL):
    if kind == "sqlite":
        return "sqlite:///" + os.path.join(folder, f"{name}.db")
    admin = create_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def drop_database(kind, name, pg_url=PG_URL):
    if kind == "postgres":
        admin = create_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(app, orgs):
    from datetime import date

    from portal.auth.services import create_user
    from portal.extensions import db
    from portal.label import assessments, criteria
    from portal.partners.models import Membership, Municipality, Organisation

    staff = create_user("staf@drill.nl", PASSWORD, roles=["mbo_staff"], name="Staf Drill", verified=True)
    concept = criteria.create_concept(staff, name="Drillset")
    theme = criteria.add_theme(concept, staff, title="Inclusief werven", weight=1)
    criteria.add_criterion(theme, staff, question="Heeft u een wervingsbeleid?", evidence_required=True,
                           options="0 | Nee\n2 | Ja")
    criteria.publish_set(concept, staff)
    municipality = db.session.scalar(select(Municipality).where(Municipality.name == "Dordrecht"))
    items = []
    for n in range(orgs):
        member = create_user(f"lid{n}@drill.nl", PASSWORD, name=f"Lid {n}", verified=True)
        org = Organisation(name=f"Drillbedrijf {n}", kvk=f"{70000000 + n:08d}", municipality=municipality,
                           partner_status="partner", partner_since=date(2024, 1, 1))
        db.session.add(org)
        db.session.add(Membership(user=member, organisation=org, role="beheerder"))
        db.session.flush()
        items.append((assessments.start_assessment(org, member).id, member.id))
    db.session.commit()
    return staff.id, items


class Log:
    def __init__(self):
        self.lock = threading.Lock()
        self.committed = []  # (kind, key, value, monotonic time the commit returned)
        self.rolled_back = []  # (kind, key)
        self.errors = []

    def add(self, *entry):
        with self.lock:
            self.committed.append((*entry, time.monotonic()))


def writer(app, kind, stop, log, staff_id, items, seq):
    rng = random.Random(kind)
    n = 0
    while not stop.is_set():
        n += 1
        with app.test_request_context("/"):  # a request context: the rules build links for their mail
            try:
                write_one(kind, n, seq, rng, log, staff_id, items)
            except Exception as exc:  # noqa: BLE001 - a conflict is counted, the drill carries on
                from portal.extensions import db

                db.session.rollback()
                with log.lock:
                    log.errors.append(f"{kind}: {type(exc).__name__}: {str(exc)[:120]}")
        time.sleep(0.01)


def write_one(kind, n, seq, rng, log, staff_id, items):
    from portal.auth.models import User
    from portal.auth.services import register_user
    from portal.extensions import db
    from portal.label import assessments
    from portal.label.models import Assessment, LabelCriterion

    if kind == "signup":
        email = f"aanmelding-{seq}-{n}@drill.nl"
        register_user(email, PASSWORD, name=f"Aanmelder {n}")
        db.session.commit()
        log.add("account", email, None)
    elif kind == "upload":
        assessment_id, member_id = rng.choice(items)
        item = assessments.load(assessment_id)
        criterion = db.session.scalar(select(LabelCriterion).limit(1))
        data = PNG + f"upload {seq}-{n}".encode() + os.urandom(64)
        evidence = assessments.add_evidence(item, criterion, f"foto-{n}.png", data, db.session.get(User, member_id))
        db.session.commit()
        log.add("evidence", evidence.id, hashlib.sha256(data).hexdigest())
    elif kind == "review":
        assessment_id, _member = rng.choice(items)
        comment = assessments.add_comment(db.session.get(Assessment, assessment_id), None, f"Opmerking {seq}-{n}",
                                          db.session.get(User, staff_id), from_staff=True)
        db.session.commit()
        log.add("comment", comment.id, comment.body)
    elif kind == "half":
        assessment_id, member_id = rng.choice(items)
        item = assessments.load(assessment_id)
        criterion = db.session.scalar(select(LabelCriterion).limit(1))
        register_user(f"halfweg-{n}@drill.nl", PASSWORD, name="Halfweg")
        assessments.add_evidence(item, criterion, "halfweg.png", PNG + b"halfweg" + os.urandom(8),
                                 db.session.get(User, member_id))
        db.session.flush()
        time.sleep(0.05)  # hold the half-written work open for a moment
        db.session.rollback()
        with log.lock:
            log.rolled_back.append(("account", f"halfweg-{n}@drill.nl"))


def run(kind, name, orgs, seconds, pg_url=PG_URL):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.backup.services import create_backup, restore_backup, sha256_of
    from portal.extensions import db

    folder = tempfile.mkdtemp(prefix="drill-backup-")
    source_url = fresh_database(kind, name, folder, pg_url)
    target_url = fresh_database(kind, f"{name}_restore", folder, pg_url)
    source = create_app(config(source_url, os.path.join(folder, "uploads")))
    summary = {"database": kind, "orgs": orgs}
    try:
        with source.app_context():
            upgrade()
            staff_id, items = seed(source, orgs)
        log, stop = Log(), threading.Event()
        threads = [threading.Thread(target=writer, args=(source, k, stop, log, staff_id, items, i))
                   for i, k in enumerate(["signup", "upload", "upload", "review", "half"])]
        for thread in threads:
            thread.start()
        time.sleep(seconds / 2)
        out = os.path.join(folder, "backup")
        began = time.monotonic()
        with source.app_context():
            manifest = create_backup(out).manifest
        ended = time.monotonic()
        time.sleep(seconds / 2)
        stop.set()
        for thread in threads:
            thread.join()
        summary.update(backup_seconds=round(ended - began, 2), backup_rows=sum(manifest["row_counts"].values()),
                       backup_files=len(manifest["files"]), writer_errors=len(log.errors),
                       writer_error_samples=sorted({e.split(':')[0] + ':' + e.split(':')[1] for e in log.errors}))
        before = [entry for entry in log.committed if entry[3] < began]
        during = [entry for entry in log.committed if began <= entry[3] <= ended]
        summary.update(committed_before=len(before), committed_during=len(during),
                       committed_after=len(log.committed) - len(before) - len(during),
                       rolled_back=len(log.rolled_back))

        target = create_app(config(target_url, os.path.join(folder, "restored")))
        started = time.monotonic()
        with target.app_context():
            result = restore_backup(out)
            summary["restore_seconds"] = round(time.monotonic() - started, 2)
            summary["restore_notes"] = result.notes
            problems = check(target, before, log, db, sha256_of)
        client = target.test_client()
        health = client.get("/healthz")
        problems += [] if health.get_json() == {"status": "ok"} else [f"/healthz answered {health.status_code}"]
        for path in ("/", "/account/inloggen", "/privacy"):
            status = client.get(path).status_code
            if status != 200:
                problems.append(f"{path} answered {status}")
        summary["problems"] = problems
        summary["passed"] = not problems
        with target.app_context():
            db.engine.dispose()
        with source.app_context():
            db.engine.dispose()
    finally:
        drop_database(kind, name, pg_url)
        drop_database(kind, f"{name}_restore", pg_url)
        shutil.rmtree(folder, ignore_errors=True)
    return summary


def check(target, before, log, db, sha256_of):
    from portal.auth.models import User
    from portal.label.models import EvidenceFile, ReviewComment

    problems = []
    uploads = target.config["UPLOAD_FOLDER"]
    emails = set(db.session.scalars(select(User.email)))
    evidence = {e.id: e for e in db.session.scalars(select(EvidenceFile))}
    comments = {c.id: c.body for c in db.session.scalars(select(ReviewComment))}
    for kind, key, value, _at in before:
        if kind == "account" and key not in emails:
            problems.append(f"account {key} committed before the backup is missing")
        elif kind == "evidence":
            row = evidence.get(key)
            if row is None:
                problems.append(f"evidence {key} committed before the backup is missing")
            elif sha256_of(os.path.join(uploads, "label", row.stored_name)) != value:
                problems.append(f"evidence {key} has another checksum")
        elif kind == "comment" and comments.get(key) != value:
            problems.append(f"comment {key} committed before the backup is missing")
    for _kind, email in log.rolled_back:
        if email in emails:
            problems.append(f"rolled-back account {email} is in the restore")
    for row in evidence.values():
        if not os.path.isfile(os.path.join(uploads, "label", row.stored_name)):
            problems.append(f"evidence {row.id} has no file")
    on_disk = sum(len(names) for _d, _s, names in os.walk(os.path.join(uploads, "label")))
    if on_disk != len({row.stored_name for row in evidence.values()}):
        problems.append(f"{on_disk} files restored for {len(evidence)} evidence rows")
    if db.session.scalar(select(func.count()).select_from(User).where(User.email.like("halfweg%"))):
        problems.append("a half-written account is in the restore")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-name", default="bench_backup")
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args(argv)
    summary = run(args.db, args.pg_name if args.db == "postgres" else "drill", args.orgs, args.seconds)
    print(json.dumps(summary, indent=1))
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
