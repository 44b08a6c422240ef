"""criteria_english: English versions of zelfscan themes, questions and answer options

Revision ID: 0006_h6
Revises: 0005
Create Date: 2026-12-01 23:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_h6"
down_revision = "0006_h3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("label_theme") as batch:
        batch.add_column(sa.Column("title_en", sa.String(length=200), server_default="", nullable=False))
        batch.add_column(sa.Column("description_en", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("label_criterion") as batch:
        batch.add_column(sa.Column("question_en", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("help_text_en", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("label_answer_option") as batch:
        batch.add_column(sa.Column("label_en", sa.String(length=300), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("label_answer_option") as batch:
        batch.drop_column("label_en")
    with op.batch_alter_table("label_criterion") as batch:
        batch.drop_column("help_text_en")
        batch.drop_column("question_en")
    with op.batch_alter_table("label_theme") as batch:
        batch.drop_column("description_en")
        batch.drop_column("title_en")
