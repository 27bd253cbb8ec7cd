"""How long each page of the projector stays up when a board does not fit the screen.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add boards.page_seconds (15 s, the pace a room reads a page of notes at)."""
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_seconds", sa.Integer(), nullable=False, server_default="15"))


def downgrade() -> None:
    """Remove boards.page_seconds."""
    with op.batch_alter_table("boards", schema=None) as batch_op:
        batch_op.drop_column("page_seconds")
