"""Issue 18 acceptance: with an SMTP server that holds every message for up to 5 s, registering, signing up
for an event and submitting a zelfscan answer without waiting for it; the worker (a real Huey consumer in
threads of this process) delivers every mail exactly once."""
import asyncio
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal import jobs
from portal.database import utcnow
from portal.events import services as events
from portal.extensions import db
from portal.label import assessments
from portal.mail.models import OutboxMessage
from portal.mail.outbox import queue_mail, send_pending
from tests.conftest import PASSWORD, Mailbox, free_port, login
from tests.label.conftest import FULL, answer_all, build_set


class SlowMailbox(Mailbox):
    """Answers DATA only when released, or after ``hold`` seconds."""

    def __init__(self, hold=5.0):
        super().__init__()
        self.hold = hold
        self.release = threading.Event()
        self.started = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.started += 1
        deadline = time.monotonic() + self.hold
        while not self.release.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    from aiosmtpd.controller import Controller

    mailbox = SlowMailbox()
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    mailbox.release.set()
    controller.stop()


@pytest.fixture
def worker():
    started = []

    def start(workers=2):
        consumer = jobs.start_worker_threads(workers=workers)
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop(graceful=True)


def wait_until(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def pending_count():
    db.session.commit()
    count = db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.status == "pending"))
    db.session.commit()  # on SQLite the test's transaction holds the write lock: end it before sleeping
    return count


def test_actions_answer_before_a_slow_smtp_server_and_every_mail_arrives_once(
        app, make_app, make_user, make_org, slow_smtp, worker):
    # The worker waits up to 30 s for an answer: the slow server never makes it give up and try again.
    slow_app = make_app(JOBS_URL="memory://", MAIL_PORT=slow_smtp.port, MAIL_TIMEOUT=30)
    staff = make_user("mbo_staff", name="Sanne Staf")
    build_set(staff)
    member = make_user("ondernemer", email="olga@bouw.nl", name="Olga Ondernemer")
    org = make_org(name="Bouwbedrijf Test", members=[member])
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    event = events.create_event({
        "title": "Praktijktafel inclusief werven", "kind": "praktijktafel", "description": "Over werven.",
        "start_at": start, "end_at": start + timedelta(hours=2), "location": "Stadskantoor Dordrecht",
        "capacity": 10, "audience": "partners", "registration_opens_at": None, "registration_closes_at": None,
        "reminder_days": 2}, staff)
    events.publish_event(event, staff)
    item = assessments.start_assessment(org, member)
    db.session.commit()
    answer_all(item, member, FULL)
    version = assessments.load(item.id).version
    db.session.execute(update(OutboxMessage).values(status="sent"))  # set-up mail is not part of this test
    db.session.commit()
    worker(2)

    visitor = slow_app.test_client()
    response = visitor.post("/account/registreren", data={"name": "Nieuw", "email": "nieuw@bedrijf.nl",
                                                          "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200 and "Kijk in uw mailbox" in response.get_data(as_text=True)
    assert slow_smtp.messages == []  # the answer came back; the SMTP server has not answered yet
    # ... while the worker is already talking to it: the request only handed the mail over.
    assert wait_until(lambda: slow_smtp.started >= 1, 10)
    assert slow_smtp.messages == []

    client = slow_app.test_client()
    login(client, member.email)
    assert client.post(f"/evenementen/{event.id}/aanmelden").status_code == 302
    assert client.post(f"/label/zelfscan/{item.id}/indienen", data={"version": str(version)}).status_code == 302
    assert slow_smtp.messages == []

    slow_smtp.release.set()
    assert wait_until(lambda: pending_count() == 0), "the worker did not deliver the outbox"
    assert wait_until(lambda: len(slow_smtp.messages) >= 4, 10)
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))).all()
    expected = Counter((row.recipient, row.subject) for row in rows)
    received = Counter((to, m["msg"]["Subject"]) for m in slow_smtp.messages for to in m["to"])
    assert received == expected and max(received.values()) == 1
    subjects = {subject for _to, subject in received}
    assert {"Bevestig uw e-mailadres", "Zelfscan ingediend"} <= subjects
    assert any(s.startswith("Aanmelding bevestigd") for s in subjects)
    assert received[(staff.email, next(s for s in subjects if "Bouwbedrijf Test" in s))] == 1
    # A later sweep finds nothing to send again.
    assert send_pending()["sent"] == 0
    assert sum(received.values()) == len(slow_smtp.messages)


def test_two_sweeps_at_once_send_every_due_mail_exactly_once(app, mailbox):
    for n in range(12):
        queue_mail(f"ontvanger{n}@bedrijf.nl", "Onderwerp", "auth/password_changed",
                   user=type("U", (), {"name": "X", "email": "x"})())
    db.session.commit()
    results = []

    def sweep():
        with app.app_context():
            results.append(send_pending())

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r["sent"] for r in results) == 12
    received = Counter(to for m in mailbox.messages for to in m["to"])
    assert len(received) == 12 and set(received.values()) == {1}


def test_a_mail_held_by_a_crashed_worker_is_sent_once_after_its_claim_expires(app, mailbox):
    message = queue_mail("wacht@bedrijf.nl", "Onderwerp", "auth/password_changed",
                         user=type("U", (), {"name": "X", "email": "x"})())
    db.session.commit()
    # A worker claimed it and died before sending.
    db.session.execute(update(OutboxMessage).values(claimed_until=utcnow() + timedelta(seconds=60)))
    db.session.commit()
    assert send_pending()["sent"] == 0 and mailbox.to("wacht@bedrijf.nl") == []
    db.session.execute(update(OutboxMessage).values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert send_pending()["sent"] == 1
    assert send_pending()["sent"] == 0
    [received] = mailbox.to("wacht@bedrijf.nl")
    # Every attempt of one row carries the same Message-ID, so a repeat after a crash is recognisable.
    assert received["Message-ID"].startswith(f"<outbox-{message.id}-")


def test_the_mail_send_job_sweeps_due_mail(app, mailbox, runner):
    queue_mail("sweep@bedrijf.nl", "Onderwerp", "auth/password_changed",
               user=type("U", (), {"name": "X", "email": "x"})())
    db.session.commit()
    result = runner.invoke(args=["jobs", "run", "mail-send"])
    assert "mail-send: sent 1, failed 0" in result.output
    assert len(mailbox.to("sweep@bedrijf.nl")) == 1


def test_a_queue_outage_never_fails_the_action_and_the_sweep_sends_later(make_app, mailbox):
    # Nothing listens on this Redis port: enqueueing fails, the registration does not.
    app = make_app(JOBS_URL=f"redis://127.0.0.1:{free_port()}/0")
    response = app.test_client().post("/account/registreren", data={
        "name": "N", "email": "later@bedrijf.nl", "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200 and "Kijk in uw mailbox" in response.get_data(as_text=True)
    assert mailbox.to("later@bedrijf.nl") == []
    with app.app_context():
        assert jobs.run_job("mail-send", once_per_period=False) == "sent 1, failed 0"
    assert len(mailbox.to("later@bedrijf.nl")) == 1


def test_the_production_path_through_redis(make_app, mailbox, worker):
    import redis

    url = "redis://127.0.0.1:6379/5"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app = make_app(JOBS_URL=url)
    jobs.huey.flush()
    worker(1)
    response = app.test_client().post("/account/registreren", data={
        "name": "R", "email": "redis@bedrijf.nl", "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    assert wait_until(lambda: len(mailbox.to("redis@bedrijf.nl")) == 1, 30)
    with app.app_context():
        assert send_pending()["sent"] == 0
    assert len(mailbox.to("redis@bedrijf.nl")) == 1
