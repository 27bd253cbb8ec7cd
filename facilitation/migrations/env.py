"""Alembic's entry point. Relais always hands it an open connection (facilitation/migrate.py),
so the migrations run inside the caller's transaction and under its lock."""

from __future__ import annotations

from alembic import context

from facilitation.models import Base

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER a column in place; Alembic rebuilds the table for it.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
