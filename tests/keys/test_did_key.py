"""did:key: identifiers for every kind, documents, and strict resolution."""

from __future__ import annotations

import json
from pathlib import Path

import base58
import pytest

from skillspas.keys import KeyPair, PublicKey, did_key_document, did_key_for, resolve_did_key
from skillspas.keys.did_key import verification_method_id
from skillspas.schemas.errors import ErrorCode, SkillspasError

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"
ED = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
P256 = "zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP"
P384 = "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ"


def test_eddsa_vector_key_gives_the_expected_did_key() -> None:
    vector = json.loads((VECTORS / "vc-di-eddsa/keyPair.json").read_text())
    pair = KeyPair.from_multibase(vector["publicKeyMultibase"], vector["privateKeyMultibase"])
    assert did_key_for(pair.public_key) == f"did:key:{ED}"


@pytest.mark.parametrize(
    ("multibase", "kind", "prefix"),
    [
        pytest.param(ED, "Ed25519", "did:key:z6Mk", id="Ed25519"),
        pytest.param(P256, "P-256", "did:key:zDn", id="P-256"),
        pytest.param(P384, "P-384", "did:key:z82L", id="P-384"),
    ],
)
def test_did_key_round_trips_for_every_kind(multibase: str, kind: str, prefix: str) -> None:
    did = did_key_for(PublicKey.from_multibase(multibase))
    assert did == f"did:key:{multibase}"
    assert did.startswith(prefix)
    vm = resolve_did_key(did)
    assert vm.public_key.kind == kind
    assert vm.public_key.multibase == multibase
    assert vm.id == verification_method_id(did) == f"{did}#{multibase}"
    assert vm.controller == did
    assert vm.type == "Multikey"


@pytest.mark.parametrize(
    "did",
    [
        pytest.param(
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", id="spec Ed25519 example"
        ),
        pytest.param(
            "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169", id="spec P-256 example"
        ),
    ],
)
def test_did_key_spec_examples_resolve(did: str) -> None:
    assert resolve_did_key(did).controller == did


def test_verification_method_url_with_matching_fragment_resolves() -> None:
    vm = resolve_did_key(f"did:key:{ED}#{ED}")
    assert vm.id == f"did:key:{ED}#{ED}"
    assert vm.relationships == frozenset(
        {"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"}
    )


def _small_order_did() -> str:
    return "did:key:z" + base58.b58encode(b"\xed\x01\x01" + bytes(31)).decode()


@pytest.mark.parametrize(
    "did_url",
    [
        pytest.param(f"did:key:{ED}#{P256}", id="fragment names another key"),
        pytest.param(f"did:key:{ED}#key-1", id="fragment is not the multibase"),
        pytest.param(f"did:key:{ED}#", id="empty fragment"),
        pytest.param(f"did:key:{ED}#{ED}x", id="fragment longer than the multibase"),
        pytest.param(f"did:key:{ED}?service=x", id="query"),
        pytest.param(f"did:key:{ED}/path", id="path"),
        pytest.param(f"did:key:1:{ED}", id="version prefix"),
        pytest.param(f"did:key:{ED};param=1", id="DID parameter"),
        pytest.param(
            "did:key:z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc", id="X25519 key (z6LS)"
        ),
        pytest.param(
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", id="secp256k1 key (zQ3s)"
        ),
        pytest.param(f"did:key:{ED[:-1]}", id="truncated key"),
        pytest.param("did:key:", id="empty method-specific id"),
        pytest.param(f"did:web:{ED}", id="another method"),
        pytest.param(f"DID:KEY:{ED}", id="upper-case scheme"),
        pytest.param(f"did:key:u{ED[1:]}", id="not base58btc"),
        pytest.param(_small_order_did(), id="small-order Ed25519 key"),
        pytest.param(f"did:key:{ED}" + "#" + "x" * 600, id="overlong URL"),
    ],
)
def test_resolving_a_malformed_did_key_reports_unresolvable_key(did_url: str) -> None:
    with pytest.raises(SkillspasError) as info:
        resolve_did_key(did_url)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_did_key_document_has_the_w3c_shape() -> None:
    did = f"did:key:{ED}"
    vm_id = f"{did}#{ED}"
    assert did_key_document(did) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": ED}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


def test_did_key_document_refuses_a_did_url() -> None:
    with pytest.raises(ValueError):
        did_key_document(f"did:key:{ED}#{ED}")


def test_verification_method_id_refuses_a_did_url() -> None:
    with pytest.raises(ValueError):
        verification_method_id(f"did:key:{ED}#{ED}")


def test_did_key_for_needs_a_public_key() -> None:
    with pytest.raises(TypeError):
        did_key_for(ED)  # type: ignore[arg-type]
