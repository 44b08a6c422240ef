"""Social value (Bouwblokken value tables), SROI obligations, Wijk naar Werk places and reciprocity agreements.

Nothing here identifies a resident: a filled Wijk naar Werk place is a route and a date, never a person.
"""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db

TABLE_STATUSES = ("concept", "gepubliceerd")


class ValueTable(db.Model):
    """The Bouwblokken amounts of one year. A published table is frozen: later years get their own table."""

    __tablename__ = "impact_value_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    # Hours of a full-time job: a job's value is pro rata its hours per week against this.
    fulltime_hours = mapped_column(Numeric(4, 1), nullable=False, default=Decimal("36"))
    # Example amounts (seeded) are shown as such until policy sets its own.
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    published_at = mapped_column(UTCDateTime, nullable=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    rates: Mapped[list["ValueRate"]] = relationship(back_populates="table", cascade="all, delete-orphan",
                                                    order_by="ValueRate.kind", lazy="selectin")

    @property
    def published(self) -> bool:
        return self.status == "gepubliceerd"

    def amount(self, kind: str) -> Decimal | None:
        for rate in self.rates:
            if rate.kind == kind:
                return rate.amount
        return None


class ValueRate(db.Model):
    __tablename__ = "impact_value_rate"
    __table_args__ = (UniqueConstraint("table_id", "kind", name="uq_impact_value_rate_table_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("impact_value_table.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    amount = mapped_column(Numeric(12, 2), nullable=False)

    table: Mapped[ValueTable] = relationship(back_populates="rates")


class SroiObligation(db.Model):
    """Social return promised by the winner of a procedure: a share of the contract value, followed per year."""

    __tablename__ = "impact_sroi_obligation"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("inkoop_procedure.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    contract_value = mapped_column(Numeric(14, 2), nullable=False)
    share_pct = mapped_column(Numeric(5, 2), nullable=False, default=Decimal("5"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # The quarter ("2026K4") of the last warning mail, so a buyer gets one warning per quarter at most.
    warned_for: Mapped[str] = mapped_column(String(10), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    procedure = relationship("Procedure", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def promised_value(self) -> Decimal:
        return (Decimal(self.contract_value) * Decimal(self.share_pct) / 100).quantize(Decimal("0.01"))


WIJK_KINDS = ("werkervaringsplek", "leerwerkplek", "baan")
WIJK_AREAS = ("dordt_west", "dordt_oost", "dordt_centrum")
WIJK_STATUSES = ("aangeboden", "ingetrokken")


class WijkPlace(db.Model):
    """Places an employer offers for Wijk naar Werk (the neighbourhood approach)."""

    __tablename__ = "impact_wijk_place"
    __table_args__ = (Index("ix_impact_wijk_place_area_status", "area", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(40))
    places: Mapped[int] = mapped_column(Integer, default=1)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    join_pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    attends_kickoff: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="aangeboden", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    organisation = relationship("Organisation", lazy="joined")


class WijkPlacement(db.Model):
    """One place filled through a route: a count, never a person."""

    __tablename__ = "impact_wijk_placement"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("impact_wijk_place.id", ondelete="CASCADE"), index=True)
    route: Mapped[str] = mapped_column(String(30))
    filled_on: Mapped[date] = mapped_column(Date, index=True)
    # A lasting place (a job of six months or longer) counts towards the target of 100 residents a year.
    lasting: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    place: Mapped[WijkPlace] = relationship()


AGREEMENT_KINDS = ("mbo_akkoord", "werkgeversaanpak", "gebiedsafspraak")
GOAL_SIDES = ("organisatie", "gemeente")
# Goals the portal counts from logged data; a goal without a measure is reported in a conversation.
GOAL_MEASURES = ("impact_jobs", "stageplekken", "wijk_plaatsingen", "sociale_waarde")


class Agreement(db.Model):
    """An agreement outside procurement (MBO-akkoord, one-to-one approach, an Ondernemersfonds area)."""

    __tablename__ = "impact_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(120), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    parties: Mapped[list["AgreementParty"]] = relationship(back_populates="agreement", cascade="all, delete-orphan",
                                                           lazy="selectin", order_by="AgreementParty.id")
    goals: Mapped[list["AgreementGoal"]] = relationship(back_populates="agreement", cascade="all, delete-orphan",
                                                        order_by="(AgreementGoal.side, AgreementGoal.id)",
                                                        lazy="selectin")
    meetings: Mapped[list["AgreementMeeting"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", lazy="selectin",
        order_by="(AgreementMeeting.held_on.desc(), AgreementMeeting.id.desc())")

    @property
    def organisation_ids(self) -> list[int]:
        return [p.organisation_id for p in self.parties]


class AgreementParty(db.Model):
    __tablename__ = "impact_agreement_party"
    __table_args__ = (UniqueConstraint("agreement_id", "organisation_id", name="uq_impact_agreement_party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("impact_agreement.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    organisation = relationship("Organisation", lazy="joined")


class AgreementGoal(db.Model):
    """What one side promised: measurable when ``measure`` is set, otherwise reported in a conversation."""

    __tablename__ = "impact_agreement_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("impact_agreement.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(20), default="")
    target = mapped_column(Numeric(14, 2), nullable=True)
    due_date: Mapped[date] = mapped_column(Date)
    reported_realised = mapped_column(Numeric(14, 2), nullable=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)

    agreement: Mapped[Agreement] = relationship(back_populates="goals")


class AgreementMeeting(db.Model):
    """A follow-up conversation about an agreement."""

    __tablename__ = "impact_agreement_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("impact_agreement.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    agreement: Mapped[Agreement] = relationship(back_populates="meetings")
    author = relationship("User", lazy="joined")
