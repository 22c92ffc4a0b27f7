"""Each stored plan keeps its ladles, its preheats, its drivers' rests and its supply.

``plan_runs`` gets ``ladle_id`` and ``ladle_drop_c`` (the ``runs.csv`` columns of a
network with a ladle pool: the ladle of the run and how far it is from its ready
temperature when filled, °C; empty without a pool). The new table ``plan_preheats``
holds the cold ladles preheated on the smelters' stands (``preheats.csv``) and
``plan_breaks`` the drivers' rests and handovers (``breaks.csv``). ``plan_versions``
gets ``supply`` (JSON, nullable: a managed-supply plan's deliveries and every furnace's
level curve, as in ``plan.json``). Plans stored before this revision keep the new
columns empty and have no preheat or break rows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supply", sa.JSON(), nullable=True))
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ladle_id", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ladle_drop_c", sa.Double(), nullable=True))
    op.create_table(
        "plan_preheats",
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ladle_id", sa.Text(), nullable=False),
        sa.Column("smelter_id", sa.Text(), nullable=False),
        sa.Column("stand", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name="fk_plan_preheats_plan_version_id_plan_versions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_version_id", "position", name="pk_plan_preheats"),
    )
    op.create_table(
        "plan_breaks",
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("truck_id", sa.Text(), nullable=False),
        sa.Column("driver", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("where", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name="fk_plan_breaks_plan_version_id_plan_versions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_version_id", "position", name="pk_plan_breaks"),
    )


def downgrade() -> None:
    op.drop_table("plan_breaks")
    op.drop_table("plan_preheats")
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.drop_column("ladle_drop_c")
        batch_op.drop_column("ladle_id")
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.drop_column("supply")
