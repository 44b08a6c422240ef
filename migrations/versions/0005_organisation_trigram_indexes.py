"""trigram indexes on lower(organisation.name) and lower(city) for the register and staff list search (PostgreSQL)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 05:40:00

pg_trgm is part of PostgreSQL's contrib package and a trusted extension (PostgreSQL 13+): the database owner
may create it. SQLite has no such index; its searches scan the table (small deployments).
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("name", "city")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        op.execute(f"CREATE INDEX ix_organisation_{column}_trgm ON organisation USING gin (lower({column}) gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_organisation_{column}_trgm")
