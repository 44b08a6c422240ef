"""municipalities join the programme on a date (joins_on, active); targets for every figure; the seeds' targets

Revision ID: 0006_h1
Revises: 0005
Create Date: 2026-12-01 23:10:00

joined_label_on becomes joins_on with a new meaning: None is "from the start". Dordrecht takes part from the
start, Zwijndrecht and Sliedrecht from 2025-01-01; the other Drechtsteden municipalities do not take part (yet).
The seeds' targets (Dordrecht 2024: 75 partners / 50 label / 25 working on it; 2025: 155 partners, 110 label;
100 residents through Wijk naar Werk in 2024 and 2025) are added where no target exists for that year.
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0006_h1"
down_revision = "0005"
branch_labels = None
depends_on = None

JOINS = {"Dordrecht": (None, True), "Zwijndrecht": (date(2025, 1, 1), True), "Sliedrecht": (date(2025, 1, 1), True)}
SEED_TARGETS = [
    ("Dordrecht", 2024, {"partners": 75, "labels": 50, "working_on_label": 25, "wijk_naar_werk": 100}),
    ("Dordrecht", 2025, {"partners": 155, "labels": 110, "wijk_naar_werk": 100}),
]
NEW_TARGET_COLUMNS = ("impact_jobs", "wijk_naar_werk", "stageplekken", "event_attendance")


def upgrade():
    with op.batch_alter_table("municipality") as batch_op:
        batch_op.alter_column("joined_label_on", new_column_name="joins_on", existing_type=sa.Date(),
                              existing_nullable=True)
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("dashboard_target") as batch_op:
        for column in NEW_TARGET_COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))

    conn = op.get_bind()
    municipality = sa.table("municipality", sa.column("id", sa.Integer), sa.column("name", sa.String),
                            sa.column("joins_on", sa.Date), sa.column("active", sa.Boolean))
    ids = {}
    for muni_id, name in conn.execute(sa.select(municipality.c.id, municipality.c.name)):
        ids[name] = muni_id
        joins_on, active = JOINS.get(name, (None, False))
        conn.execute(municipality.update().where(municipality.c.id == muni_id)
                     .values(joins_on=joins_on, active=active))
    target = sa.table("dashboard_target", sa.column("id", sa.Integer), sa.column("municipality_id", sa.Integer),
                      sa.column("year", sa.Integer), sa.column("partners", sa.Integer),
                      sa.column("labels", sa.Integer), sa.column("working_on_label", sa.Integer),
                      sa.column("wijk_naar_werk", sa.Integer), sa.column("updated_at", sa.DateTime(timezone=True)))
    for name, year, values in SEED_TARGETS:
        if name not in ids:
            continue
        exists = conn.execute(sa.select(target.c.id).where(target.c.municipality_id == ids[name],
                                                           target.c.year == year)).first()
        if exists is None:
            conn.execute(target.insert().values(municipality_id=ids[name], year=year,
                                                updated_at=sa.func.now(), **values))


def downgrade():
    with op.batch_alter_table("dashboard_target") as batch_op:
        for column in reversed(NEW_TARGET_COLUMNS):
            batch_op.drop_column(column)
    with op.batch_alter_table("municipality") as batch_op:
        batch_op.drop_column("active")
        batch_op.alter_column("joins_on", new_column_name="joined_label_on", existing_type=sa.Date(),
                              existing_nullable=True)
