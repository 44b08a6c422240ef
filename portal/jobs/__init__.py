"""Background work on Huey: mail delivery after the action's commit and the scheduled jobs of
``portal/jobs/schedule.py``.

``JOBS_URL`` chooses where the queue lives:

- ``redis://host:6379/N``: RedisHuey, shared by every app server and worker (production);
- ``sqlite:///path/jobs.db``: SqliteHuey, one machine (the embedded default, ``instance/jobs.db``);
- ``memory://``: in this process only (tests that start a worker thread);
- ``immediate``: a task runs at once where it is enqueued (the test suite's default).

A web request only enqueues (a Redis LPUSH or an SQLite insert), so it never waits on the mail server; the
worker (``flask --app wsgi jobs worker``) runs the tasks and, on every node, the scheduler. A scheduled job
first claims its period in the table ``job_run`` (unique per job and period), so with a worker on each of
several nodes it still runs once per cluster.
"""
import importlib
import logging
import os
import socket
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from portal.database import utcnow
from portal.extensions import db
from portal.jobs.schedule import SCHEDULE

log = logging.getLogger(__name__)
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Rows of job_run older than this are removed when the same job runs again.
KEEP_RUNS = timedelta(days=14)
# How far back a schedule is searched for the moment it was last due (a weekly job needs 7 days).
LOOKBACK_MINUTES = 8 * 24 * 60

# Results are not kept: every task records what it did in the database (outbox, job_run).
huey = Huey("portal", results=False, utc=True, storage_class=MemoryStorage)
_state = {"url": None, "app": None}


class JobsConfigError(RuntimeError):
    pass


def configure(url: str) -> None:
    """Point the queue at ``url`` (see the module text); nothing changes when it is already there."""
    if url == _state["url"]:
        return
    immediate, storage_class, kwargs = False, MemoryStorage, {}
    if url == "immediate":
        immediate = True
    elif url.startswith("memory://"):
        pass
    elif url.startswith(("redis://", "rediss://", "unix://")):
        storage_class, kwargs = RedisStorage, {"url": url}
    elif url.startswith("sqlite:///"):
        filename = url[len("sqlite:///"):]
        os.makedirs(os.path.dirname(os.path.abspath(filename)), exist_ok=True)
        storage_class, kwargs = SqliteStorage, {"filename": filename}
    else:
        raise JobsConfigError(f"JOBS_URL {url!r}: use redis://, sqlite:///, memory:// or immediate")
    huey.storage_class, huey.storage_kwargs, huey._immediate = storage_class, kwargs, immediate
    huey.storage = huey.create_storage()
    _state["url"] = url


def init_app(app) -> None:
    configure(app.config["JOBS_URL"])
    _state["app"] = app  # the worker's tasks run in this app (one app per process outside the tests)


def is_immediate() -> bool:
    return huey.immediate


@contextmanager
def app_context():
    """A fresh app context (own ``g`` and database session) of the current or the registered app."""
    app = current_app._get_current_object() if has_app_context() else _state["app"]
    if app is None:
        from portal import create_app

        app = create_app()
    with app.app_context():
        yield app


# --------------------------------------------------------------------------- mail
@huey.task(name="deliver_mail")
def deliver_mail(ids):
    """Send these outbox rows now (claimed one by one, so a second worker never sends one twice)."""
    from portal.mail import outbox

    with app_context():
        return outbox.deliver(ids)


def enqueue_delivery(ids) -> None:
    """Hand just-committed outbox rows to the worker. Never raises: the minute sweep sends what is left."""
    ids = list(ids)
    if not ids:
        return
    try:
        deliver_mail(ids)
    except Exception:  # noqa: BLE001 - a queue outage must not fail the user's action
        log.exception("could not enqueue mail %s; the mail-send job delivers it", ids)


# --------------------------------------------------------------------------- the schedule
def _matcher(spec: str):
    minute, hour, day, month, day_of_week = spec.split()
    test = crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, strict=True)

    def matches(moment: datetime) -> bool:
        """``moment`` as Huey passes it (naive UTC) or aware; the schedule reads Amsterdam time."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return test(moment.astimezone(AMSTERDAM).replace(tzinfo=None))

    return matches


def job(name: str):
    for entry in SCHEDULE:
        if entry.name == name:
            return entry
    raise KeyError(name)


def due_period(name: str, now: datetime | None = None) -> datetime:
    """The last whole minute at or before ``now`` at which the job was due (UTC): the same on every node."""
    matches = _matcher(job(name).cron)
    start = (now or utcnow()).astimezone(UTC).replace(second=0, microsecond=0)
    for minutes in range(LOOKBACK_MINUTES):
        moment = start - timedelta(minutes=minutes)
        if matches(moment):
            return moment
    return start


def _function(path: str):
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def node_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _claim_period(name: str, period: datetime):
    from portal.jobs.models import JobRun

    run = JobRun(name=name, period=period, node=node_name(), started_at=utcnow())
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    db.session.execute(delete(JobRun).where(JobRun.name == name, JobRun.period < period - KEEP_RUNS))
    db.session.commit()
    return run.id


def _finish(run_id, outcome: str) -> None:
    from portal.jobs.models import JobRun

    run = db.session.get(JobRun, run_id)
    run.finished_at = utcnow()
    run.outcome = (outcome or "")[:500]
    db.session.commit()


def run_job(name: str, *, once_per_period: bool = True, now: datetime | None = None) -> str | None:
    """Run a scheduled job in a fresh app context. With ``once_per_period`` (the worker) it first claims the
    current period in ``job_run`` and returns None when another node already has it."""
    entry = job(name)
    with app_context():
        run_id = None
        if once_per_period:
            period = due_period(name, now)
            run_id = _claim_period(name, period)
            if run_id is None:
                log.info("job %s of %s already ran on another node", name, period.isoformat())
                return None
        try:
            outcome = str(_function(entry.func)() or "done")
        except Exception as exc:
            db.session.rollback()
            if run_id is not None:
                _finish(run_id, f"failed: {type(exc).__name__}: {exc}")
            log.exception("job %s failed", name)
            raise
        if run_id is not None:
            _finish(run_id, outcome)
        enqueue_delivery(g.pop("outbox_committed", None) or [])
        log.info("job %s: %s", name, outcome)
        return outcome


def _register_schedule():
    for entry in SCHEDULE:
        def run(name=entry.name):
            run_job(name)

        huey.periodic_task(_matcher(entry.cron), name=f"scheduled_{entry.name.replace('-', '_')}")(run)


_register_schedule()


# --------------------------------------------------------------------------- workers
def start_worker_threads(workers: int = 1, periodic: bool = False):
    """Run a Huey consumer's scheduler and workers as threads of this process (no signal handlers: any
    thread may call it). Stop it with ``consumer.stop(graceful=True)``."""
    consumer = huey.create_consumer(workers=workers, periodic=periodic, worker_type="thread",
                                    check_worker_health=False, initial_delay=0.05, max_delay=0.5)
    consumer.scheduler.start()
    for _worker, thread in consumer.worker_threads:
        thread.start()
    return consumer
