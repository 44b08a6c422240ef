"""Organisations, municipalities and memberships."""
from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db

PARTNER_STATUSES = ("geen", "aanvraag", "partner", "geweigerd", "geschorst", "beeindigd")
MEMBER_ROLES = ("beheerder", "lid")


class Municipality(db.Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    joined_label_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    def __str__(self):
        return self.name


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kvk: Mapped[str] = mapped_column(String(8), unique=True)
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(7), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True, nullable=True)
    sector: Mapped[str] = mapped_column(String(80), default="")
    size_class: Mapped[str] = mapped_column(String(10), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    partner_status: Mapped[str] = mapped_column(String(20), default="geen", index=True)
    partner_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    municipality: Mapped[Municipality | None] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    def __str__(self):
        return self.name


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_membership_user_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="lid")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    user = relationship("User", backref=db.backref("memberships", lazy="selectin"))
    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="joined")
