"""Plan history: dispatch runs, plan versions with their runs and unserved rows, current plans.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.Text(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=False),
        sa.Column("software_version", sa.String(length=40), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("travel_model", sa.String(length=64), nullable=False),
        sa.Column("solver_name", sa.String(length=20), nullable=False),
        sa.Column("tonnes_ordered", sa.Double(), nullable=False),
        sa.Column("tonnes_delivered", sa.Double(), nullable=False),
        sa.Column("tonnes_unserved", sa.Double(), nullable=False),
        sa.Column("ladle_runs", sa.Integer(), nullable=False),
        sa.Column("trucks_used", sa.Integer(), nullable=False),
        sa.Column("truck_km", sa.Double(), nullable=False),
        sa.Column("route_cost_cny", sa.Double(), nullable=False),
        sa.Column("saving_cny", sa.Double(), nullable=True),
        sa.Column("co2_avoided_kg", sa.Double(), nullable=True),
        sa.Column("solver", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("economics", sa.JSON(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("truck_starts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_versions")),
        sa.UniqueConstraint(
            "network", "plan_date", "version", name="uq_plan_versions_date_version"
        ),
    )
    op.create_table(
        "current_plans",
        sa.Column("network", sa.Text(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name=op.f("fk_current_plans_plan_version_id_plan_versions"),
        ),
        sa.PrimaryKeyConstraint("network", "plan_date", name=op.f("pk_current_plans")),
    )
    op.create_table(
        "dispatch_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.Text(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=True),
        sa.Column("software_version", sa.String(length=40), nullable=False),
        sa.Column("solver", sa.String(length=20), nullable=False),
        sa.Column("time_limit_s", sa.Double(), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("network_folder", sa.Text(), nullable=False),
        sa.Column("orders_file", sa.Text(), nullable=True),
        sa.Column("out_dir", sa.Text(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("solver_stats", sa.JSON(), nullable=True),
        sa.Column("kpis", sa.JSON(), nullable=True),
        sa.Column("violations", sa.JSON(), nullable=True),
        sa.Column("plan_version_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name=op.f("fk_dispatch_runs_plan_version_id_plan_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_runs")),
    )
    with op.batch_alter_table("dispatch_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dispatch_runs_network_plan_date", ["network", "plan_date"], unique=False
        )
        batch_op.create_index("ix_dispatch_runs_started_at", ["started_at"], unique=False)

    op.create_table(
        "plan_runs",
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Text(), nullable=False),
        sa.Column("truck_id", sa.Text(), nullable=False),
        sa.Column("trip", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("smelter_id", sa.Text(), nullable=False),
        sa.Column("caster_id", sa.Text(), nullable=False),
        sa.Column("alloy", sa.Text(), nullable=False),
        sa.Column("tonnes", sa.Double(), nullable=False),
        sa.Column("fill_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fill_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("depart", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrive", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pour_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pour_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tap_c", sa.Double(), nullable=False),
        sa.Column("arrival_c", sa.Double(), nullable=False),
        sa.Column("road_km", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name=op.f("fk_plan_runs_plan_version_id_plan_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_version_id", "position", name=op.f("pk_plan_runs")),
        sa.UniqueConstraint("plan_version_id", "run_id", name="uq_plan_runs_version_run"),
    )
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.create_index("ix_plan_runs_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_plan_runs_truck_id", ["truck_id"], unique=False)

    op.create_table(
        "plan_unserved",
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("caster_id", sa.Text(), nullable=False),
        sa.Column("alloy", sa.Text(), nullable=False),
        sa.Column("tonnes", sa.Double(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name=op.f("fk_plan_unserved_plan_version_id_plan_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_version_id", "position", name=op.f("pk_plan_unserved")),
    )


def downgrade() -> None:
    op.drop_table("plan_unserved")
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_runs_truck_id")
        batch_op.drop_index("ix_plan_runs_order_id")

    op.drop_table("plan_runs")
    with op.batch_alter_table("dispatch_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_dispatch_runs_started_at")
        batch_op.drop_index("ix_dispatch_runs_network_plan_date")

    op.drop_table("dispatch_runs")
    op.drop_table("current_plans")
    op.drop_table("plan_versions")
