"""Events, their programme and questions, registrations with answers, check-ins and the reminder log."""
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db

KINDS = ("kick-off", "festival", "workshop", "praktijktafel", "hr-tafel", "award", "netwerkbijeenkomst")
AUDIENCES = ("partners", "public", "invitation")
EVENT_STATUSES = ("draft", "published", "cancelled")
REGISTRATION_STATUSES = ("pending", "confirmed", "waitlisted", "cancelled")
QUESTION_KINDS = ("text", "yesno", "choice")


class Event(db.Model):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="workshop")
    description: Mapped[str] = mapped_column(Text, default="")
    start_at = mapped_column(UTCDateTime, nullable=False, index=True)
    end_at = mapped_column(UTCDateTime, nullable=False)
    location: Mapped[str] = mapped_column(String(300), default="")
    # None means no limit; seats_taken counts confirmed registrations and is changed only by
    # conditional UPDATEs, so two people can never take the last seat together.
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    audience: Mapped[str] = mapped_column(String(20), default="partners")
    registration_opens_at = mapped_column(UTCDateTime, nullable=True)
    registration_closes_at = mapped_column(UTCDateTime, nullable=True)
    reminder_days: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Bumped on every change of time or place: calendar programs replace the event they hold.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    published_at = mapped_column(UTCDateTime, nullable=True)
    cancelled_at = mapped_column(UTCDateTime, nullable=True)
    purged_at = mapped_column(UTCDateTime, nullable=True)

    slots: Mapped[list["ProgrammeSlot"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="ProgrammeSlot.starts_at"
    )
    questions: Mapped[list["RegistrationQuestion"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="RegistrationQuestion.position"
    )

    def __str__(self):
        return self.title

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.seats_taken >= self.capacity


class ProgrammeSlot(db.Model):
    __tablename__ = "event_programme_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime, nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    speaker: Mapped[str] = mapped_column(String(200), default="")
    room: Mapped[str] = mapped_column(String(100), default="")

    event: Mapped[Event] = relationship(back_populates="slots")


class RegistrationQuestion(db.Model):
    __tablename__ = "event_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10), default="text")
    choices: Mapped[str] = mapped_column(Text, default="")  # one choice per line
    required: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="questions")

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]


class Invitation(db.Model):
    """An address invited to an invitation-only event."""

    __tablename__ = "event_invitation"
    __table_args__ = (UniqueConstraint("event_id", "email", name="uq_event_invitation_event_id_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Registration(db.Model):
    __tablename__ = "event_registration"
    # active_key is the address while the registration is live (confirmed or waitlisted) and NULL
    # otherwise: the database itself refuses a second live registration of the same address.
    __table_args__ = (
        UniqueConstraint("event_id", "active_key", name="uq_event_registration_event_id_active_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True,
                                                index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    active_key: Mapped[str | None] = mapped_column(String(254), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # The secret of the personal links (confirm, cancel, check-in QR code).
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    confirmed_at = mapped_column(UTCDateTime, nullable=True)
    waitlisted_at = mapped_column(UTCDateTime, nullable=True)
    cancelled_at = mapped_column(UTCDateTime, nullable=True)
    anonymised_at = mapped_column(UTCDateTime, nullable=True)

    event: Mapped[Event] = relationship()
    organisation = relationship("Organisation")
    answers: Mapped[list["Answer"]] = relationship(back_populates="registration", cascade="all, delete-orphan")
    check_in: Mapped["CheckIn | None"] = relationship(back_populates="registration", cascade="all, delete-orphan",
                                                      uselist=False)

    @property
    def is_public(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        return self.name or "—"


class Answer(db.Model):
    __tablename__ = "event_answer"
    __table_args__ = (UniqueConstraint("registration_id", "question_id", name="uq_event_answer_reg_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registration.id", ondelete="CASCADE"),
                                                 index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("event_question.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[RegistrationQuestion] = relationship()


class CheckIn(db.Model):
    __tablename__ = "event_check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registration.id", ondelete="CASCADE"),
                                                 unique=True)
    checked_in_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    registration: Mapped[Registration] = relationship(back_populates="check_in")


class ReminderLog(db.Model):
    """One row per reminder sent: the unique key makes a second reminder impossible."""

    __tablename__ = "event_reminder_log"
    __table_args__ = (UniqueConstraint("registration_id", "kind", name="uq_event_reminder_log_reg_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registration.id", ondelete="CASCADE"),
                                                 index=True)
    kind: Mapped[str] = mapped_column(String(20), default="reminder")
    sent_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
