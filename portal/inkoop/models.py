"""Procurement and land issuance: procedures, criteria, bids, panel scores, and commitments after award."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db

KINDS = ("aanbesteding", "gronduitgifte")
STATUSES = ("concept", "open", "beoordeling", "gegund", "ingetrokken")
PRICE_METHODS = ("relatief", "fictieve_korting")
SCORE_MODES = ("consensus", "gemiddelde")
CRITERION_KINDS = ("price", "quality", "label", "commitment")
COMMITMENT_KINDS = ("impact_jobs", "stageplekken", "jobs_residents", "jobs")
COMMITMENT_FORMULAS = ("doel", "relatief")
DEVELOPMENT_AREAS = ("Distripark fase 2", "Merwedehavens", "Centrum", "Dordtse Kil 1 en 2", "Dordtse Kil IV")
LABEL_LEVELS = ("label", "werkt_aan_label", "geen")


class Procedure(db.Model):
    __tablename__ = "inkoop_procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(60), default="")
    category: Mapped[str] = mapped_column(String(120), default="")
    vulnerable_jobs: Mapped[bool] = mapped_column(Boolean, default=False)
    development_area: Mapped[str] = mapped_column(String(60), default="")
    plot: Mapped[str] = mapped_column(String(120), default="")
    closing_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    price_method: Mapped[str] = mapped_column(String(20), default="relatief")
    # Fictitious discount (euros) that one quality point earns under the price-quality method.
    discount_per_point: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    score_mode: Mapped[str] = mapped_column(String(20), default="consensus")
    # The fixed quality scale, e.g. "0,2,4,6,8,10"; the highest value earns the full weight.
    quality_scale: Mapped[str] = mapped_column(String(60), default="0,2,4,6,8,10")
    commitment_months: Mapped[int] = mapped_column(Integer, default=24)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    closed_at = mapped_column(UTCDateTime, nullable=True)
    awarded_at = mapped_column(UTCDateTime, nullable=True)
    awarded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    awarded_bid_id: Mapped[int | None] = mapped_column(
        ForeignKey("inkoop_bid.id", ondelete="SET NULL", use_alter=True), nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="Criterion.position, Criterion.id")
    bids: Mapped[list["Bid"]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="Bid.id",
        foreign_keys="Bid.procedure_id")
    panel: Mapped[list["PanelMember"]] = relationship(
        back_populates="procedure", cascade="all, delete-orphan", order_by="PanelMember.id")

    @property
    def locked(self) -> bool:
        return self.status in ("gegund", "ingetrokken")

    @property
    def scale(self) -> list[Decimal]:
        return [Decimal(part.strip()) for part in self.quality_scale.split(",") if part.strip()]

    def __str__(self):
        return self.title


class Criterion(db.Model):
    __tablename__ = "inkoop_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("inkoop_procedure.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # commitment criteria: what is promised and how it scores
    commitment_kind: Mapped[str] = mapped_column(String(20), default="")
    formula: Mapped[str] = mapped_column(String(20), default="doel")
    target: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    # label criterion: share of the weight for a partner working on the label
    working_share: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("0.50"))

    procedure: Mapped[Procedure] = relationship(back_populates="criteria")


class Bid(db.Model):
    __tablename__ = "inkoop_bid"
    __table_args__ = (UniqueConstraint("procedure_id", "organisation_id", name="uq_inkoop_bid_procedure_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("inkoop_procedure.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Frozen at closing: the bidder's position on the closing date, not on the day of scoring.
    frozen_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    frozen_label_status: Mapped[str] = mapped_column(String(20), default="")
    frozen_certificate: Mapped[str] = mapped_column(String(60), default="")
    frozen_partner_status: Mapped[str] = mapped_column(String(20), default="")
    frozen_working_on_label: Mapped[bool] = mapped_column(Boolean, default=False)
    # Admission (Didam: pass or fail before points); a bid that is not admitted is not scored.
    admitted: Mapped[bool] = mapped_column(Boolean, default=True)
    admission_note: Mapped[str] = mapped_column(Text, default="")
    # Drawing lots breaks a tie (Didam); 1 is drawn first.
    lot_number: Mapped[int | None] = mapped_column(Integer, nullable=True)

    procedure: Mapped[Procedure] = relationship(back_populates="bids", foreign_keys=[procedure_id])
    organisation = relationship("Organisation", lazy="joined")
    commitments: Mapped[list["BidCommitment"]] = relationship(
        back_populates="bid", cascade="all, delete-orphan", order_by="BidCommitment.id")

    @property
    def label_level(self) -> str:
        if self.frozen_label_status == "geldig":
            return "label"
        if self.frozen_working_on_label and self.frozen_partner_status == "partner":
            return "werkt_aan_label"
        return "geen"

    def promised(self, kind: str) -> int:
        return sum(c.quantity for c in self.commitments if c.kind == kind)


class BidCommitment(db.Model):
    __tablename__ = "inkoop_bid_commitment"
    __table_args__ = (UniqueConstraint("bid_id", "kind", name="uq_inkoop_bid_commitment_bid_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("inkoop_bid.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer, default=0)

    bid: Mapped[Bid] = relationship(back_populates="commitments")


class PanelMember(db.Model):
    __tablename__ = "inkoop_panel_member"
    __table_args__ = (UniqueConstraint("procedure_id", "user_id", name="uq_inkoop_panel_member_procedure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("inkoop_procedure.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at = mapped_column(UTCDateTime, nullable=True)

    procedure: Mapped[Procedure] = relationship(back_populates="panel")
    user = relationship("User", lazy="joined")


class EvaluatorScore(db.Model):
    __tablename__ = "inkoop_evaluator_score"
    __table_args__ = (UniqueConstraint("bid_id", "criterion_id", "evaluator_id",
                                       name="uq_inkoop_evaluator_score_bid_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("inkoop_procedure.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("inkoop_bid.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("inkoop_criterion.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    motivation: Mapped[str] = mapped_column(Text)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    evaluator = relationship("User", lazy="joined")


class ConsensusScore(db.Model):
    __tablename__ = "inkoop_consensus_score"
    __table_args__ = (UniqueConstraint("bid_id", "criterion_id", name="uq_inkoop_consensus_score_bid_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("inkoop_procedure.id", ondelete="CASCADE"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("inkoop_bid.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("inkoop_criterion.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    motivation: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    set_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class Commitment(db.Model):
    """What an awarded organisation promised, followed up against what it logs itself."""

    __tablename__ = "inkoop_commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("inkoop_procedure.id"), index=True)
    bid_id: Mapped[int] = mapped_column(ForeignKey("inkoop_bid.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    promised: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    # Kinds the portal cannot count from logs (jobs for residents) are reported in a follow-up.
    reported_realised: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    procedure: Mapped[Procedure] = relationship(lazy="joined")
    organisation = relationship("Organisation", lazy="joined")


class FollowUp(db.Model):
    """A follow-up conversation with an organisation about its commitments."""

    __tablename__ = "inkoop_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("inkoop_procedure.id"), nullable=True, index=True)
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    author = relationship("User", lazy="joined")
    procedure = relationship("Procedure", lazy="joined")
