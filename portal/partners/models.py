"""Organisations, municipalities, memberships, partnership history, impact jobs, stageplekken and imports."""
from datetime import date

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal import clock
from portal.database import UTCDateTime, utcnow
from portal.extensions import db

PARTNER_STATUSES = ("geen", "aanvraag", "partner", "geweigerd", "geschorst", "beeindigd")
MEMBER_ROLES = ("beheerder", "lid")


class Municipality(db.Model):
    """A municipality: St. MBO manages the list (``portal.programme.municipalities``).

    It takes part in the programme when ``active``, from ``joins_on`` on (None: from the start). Before that its
    organisations may register but are not in the programme's figures, and it has no targets.
    """

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    joins_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), nullable=False)

    def __str__(self):
        return self.name

    def takes_part_on(self, day: date) -> bool:
        """Whether the municipality's organisations count in the programme's figures on ``day``."""
        from portal.programme.standing import municipality_takes_part

        return municipality_takes_part(self.active, self.joins_on, day)


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
    # The partnership application and the last status decision.
    motivation: Mapped[str] = mapped_column(Text, default="")
    terms_accepted_at = mapped_column(UTCDateTime, nullable=True)
    applied_at = mapped_column(UTCDateTime, nullable=True)
    status_changed_at = mapped_column(UTCDateTime, nullable=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")

    municipality: Mapped[Municipality | None] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    status_history: Mapped[list["PartnerStatusChange"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan",
        order_by="(PartnerStatusChange.valid_from, PartnerStatusChange.id)",
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


# The staff partner list sorts by name without case; this index serves that sort (and name search prefixes).
Index("ix_organisation_lower_name_id", func.lower(Organisation.name), Organisation.id)
# PostgreSQL: trigram indexes serve the "contains" searches of the public register and the staff list
# (lower(name) LIKE '%bouw%') without reading every organisation. pg_trgm ships with PostgreSQL (contrib) and
# is a trusted extension: the database owner may create it (migration 0005 does; so does create_all).
event.listen(Organisation.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
for _column in ("name", "city"):
    Index(f"ix_organisation_{_column}_trgm", func.lower(Organisation.__table__.c[_column]).label(f"lower_{_column}"),
          postgresql_using="gin", postgresql_ops={f"lower_{_column}": "gin_trgm_ops"}).ddl_if(dialect="postgresql")


class PartnerStatusChange(db.Model):
    """One step in an organisation's partnership: the status it had from ``valid_from`` on."""

    __tablename__ = "partner_status_change"
    __table_args__ = (Index("ix_partner_status_change_org_date", "organisation_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    previous_status: Mapped[str] = mapped_column(String(20), default="")
    valid_from: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    organisation: Mapped[Organisation] = relationship(back_populates="status_history")
    changed_by = relationship("User")


class JoinRequest(db.Model):
    """A user asks to join an organisation that is already registered (same KvK-nummer)."""

    __tablename__ = "join_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open, geaccepteerd, geweigerd
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    decided_at = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    organisation: Mapped[Organisation] = relationship()
    user = relationship("User", foreign_keys=[user_id])


class Invitation(db.Model):
    """A single-use invitation link mailed to a colleague."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20), default="lid")
    # Part of the signed token: a new invitation for the same address kills the old link.
    nonce: Mapped[str] = mapped_column(String(32))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    accepted_at = mapped_column(UTCDateTime, nullable=True)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    revoked_at = mapped_column(UTCDateTime, nullable=True)

    organisation: Mapped[Organisation] = relationship()
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class ImpactJob(db.Model):
    """A placement of a resident with a distance to the labour market, without anything that identifies them."""

    __tablename__ = "impact_job"
    __table_args__ = (Index("ix_impact_job_org_start", "organisation_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    contract_type: Mapped[str] = mapped_column(String(30), index=True)
    hours_per_week = mapped_column(Numeric(4, 1), nullable=False)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str] = mapped_column(String(30), default="")
    route: Mapped[str] = mapped_column(String(30), default="")
    neighbourhood: Mapped[str] = mapped_column(String(30), default="")
    profile: Mapped[str] = mapped_column(String(40), default="")
    job_coaching: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    # 6 months or longer (DOMAIN.md); kept in a column so reports can GROUP BY it. Set on every flush.
    durable: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    organisation: Mapped[Organisation] = relationship()
    target_group_links: Mapped[list["ImpactJobTargetGroup"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ImpactJobTargetGroup.target_group"
    )

    @property
    def target_groups(self) -> list[str]:
        return [link.target_group for link in self.target_group_links]

    @target_groups.setter
    def target_groups(self, values):
        wanted = list(dict.fromkeys(values or []))
        self.target_group_links = [link for link in self.target_group_links if link.target_group in wanted]
        have = {link.target_group for link in self.target_group_links}
        for value in wanted:
            if value not in have:
                self.target_group_links.append(ImpactJobTargetGroup(target_group=value))

    def is_active(self, on: date | None = None) -> bool:
        on = on or clock.today()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def compute_durable(self) -> bool:
        from portal.partners.reference import DURABLE_CONTRACTS, DURABLE_MONTHS

        if self.contract_type in DURABLE_CONTRACTS:
            return True
        if self.start_date and self.end_date:
            return self.end_date >= add_months(self.start_date, DURABLE_MONTHS)
        return False


class ImpactJobTargetGroup(db.Model):
    """The target groups of an impact job, one row each, so reports can count per group."""

    __tablename__ = "impact_job_target_group"
    __table_args__ = (UniqueConstraint("impact_job_id", "target_group", name="uq_impact_job_target_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    impact_job_id: Mapped[int] = mapped_column(ForeignKey("impact_job.id", ondelete="CASCADE"), index=True)
    target_group: Mapped[str] = mapped_column(String(40), index=True)


class Stageplek(db.Model):
    """An internship or work-based learning place that an organisation offers."""

    __tablename__ = "stageplek"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    education_level: Mapped[str] = mapped_column(String(10), index=True)
    stage_type: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(40), index=True)
    places: Mapped[int] = mapped_column(Integer, default=1)
    places_filled: Mapped[int] = mapped_column(Integer, default=0)
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    school: Mapped[str] = mapped_column(String(120), default="")
    sbb_recognised: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    organisation: Mapped[Organisation] = relationship()

    @property
    def places_open(self) -> int:
        return max((self.places or 0) - (self.places_filled or 0), 0)


class ImportBatch(db.Model):
    """An uploaded partner list, parsed and checked, kept until staff confirm or discard it."""

    __tablename__ = "partner_import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    rows: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="preview", index=True)  # preview, imported, discarded
    # What the file holds: partners (the partner list), labels (existing labels) or path (steps on the path).
    kind: Mapped[str] = mapped_column(String(20), default="partners", server_default="partners", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    imported_at = mapped_column(UTCDateTime, nullable=True)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def valid_rows(self) -> list[dict]:
        return [row for row in self.rows or [] if not row.get("problems")]

    @property
    def invalid_rows(self) -> list[dict]:
        return [row for row in self.rows or [] if row.get("problems")]


PATH_STEPS = ("intake", "inspiratiesessie")


class PathStep(db.Model):
    """A step on an organisation's path to the label that St. MBO records: the intake (a first inventory of where
    it stands) or the inspiratiesessie. One row per organisation and step; recording it again changes the row."""

    __tablename__ = "partner_path_step"
    __table_args__ = (UniqueConstraint("organisation_id", "step", name="uq_partner_path_step_org_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    organisation: Mapped[Organisation] = relationship()
    recorded_by = relationship("User")


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the 31st becomes the last day of a shorter month)."""
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --------------------------------------------------------------------------- kept consistent on every flush
@event.listens_for(Session, "before_flush")
def _keep_partners_consistent(session, flush_context, instances):
    """Durable flags and partnership history stay right however an object is changed (rules, imports, fixtures).

    Rule functions change the status with a conditional UPDATE and write the history themselves; this
    catches status changes made through the ORM, such as organisations created with a status.
    """
    from sqlalchemy import inspect as sa_inspect

    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, ImpactJob):
            durable = obj.compute_durable()
            if obj.durable != durable:
                obj.durable = durable
    today = clock.today()
    for obj in list(session.new):
        if isinstance(obj, Organisation) and (obj.partner_status or "geen") != "geen":
            _history_for_new(obj, today)
    for obj in list(session.dirty):
        if not isinstance(obj, Organisation):
            continue
        hist = sa_inspect(obj).attrs.partner_status.history
        if not hist.added:
            continue
        new = hist.added[0]
        if hist.deleted:
            old = hist.deleted[0]
        else:  # the attribute was expired when it was set: ask the database (no autoflush on a connection)
            old = session.connection().execute(
                select(Organisation.partner_status).where(Organisation.id == obj.id)).scalar()
        if old != new:
            valid_from = obj.partner_since if new == "partner" and obj.partner_since else today
            obj.status_history.append(PartnerStatusChange(status=new, previous_status=old or "",
                                                          valid_from=valid_from))


def _history_for_new(org: Organisation, today: date):
    if org.status_history:
        return
    status = org.partner_status
    if status in ("geschorst", "beeindigd") and org.partner_since:
        org.status_history.append(PartnerStatusChange(status="partner", previous_status="geen",
                                                      valid_from=org.partner_since))
        org.status_history.append(PartnerStatusChange(status=status, previous_status="partner",
                                                      valid_from=max(today, org.partner_since)))
    else:
        valid_from = org.partner_since if status == "partner" and org.partner_since else today
        org.status_history.append(PartnerStatusChange(status=status, previous_status="geen", valid_from=valid_from))
