"""A claim offer holds the credential id it names (``claim_offers.reserved_id``, unique).

The database refuses a second offer of one credential id, also one made at the same instant as the first (two
look-ups before either insert both found nothing), and the unique index is the one the store's look-ups of an open
offer's id use (the offer step's, and every reservation's: ``Issuance.reserve``). An existing database's open
offers hold their ids from now on: of two open offers of one id (made at once before this), the older holds it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_OFFERS = sa.table("claim_offers", sa.column("id", sa.String(64)), sa.column("credential_id", sa.String(1000)),
                   sa.column("reserved_id", sa.String(1000)), sa.column("created_at", _TS),
                   sa.column("expires_at", _TS), sa.column("used_at", _TS))


def upgrade() -> None:
    op.add_column("claim_offers", sa.Column("reserved_id", sa.String(1000), nullable=True))
    bind = op.get_bind()
    o = _OFFERS.c
    open_offers = bind.execute(sa.select(o.id, o.credential_id).where(
        o.credential_id.is_not(None), o.used_at.is_(None), o.expires_at > dt.datetime.now(dt.timezone.utc),
    ).order_by(o.created_at, o.id)).all()
    holder: dict[str, str] = {}
    for offer_id, credential_id in open_offers:
        holder.setdefault(credential_id, offer_id)
    for credential_id, offer_id in holder.items():
        bind.execute(sa.update(_OFFERS).where(o.id == offer_id).values(reserved_id=credential_id))
    op.create_index("uq_claim_offers_reserved_id", "claim_offers", ["reserved_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_claim_offers_reserved_id", table_name="claim_offers")
    with op.batch_alter_table("claim_offers") as batch:
        batch.drop_column("reserved_id")
