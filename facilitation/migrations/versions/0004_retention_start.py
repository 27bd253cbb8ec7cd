"""The day an event's retention starts counting from, at the earliest: for events that
existed before retention (this upgrade), the day of the upgrade, so that upgrading never
deletes an event at once; new events leave it empty (their last day counts).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add events.retention_from; the events already there start counting today."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_from", sa.Date(), nullable=True))
    op.execute(sa.text("UPDATE events SET retention_from = CURRENT_DATE"))


def downgrade() -> None:
    """Remove events.retention_from."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("retention_from")
