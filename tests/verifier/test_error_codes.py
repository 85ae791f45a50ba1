"""Every refusal has its stable error code and exit code (DESIGN.md "Contracts")."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys

import pytest

from helpers import new_signer, signed_credential
from skillspas.issuer.demo import sample_credential
from skillspas.schemas.errors import ErrorCode
from skillspas.schemas.limits import Limits
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.verifier import verify
from skillspas.verifier.suites import get_suite

NETWORK_EVENTS: list[tuple] = []


def _audit(event: str, args: tuple) -> None:
    if event.startswith("socket.") or event in ("urllib.Request", "http.client.connect"):
        NETWORK_EVENTS.append((event, args))


sys.addaudithook(_audit)


@pytest.fixture(scope="module")
def issued():
    return signed_credential()


def _verify_trusted(document, signer, **kwargs):
    return verify(document, trusted_issuers=[signer.controller], **kwargs)


def _code(result) -> ErrorCode:
    assert not result.verified
    return result.first_error.code


def test_a_valid_credential_verifies(issued):
    signed, signer = issued
    result = _verify_trusted(signed, signer)
    assert result.verified and bool(result) and result.exit_code == 0
    assert [c.check for c in result.checks] == [
        "parse", "contexts", "shape", "key", "proof", "purpose", "trust", "validity", "status",
    ]
    assert len(result.summary.skills) == 4


def test_unknown_context_is_refused_without_opening_a_socket(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["@context"].append("https://example.org/not-bundled/v1")
    NETWORK_EVENTS.clear()
    result = _verify_trusted(document, signer)
    assert _code(result) is ErrorCode.UNKNOWN_CONTEXT
    assert result.exit_code == 2
    assert result.first_error.path == "/@context/2"
    assert NETWORK_EVENTS == []


def test_an_inline_context_redefining_a_term_is_refused(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["@context"].append({"name": "http://example.org/other-name"})
    assert _code(_verify_trusted(document, signer)) is ErrorCode.REDEFINED_TERM


def test_context_must_start_with_vc_v2(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["@context"].reverse()
    assert _code(_verify_trusted(document, signer)) is ErrorCode.SCHEMA_INVALID


def test_a_bundle_given_in_place_of_a_credential_says_to_give_it_with_bundle():
    """``skillspas verify bundle.json``: it said only that @context is missing, "no W3C credential"."""
    from skillspas.verifier import Bundle

    result = verify(Bundle.create().to_json())
    assert _code(result) is ErrorCode.SCHEMA_INVALID and result.exit_code == 2
    assert "controlebundel" in result.first_error.text("nl") and "--bundle" in result.first_error.message


def test_undefined_term_names_its_json_path(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["credentialSubject"]["achievement"]["shoeSize"] = "44"
    result = _verify_trusted(document, signer)
    assert _code(result) is ErrorCode.UNDEFINED_TERM
    assert result.first_error.path == "/credentialSubject/achievement/shoeSize"
    assert result.exit_code == 2


def test_undefined_type_is_refused(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["type"].append("GoldStarCredential")
    result = _verify_trusted(document, signer)
    assert _code(result) is ErrorCode.UNDEFINED_TERM
    assert result.first_error.path == "/type/2"


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": 1, "a": 2}',
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": 9007199254740993}',
        b'{"a": "\\ud800"}',
        b'\xff\xfe{}',
        b'{"a": ',
        b"[1, 2]",
    ],
    ids=["duplicate-key", "nan", "infinity", "big-int", "lone-surrogate", "not-utf8", "truncated", "not-object"],
)
def test_malformed_json(text):
    result = verify(text)
    assert _code(result) in (ErrorCode.MALFORMED_JSON, ErrorCode.SCHEMA_INVALID)
    if text != b"[1, 2]":
        assert _code(result) is ErrorCode.MALFORMED_JSON
    assert result.exit_code == 2


def test_too_large():
    big = b'{"a": "' + b"x" * (Limits().max_bytes) + b'"}'
    result = verify(big)
    assert _code(result) is ErrorCode.TOO_LARGE and result.exit_code == 2


def test_too_deep():
    assert _code(verify(b'{"a":' * 65 + b"1" + b"}" * 65)) is ErrorCode.TOO_DEEP
    assert _code(verify(b"[" * 100_000 + b"]" * 100_000)) is ErrorCode.TOO_DEEP


def test_limits_are_configurable():
    assert _code(verify(b'{"a": {"b": 1}}', limits=Limits(max_depth=1))) is ErrorCode.TOO_DEEP
    assert _code(verify(b'{"a": 1}', limits=Limits(max_bytes=4))) is ErrorCode.TOO_LARGE


def test_unsupported_cryptosuite(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["proof"]["cryptosuite"] = "bbs-2023"
    result = _verify_trusted(document, signer)
    assert _code(result) is ErrorCode.UNSUPPORTED_CRYPTOSUITE and result.exit_code == 2


def test_unsupported_proof_type(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["proof"]["type"] = "Ed25519Signature2020"
    assert _code(_verify_trusted(document, signer)) is ErrorCode.UNSUPPORTED_CRYPTOSUITE


def _signed_raw(issuer: str, signer, purpose: str) -> dict:
    """A credential naming ``issuer`` with a valid proof by ``signer`` for ``purpose`` (no issuer checks)."""
    credential = sample_credential(issuer)
    proof = get_suite("eddsa-rdfc-2022").create_proof(
        credential, signer, {"created": "2026-01-01T00:00:00Z", "proofPurpose": purpose}, DocumentProcessor()
    )
    return {**credential, "proof": proof}


def test_wrong_proof_purpose_with_a_valid_signature():
    signer = new_signer()
    result = _verify_trusted(_signed_raw(signer.controller, signer, "authentication"), signer)
    assert _code(result) is ErrorCode.WRONG_PROOF_PURPOSE and result.exit_code == 1
    assert result.proofs[0].ok  # the signature itself held


def test_key_not_controlled_by_the_issuer(issued):
    """Someone signs a credential that names another issuer with their own (valid) key."""
    _, victim = issued
    result = _verify_trusted(_signed_raw(victim.controller, new_signer(), "assertionMethod"), victim)
    assert _code(result) is ErrorCode.KEY_NOT_AUTHORIZED and result.exit_code == 1


def test_invalid_signature(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["credentialSubject"]["name"] = "Someone Else"
    result = _verify_trusted(document, signer)
    assert _code(result) is ErrorCode.INVALID_SIGNATURE and result.exit_code == 1
    assert result.proofs[0].ok is False


def test_proof_value_of_wrong_length_is_invalid_proof(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["proof"]["proofValue"] = document["proof"]["proofValue"][:-5]
    assert _code(_verify_trusted(document, signer)) is ErrorCode.INVALID_PROOF


def test_missing_proof_is_invalid_proof(issued):
    signed, signer = issued
    document = {k: v for k, v in signed.items() if k != "proof"}
    assert _code(_verify_trusted(document, signer)) is ErrorCode.INVALID_PROOF


def test_valid_from_in_the_future():
    signed, signer = signed_credential(validFrom="2999-01-01T00:00:00Z")
    result = _verify_trusted(signed, signer)
    assert _code(result) is ErrorCode.NOT_YET_VALID and result.exit_code == 1


def test_valid_until_in_the_past():
    signed, signer = signed_credential(validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")
    result = _verify_trusted(signed, signer)
    assert _code(result) is ErrorCode.EXPIRED and result.exit_code == 1
    # the same credential, checked as of a moment inside its window, is valid
    assert _verify_trusted(signed, signer, now=dt.datetime(2020, 6, 1, tzinfo=dt.timezone.utc)).verified


def test_untrusted_issuer_without_trust(issued):
    signed, _ = issued
    result = verify(signed)
    assert _code(result) is ErrorCode.UNTRUSTED_ISSUER and result.exit_code == 1


@pytest.mark.parametrize("char", ["\u202e", "\u0007", "\u2066"], ids=["rlo", "bell", "lri"])
def test_control_and_bidi_characters_are_refused(issued, char):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["credentialSubject"]["name"] = "Anouk" + char + "Testdata"
    result = _verify_trusted(document, signer)
    assert _code(result) is ErrorCode.SCHEMA_INVALID
    assert result.first_error.path == "/credentialSubject/name"


def test_weak_ed25519_key_is_refused(issued):
    """The identity point as did:key: a forged signature would verify in common libraries."""
    signed, _ = issued
    from skillspas.keys.multikey import encode_multibase

    weak = encode_multibase(bytes([0xED, 0x01]) + bytes([1]) + bytes(31))
    document = copy.deepcopy(signed)
    document["issuer"]["id"] = f"did:key:{weak}"
    document["proof"]["verificationMethod"] = f"did:key:{weak}#{weak}"
    result = verify(document, trusted_issuers=[f"did:key:{weak}"])
    assert _code(result) is ErrorCode.UNRESOLVABLE_KEY


def test_result_serializes_to_the_json_contract(issued):
    signed, signer = issued
    body = json.loads(json.dumps(_verify_trusted(signed, signer).to_json()))
    assert set(body) >= {"verified", "warnings", "proofs", "checks", "errors", "credentials", "summary"}
    assert body["verified"] is True and body["errors"] == []


def test_vc2_json_schema_is_enforced(issued):
    """credentialStatus without a type: VC 2.0's JSON Schema refuses it (schema_invalid, with path)."""
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["credentialStatus"] = {"id": "https://status.example/1#5"}
    result = _verify_trusted(document, signer)
    assert _code(result) is ErrorCode.SCHEMA_INVALID
    assert result.first_error.path == "/credentialStatus"


@pytest.mark.parametrize("path", [("credentialSubject", "id"), ("credentialSubject", "achievement", "id")])
def test_relative_iris_are_refused_not_resolved_against_a_made_up_base(path):
    """pyld would resolve "foo" against http://example.org/base/ and sign that; others drop it."""
    from skillspas.issuer import sign
    from skillspas.schemas.errors import SkillspasError

    signer = new_signer()
    credential = sample_credential(signer.controller)
    node = credential
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "relative/id"
    with pytest.raises(SkillspasError) as caught:
        sign(credential, signer)
    assert caught.value.code is ErrorCode.SCHEMA_INVALID
    assert caught.value.path == "/" + "/".join(path)
