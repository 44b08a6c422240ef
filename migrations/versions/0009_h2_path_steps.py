"""partner_path_step (intake, inspiratiesessie per organisation) and the kind of an import batch

Revision ID: 0006_h2
Revises: 0005
Create Date: 2026-12-01 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_h2"
down_revision = "0007_h5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partner_path_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name=op.f("fk_partner_path_step_organisation_id_organisation"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"],
                                name=op.f("fk_partner_path_step_recorded_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_path_step")),
        sa.UniqueConstraint("organisation_id", "step", name="uq_partner_path_step_org_step"),
    )
    op.create_index(op.f("ix_partner_path_step_organisation_id"), "partner_path_step", ["organisation_id"],
                    unique=False)
    with op.batch_alter_table("partner_import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="partners", nullable=False))
        batch_op.create_index(batch_op.f("ix_partner_import_batch_kind"), ["kind"], unique=False)


def downgrade():
    with op.batch_alter_table("partner_import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_import_batch_kind"))
        batch_op.drop_column("kind")
    op.drop_index(op.f("ix_partner_path_step_organisation_id"), table_name="partner_path_step")
    op.drop_table("partner_path_step")
