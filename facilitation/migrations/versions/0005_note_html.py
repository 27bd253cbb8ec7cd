"""A note's HTML, made when it is written and stored with the renderer's version; notes
written before are rendered once at the next start (services/notes.refresh_html).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add notes.html and notes.html_version (empty: rendered at the next start)."""
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("html_version", sa.String(length=40), nullable=True))


def downgrade() -> None:
    """Remove notes.html and notes.html_version."""
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_column("html_version")
        batch_op.drop_column("html")
