"""did:jwk (Ed25519, P-256) resolved offline from the identifier; every defect is ``unresolvable_key``."""

from __future__ import annotations

import base64
import json

import pytest

from skillspas.keys import generate
from skillspas.keys.did_jwk import did_jwk_for, resolve_did_jwk
from skillspas.schemas.errors import ErrorCode, SkillspasError


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_a_did_jwk_resolves_to_its_own_key_with_the_signing_relationships(kind):
    pair = generate(kind)
    method = resolve_did_jwk(did_jwk_for(pair.public_key) + "#0")
    assert method.public_key == pair.public_key and method.id.endswith("#0")
    assert "authentication" in method.relationships and "keyAgreement" not in method.relationships


def _did(jwk: dict[str, str]) -> str:
    return "did:jwk:" + base64.urlsafe_b64encode(json.dumps(jwk).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("did", [
    pytest.param(_did({"kty": "OKP", "crv": "Ed25519", "x": "A" * 43, "d": "A" * 43}), id="a private part"),
    pytest.param(_did({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "B" * 43}), id="off the curve"),
    pytest.param(_did({"kty": "EC", "crv": "P-384", "x": "A" * 64, "y": "B" * 64}), id="another curve"),
    pytest.param("did:jwk:" + "eyJr" * 1000, id="too long"),
    pytest.param("did:jwk:e30=", id="padding"),
])
def test_a_defective_did_jwk_is_unresolvable(did):
    with pytest.raises(SkillspasError) as caught:
        resolve_did_jwk(did)
    assert caught.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_a_did_jwk_for_encryption_cannot_authenticate():
    jwk = json.loads(base64.urlsafe_b64decode(did_jwk_for(generate("ed25519").public_key)[8:] + "=="))
    assert "authentication" not in resolve_did_jwk(_did({**jwk, "use": "enc"})).relationships
