"""Workshop facilitator links, the retention of an event, and op answers that go with their
board or event when it is deleted.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the links and their workshops, events.retention_days, operations.board_id and event_id."""
    op.create_table(
        "facilitator_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("facilitator_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facilitator_links_event_id"), ["event_id"], unique=False)
    op.create_table(
        "facilitator_link_workshops",
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["facilitator_links.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("link_id", "workshop_id"),
    )
    with op.batch_alter_table("facilitator_link_workshops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facilitator_link_workshops_workshop_id"), ["workshop_id"],
                              unique=False)
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("board_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_operations_board_id"), ["board_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_operations_event_id"), ["event_id"], unique=False)
        batch_op.create_foreign_key("operations_board_id_fkey", "boards", ["board_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_foreign_key("operations_event_id_fkey", "events", ["event_id"], ["id"],
                                    ondelete="CASCADE")


def downgrade() -> None:
    """Remove what upgrade added."""
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.drop_constraint("operations_event_id_fkey", type_="foreignkey")
        batch_op.drop_constraint("operations_board_id_fkey", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_operations_event_id"))
        batch_op.drop_index(batch_op.f("ix_operations_board_id"))
        batch_op.drop_column("event_id")
        batch_op.drop_column("board_id")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("retention_days")
    with op.batch_alter_table("facilitator_link_workshops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilitator_link_workshops_workshop_id"))
    op.drop_table("facilitator_link_workshops")
    with op.batch_alter_table("facilitator_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilitator_links_event_id"))
    op.drop_table("facilitator_links")
