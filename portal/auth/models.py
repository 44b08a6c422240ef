"""User accounts and their roles."""
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.extensions import db
from portal.permissions import ROLES

# Shown first where a user holds several roles (navigation, audit "acting as").
ROLE_PRIORITY = ("admin", "mbo_staff", "gemeente", "inkoop", "ondernemer")


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at = mapped_column(UTCDateTime, nullable=True)
    pending_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_login_at = mapped_column(UTCDateTime, nullable=True)
    # Bumped on password change and blocking (history); sessions themselves live in user_session.
    session_version: Mapped[int] = mapped_column(default=1)

    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The server-side session this request runs in (set by login and by the user loader): Flask-Login keeps
    # get_id() in the signed session cookie and in the remember cookie, so both name the session, not the user.
    session_token = None
    session_id = None

    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.active

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def primary_role(self) -> str:
        names = self.role_names
        for role in ROLE_PRIORITY:
            if role in names:
                return role
        return "ondernemer"

    @property
    def is_staff(self) -> bool:
        return bool(self.role_names & {"mbo_staff", "admin"})

    def __repr__(self):
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_user_role_user_id_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    user: Mapped[User] = relationship(back_populates="roles")

    @staticmethod
    def valid(role: str) -> bool:
        return role in ROLES


class UserSession(db.Model):
    """One logged-in browser: the signed session cookie and the remember cookie carry its token.

    Only the SHA-256 of the token is stored, so a copy of the table logs nobody in. Deleting the row ends the
    session on every worker and app server at the next request.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_seen_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    user_agent: Mapped[str] = mapped_column(String(120), default="")

    user: Mapped[User] = relationship()
