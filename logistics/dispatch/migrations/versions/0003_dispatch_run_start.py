"""Every run leaves a trace: a run's row is written when it starts and completed when it ends.

``dispatch_runs.finished_at`` and ``dispatch_runs.exit_code`` become nullable: a run
writes its row with status ``running`` (no end, no exit code) in a short transaction
of its own once it holds the date's lock, and fills them in when it ends. A run that
never ends (killed) keeps them empty; the next run of its date marks it ``died``.
Rows written before this revision all have an end and are kept as they are.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-12
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dispatch_runs", schema=None) as batch_op:
        batch_op.alter_column(
            "finished_at", existing_type=sa.DateTime(timezone=True), nullable=True
        )
        batch_op.alter_column("exit_code", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ix_dispatch_runs_status", ["status"], unique=False)


def downgrade() -> None:
    runs = sa.table(
        "dispatch_runs",
        sa.column("started_at", sa.DateTime(timezone=True)),
        sa.column("finished_at", sa.DateTime(timezone=True)),
        sa.column("exit_code", sa.Integer()),
    )
    bind = op.get_bind()
    bind.execute(
        runs.update().where(runs.c.finished_at.is_(None)).values(finished_at=runs.c.started_at)
    )
    bind.execute(runs.update().where(runs.c.exit_code.is_(None)).values(exit_code=1))
    with op.batch_alter_table("dispatch_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_dispatch_runs_status")
        batch_op.alter_column("exit_code", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column(
            "finished_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
