"""A claim offer says whether its link was kept before it was committed (``claim_offers.link_kept``).

``skillspas batch --offers`` writes each offer's secret link into its folder before the offer is committed
(``Exchanges.create(keep=...)``), so such an offer's link exists somewhere, also after the run was killed; a re-run in
another folder that finds no link for it lists it as made elsewhere (``linksMissing``). An offer made before this
(``false``) was committed first and its link written after: a run killed in between lost the link for good. A re-run
that finds no link for such an open offer withdraws it and offers the row anew.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claim_offers", sa.Column("link_kept", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("claim_offers") as batch:
        batch.drop_column("link_kept")
