"""One row per scheduled job and period: the lock that makes a job run once per cluster, and its record."""
from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class JobRun(db.Model):
    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("name", "period", name="uq_job_run_name_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    # The moment (UTC, whole minute) the job's schedule was due: every node computes the same one.
    period = mapped_column(UTCDateTime, nullable=False)
    node: Mapped[str] = mapped_column(String(120), default="")
    started_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(500), default="")
