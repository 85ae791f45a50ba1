"""The issuer's tables (SQLAlchemy 2 declarative); changed only through an alembic migration.

Usage::

    from skillspas.issuer.store.models import Organisation, IssuedCredential
    session.scalars(select(Organisation).where(Organisation.did == did)).one()

What is kept: organisations, their public keys and hashed API keys, issued credentials (the full
document, or only its SHA-256 and metadata: ``Settings.store_credentials``), status lists, and
the audit log, claim offers (by the SHA-256 of their URL token). Never a private key, never an API key in the clear.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "Organisation",
    "OrgKey",
    "ApiKey",
    "StatusList",
    "StatusListCredential",
    "IssuedCredential",
    "AuditEvent",
    "ClaimOffer",
]


def utcnow() -> dt.datetime:
    """Now, in UTC (stored timezone-aware)."""
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    """Declarative base of the issuer store."""

    if TYPE_CHECKING:  # each model maps one Table, which Core statements (insert, update) take
        __table__: ClassVar[Table]


class Organisation(Base):
    """An issuing organisation (a ROC, an EVC provider, an employer, a training provider)."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    did: Mapped[str] = mapped_column(String(512), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OrgKey(Base):
    """One signing key of an organisation: its public part and the keystore file holding it."""

    __tablename__ = "org_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    verification_method: Mapped[str] = mapped_column(String(600), unique=True)
    public_key_multibase: Mapped[str] = mapped_column(String(200))
    key_file: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    """An API key: its public id, the SHA-256 of its secret part, its scopes, an optional label and expiry."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StatusList(Base):
    """A numbered pair of status lists (revocation, suspension) sharing one index space."""

    __tablename__ = "status_lists"
    __table_args__ = (UniqueConstraint("org_id", "seq", name="uq_status_lists_org_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    seq: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatusListCredential(Base):
    """One status list (one purpose): its URL and current signed credential (which holds the bits)."""

    __tablename__ = "status_list_credentials"
    __table_args__ = (UniqueConstraint("list_id", "purpose", name="uq_status_list_credentials_purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(1000))
    version: Mapped[int] = mapped_column(Integer, default=1)
    document: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IssuedCredential(Base):
    """One credential the service issued (or has reserved a status index for: ``pending``)."""

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("org_id", "status_seq", "status_index", name="uq_credentials_status_index"),
        UniqueConstraint("org_id", "row_key", name="uq_credentials_row_key"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    credential_id: Mapped[str] = mapped_column(String(1000), unique=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    types: Mapped[str] = mapped_column(String(1000))
    state: Mapped[str] = mapped_column(String(20), default="pending")
    """``pending`` (index reserved, not yet signed), ``active``, ``suspended`` or ``revoked``."""
    status_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_purposes: Mapped[str] = mapped_column(String(40), default="")
    """The purposes the credential has entries for, space separated: "revocation", "suspension"."""
    row_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    document: Mapped[str | None] = mapped_column(Text, nullable=True)
    row_digest: Mapped[str | None] = mapped_column(Text, nullable=True)
    """What the batch row said when its credential was issued, column by column (``batch_worker.row_digest``): a
    re-run of the row with other data is refused, never taken as the same. ``None`` when only hashes are kept
    (``store_credentials == "hash"``: nothing derived from the content) and for credentials issued one by one."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who did what to which credential, and when (append-only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    org_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")


class ClaimOffer(Base):
    """A credential to issue once to whoever proves a DID over ``challenge`` (``/exchanges/{token}``).

    ``id`` is the SHA-256 of the URL's secret token, so the table holds no claimable URL."""

    __tablename__ = "claim_offers"
    __table_args__ = (Index("uq_claim_offers_reserved_id", "reserved_id", unique=True),
                      Index("ix_claim_offers_org_row_key", "org_id", "row_key"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    """The API key id that made the offer (the claim is issued and audited as it)."""
    scopes: Mapped[str] = mapped_column(String(300))
    document: Mapped[str] = mapped_column(Text)
    """The credential to issue, without ``credentialSubject.id`` (JSON)."""
    purposes: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """Status purposes, space separated; ``None`` for the default, "" for none."""
    challenge: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    holder: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    credential_id: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    """The credential's id: from the start when the offer names one, else once claimed."""
    reserved_id: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    """The credential id the offer names, held for its claim: unique, so the database refuses a second offer of it
    (also one made at the same instant), and the store's reservation refuses it to any other issue until the offer's
    claim has issued it, also while that claim is under way (``Issuance.reserve``, ``Issuance.offer``). Cleared when
    the claim has issued it; an expired offer's hold counts for nothing and is cleared by the next offer of the id
    (``queries.add_offer``)."""
    row_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    """The batch row key (``TYPE/KEY``) of an offer ``skillspas batch --offers`` made: a re-run finds the row's offer
    by it, and the claim issues the credential under it (``IssuedCredential.row_key``)."""
    row_digest: Mapped[str | None] = mapped_column(Text, nullable=True)
    """What the batch row said when the offer was made, column by column (``IssuedCredential.row_digest``)."""
    link_kept: Mapped[bool] = mapped_column(Boolean, server_default=false())
    """Its link (the secret token) was in its maker's keeping before it was committed (``Exchanges.create(keep=...)``:
    ``batch --offers`` writes it to its folder first), so it is not lost when the maker was killed at that instant. A
    batch re-run that finds no link for an open offer without this withdraws it and offers the row anew."""
