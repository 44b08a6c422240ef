"""Every scheduled job of the portal, in one table.

The worker (``flask --app wsgi jobs worker``) runs each job when its cron expression matches, read in
Europe/Amsterdam time; with several app servers each job runs once per cluster and period (see
``portal.jobs.run_scheduled``). A job is a function without arguments that does its work, commits, and
returns a one-line summary; mail it queues is delivered by the worker right after. Adding a job is one line:

    Job("example", "0 4 * * *", "portal.example.cli:example_job", "what it does"),

``flask --app wsgi jobs run NAME`` runs one by hand, ``flask --app wsgi jobs list`` shows the table and the last runs.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str   # unique, also the lock key per period
    cron: str   # "minute hour day month day-of-week", Europe/Amsterdam (0 = Sunday)
    func: str   # "module:function"
    does: str   # for `flask jobs list`


SCHEDULE = (
    Job("mail-send", "* * * * *", "portal.mail.outbox:send_due_job",
        "deliver due mail from the outbox, retry with backoff"),
    Job("label-remind", "15 6 * * *", "portal.label.cli:remind_job",
        "expiry reminders (90 and 30 days), mark expired labels"),
    Job("events-remind", "30 6 * * *", "portal.events.cli:remind_job", "event reminders, never twice"),
    Job("events-purge", "45 3 * * *", "portal.events.cli:purge_job", "remove old public registrants' personal data"),
    Job("inkoop-close-due", "5 0 * * *", "portal.inkoop.cli:close_due_job", "close procedures past their closing date"),
    Job("dashboard-refresh", "*/10 * * * *", "portal.dashboard.cli:refresh_job",
        "compute the dashboard's default views"),
    Job("impact-sroi-warnings", "0 7 * * *", "portal.impact.cli:sroi_warnings_job",
        "warn buyers of SROI obligations behind"),
    Job("privacy-retention", "30 4 * * *", "portal.privacy.cli:retention_job", "apply the retention schedule"),
)
