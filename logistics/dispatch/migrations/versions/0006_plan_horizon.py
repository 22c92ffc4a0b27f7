"""The rolling horizon: provisional versions and each stored plan's furnace levels.

``plan_versions`` gets ``provisional`` (boolean, not null, default false: a later day
of a horizon, stored for the record and re-planned the next night, never the date's
current plan), ``horizon_day`` (the day of the horizon the version was planned as,
1 …; empty for a run of one day) and ``horizon_first_id`` (the version of the
horizon's first day stored by the same run, for its later days). The new table
``plan_furnace_levels`` holds each furnace of a stored plan: its levels at the day's
start and end and the level the next day starts from. Versions stored before this
revision keep ``provisional`` false and have no furnace rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("provisional", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("horizon_day", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("horizon_first_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_plan_versions_horizon_first_id_plan_versions",
            "plan_versions",
            ["horizon_first_id"],
            ["id"],
        )
    op.create_table(
        "plan_furnace_levels",
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("caster_id", sa.Text(), nullable=False),
        sa.Column("alloy", sa.Text(), nullable=False),
        sa.Column("supply", sa.String(length=16), nullable=False),
        sa.Column("capacity_t", sa.Double(), nullable=False),
        sa.Column("min_level_t", sa.Double(), nullable=False),
        sa.Column("start_level_t", sa.Double(), nullable=False),
        sa.Column("end_level_t", sa.Double(), nullable=False),
        sa.Column("emergency_ingot_t", sa.Double(), nullable=False),
        sa.Column("next_start_level_t", sa.Double(), nullable=False),
        sa.Column("lowest_t", sa.Double(), nullable=False),
        sa.Column("minutes_below_min", sa.Integer(), nullable=False),
        sa.Column("overflow_t", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name="fk_plan_furnace_levels_plan_version_id_plan_versions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_version_id", "position", name="pk_plan_furnace_levels"),
        sa.UniqueConstraint(
            "plan_version_id", "caster_id", "alloy", name="uq_plan_furnace_levels_furnace"
        ),
    )


def downgrade() -> None:
    op.drop_table("plan_furnace_levels")
    with op.batch_alter_table("plan_versions", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_plan_versions_horizon_first_id_plan_versions", type_="foreignkey"
        )
        batch_op.drop_column("horizon_first_id")
        batch_op.drop_column("horizon_day")
        batch_op.drop_column("provisional")
