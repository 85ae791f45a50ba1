"""The W3C Data Integrity test vectors (vc-di-eddsa, vc-di-ecdsa) and the OB 3.0 guide's vector.

Each intermediate value the specs publish (canonical document, canonical proof configuration,
hashes, signature) is reproduced byte for byte; signed vectors verify at the cryptosuite level,
and the full pipeline refuses them with key_not_authorized, because their issuer does not control
the did:key that signed them. Changing any one value makes verification fail.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any, Iterator

import pytest

from helpers import TEST_CONTEXTS, VECTORS, load_json
from skillspas.keys import DidKeyResolver, KeyPair, PublicKey
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.verifier import verify
from skillspas.verifier.suites import get_suite, proof_config

EDDSA = VECTORS / "vc-di-eddsa"
ECDSA = VECTORS / "vc-di-ecdsa"


@pytest.fixture(scope="module")
def processor() -> DocumentProcessor:
    return DocumentProcessor(TEST_CONTEXTS)


class VectorSigner:
    """A Signer for a spec key pair whose verification method is given by the vector."""

    def __init__(self, pair: KeyPair, verification_method: str) -> None:
        self._pair = pair
        self.verification_method = verification_method
        self.controller = verification_method.split("#")[0]
        self.public_key = pair.public_key
        self.algorithm = str(pair.public_key.kind)

    def sign(self, data: bytes) -> bytes:
        return self._pair.sign(data)


# (folder, suffix, unsigned document, key pair file, hash)
CASES = [
    pytest.param(EDDSA / "eddsa-rdfc-2022", "DataInt", EDDSA / "unsigned.json", EDDSA / "keyPair.json", "sha256", id="eddsa"),
    pytest.param(EDDSA / "eddsa-rdfc-2022/employ", "DataInt", EDDSA / "employmentAuth.json", EDDSA / "keyPair.json", "sha256", id="eddsa-employ"),
    pytest.param(ECDSA / "ecdsa-rdfc-2019-p256", "ECDSAP256", ECDSA / "unsigned.json", ECDSA / "p256KeyPair.json", "sha256", id="ecdsa-p256"),
    pytest.param(ECDSA / "ecdsa-rdfc-2019-p256/employ", "ECDSAP256", ECDSA / "employmentAuth.json", ECDSA / "p256KeyPair.json", "sha256", id="ecdsa-p256-employ"),
    pytest.param(ECDSA / "ecdsa-rdfc-2019-p384", "ECDSAP384", ECDSA / "unsigned.json", ECDSA / "p384KeyPair.json", "sha384", id="ecdsa-p384"),
    pytest.param(ECDSA / "ecdsa-rdfc-2019-p384/employ", "ECDSAP384", ECDSA / "employmentAuth.json", ECDSA / "p384KeyPair.json", "sha384", id="ecdsa-p384-employ"),
]


def _key_pair(path: Path) -> KeyPair:
    keys = load_json(path)
    return KeyPair.from_multibase(keys["publicKeyMultibase"], keys.get("secretKeyMultibase") or keys["privateKeyMultibase"])


@pytest.mark.parametrize("folder, suffix, unsigned, keys, hash_name", CASES)
def test_intermediate_values_are_byte_exact(processor, folder, suffix, unsigned, keys, hash_name):
    document = load_json(unsigned)
    config = load_json(folder / f"proofConfig{suffix}.json")
    canonical_document = processor.canonical_nquads(document, hash_name)
    canonical_config = processor.canonical_nquads(config, hash_name)
    assert canonical_document == (folder / f"canonDoc{suffix}.txt").read_text("utf-8")
    assert canonical_config == (folder / f"proofCanon{suffix}.txt").read_text("utf-8")
    doc_hash = hashlib.new(hash_name, canonical_document.encode()).hexdigest()
    proof_hash = hashlib.new(hash_name, canonical_config.encode()).hexdigest()
    assert doc_hash == (folder / f"docHash{suffix}.txt").read_text().strip()
    assert proof_hash == (folder / f"proofHash{suffix}.txt").read_text().strip()
    assert proof_hash + doc_hash == (folder / f"combinedHash{suffix}.txt").read_text().strip()


@pytest.mark.parametrize("folder, suffix, unsigned, keys, hash_name", CASES)
def test_create_proof_matches_vector(processor, folder, suffix, unsigned, keys, hash_name):
    document = load_json(unsigned)
    config = load_json(folder / f"proofConfig{suffix}.json")
    pair = _key_pair(keys)
    suite = get_suite(config["cryptosuite"])
    options = {k: v for k, v in config.items() if k not in ("type", "cryptosuite", "@context")}
    proof = suite.create_proof(document, VectorSigner(pair, config["verificationMethod"]), options, processor)
    expected = (folder / f"sigBTC58{suffix}.txt").read_text().strip()
    if pair.public_key.kind == "Ed25519":  # deterministic: the very same signature
        assert proof["proofValue"] == expected
    else:  # ECDSA signatures are randomised: ours must verify, and so must the vector's
        suite.verify_proof(document, proof, pair.public_key, processor)
        suite.verify_proof(document, {**proof, "proofValue": expected}, pair.public_key, processor)


@pytest.mark.parametrize("folder, suffix, unsigned, keys, hash_name", CASES)
def test_signed_vector_verifies_at_cryptosuite_level(processor, folder, suffix, unsigned, keys, hash_name):
    signed = load_json(folder / f"signed{suffix}.json")
    proof = signed["proof"]
    method = DidKeyResolver().resolve(proof["verificationMethod"])
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    get_suite(proof["cryptosuite"]).verify_proof(unsecured, proof, method.public_key, processor)


@pytest.mark.parametrize("folder, suffix, unsigned, keys, hash_name", CASES)
def test_full_pipeline_rejects_vector_issuer_binding(folder, suffix, unsigned, keys, hash_name):
    """The vectors' issuer does not control the did:key that signed: key_not_authorized, after a valid proof."""
    result = verify(load_json(folder / f"signed{suffix}.json"), contexts=TEST_CONTEXTS)
    assert not result.verified
    assert result.errors[0].code is ErrorCode.KEY_NOT_AUTHORIZED
    assert [p.ok for p in result.proofs] == [True]
    assert result.exit_code == 1


def _leaves(node: Any, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("@context", "proofValue", "cryptosuite", "verificationMethod"):
                yield from _leaves(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, path + (index,))
    else:
        yield path


def _tamper(document: dict, path: tuple) -> dict:
    changed = copy.deepcopy(document)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    value = parent[path[-1]]
    if isinstance(value, str) and value[:4].isdigit():
        parent[path[-1]] = str(int(value[:4]) + 1) + value[4:]  # a date: still a date, one year later
    elif isinstance(value, str):
        parent[path[-1]] = value + "x"
    else:
        parent[path[-1]] = "changed"
    return changed


SIGNED = [
    EDDSA / "eddsa-rdfc-2022/signedDataInt.json",
    EDDSA / "eddsa-rdfc-2022/employ/signedDataInt.json",
    ECDSA / "ecdsa-rdfc-2019-p256/signedECDSAP256.json",
    ECDSA / "ecdsa-rdfc-2019-p384/signedECDSAP384.json",
    EDDSA / "proof-set-chain/signedProofSet1.json",
    EDDSA / "proof-set-chain/signedProofSet2.json",
    EDDSA / "proof-set-chain/signedProofChain1.json",
    EDDSA / "proof-set-chain/signedProofChain2.json",
]
_TAMPER_CASES = [
    pytest.param(path, leaf, id=f"{path.parent.name}/{path.name}:{'/'.join(map(str, leaf))}")
    for path in SIGNED
    for leaf in _leaves(load_json(path))
    if leaf not in (("type", 0),) and not (leaf[0] == "proof" and (leaf[-1] in ("type", "id", "proofPurpose") or "previousProof" in leaf))
]


@pytest.mark.parametrize("path, leaf", _TAMPER_CASES)
def test_any_changed_value_fails_with_invalid_signature(path, leaf):
    result = verify(_tamper(load_json(path), leaf), contexts=TEST_CONTEXTS)
    assert not result.verified
    if "type" in leaf:  # a changed type name is no longer defined by any context: refused even earlier
        assert result.errors[0].code in (ErrorCode.INVALID_SIGNATURE, ErrorCode.UNDEFINED_TERM), result.errors
    else:
        assert result.errors[0].code is ErrorCode.INVALID_SIGNATURE, result.errors


@pytest.mark.parametrize("path", [p for p in SIGNED if "proof-set-chain" in str(p)], ids=lambda p: p.name)
def test_proof_sets_and_chains_verify_every_proof(path):
    result = verify(load_json(path), contexts=TEST_CONTEXTS)
    proofs = load_json(path)["proof"]
    assert len(result.proofs) == (len(proofs) if isinstance(proofs, list) else 1)
    assert all(p.ok for p in result.proofs)
    assert result.errors[0].code is ErrorCode.KEY_NOT_AUTHORIZED  # issuer binding, after the proofs held


def test_previous_proof_naming_a_missing_proof_is_invalid_proof():
    signed = load_json(EDDSA / "proof-set-chain/signedProofChain2.json")
    signed["proof"][3]["previousProof"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    result = verify(signed, contexts=TEST_CONTEXTS)
    assert result.errors[0].code is ErrorCode.INVALID_PROOF
    assert result.errors[0].path == "/proof/3/previousProof"


def test_changed_proof_purpose_is_not_a_pass():
    signed = load_json(EDDSA / "eddsa-rdfc-2022/signedDataInt.json")
    signed["proof"]["proofPurpose"] = "authentication"
    result = verify(signed, contexts=TEST_CONTEXTS)
    assert result.errors[0].code is ErrorCode.INVALID_SIGNATURE


def test_ob3_guide_vector_is_reproduced(processor):
    folder = VECTORS / "ob3"
    credential = load_json(folder / "credential.json")
    options = load_json(folder / "proofOptions.json")
    hashes = load_json(folder / "hashes.json")
    keys = load_json(folder / "keyPair.json")
    config = proof_config(options, credential["@context"])
    assert processor.canonical_nquads(credential) == (folder / "document-canon.txt").read_text("utf-8")
    assert processor.canonical_nquads(config) == (folder / "proof-canon.txt").read_text("utf-8")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pair = KeyPair(Ed25519PrivateKey.from_private_bytes(bytes.fromhex(keys["privateKeyHex"])[:32]))
    assert pair.public_key.multibase == keys["publicKeyMultibase"]
    suite = get_suite("eddsa-rdfc-2022")
    proof = suite.create_proof(
        credential, VectorSigner(pair, keys["id"]),
        {k: v for k, v in options.items() if k not in ("type", "cryptosuite")}, processor,
    )
    assert proof["proofValue"] == hashes["proofValue"]
    signed = load_json(folder / "signed-credential.json")
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    proof_obj = signed["proof"][0] if isinstance(signed["proof"], list) else signed["proof"]
    suite.verify_proof(unsecured, proof_obj, PublicKey.from_multibase(keys["publicKeyMultibase"]), processor)
    with pytest.raises(SkillspasError) as caught:
        suite.verify_proof({**unsecured, "name": "changed"}, proof_obj, pair.public_key, processor)
    assert caught.value.code is ErrorCode.INVALID_SIGNATURE
