"""index on lower(organisation.name), id for the staff partner list

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 03:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_organisation_lower_name_id", "organisation", [sa.text("lower(name)"), "id"], unique=False)


def downgrade():
    op.drop_index("ix_organisation_lower_name_id", table_name="organisation")
