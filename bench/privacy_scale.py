"""Privacy actions at scale: `python -m bench.privacy_scale [--db sqlite|postgres] [--pg-name NAME]`

Fills a fresh database with 100,000 organisations, 500,000 audit entries and 100,000 delivered mails, then
times one person's export (ZIP), the erasure of their account (every text column of every table searched for
their address and name) and a retention run. PostgreSQL: the database NAME (default bench_privacy) is created
and dropped.
"""
import argparse
import os
import shutil
import tempfile
import time
from datetime import date

from bench.drill_backup import drop_database, fresh_database

ORGS, AUDIT, MAILS = 100_000, 500_000, 100_000


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-name", default="bench_privacy")
    args = parser.parse_args(argv)
    from portal import create_app
    from portal.audit.models import AuditEntry
    from portal.auth.models import User
    from portal.auth.services import create_user
    from portal.clock import today
    from portal.database import utcnow
    from portal.extensions import db
    from portal.mail.models import OutboxMessage
    from portal.partners.models import Municipality, Organisation
    from portal.privacy import erasure, export
    from portal.privacy.retention import run_retention

    folder = tempfile.mkdtemp(prefix="privacy-scale-")
    name = args.pg_name if args.db == "postgres" else "privacy"
    url = fresh_database(args.db, name, folder)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PASSWORD_HASH_TIME_COST": 1,
                      "PASSWORD_HASH_MEMORY_COST": 1024, "MAIL_SEND_ON_COMMIT": False,
                      "UPLOAD_FOLDER": os.path.join(folder, "uploads")})
    try:
        with app.app_context():
            db.create_all()
            person = create_user("schaal.persoon@example.nl", "Groene-kikker-springt-2026", name="Schaal Persoon Test",
                                 verified=True)
            muni = Municipality(name="Dordrecht", joined_label_on=date(2023, 1, 1))
            db.session.add(muni)
            db.session.commit()
            now = utcnow()
            db.session.execute(Organisation.__table__.insert(), [dict(
                name=f"Bedrijf {i}", kvk=f"{i:08d}", municipality_id=muni.id, partner_status="partner",
                street="Straat 1", postcode="3311 AA", city="Dordrecht", sector="", size_class="", website="",
                contact_name=f"Contact {i}", contact_phone="", contact_email=f"c{i}@bedrijf.nl", motivation="",
                status_reason="", created_at=now) for i in range(ORGS)])
            db.session.execute(AuditEntry.__table__.insert(), [dict(
                created_at=now, actor_id=None, actor_email=f"a{i % 5000}@example.nl", acting_role="ondernemer",
                action="x.y", object_type="X", object_id=i, summary=f"iets gedaan {i}", changes={"k": [i, i + 1]},
                ip_address="") for i in range(AUDIT)])
            db.session.execute(OutboxMessage.__table__.insert(), [dict(
                created_at=now, recipient=f"r{i}@example.nl", subject="Onderwerp", body_text="Beste lezer, " * 20,
                kind="k", status="sent", attempts=1, next_attempt_at=now, last_error="") for i in range(MAILS)])
            db.session.commit()
            user = db.session.get(User, person.id)
            started = time.monotonic()
            export.export_user(user)
            exported = time.monotonic() - started
            started = time.monotonic()
            erasure.erase_account(user, user)
            db.session.commit()
            erased = time.monotonic() - started
            started = time.monotonic()
            run_retention(today())
            db.session.commit()
            retained = time.monotonic() - started
            print(f"{args.db}: {ORGS} organisations, {AUDIT} audit entries, {MAILS} mails: export {exported:.2f} s, "
                  f"erasure {erased:.2f} s, retention {retained:.2f} s")
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(args.db, name)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
