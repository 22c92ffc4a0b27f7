"""Each stored run keeps its estimated risk: ``cold_probability`` and ``late_probability``.

Two nullable columns (the ``runs.csv`` columns of the same names: the probability that
the ladle arrives below the caster's minimum, and that it pours after its window, when
travel times vary). Runs stored before this revision keep them empty.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cold_probability", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("late_probability", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.drop_column("late_probability")
        batch_op.drop_column("cold_probability")
