"""Targets per municipality and year for every figure the programme reports."""
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class Target(db.Model):
    """The programme's target for one municipality in one year; a missing number means no target was set."""

    __tablename__ = "dashboard_target"
    __table_args__ = (UniqueConstraint("municipality_id", "year", name="uq_dashboard_target_municipality_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    partners: Mapped[int | None] = mapped_column(Integer, nullable=True)
    labels: Mapped[int | None] = mapped_column(Integer, nullable=True)
    working_on_label: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Started in the year: impact jobs, of them through Wijk naar Werk (residents placed), stageplek places
    # offered, and attendances at events.
    impact_jobs: Mapped[int | None] = mapped_column(Integer, nullable=True)
    wijk_naar_werk: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stageplekken: Mapped[int | None] = mapped_column(Integer, nullable=True)
    event_attendance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    municipality = relationship("Municipality", lazy="joined")

    def __str__(self):
        return f"{self.municipality.name if self.municipality else '?'} {self.year}"


class DashboardSnapshot(db.Model):
    """The dashboard's numbers for one set of filters, kept for a few minutes (``portal.dashboard.cache``).

    Shared by every worker and filled ahead by ``flask dashboard refresh``; a cache only: deleting every row
    loses nothing.
    """

    __tablename__ = "dashboard_snapshot"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    computed_at = mapped_column(UTCDateTime, nullable=False, index=True)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
