"""dashboard_snapshot: the dashboard's numbers kept for a few minutes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 05:10:00
"""
import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dashboard_snapshot",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dashboard_snapshot")),
    )
    op.create_index(op.f("ix_dashboard_snapshot_computed_at"), "dashboard_snapshot", ["computed_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_dashboard_snapshot_computed_at"), table_name="dashboard_snapshot")
    op.drop_table("dashboard_snapshot")
