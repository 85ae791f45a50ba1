"""Rotation keeps old credentials valid; a compromised key fails only what it signed after the compromise."""

from __future__ import annotations

import datetime as dt

import pytest

from trustworld import NOW, UTC, WebIssuer, World, ts
from skillspas.keys import StaticResolver
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import Verifier
from skillspas.verifier.suites import suite_for_signing

ROTATED = NOW - dt.timedelta(days=60)
COMPROMISED = NOW - dt.timedelta(days=20)


@pytest.fixture
def fresh():
    """A world whose ROC rotates its key (a fresh one per test: the history changes)."""
    world = World()
    world.roc = WebIssuer.new("did:web:roc.example", "ROC Voorbeeldstad")
    return world


def _verify(world: World, credential):
    return world.verify(credential, world.bundle())


def test_rotation_keeps_credentials_signed_with_the_old_key_valid(fresh):
    old = fresh.credential(fresh.roc, created=ROTATED - dt.timedelta(days=30))
    new_key = fresh.roc.rotate(ROTATED)
    new = fresh.credential(fresh.roc, created=NOW - dt.timedelta(days=1))
    assert new["proof"]["verificationMethod"] == new_key == "did:web:roc.example#key-2"
    assert old["proof"]["verificationMethod"] == "did:web:roc.example#key-1"
    assert _verify(fresh, old).verified
    assert _verify(fresh, new).verified


def test_compromised_key_invalidates_only_credentials_signed_after_the_compromise(fresh):
    before = fresh.credential(fresh.roc, created=COMPROMISED - dt.timedelta(days=5))
    fresh.roc.rotate(ROTATED)
    # The attacker holds key-1 and signs after the compromise date.
    forged = fresh.credential(fresh.roc, key_id="did:web:roc.example#key-1", created=COMPROMISED + dt.timedelta(days=1))
    at_the_moment = fresh.credential(fresh.roc, key_id="did:web:roc.example#key-1", created=COMPROMISED)
    honest = fresh.credential(fresh.roc, created=NOW - dt.timedelta(days=1))
    assert _verify(fresh, forged).verified  # nothing revoked yet
    fresh.roc.history = fresh.roc.history.revoke("key-1", compromised_at=COMPROMISED, now=NOW)
    for credential in (forged, at_the_moment):
        result = _verify(fresh, credential)
        assert not result.verified and result.first_error.code is ErrorCode.KEY_REVOKED
        assert result.exit_code == 1 and result.first_error.path == "/proof/created"
    assert _verify(fresh, before).verified
    assert _verify(fresh, honest).verified


def test_revoked_key_without_a_created_date_fails(fresh):
    credential = fresh.credential(fresh.roc)
    fresh.roc.rotate(ROTATED)
    fresh.roc.history = fresh.roc.history.revoke("key-1", compromised_at=COMPROMISED, now=NOW)
    # Signed without a created date: the signature holds, but nothing places it before the compromise.
    verifier = Verifier(bundle=fresh.bundle())
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    options = {"verificationMethod": "did:web:roc.example#key-1", "proofPurpose": "assertionMethod"}
    proof = suite_for_signing("eddsa-rdfc-2022").create_proof(
        unsecured, fresh.roc.signer("did:web:roc.example#key-1"), options, verifier.processor
    )
    result = verifier.verify({**unsecured, "proof": proof}, now=NOW)
    assert result.first_error.code is ErrorCode.KEY_REVOKED


def test_expired_key_in_the_did_document_refuses_later_proofs(fresh):
    document = fresh.roc.document()
    document["verificationMethod"][0]["expires"] = ts(COMPROMISED)
    later = fresh.credential(fresh.roc, created=COMPROMISED + dt.timedelta(days=1))
    earlier = fresh.credential(fresh.roc, created=COMPROMISED - dt.timedelta(days=1))
    documents = [document, fresh.evc.document(), fresh.bakery.document()]
    bundle = fresh.bundle(did_documents=documents)
    assert fresh.verify(earlier, bundle).verified
    assert fresh.verify(later, bundle).first_error.code is ErrorCode.KEY_NOT_AUTHORIZED


def test_resolver_reads_revoked_and_refuses_a_malformed_date(fresh):
    fresh.roc.rotate(ROTATED)
    fresh.roc.history = fresh.roc.history.revoke("key-1", compromised_at=COMPROMISED, now=NOW)
    document = fresh.roc.document()
    method = StaticResolver({document["id"]: document}).resolve("did:web:roc.example#key-1")
    assert method.revoked == COMPROMISED.astimezone(UTC) and "assertionMethod" in method.relationships
    document["verificationMethod"][0]["revoked"] = "last tuesday"
    with pytest.raises(SkillspasError) as info:
        StaticResolver({document["id"]: document}).resolve("did:web:roc.example#key-1")
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY
