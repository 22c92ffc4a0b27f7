"""The safety net in the history: dispatch_runs.fallback and dispatch_runs.fallback_reason.

A run whose plan is the dispatcher's because the optimiser failed is flagged. Rows
written before this revision are flagged from their ``solver_stats`` (``status``
``fallback_dispatcher``, ``fallback_reason``), so the flag holds for every row.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: ``solver.status`` of a plan that fell back to the dispatcher's (no package imports here).
FALLBACK_STATUS = "fallback_dispatcher"


def upgrade() -> None:
    with op.batch_alter_table("dispatch_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fallback", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("fallback_reason", sa.Text(), nullable=True))

    runs = sa.table(
        "dispatch_runs",
        sa.column("id", sa.Integer()),
        sa.column("solver_stats", sa.JSON()),
        sa.column("fallback", sa.Boolean()),
        sa.column("fallback_reason", sa.Text()),
    )
    bind = op.get_bind()
    flagged = [
        (row.id, stats.get("fallback_reason"))
        for row in bind.execute(sa.select(runs.c.id, runs.c.solver_stats))
        if isinstance(stats := row.solver_stats, dict) and stats.get("status") == FALLBACK_STATUS
    ]
    for run_id, reason in flagged:
        bind.execute(
            runs.update().where(runs.c.id == run_id).values(fallback=True, fallback_reason=reason)
        )


def downgrade() -> None:
    with op.batch_alter_table("dispatch_runs", schema=None) as batch_op:
        batch_op.drop_column("fallback_reason")
        batch_op.drop_column("fallback")
