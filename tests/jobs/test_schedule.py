"""The schedule: one table, read in Amsterdam time, wired into Huey's periodic tasks; each job runs once per
cluster and period however many workers fire it."""
import threading
from datetime import UTC, datetime

from sqlalchemy import select

from portal import jobs
from portal.extensions import db
from portal.jobs.models import JobRun
from portal.jobs.schedule import SCHEDULE, Job

CALLS = []


def counting_job():
    CALLS.append(1)
    return f"call {len(CALLS)}"


def test_every_job_of_the_table_is_a_huey_periodic_task_due_at_its_amsterdam_time(app):
    # 05:15 UTC in winter is 06:15 in Amsterdam: the label reminders are due, the event reminders (06:30) not.
    winter = datetime(2026, 12, 2, 5, 15)
    names = {type(task).__name__ for task in jobs.huey.read_periodic(winter)}
    assert "scheduled_label_remind" in names and "scheduled_mail_send" in names
    assert "scheduled_events_remind" not in names
    summer = datetime(2026, 7, 1, 4, 15)  # 06:15 CEST
    assert "scheduled_label_remind" in {type(t).__name__ for t in jobs.huey.read_periodic(summer)}
    for entry in SCHEDULE:
        jobs._function(entry.func)  # every entry points at an existing function


def test_the_period_is_the_moment_the_job_was_last_due(app):
    at = datetime(2026, 12, 2, 5, 20, 31, tzinfo=UTC)
    assert jobs.due_period("label-remind", at) == datetime(2026, 12, 2, 5, 15, tzinfo=UTC)
    assert jobs.due_period("label-remind", datetime(2026, 12, 2, 5, 14, tzinfo=UTC)) == \
        datetime(2026, 12, 1, 5, 15, tzinfo=UTC)
    assert jobs.due_period("dashboard-refresh", at) == datetime(2026, 12, 2, 5, 20, tzinfo=UTC)
    assert jobs.due_period("mail-send", at) == datetime(2026, 12, 2, 5, 20, tzinfo=UTC)


def test_workers_on_several_nodes_run_a_job_once_per_period(app, monkeypatch):
    monkeypatch.setattr(jobs, "SCHEDULE", SCHEDULE + (Job("count", "15 6 * * *", f"{__name__}:counting_job", "test"),))
    CALLS.clear()
    at = datetime(2026, 12, 2, 5, 16, tzinfo=UTC)
    outcomes = []

    def node():
        with app.app_context():
            outcomes.append(jobs.run_job("count", now=at))

    threads = [threading.Thread(target=node) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(CALLS) == 1 and sorted(outcomes, key=str) == [None, None, None, "call 1"]
    # Later in the same period: still nothing; the next day: it runs again.
    assert jobs.run_job("count", now=datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) is None
    assert jobs.run_job("count", now=datetime(2026, 12, 3, 5, 15, tzinfo=UTC)) == "call 2"
    runs = db.session.scalars(select(JobRun).where(JobRun.name == "count").order_by(JobRun.period)).all()
    assert [(r.period.day, r.outcome) for r in runs] == [(2, "call 1"), (3, "call 2")]
    assert all(r.finished_at is not None and r.node for r in runs)


def test_a_job_that_fails_is_recorded_and_the_next_period_runs_again(app, monkeypatch):
    def broken():
        raise RuntimeError("kapot")

    monkeypatch.setattr(jobs, "SCHEDULE", SCHEDULE + (Job("broken", "* * * * *", f"{__name__}:counting_job", "t"),))
    monkeypatch.setattr(jobs, "_function", lambda path: broken)
    at = datetime(2026, 12, 2, 5, 16, tzinfo=UTC)
    try:
        jobs.run_job("broken", now=at)
    except RuntimeError:
        pass
    run = db.session.scalar(select(JobRun).where(JobRun.name == "broken"))
    assert run.outcome == "failed: RuntimeError: kapot" and run.finished_at is not None


def test_scheduled_reminders_mail_through_the_worker(app, mailbox, make_user, make_org, runner):
    from datetime import timedelta

    from portal.database import utcnow
    from portal.events import services

    staff = make_user("mbo_staff")
    member = make_user(email="lid@partner.nl")
    make_org(members=[member])
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    event = services.create_event({
        "title": "Ontbijtsessie", "kind": "praktijktafel", "description": "x", "start_at": start,
        "end_at": start + timedelta(hours=1), "location": "Dordrecht", "capacity": 5, "audience": "partners",
        "registration_opens_at": None, "registration_closes_at": None, "reminder_days": 2}, staff)
    services.publish_event(event, staff)
    db.session.commit()
    client = app.test_client()
    from tests.conftest import login

    login(client, member.email)
    assert client.post(f"/evenementen/{event.id}/aanmelden").status_code == 302
    mailbox.clear()
    assert jobs.run_job("events-remind") == "1 reminder(s) queued"
    assert len(mailbox.to("lid@partner.nl")) == 1  # delivered by the job's mail task, not by a later sweep
    assert jobs.run_job("events-remind", once_per_period=False) == "0 reminder(s) queued"
    assert "events-remind" in runner.invoke(args=["jobs", "list"]).output


def test_the_worker_command_refuses_an_in_process_queue(app, runner):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code != 0 and "runs tasks inside the web process" in result.output
    result = runner.invoke(args=["jobs", "run", "nothing"])
    assert result.exit_code != 0 and "Unknown job" in result.output
