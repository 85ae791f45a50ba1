"""Claim offers: a credential a worker claims once, bound to their DID (``/exchanges``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "claim_offers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("org_id", sa.String(36), sa.ForeignKey("organisations.id"), nullable=False, index=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("scopes", sa.String(300), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("purposes", sa.String(40), nullable=True),
        sa.Column("challenge", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("used_at", _TS, nullable=True),
        sa.Column("holder", sa.String(1000), nullable=True),
        sa.Column("credential_id", sa.String(1000), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("claim_offers")
