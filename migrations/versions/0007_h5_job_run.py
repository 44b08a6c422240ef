"""job_run: scheduled jobs claim their period here, so each runs once per cluster

Revision ID: 0006_h5
Revises: 0005
Create Date: 2026-12-01 23:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = "0006_h5"
down_revision = "0006_h1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("period", sa.DateTime(timezone=True), nullable=False),
        sa.Column("node", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_run")),
        sa.UniqueConstraint("name", "period", name="uq_job_run_name_period"),
    )


def downgrade():
    op.drop_table("job_run")
