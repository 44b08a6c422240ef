"""Capacity holds under concurrency: many people taking the last seat at the same moment, each through
their own client (a separate browser and server request), and only one of them gets it.

Runs on SQLite (writers queue on the database lock) and, with TEST_DATABASE_URL, on PostgreSQL, where the
conditional UPDATE on the seat counter is what keeps the count right."""
import threading

import pytest
from sqlalchemy import func, select

from portal.events import services
from portal.events.models import Event, Registration
from portal.extensions import db
from tests.conftest import is_postgres, login

THREADS = 20


def run_at_once(calls):
    """Run every call in its own thread, released together; return their results in order."""
    # End the test's own transaction: on SQLite even a read holds the write lock (BEGIN IMMEDIATE).
    db.session.commit()
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def worker(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def _clients_of_members(app, make_user, make_org, n):
    app.config["RATELIMIT_LOGIN"] = "1000 per minute"  # twenty logins from one address in a second
    users = [make_user(email=f"deelnemer{i}@partner.nl") for i in range(n)]
    make_org(name="Grote Partner", members=users)
    clients = []
    for user in users:
        client = app.test_client()
        login(client, user.email)
        client.csrf_token()  # the session exists before the race starts
        clients.append(client)
    return clients


def _assert_one_seat(event_id, waiting):
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    confirmed = db.session.scalar(select(func.count()).select_from(Registration)
                                  .where(Registration.event_id == event_id, Registration.status == "confirmed"))
    waitlisted = db.session.scalar(select(func.count()).select_from(Registration)
                                   .where(Registration.event_id == event_id, Registration.status == "waitlisted"))
    assert event.seats_taken == 1
    assert confirmed == 1
    assert waitlisted == waiting


def test_twenty_members_take_the_last_seat_at_once(app, make_user, make_org, make_event, mailbox):
    event = make_event(audience="partners", capacity=1)
    clients = _clients_of_members(app, make_user, make_org, THREADS)
    url = f"/evenementen/{event.id}/aanmelden"
    responses = run_at_once([lambda c=c: c.post(url) for c in clients])
    assert [r.status_code for r in responses] == [302] * THREADS
    _assert_one_seat(event.id, THREADS - 1)


def test_twenty_confirmation_links_clicked_at_once_give_one_seat(app, make_event, mailbox):
    event = make_event(capacity=1)
    tokens = []
    for i in range(THREADS):
        registration = services.register_public(event, f"Student {i}", f"student{i}@example.nl")
        tokens.append(registration.token)
    db.session.commit()
    clients = [app.test_client() for _ in tokens]
    for c in clients:
        c.csrf_token()
    responses = run_at_once([lambda c=c, t=t: c.post(f"/evenementen/inschrijving/{t}/bevestigen")
                             for c, t in zip(clients, tokens, strict=True)])
    assert [r.status_code for r in responses] == [302] * THREADS
    _assert_one_seat(event.id, THREADS - 1)


def test_one_member_double_clicking_gets_one_registration(app, make_user, make_org, make_event, mailbox):
    event = make_event(audience="partners", capacity=5)
    user = make_user(email="dubbelklik@partner.nl")
    make_org(name="Dubbelklik BV", members=[user])
    clients = []
    for _ in range(4):
        client = app.test_client()
        login(client, user.email)
        client.csrf_token()
        clients.append(client)
    url = f"/evenementen/{event.id}/aanmelden"
    responses = run_at_once([lambda c=c: c.post(url) for c in clients])
    assert sorted(r.status_code for r in responses) == [302, 400, 400, 400]
    db.session.expire_all()
    assert db.session.get(Event, event.id).seats_taken == 1
    assert db.session.scalar(select(func.count()).select_from(Registration)
                             .where(Registration.status != "cancelled")) == 1


@pytest.mark.postgres
def test_the_race_runs_on_postgresql(app):
    """A marker that the suite above ran on PostgreSQL too (skipped on SQLite)."""
    if not is_postgres(app):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    assert db.engine.dialect.name == "postgresql"


def test_parallel_cancellations_promote_each_waiting_person_once(app, make_event, mailbox):
    event = make_event(capacity=3)
    tokens = {}
    for i in range(6):
        registration = services.register_public(event, f"Persoon {i}", f"persoon{i}@example.nl")
        services.confirm_public_registration(registration.token)
        tokens[i] = registration.token
    db.session.commit()
    clients = [app.test_client() for _ in range(3)]
    for c in clients:
        c.csrf_token()
    responses = run_at_once([lambda c=c, i=i: c.post(f"/evenementen/inschrijving/{tokens[i]}/afmelden")
                             for i, c in enumerate(clients)])
    assert [r.status_code for r in responses] == [302] * 3
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Registration.email, Registration.status)).all())
    assert sorted(statuses.values()) == ["cancelled"] * 3 + ["confirmed"] * 3
    assert db.session.get(Event, event.id).seats_taken == 3
    for i in (3, 4, 5):
        assert statuses[f"persoon{i}@example.nl"] == "confirmed"
        promoted = [m for m in mailbox.to(f"persoon{i}@example.nl") if m["Subject"].startswith("Er is een plek vrij")]
        assert len(promoted) == 1
