"""Storage of the issuer service: SQLAlchemy 2 models, alembic migrations, SQLite or PostgreSQL.

Usage::

    store = open_store(settings.database)     # migrated to head
    with store.transaction() as session: ...
"""

from sqlalchemy.orm import Session

from skillspas.issuer.store.engine import Store, open_store

__all__ = ["Session", "Store", "open_store"]
