"""Label tables: criteria sets (themes, criteria, answer options), assessments with answers, evidence and
review comments, labels with their status history, and the reminder log."""
import uuid
from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db

SET_STATUSES = ("concept", "gepubliceerd", "vervallen")
ASSESSMENT_STATUSES = ("concept", "ingediend", "in_behandeling", "wijzigingen_gevraagd", "goedgekeurd", "afgewezen")
# Statuses in which the organisation may change its answers.
EDITABLE_STATUSES = ("concept", "wijzigingen_gevraagd")
OPEN_STATUSES = ("concept", "ingediend", "in_behandeling", "wijzigingen_gevraagd")
CLOSED_STATUSES = ("goedgekeurd", "afgewezen")
LABEL_STATUSES = ("geldig", "geschorst", "ingetrokken", "verlopen")
EVIDENCE_STATES = ("nieuw", "klaar", "aanvullen")
# St. MBO's verdict on one question of a submitted assessment ("" = none yet).
VERDICTS = ("voldoet", "aanvullen", "nvt")


def _new_key() -> str:
    return uuid.uuid4().hex


class CriteriaSet(db.Model):
    __tablename__ = "label_criteria_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="concept", index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The label rule: a minimum total percentage and a minimum per theme (a theme may set its own).
    min_total_pct: Mapped[int] = mapped_column(Integer, default=60)
    min_theme_pct: Mapped[int] = mapped_column(Integer, default=40)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("label_criteria_set.id"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    published_at = mapped_column(UTCDateTime, nullable=True)
    retired_at = mapped_column(UTCDateTime, nullable=True)

    themes: Mapped[list["LabelTheme"]] = relationship(lambda: LabelTheme,
        back_populates="criteria_set", cascade="all, delete-orphan", order_by=lambda: LabelTheme.position
    )

    @property
    def is_concept(self) -> bool:
        return self.status == "concept"

    def __str__(self):
        return f"{self.name} (versie {self.version})"


class LabelTheme(db.Model):
    __tablename__ = "label_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("label_criteria_set.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # English versions (empty: the Dutch text is shown, marked as Dutch).
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    description_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)
    min_pct: Mapped[int | None] = mapped_column(Integer, nullable=True)
    key: Mapped[str] = mapped_column(String(32), default=_new_key)

    criteria_set: Mapped[CriteriaSet] = relationship(back_populates="themes")
    criteria: Mapped[list["LabelCriterion"]] = relationship(lambda: LabelCriterion,
        back_populates="theme", cascade="all, delete-orphan", order_by=lambda: LabelCriterion.position
    )


class LabelCriterion(db.Model):
    __tablename__ = "label_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("label_theme.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    question: Mapped[str] = mapped_column(Text)
    help_text: Mapped[str] = mapped_column(Text, default="")
    question_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    help_text_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    evidence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Survives copying into a new version, so a renewal can carry answers over.
    key: Mapped[str] = mapped_column(String(32), default=_new_key, index=True)

    theme: Mapped[LabelTheme] = relationship(back_populates="criteria")
    options: Mapped[list["AnswerOption"]] = relationship(lambda: AnswerOption,
        back_populates="criterion", cascade="all, delete-orphan", order_by=lambda: AnswerOption.position
    )

    @property
    def max_points(self) -> int:
        return max((o.points for o in self.options), default=0)


class AnswerOption(db.Model):
    __tablename__ = "label_answer_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("label_criterion.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(300))
    label_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    points: Mapped[int] = mapped_column(Integer, default=0)

    criterion: Mapped[LabelCriterion] = relationship(back_populates="options")


class Assessment(db.Model):
    __tablename__ = "label_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("label_criteria_set.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="concept", index=True)
    # Equal to organisation_id while the assessment is open, NULL once decided: the unique constraint
    # makes "one open assessment per organisation" hold even when two colleagues start at once.
    open_key: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    # Bumped by every change; forms carry it so that nobody overwrites a colleague silently.
    version: Mapped[int] = mapped_column(Integer, default=1)
    renewal_of_id: Mapped[int | None] = mapped_column(ForeignKey("label_assessment.id"), nullable=True)
    started_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    status_changed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    submitted_at = mapped_column(UTCDateTime, nullable=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    decided_at = mapped_column(UTCDateTime, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    # Why the reviewer approved although evidence or verdicts were open (also in the audit log).
    approval_override: Mapped[str] = mapped_column(Text, default="", server_default="")

    organisation = relationship("Organisation")
    criteria_set: Mapped[CriteriaSet] = relationship()
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    answers: Mapped[list["AssessmentAnswer"]] = relationship(
        lambda: AssessmentAnswer, back_populates="assessment", cascade="all, delete-orphan")
    comments: Mapped[list["ReviewComment"]] = relationship(lambda: ReviewComment,
        back_populates="assessment", cascade="all, delete-orphan", order_by=lambda: ReviewComment.id
    )

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AssessmentAnswer(db.Model):
    __tablename__ = "label_answer"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id", name="uq_label_answer_assessment_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("label_assessment.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("label_criterion.id"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("label_answer_option.id"), nullable=True)
    explanation: Mapped[str] = mapped_column(Text, default="")
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    # The reviewer's verdict on this question: voldoet, aanvullen, nvt (niet van toepassing) or "" (none yet).
    verdict: Mapped[str] = mapped_column(String(20), default="", server_default="")
    verdict_at = mapped_column(UTCDateTime, nullable=True)
    verdict_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    criterion: Mapped[LabelCriterion] = relationship()
    option: Mapped[AnswerOption | None] = relationship()
    evidence: Mapped[list["EvidenceFile"]] = relationship(lambda: EvidenceFile,
        back_populates="answer", cascade="all, delete-orphan", order_by=lambda: EvidenceFile.id
    )


class EvidenceFile(db.Model):
    __tablename__ = "label_evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("label_answer.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    # Path below UPLOAD_FOLDER; a renewal may share the file of an earlier assessment.
    stored_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    # nieuw, klaar (klaar voor beoordeling) or aanvullen (moet aangevuld worden), set by the reviewer.
    review_state: Mapped[str] = mapped_column(String(20), default="nieuw")
    uploaded_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    answer: Mapped[AssessmentAnswer] = relationship(back_populates="evidence")


class ReviewComment(db.Model):
    """One message in the thread of a criterion (criterion_id) or of the whole assessment (None)."""

    __tablename__ = "label_review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("label_assessment.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("label_criterion.id"), nullable=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(120), default="")
    from_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    assessment: Mapped[Assessment] = relationship(back_populates="comments")


class Label(db.Model):
    __tablename__ = "label_label"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("label_assessment.id"), nullable=True)
    certificate_number: Mapped[str] = mapped_column(String(30), unique=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    # The status now; the history rows below answer "what was it on date D".
    status: Mapped[str] = mapped_column(String(20), default="geldig", index=True)
    awarded_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    organisation = relationship("Organisation")
    assessment: Mapped[Assessment | None] = relationship()
    history: Mapped[list["LabelStatusChange"]] = relationship(lambda: LabelStatusChange,
        back_populates="label", cascade="all, delete-orphan",
        order_by=lambda: (LabelStatusChange.effective_on, LabelStatusChange.id),
    )


class LabelStatusChange(db.Model):
    """From ``effective_on`` (inclusive) the label has ``status``, until the next change."""

    __tablename__ = "label_status_change"
    __table_args__ = (Index("ix_label_status_change_label_effective", "label_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("label_label.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)

    label: Mapped[Label] = relationship(back_populates="history")


class LabelReminder(db.Model):
    """One row per label and reminder moment (90, 30 days): the unique key stops a second mail."""

    __tablename__ = "label_reminder_log"
    __table_args__ = (UniqueConstraint("label_id", "moment", name="uq_label_reminder_log_label_moment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("label_label.id", ondelete="CASCADE"))
    moment: Mapped[str] = mapped_column(String(20))
    sent_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class PublishedSetIsImmutable(RuntimeError):
    """Raised when code tries to change a criteria set that is no longer a concept."""


def _owning_set(obj) -> CriteriaSet | None:
    if isinstance(obj, CriteriaSet):
        return obj
    if isinstance(obj, LabelTheme):
        return obj.criteria_set
    if isinstance(obj, LabelCriterion):
        return obj.theme.criteria_set if obj.theme is not None else None
    if isinstance(obj, AnswerOption):
        crit = obj.criterion
        return crit.theme.criteria_set if crit is not None and crit.theme is not None else None
    return None


# Only these columns of a set may change after publication (publishing and retiring it).
_LIFECYCLE_COLUMNS = {"status", "published_at", "retired_at"}


@event.listens_for(Session, "before_flush")
def _guard_published_sets(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, CriteriaSet | LabelTheme | LabelCriterion | AnswerOption):
            continue
        state = inspect(obj)
        if isinstance(obj, CriteriaSet):
            changed = {a.key for a in state.attrs if a.history.has_changes()} - {"themes"}
            was_status = state.attrs.status.history.deleted
            old_status = was_status[0] if was_status else obj.status
            if obj in session.deleted and old_status != "concept":
                raise PublishedSetIsImmutable("a published criteria set cannot be deleted")
            if old_status != "concept" and changed - _LIFECYCLE_COLUMNS:
                raise PublishedSetIsImmutable("a published criteria set cannot be changed")
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        owner = _owning_set(obj)
        if owner is not None and owner.status != "concept":
            raise PublishedSetIsImmutable("a published criteria set cannot be changed")
    for obj in session.new:
        if isinstance(obj, LabelTheme | LabelCriterion | AnswerOption):
            owner = _owning_set(obj)
            if owner is not None and owner.status != "concept" and inspect(owner).persistent:
                raise PublishedSetIsImmutable("a published criteria set cannot be changed")


class ImprovementAction(db.Model):
    """One step of the plan after a review: what the organisation will improve, by when. The plan is the
    starting point of the next assessment (renewal)."""

    __tablename__ = "label_improvement_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("label_assessment.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), nullable=True)
    by_staff: Mapped[bool] = mapped_column(Boolean, default=False)
