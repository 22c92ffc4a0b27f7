"""Each stored run keeps the band of its arrival temperature: ``arrival_p05_c`` and
``arrival_p95_c``.

Two nullable columns (the ``runs.csv`` columns of the same names: the 5th and 95th
percentiles of the arrival temperature when travel times vary, °C). Runs stored before
this revision keep them empty.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arrival_p05_c", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("arrival_p95_c", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.drop_column("arrival_p95_c")
        batch_op.drop_column("arrival_p05_c")
