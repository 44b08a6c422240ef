"""label: a reviewer's verdict per question and the written reason of an approval override

Revision ID: 0006_h3
Revises: 0005
Create Date: 2026-12-01 23:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_h3"
down_revision = "0006_h2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("label_answer") as batch:
        batch.add_column(sa.Column("verdict", sa.String(length=20), server_default="", nullable=False))
        batch.add_column(sa.Column("verdict_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("verdict_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_label_answer_verdict_by_id_user", "user", ["verdict_by_id"], ["id"],
                                 ondelete="SET NULL")
    with op.batch_alter_table("label_assessment") as batch:
        batch.add_column(sa.Column("approval_override", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("label_assessment") as batch:
        batch.drop_column("approval_override")
    with op.batch_alter_table("label_answer") as batch:
        batch.drop_constraint("fk_label_answer_verdict_by_id_user", type_="foreignkey")
        batch.drop_column("verdict_by_id")
        batch.drop_column("verdict_at")
        batch.drop_column("verdict")
