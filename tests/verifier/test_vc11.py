"""VC Data Model 1.1 documents (https://www.w3.org/2018/credentials/v1): verified with the same strictness
as VC 2.0, ``issuanceDate``/``expirationDate`` as the validity window, ``dataModel`` in the summary.

The credentials are the VC 1.1 form of an OB 3.0 credential (``[credentials/v1, OB context-3.0.x]``, as
many OB 3.0 badges in the wild are) and a plain VC 1.1 credential, signed here (eddsa-rdfc-2022); the
JS reference stack signs them too in tests/interop/test_vc11_interop.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from helpers import new_signer
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.schemas.jsonld.contexts import DATA_INTEGRITY_V2, VC_V1, VC_V2
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.verifier import verify
from skillspas.verifier.suites import suite_for_signing

OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_2 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"


def plain_11(issuer: str, **changes) -> dict:
    """A minimal VC 1.1 credential (VC Data Model 1.1 example 1's shape, with a defined subject term)."""
    credential = {
        "@context": [VC_V1, DATA_INTEGRITY_V2],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"},
    }
    credential.update(changes)
    return credential


def ob3_11(issuer: str, context: str = OB3) -> dict:
    """skillspas's own OB 3.0 sample credential, rewritten into the VC 1.1 form others issue."""
    credential = sample_credential(issuer)
    credential["@context"] = [VC_V1, context]
    credential["type"] = ["VerifiableCredential", "OpenBadgeCredential"]
    credential["issuanceDate"] = credential.pop("validFrom")
    if "validUntil" in credential:
        credential["expirationDate"] = credential.pop("validUntil")
    credential.pop("credentialStatus", None)
    return credential


@pytest.mark.parametrize("context", [OB3, OB3_2])
def test_a_vc11_open_badges_credential_verifies_and_says_it_is_vc11(context):
    signer = new_signer()
    signed = sign(ob3_11(signer.controller, context), signer)
    assert signed["@context"] == [VC_V1, context, DATA_INTEGRITY_V2]  # the proof terms' context is added
    result = verify(signed, trusted_issuers=[signer.controller])
    assert result.verified, result.to_json()
    summary = result.to_json()["summary"]
    assert summary["dataModel"] == "1.1"
    assert summary["validFrom"] == signed["issuanceDate"]


def test_a_vc20_credential_says_it_is_vc20():
    signer = new_signer()
    signed = sign(sample_credential(signer.controller), signer)
    assert verify(signed, trusted_issuers=[signer.controller]).to_json()["summary"]["dataModel"] == "2.0"


def test_a_tampered_vc11_credential_fails_with_invalid_signature():
    signer = new_signer()
    signed = sign(ob3_11(signer.controller), signer)
    signed["issuanceDate"] = "2020-01-01T00:00:00Z"
    result = verify(signed, trusted_issuers=[signer.controller])
    assert not result.verified
    assert result.errors[0].code == "invalid_signature"


def test_an_expiration_date_in_the_past_makes_a_vc11_credential_expired():
    signer = new_signer()
    signed = sign(plain_11(signer.controller, expirationDate="2025-01-01T00:00:00Z"), signer)
    result = verify(signed, trusted_issuers=[signer.controller], now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert [(e.code, e.path) for e in result.errors] == [("expired", "/expirationDate")]
    early = verify(signed, trusted_issuers=[signer.controller], now=dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc))
    assert early.verified, early.to_json()


def test_an_issuance_date_in_the_future_makes_a_vc11_credential_not_yet_valid():
    signer = new_signer()
    signed = sign(plain_11(signer.controller, issuanceDate="2030-01-01T00:00:00Z"), signer)
    result = verify(signed, trusted_issuers=[signer.controller], now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert [(e.code, e.path) for e in result.errors] == [("not_yet_valid", "/issuanceDate")]


def _presentation_11(credentials: list[dict], holder, challenge: str) -> dict:
    presentation = {
        "@context": [VC_V1, DATA_INTEGRITY_V2],
        "id": "urn:uuid:0d4b3c1e-5f7a-4b8e-9c2d-1a3b5c7d9e0f",
        "type": ["VerifiablePresentation"],
        "holder": holder.controller,
        "verifiableCredential": credentials,
    }
    options = {"created": "2025-01-01T00:00:00Z", "verificationMethod": holder.verification_method,
               "proofPurpose": "authentication", "challenge": challenge}
    proof = suite_for_signing("eddsa-rdfc-2022").create_proof(presentation, holder, options, DocumentProcessor())
    return {**presentation, "proof": proof}


def test_a_vc11_presentation_of_vc11_credentials_verifies():
    issuer, holder = new_signer(), new_signer()
    ob3, plain = ob3_11(issuer.controller), plain_11(issuer.controller)
    for credential in (ob3, plain):  # both name the holder: one person, who signs the presentation
        credential["credentialSubject"]["id"] = holder.controller
    credentials = [sign(ob3, issuer), sign(plain, issuer)]
    presentation = _presentation_11(credentials, holder, "c-123")
    result = verify(presentation, trusted_issuers=[issuer.controller], challenge="c-123")
    assert result.verified, result.to_json()
    assert [c.summary.data_model for c in result.credentials] == ["1.1", "1.1"]

    tampered = copy.deepcopy(presentation)
    tampered["verifiableCredential"][1]["credentialSubject"]["id"] = "did:example:someone-else"
    failed = verify(tampered, trusted_issuers=[issuer.controller], challenge="c-123")
    assert not failed.verified


def test_a_vc11_credential_without_issuance_date_is_refused():
    signer = new_signer()
    credential = sign(plain_11(signer.controller), signer)
    del credential["issuanceDate"]
    result = verify(credential, trusted_issuers=[signer.controller])
    assert [(e.code, e.path) for e in result.errors] == [("schema_invalid", "/issuanceDate")]


def test_a_vc11_issuance_date_without_time_zone_is_refused():
    signer = new_signer()
    credential = sign(plain_11(signer.controller), signer)
    credential["issuanceDate"] = "2024-01-01T00:00:00"
    result = verify(credential, trusted_issuers=[signer.controller])
    assert [(e.code, e.path) for e in result.errors] == [("schema_invalid", "/issuanceDate")]


# -- hostile: the same strictness as VC 2.0 ------------------------------------------------------------


PLACEHOLDER_PROOF = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2025-01-01T00:00:00Z",
                     "verificationMethod": "did:example:issuer#key-1", "proofPurpose": "assertionMethod", "proofValue": "z1"}


def _refusal(document: dict) -> tuple[str, str | None]:
    """The first error of a (hostile, so unsignable) document: refused before any proof is looked at."""
    result = verify({**document, "proof": PLACEHOLDER_PROOF}, trusted_issuers=["did:example:nobody"])
    assert not result.verified
    return result.errors[0].code.value, result.errors[0].path


def test_a_vc11_credential_with_an_undefined_term_is_refused():
    signer = new_signer()
    credential = plain_11(signer.controller)
    credential["credentialSubject"]["degree"] = "Bachelor"  # only examples/v1 defines it
    assert _refusal(credential) == ("undefined_term", "/credentialSubject/degree")


def test_a_vc11_term_used_outside_its_type_scope_is_undefined():
    # credentials/v1 defines issuanceDate inside VerifiableCredential only (a type-scoped context)
    credential = plain_11("did:example:issuer")
    credential["credentialSubject"]["issuanceDate"] = "2024-01-01T00:00:00Z"
    assert _refusal(credential)[0] == "undefined_term"


@pytest.mark.parametrize("term", ["issuanceDate", "expirationDate", "credentialSubject", "VerifiableCredential"])
def test_an_inline_context_cannot_redefine_a_vc11_term(term):
    credential = plain_11("did:example:issuer")
    credential["@context"] = [VC_V1, DATA_INTEGRITY_V2, {term: f"https://evil.example/{term}"}]
    assert _refusal(credential) == ("redefined_term", f"/@context/2/{term}")


def test_an_inline_context_cannot_alias_a_vc11_term():
    credential = plain_11("did:example:issuer")
    credential["@context"] = [VC_V1, DATA_INTEGRITY_V2, {"geldigTot": "https://www.w3.org/2018/credentials#expirationDate"}]
    assert _refusal(credential) == ("redefined_term", "/@context/2/geldigTot")


def test_the_vc11_context_refuses_a_redefinition_even_without_the_inline_check():
    # the second line of defence: credentials/v1 is @protected, so pyld itself refuses a redefinition
    from skillspas.schemas.errors import SkillspasError
    processor = DocumentProcessor()
    credential = plain_11("did:example:issuer")
    credential["@context"] = [VC_V1, DATA_INTEGRITY_V2, {"@version": 1.1, "id": "https://evil.example/id"}]
    with pytest.raises(SkillspasError) as raised:
        processor.expand(credential)
    assert raised.value.code == "redefined_term"


@pytest.mark.parametrize("term", ["validFrom", "validUntil"])
def test_a_vc20_validity_term_in_a_vc11_credential_is_refused(term):
    credential = plain_11("did:example:issuer", **{term: "2025-01-01T00:00:00Z"})
    assert _refusal(credential) == ("schema_invalid", f"/{term}")


def test_a_vc20_only_term_in_a_vc11_credential_is_undefined():
    credential = plain_11("did:example:issuer", name="A name VC 2.0 defines and VC 1.1 does not")
    assert _refusal(credential) == ("undefined_term", "/name")


def test_a_vc11_date_in_a_vc20_credential_is_undefined():
    signer = new_signer()
    credential = sample_credential(signer.controller)
    credential["expirationDate"] = "2000-01-01T00:00:00Z"  # ignored by a 2.0 verifier: must not be signed
    assert _refusal(credential) == ("undefined_term", "/expirationDate")


@pytest.mark.parametrize("contexts", [[VC_V1, VC_V2], [VC_V2, VC_V1], [VC_V1, DATA_INTEGRITY_V2, VC_V2]])
def test_both_base_contexts_at_once_are_refused(contexts):
    credential = plain_11("did:example:issuer")
    credential["@context"] = contexts
    assert _refusal(credential) == ("schema_invalid", f"/@context/{len(contexts) - 1}")


def test_the_vc11_context_is_bundled_byte_exact_with_the_published_digest():
    from skillspas.schemas.jsonld.contexts import bundled_registry
    registry = bundled_registry()
    assert registry.get(VC_V1).sha256 == "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"
    assert DATA_INTEGRITY_V2 in registry
