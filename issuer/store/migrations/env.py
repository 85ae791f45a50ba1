"""Alembic environment: runs on the connection ``skillspas.issuer.store.engine.migrate`` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from skillspas.issuer.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic -x url=... upgrade head` from a shell, for operators
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("geef de database-URL: alembic -x url=... / give the database URL: alembic -x url=...")
    with create_engine(url).begin() as own:
        context.configure(connection=own, target_metadata=Base.metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
