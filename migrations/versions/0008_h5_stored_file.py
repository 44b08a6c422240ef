"""stored_file: uploaded files in the database (FILE_STORAGE=database), shared by every app server

Revision ID: 0007_h5
Revises: 0006_h5
Create Date: 2026-12-01 23:40:00
"""
import sqlalchemy as sa
from alembic import op


revision = "0007_h5"
down_revision = "0006_h5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_file",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_file")),
    )


def downgrade():
    op.drop_table("stored_file")
