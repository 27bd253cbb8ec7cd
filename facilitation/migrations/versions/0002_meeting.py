"""The meeting around the workshops: the programme, organisation cards and the tour de table,
the plenary screen, the bilan's fields, and notes kept out of the bilan.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the programme and card notes, and the new columns (each with a server default)."""
    op.create_table(
        "programme_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("room", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_items_event_id"), ["event_id"], unique=False)

    op.create_table(
        "card_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("for_bilan", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["participants.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("card_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_notes_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_notes_organisation_id"), ["organisation_id"], unique=False)

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=40), server_default="Europe/Paris", nullable=False))
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="fr", nullable=False))
        batch_op.add_column(sa.Column("next_meeting", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("bilan_pseudonyms", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("round_organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("round_timer_ends_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("round_timer_left_ms", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("round_timer_total_ms", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("plenary_workshop_id", sa.Integer(), nullable=True))

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("for_bilan", sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("website", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("description", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("on_subject", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("contact", sa.String(length=200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("card_ready", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("position", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("is_host", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("workshops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("slot_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_workshops_slot_id"), ["slot_id"], unique=False)
        batch_op.create_foreign_key(
            "workshops_slot_id_fkey", "programme_items", ["slot_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    """Relais does not go back: restore the backup taken before upgrading (docs/deploy.md)."""
    raise NotImplementedError("no downgrade: restore the backup taken before upgrading")
