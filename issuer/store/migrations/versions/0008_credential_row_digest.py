"""A batch credential and claim offer keep what their row said (``credentials.row_digest``, ``claim_offers.row_digest``).

A re-run of ``skillspas batch`` (or a retried ``POST /credentials/batch``) took a row key issued before as the same
row whatever it now said, and answered the credential issued then: a corrected learner name looked issued while the
old one stood. The row's columns, each with a short SHA-256 of its value, are now kept with the document, and a row
that says otherwise is refused (``row_changed``). Rows issued before this have none: they are taken as before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("credentials", sa.Column("row_digest", sa.Text(), nullable=True))
    op.add_column("claim_offers", sa.Column("row_digest", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ("credentials", "claim_offers"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("row_digest")
