"""Stored files when FILE_STORAGE=database: shared by every app server through the database."""
from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import UTCDateTime, utcnow
from portal.extensions import db


class StoredFile(db.Model):
    __tablename__ = "stored_file"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # bytea on PostgreSQL, BLOB on SQLite
    size: Mapped[int] = mapped_column()
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
