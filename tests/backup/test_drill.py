"""The backup drill, short: writers sign up, upload and review while the backup is taken; the restore holds
every earlier row and file with its checksum, none of the rolled-back work, and serves /healthz."""
from sqlalchemy.engine import make_url

from bench import drill_backup


def test_backup_under_concurrent_writes_restores_what_was_committed_before_it(database_url):
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        summary = drill_backup.run("postgres", f"{url.database}_drill", orgs=4, seconds=3,
                                   pg_url=url.set(database="postgres").render_as_string(hide_password=False))
    else:
        summary = drill_backup.run("sqlite", "drill", orgs=4, seconds=3)
    assert summary["problems"] == [] and summary["passed"]
    assert summary["committed_before"] > 0 and summary["rolled_back"] > 0 and summary["backup_files"] > 0
