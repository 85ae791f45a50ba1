"""An in-memory world of issuers, a trust anchor, status lists and bundles (TUF RepositorySimulator style).

Everything is generated per test module (no committed keys). Times are fixed around ``NOW``.
The ``world`` and ``bundle`` fixtures (one per test module) are in this folder's conftest.py.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.status_lists import status_entry, status_list_credential
from skillspas.issuer.trust_list import sign_trust_list
from skillspas.keys import KeyPair, LocalSigner, StaticResolver, generate
from skillspas.keys.history import KeyHistory
from skillspas.keys.trust_list import TrustList, TrustListEntry
from skillspas.verifier import Bundle, Verifier
from skillspas.verifier.suites import suite_for_signing

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
TYPES_CONTEXT = "https://example.org/skillspas-test/types/v1"
TYPES_CONTEXT_DIR = Path(__file__).parent / "data" / "contexts"
STATUS_URL = "https://roc.example/status/1"


def ts(moment: dt.datetime) -> str:
    """XML Schema dateTimeStamp."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class WebIssuer:
    """A did:web issuer with its key history (keys kept in memory for the tests)."""

    did: str
    name: str
    keys: dict[str, KeyPair] = field(default_factory=dict)
    history: KeyHistory | None = None

    @classmethod
    def new(cls, did: str, name: str) -> WebIssuer:
        issuer = cls(did, name)
        pair = generate("ed25519")
        issuer.history = KeyHistory.start(did, pair.public_key, "memory", now=NOW - dt.timedelta(days=400))
        issuer.keys[f"{did}#key-1"] = pair
        return issuer

    def signer(self, key_id: str | None = None) -> LocalSigner:
        assert self.history is not None
        key_id = key_id or self.history.current.id
        return LocalSigner(self.keys[key_id], verification_method=key_id)

    def rotate(self, when: dt.datetime) -> str:
        assert self.history is not None
        pair = generate("ed25519")
        self.history = self.history.rotate(pair.public_key, "memory", now=when)
        key_id = self.history.current.id
        self.keys[key_id] = pair
        return key_id

    def document(self) -> dict[str, Any]:
        assert self.history is not None
        return self.history.did_document()


def sign_as(
    document: dict[str, Any], signer: LocalSigner, did_documents: list[dict[str, Any]], *,
    created: dt.datetime, suite: str = "eddsa-rdfc-2022",
) -> dict[str, Any]:
    """Sign like ``issuer.sign`` does, but check the result against did:web documents (a bundle's view)."""
    verifier = Verifier(contexts=TYPES_CONTEXT_DIR, resolver=StaticResolver({d["id"]: d for d in did_documents}))
    unsecured = {k: v for k, v in copy.deepcopy(document).items() if k != "proof"}
    options = {"created": ts(created), "verificationMethod": signer.verification_method, "proofPurpose": "assertionMethod"}
    proof = suite_for_signing(suite).create_proof(unsecured, signer, options, verifier.processor)
    signed = {**unsecured, "proof": proof}
    assert verifier.check_proofs(signed).verified, verifier.check_proofs(signed).first_error
    return signed


class World:
    """A trust anchor (did:key), three did:web issuers, their DID documents, a trust list and status lists."""

    def __init__(self) -> None:
        self.anchor = LocalSigner(generate("ed25519"))
        self.roc = WebIssuer.new("did:web:roc.example", "ROC Voorbeeldstad")
        self.evc = WebIssuer.new("did:web:evc.example", "EVC Centrum Voorbeeld")
        self.bakery = WebIssuer.new("did:web:bakkerij.example", "Bakkerij De Korst")

    def issuers(self) -> list[WebIssuer]:
        return [self.roc, self.evc, self.bakery]

    def trust_list(self, **changes: Any) -> TrustList:
        entries = (
            TrustListEntry(self.roc.did, self.roc.name, ("MboDiploma", "MboCertificaat"), role="roc",
                           valid_from=dt.datetime(2020, 1, 1, tzinfo=UTC)),
            TrustListEntry(self.evc.did, self.evc.name, ("Ervaringscertificaat",), role="evc-aanbieder"),
            TrustListEntry(self.bakery.did, self.bakery.name, ("MicroCredential",), role="werkgever"),
        )
        values: dict[str, Any] = {
            "issuer": self.anchor.controller, "entries": entries, "id": "urn:uuid:4f0a7c1e-trust-list-test",
            "name": "Erkende uitgevers (test)", "valid_from": NOW - dt.timedelta(days=30),
            "valid_until": NOW + dt.timedelta(days=365),
        }
        values.update(changes)
        return TrustList(**values)

    def signed_trust_list(self, trust_list: TrustList | None = None) -> dict[str, Any]:
        return sign_trust_list(trust_list or self.trust_list(), self.anchor)

    def documents(self) -> list[dict[str, Any]]:
        return [issuer.document() for issuer in self.issuers()]

    def credential(
        self, issuer: WebIssuer, kind: str = "MboDiploma", *, created: dt.datetime = NOW - dt.timedelta(days=10),
        key_id: str | None = None, status_index: int | None = None, purpose: str = "revocation",
        **changes: Any,
    ) -> dict[str, Any]:
        credential = sample_credential(issuer.did)
        credential["@context"].append(TYPES_CONTEXT)
        credential["type"] = ["VerifiableCredential", "OpenBadgeCredential", kind]
        credential["issuer"]["name"] = "Naam die de uitgever zelf claimt"
        credential["validFrom"] = ts(created)
        if status_index is not None:
            url = STATUS_URL if purpose == "revocation" else STATUS_URL + "-suspension"
            credential["credentialStatus"] = status_entry(url, status_index, purpose=purpose)
        credential.update(changes)
        return sign_as(credential, issuer.signer(key_id), self.documents(), created=created)

    def status_list(
        self, issuer: WebIssuer | None = None, *, revoked: tuple[int, ...] = (), url: str = STATUS_URL,
        valid_from: dt.datetime = NOW - dt.timedelta(days=1), purpose: str = "revocation",
        signer_of: WebIssuer | None = None, **subject_changes: Any,
    ) -> dict[str, Any]:
        issuer = issuer or self.roc
        unsigned = status_list_credential(url, issuer=issuer.did, purpose=purpose, revoked=revoked, valid_from=valid_from)
        unsigned["credentialSubject"].update(subject_changes)
        signer = (signer_of or issuer)
        unsigned["issuer"] = signer.did
        return sign_as(unsigned, signer.signer(), self.documents(), created=valid_from)

    def bundle(self, **parts: Any) -> Bundle:
        values: dict[str, Any] = {
            "trust_list": self.signed_trust_list(),
            "did_documents": self.documents(),
            "status_lists": [self.status_list()],
            "contexts": TYPES_CONTEXT_DIR,
            "created_at": NOW - dt.timedelta(hours=1),
        }
        values.update(parts)
        return Bundle.create(**values)

    def verify(self, document: Any, bundle: Bundle | None = None, *, now: dt.datetime = NOW, **options: Any):
        """Verify as a careful employer does: the bundle's trust list pinned to this world's anchor (unless told)."""
        if "policy" not in options:
            options.setdefault("trust_anchors", [self.anchor.controller])
        verifier = Verifier(bundle=bundle if bundle is not None else self.bundle(), **options)
        return verifier.verify(document, now=now)


def new_did_key_credential(**changes: Any) -> tuple[dict[str, Any], LocalSigner]:
    """A did:key-signed sample credential (no bundle needed to resolve its key)."""
    signer = LocalSigner(generate("ed25519"))
    credential = sample_credential(signer.controller)
    credential.update(changes)
    return sign(credential, signer), signer

