"""A trust list may pin each issuer's keys: a bundle's DID document then cannot add one.

The attack this closes: offline, a did:web document comes from the bundle file, which nothing signs.
Whoever can hand an employer a bundle could add their own key to a trusted school's DID document and
sign diplomas "by" that school. With the school's keys in the (anchor-signed) trust list, such a
signature is ``key_not_authorized``; the same bundle without pins shows the hole.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import subprocess
import sys

import pytest

from trustworld import NOW, TYPES_CONTEXT_DIR, UTC, World, sign_as
from skillspas.keys import PinnedKeys, StaticResolver, generate
from skillspas.keys.did_web import did_web_to_path
from skillspas.keys.trust_list import TRUST_LIST_CONTEXT, TRUST_LIST_CONTEXT_V2, TrustList, TrustListEntry
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import Verifier

ATTACKER_KEY_ID = "did:web:roc.example#key-attacker"



def _pinned(world: World, **changes) -> TrustList:
    """The standard trust list, with every issuer's current keys pinned."""
    plain = world.trust_list(**changes)
    keys = {i.did: tuple(m["publicKeyMultibase"] for m in i.document()["verificationMethod"]) for i in world.issuers()}
    entries = tuple(
        TrustListEntry(e.did, e.name, e.credential_types, e.valid_from, e.valid_until, e.role, keys[e.did])
        for e in plain.entries
    )
    return dataclasses.replace(plain, entries=entries)


def _forged(world: World) -> tuple[dict, list[dict]]:
    """A diploma "by" the ROC, signed with an attacker's key added to the ROC's DID document."""
    attacker = generate("ed25519")
    world.roc.keys[ATTACKER_KEY_ID] = attacker
    documents = world.documents()
    roc = next(d for d in documents if d["id"] == world.roc.did)
    roc["verificationMethod"].append({
        "id": ATTACKER_KEY_ID, "type": "Multikey", "controller": world.roc.did,
        "publicKeyMultibase": attacker.public_key.multibase,
    })
    roc["assertionMethod"].append(ATTACKER_KEY_ID)
    credential = world.credential(world.roc)  # signed with the ROC's real key, then re-signed below
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    forged = sign_as(unsigned, world.roc.signer(ATTACKER_KEY_ID), documents, created=NOW - dt.timedelta(days=1))
    return forged, documents


def test_pinned_trust_list_uses_the_v2_context_and_round_trips(world):
    trust_list = _pinned(world)
    credential = trust_list.to_credential()
    assert credential["@context"][1] == TRUST_LIST_CONTEXT_V2
    assert TrustList.from_credential(credential) == trust_list
    assert world.trust_list().to_credential()["@context"][1] == TRUST_LIST_CONTEXT  # no pins: unchanged v1
    signed = world.signed_trust_list(trust_list)
    assert signed["credentialSubject"]["trustedIssuer"][0]["publicKeyMultibase"] == list(trust_list.entries[0].keys)


def test_a_key_added_to_a_bundled_did_document_signs_nothing_when_keys_are_pinned(world):
    forged, documents = _forged(world)
    unpinned = world.bundle(did_documents=documents)
    assert Verifier(bundle=unpinned).verify(forged, now=NOW).verified  # the hole, without pins
    pinned = world.bundle(did_documents=documents, trust_list=world.signed_trust_list(_pinned(world)))
    result = Verifier(bundle=pinned).verify(forged, now=NOW)
    assert not result.verified
    assert result.first_error.code is ErrorCode.KEY_NOT_AUTHORIZED
    assert "trust list" in result.first_error.message


def test_pinned_keys_still_verify_what_they_signed(world):
    bundle = world.bundle(trust_list=world.signed_trust_list(_pinned(world)))
    result = Verifier(bundle=bundle).verify(world.credential(world.roc, status_index=1), now=NOW)
    assert result.verified, result.first_error
    assert result.summary.issuer_name == world.roc.name


def test_a_status_list_signed_by_an_unpinned_key_is_not_believed(world):
    forged_list_signer = generate("ed25519")
    world.roc.keys[ATTACKER_KEY_ID] = forged_list_signer
    _, documents = _forged(world)
    from skillspas.issuer.status_lists import status_list_credential

    unsigned = status_list_credential("https://roc.example/status/1", issuer=world.roc.did, revoked=(),
                                      valid_from=NOW - dt.timedelta(hours=1))
    fake = sign_as(unsigned, world.roc.signer(ATTACKER_KEY_ID), documents, created=NOW - dt.timedelta(hours=1))
    bundle = world.bundle(did_documents=documents, trust_list=world.signed_trust_list(_pinned(world)),
                          status_lists=[fake])
    credential = world.credential(world.roc, status_index=5)
    result = Verifier(bundle=bundle).verify(credential, now=NOW)
    assert not result.verified  # the fake "nothing revoked" list is refused, so the status is unknown
    assert result.first_error.code is ErrorCode.STATUS_UNAVAILABLE
    assert "key_not_authorized" in result.first_error.message


def test_pins_apply_to_the_did_the_key_id_names_and_to_its_controller(world):
    roc = world.roc.document()
    method = dict(roc["verificationMethod"][0])
    resolver = PinnedKeys(StaticResolver({roc["id"]: roc}), {world.roc.did: frozenset({"z6MkOther"})})
    with pytest.raises(SkillspasError) as info:
        resolver.resolve(method["id"] if method["id"].startswith("did:") else roc["id"] + method["id"])
    assert info.value.code is ErrorCode.KEY_NOT_AUTHORIZED
    other = PinnedKeys(StaticResolver({roc["id"]: roc}), {"did:web:evc.example": frozenset({"z6MkOther"})})
    assert other.resolve(roc["id"] + "#key-1").controller == world.roc.did


@pytest.mark.parametrize("keys", [("not-a-key",), ("z1111",), (7,)])
def test_an_entry_pins_only_real_multikey_public_keys(keys):
    with pytest.raises(ValueError):
        TrustListEntry("did:web:roc.example", "ROC", ("MboDiploma",), keys=keys)


def test_a_malformed_pin_list_in_a_trust_list_is_schema_invalid(world):
    credential = world.signed_trust_list(_pinned(world))
    credential = copy.deepcopy(credential)
    credential["credentialSubject"]["trustedIssuer"][0]["publicKeyMultibase"] = [7]
    with pytest.raises(SkillspasError) as info:
        TrustList.from_credential(credential)
    assert info.value.code is ErrorCode.SCHEMA_INVALID
    assert info.value.path == "/credentialSubject/trustedIssuer/0/publicKeyMultibase"


def test_bundle_create_refuses_a_did_document_with_a_key_the_trust_list_does_not_pin(world, tmp_path):
    now = dt.datetime.now(UTC)
    _, documents = _forged(world)
    trust_list = world.signed_trust_list(_pinned(world, valid_from=now - dt.timedelta(days=1),
                                                 valid_until=now + dt.timedelta(days=30)))
    (tmp_path / "tl.json").write_text(json.dumps(trust_list), "utf-8")
    for document in documents:
        path = tmp_path / "dids" / did_web_to_path(document["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document), "utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "bundle", "create",
         "--trust-list", str(tmp_path / "tl.json"), "--dids", str(tmp_path / "dids"),
         "--contexts", str(TYPES_CONTEXT_DIR), "--out", str(tmp_path / "bundle.json")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "key_not_authorized" in proc.stdout + proc.stderr and "roc.example" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "bundle.json").exists()


def _embedded_in_assertion_method(world: World) -> list[dict]:
    documents = world.documents()
    roc = next(d for d in documents if d["id"] == world.roc.did)
    roc["assertionMethod"].append({"id": ATTACKER_KEY_ID, "type": "Multikey", "controller": world.roc.did,
                                   "publicKeyMultibase": generate("ed25519").public_key.multibase})
    return documents


def _foreign_document_naming_the_roc(world: World) -> list[dict]:
    evil = "did:web:evil.example"
    return world.documents() + [{
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"], "id": evil,
        "verificationMethod": [{"id": f"{evil}#key-1", "type": "Multikey", "controller": world.roc.did,
                                "publicKeyMultibase": generate("ed25519").public_key.multibase}],
        "assertionMethod": [f"{evil}#key-1"],
    }]


@pytest.mark.parametrize("forge", [_embedded_in_assertion_method, _foreign_document_naming_the_roc])
def test_bundle_create_finds_an_unpinned_key_wherever_a_document_puts_it(world, forge):
    from skillspas.verifier.cli import _check_new_bundle

    bundle = world.bundle(did_documents=forge(world), trust_list=world.signed_trust_list(_pinned(world)))
    with pytest.raises(SkillspasError) as info:
        _check_new_bundle(bundle, [world.anchor.controller])
    assert info.value.code is ErrorCode.KEY_NOT_AUTHORIZED
    _check_new_bundle(world.bundle(trust_list=world.signed_trust_list(_pinned(world))), [world.anchor.controller])


def test_bundle_create_says_in_dutch_and_english_which_document_adds_a_key_and_to_sign_the_list_again(world, tmp_path):
    """An issuer that rotated its key (``org rotate-key``) publishes a did.json with a key the list does not pin
    yet: the trust anchor reads in Dutch too which document it is and what to do, not only the code's sentence."""
    test_bundle_create_refuses_a_did_document_with_a_key_the_trust_list_does_not_pin(world, tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "bundle", "create",
         "--trust-list", str(tmp_path / "tl.json"), "--dids", str(tmp_path / "dids"),
         "--contexts", str(TYPES_CONTEXT_DIR), "--out", str(tmp_path / "bundle.json")],
        capture_output=True, text=True, timeout=120,
    )
    dutch, english = proc.stderr.splitlines()[-2:]
    assert dutch.startswith(f"fout [key_not_authorized]: DID-document van {world.roc.did}: de vertrouwenslijst")
    assert english.startswith(f"error [key_not_authorized]: DID document of {world.roc.did}: the trust list")
    assert all("skillspas trust-list sign --dids" in line for line in (dutch, english))
