"""Baseline: the schema of the facilitation release, with every index.

Revision ID: 0001
Revises: (none)

A fresh database gets this by create_all plus a stamp (migrate.py); a database made by
an earlier release, before migrations existed, is brought here by legacy.py, which
reuses create_tables() and create_indexes() below: both skip what already exists.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def create_tables() -> list[sa.Table]:
    """Every table of the baseline, parents first; a table that exists is left as it is.
    Returns the tables' definitions (legacy.py compares older databases with them)."""
    return [
        op.create_table(
            "events",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("code", sa.String(length=8), nullable=False),
            sa.Column("title", sa.String(length=120), nullable=False),
            sa.Column("place", sa.String(length=120), nullable=False),
            sa.Column("starts_on", sa.Date(), nullable=True),
            sa.Column("ends_on", sa.Date(), nullable=True),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column("facilitator_token_hash", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("code"),
            sa.UniqueConstraint("facilitator_token_hash"),
            if_not_exists=True,
        ),
        op.create_table(
            "operations",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("actor", sa.String(length=48), nullable=False),
            sa.Column("op_id", sa.String(length=64), nullable=False),
            sa.Column("answer", sa.JSON(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("actor", "op_id"),
            if_not_exists=True,
        ),
        op.create_table(
            "organisations",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("event_id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=120), nullable=False),
            sa.Column("city", sa.String(length=80), nullable=False),
            sa.Column("country", sa.String(length=80), nullable=False),
            sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("event_id", "name"),
            if_not_exists=True,
        ),
        op.create_table(
            "workshops",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("event_id", sa.Integer(), nullable=False),
            sa.Column("title", sa.String(length=120), nullable=False),
            sa.Column("question", sa.String(length=500), nullable=False),
            sa.Column("day", sa.Date(), nullable=True),
            sa.Column("time_slot", sa.String(length=40), nullable=False),
            sa.Column("room", sa.String(length=80), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            if_not_exists=True,
        ),
        op.create_table(
            "boards",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("workshop_id", sa.Integer(), nullable=False),
            sa.Column("event_id", sa.Integer(), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("phase", sa.String(length=16), server_default="collect", nullable=False),
            sa.Column("private", sa.Boolean(), server_default=sa.false(), nullable=False),
            sa.Column("locked", sa.Boolean(), server_default=sa.false(), nullable=False),
            sa.Column("anonymity", sa.String(length=16), server_default="shown", nullable=False),
            sa.Column("timer_ends_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("timer_left_ms", sa.Integer(), nullable=True),
            sa.Column("timer_total_ms", sa.Integer(), nullable=True),
            sa.Column("timer_locks", sa.Boolean(), server_default=sa.false(), nullable=False),
            sa.Column("spotlight_kind", sa.String(length=8), nullable=True),
            sa.Column("spotlight_id", sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("workshop_id"),
            if_not_exists=True,
        ),
        op.create_table(
            "participants",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("event_id", sa.Integer(), nullable=False),
            sa.Column("pseudonym", sa.String(length=40), nullable=False),
            sa.Column("organisation_id", sa.Integer(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="SET NULL"),
            sa.PrimaryKeyConstraint("id"),
            if_not_exists=True,
        ),
        op.create_table(
            "board_changes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("board_id", sa.Integer(), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=32), nullable=False),
            sa.Column("payload", sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(["board_id"], ["boards.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("board_id", "seq"),
            if_not_exists=True,
        ),
        op.create_table(
            "columns",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("board_id", sa.Integer(), nullable=False),
            sa.Column("title", sa.String(length=80), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["board_id"], ["boards.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            if_not_exists=True,
        ),
        op.create_table(
            "votes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("board_id", sa.Integer(), nullable=False),
            sa.Column("target", sa.String(length=8), nullable=False),
            sa.Column("budget", sa.Integer(), nullable=False),
            sa.Column("cap", sa.Integer(), nullable=False),
            sa.Column("hide_results", sa.Boolean(), nullable=False),
            sa.Column("is_open", sa.Boolean(), nullable=False),
            sa.Column("revealed", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["board_id"], ["boards.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            if_not_exists=True,
        ),
        op.create_table(
            "ballots",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("vote_id", sa.Integer(), nullable=False),
            sa.Column("participant_id", sa.String(length=32), nullable=False),
            sa.Column("used", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["vote_id"], ["votes.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("vote_id", "participant_id"),
            if_not_exists=True,
        ),
        op.create_table(
            "dots",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("vote_id", sa.Integer(), nullable=False),
            sa.Column("participant_id", sa.String(length=32), nullable=False),
            sa.Column("target_id", sa.Integer(), nullable=False),
            sa.Column("count", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["vote_id"], ["votes.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("vote_id", "participant_id", "target_id"),
            if_not_exists=True,
        ),
        op.create_table(
            "groups",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("board_id", sa.Integer(), nullable=False),
            sa.Column("column_id", sa.Integer(), nullable=False),
            sa.Column("title", sa.String(length=80), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["board_id"], ["boards.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["column_id"], ["columns.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            if_not_exists=True,
        ),
        op.create_table(
            "notes",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("board_id", sa.Integer(), nullable=False),
            sa.Column("column_id", sa.Integer(), nullable=False),
            sa.Column("author_id", sa.String(length=32), nullable=True),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("color", sa.String(length=16), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("pseudonym", sa.String(length=40), nullable=False),
            sa.Column("organisation_id", sa.Integer(), nullable=True),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("group_id", sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(["author_id"], ["participants.id"], ondelete="SET NULL"),
            sa.ForeignKeyConstraint(["board_id"], ["boards.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["column_id"], ["columns.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="SET NULL"),
            sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="SET NULL"),
            sa.PrimaryKeyConstraint("id"),
            if_not_exists=True,
        ),
        op.create_table(
            "actions",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("board_id", sa.Integer(), nullable=False),
            sa.Column("note_id", sa.Integer(), nullable=True),
            sa.Column("group_id", sa.Integer(), nullable=True),
            sa.Column("what", sa.String(length=500), nullable=False),
            sa.Column("organisation_id", sa.Integer(), nullable=True),
            sa.Column("due_on", sa.Date(), nullable=True),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["board_id"], ["boards.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="SET NULL"),
            sa.ForeignKeyConstraint(["note_id"], ["notes.id"], ondelete="SET NULL"),
            sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="SET NULL"),
            sa.PrimaryKeyConstraint("id"),
            if_not_exists=True,
        ),
    ]


def create_indexes() -> None:
    """Every index of the baseline (the first release"s upgrade missed ix_notes_group_id)."""
    op.create_index("ix_organisations_event_id", "organisations", ["event_id"], if_not_exists=True)
    op.create_index("ix_workshops_event_id", "workshops", ["event_id"], if_not_exists=True)
    op.create_index("ix_boards_event_id", "boards", ["event_id"], if_not_exists=True)
    op.create_index("ix_participants_event_id", "participants", ["event_id"], if_not_exists=True)
    op.create_index("ix_columns_board_id", "columns", ["board_id"], if_not_exists=True)
    op.create_index("ix_votes_board_id", "votes", ["board_id"], if_not_exists=True)
    op.create_index("ix_dots_vote_id", "dots", ["vote_id"], if_not_exists=True)
    op.create_index("ix_groups_board_id", "groups", ["board_id"], if_not_exists=True)
    op.create_index("ix_groups_column_id", "groups", ["column_id"], if_not_exists=True)
    op.create_index("ix_notes_author_id", "notes", ["author_id"], if_not_exists=True)
    op.create_index("ix_notes_board_id", "notes", ["board_id"], if_not_exists=True)
    op.create_index("ix_notes_column_id", "notes", ["column_id"], if_not_exists=True)
    op.create_index("ix_notes_group_id", "notes", ["group_id"], if_not_exists=True)
    op.create_index("ix_actions_board_id", "actions", ["board_id"], if_not_exists=True)


def upgrade() -> None:
    """Create the baseline schema."""
    create_tables()
    create_indexes()


def downgrade() -> None:
    """Relais does not go back: restore the backup taken before upgrading (docs/deploy.md)."""
    raise NotImplementedError("no downgrade: restore the backup taken before upgrading")
