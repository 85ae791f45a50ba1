"""A claim offer made for a batch row keeps the row's key (``claim_offers.row_key``, ``skillspas batch --offers``).

A re-run of the batch finds each row's offer by its key (an open one is not made twice), and the claim issues the
credential under that key, so the batch (with or without ``--offers``) and ``skillspas status ROW_KEY`` find it as the
row's credential. Offers made before this have no row key.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claim_offers", sa.Column("row_key", sa.String(300), nullable=True))
    op.create_index("ix_claim_offers_org_row_key", "claim_offers", ["org_id", "row_key"])


def downgrade() -> None:
    op.drop_index("ix_claim_offers_org_row_key", table_name="claim_offers")
    with op.batch_alter_table("claim_offers") as batch:
        batch.drop_column("row_key")
