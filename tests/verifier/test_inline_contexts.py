"""Inline @context objects (VC 2.0 §4.3): new terms are accepted and signed; every context trick is refused.

The base documents are VC Data Model 2.0 REC example 24 ("a verifiable credential with a custom
extension", tests/data/examples/vc-data-model-2.0/rec/ex24-*.json), its extension context given inline
instead of as the URL https://extension.example/my-contexts/v1, and skillspas's own OB 3.0 credential.
"""

from __future__ import annotations

import copy
import json

import pytest
from pyld import jsonld

from helpers import DATA, new_signer, signed_credential
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.schemas.jsonld.contexts import bundled_registry
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonld.expand import PROCESSOR, processing_options
from skillspas.schemas.limits import Limits
from skillspas.schemas.jsonld.processor import DocumentProcessor, shared_loader
from skillspas.verifier import verify
from skillspas.wallet_export import build_presentation

VC_V2 = "https://www.w3.org/ns/credentials/v2"
EXTENSION = {
    "CustomExt12": "https://extension.example/vocab#CustomExt12",
    "referenceNumber": "https://extension.example/vocab#referenceNumber",
    "favoriteFood": "https://extension.example/vocab#favoriteFood",
}
NICKNAME = {"nickname": "https://example.org/nickname"}


def _ex24(signer) -> dict:
    document = json.loads((DATA / "examples/vc-data-model-2.0/rec/ex24-a-verifiable-credential-with-a-custom-extension.json")
                          .read_text("utf-8"))
    assert document["@context"][2] == "https://extension.example/my-contexts/v1"
    document["@context"] = [VC_V2, dict(EXTENSION)]  # the extension context, inline
    document["issuer"] = signer.controller
    document["credentialSubject"]["name"] = "Jane Doe"
    return document


def _ours(signer, context: dict) -> dict:
    credential = sample_credential(signer.controller)
    credential["@context"] = [*credential["@context"], context]
    credential["credentialSubject"]["nickname"] = "Anouk"
    return credential


def test_the_spec_extension_example_with_an_inline_context_is_signed_and_verifies():
    signer = new_signer()
    signed = sign(_ex24(signer), signer)
    assert signed["@context"][1] == EXTENSION
    result = verify(signed, trusted_issuers=[signer.controller])
    assert result.verified, result.to_json()


def test_an_ob3_credential_with_a_new_inline_term_verifies_and_the_signature_covers_the_context():
    signer = new_signer()
    signed = sign(_ours(signer, dict(NICKNAME)), signer)
    assert verify(signed, trusted_issuers=[signer.controller]).verified
    moved = copy.deepcopy(signed)
    moved["@context"][-1]["nickname"] = "https://example.org/aliasName"  # same JSON a person reads, other meaning
    result = verify(moved, trusted_issuers=[signer.controller])
    assert result.first_error.code is ErrorCode.INVALID_SIGNATURE


def test_a_presentation_holding_a_credential_with_an_inline_context_verifies():
    signer, holder = new_signer(), new_signer()
    signed = sign(_ours(signer, dict(NICKNAME)), signer)
    vp = build_presentation([signed], holder=holder, challenge="c-1")
    result = verify(vp, trusted_issuers=[signer.controller], challenge="c-1")
    assert result.verified, result.to_json()


TRICKS = {
    "redefine a protected term (name)": ({"name": "https://evil.example/name"}, ErrorCode.REDEFINED_TERM),
    "redefine a type-scoped term (validFrom)": ({"validFrom": "https://evil.example/from"}, ErrorCode.REDEFINED_TERM),
    "redefine an OB 3.0 term (achievement)": ({"achievement": "https://evil.example/a"}, ErrorCode.REDEFINED_TERM),
    "redefine a skillspas term (crebo)": ({"crebo": "https://evil.example/c"}, ErrorCode.REDEFINED_TERM),
    "alias a keyword": ({"nickname": "@id"}, ErrorCode.REDEFINED_TERM),
    "alias a keyword in an object": ({"nickname": {"@id": "@type"}}, ErrorCode.REDEFINED_TERM),
    "alias a term's IRI (validUntil)": ({"expires": "https://www.w3.org/2018/credentials#validUntil"}, ErrorCode.REDEFINED_TERM),
    "alias a term's IRI (name)": ({"fullName": "https://schema.org/name"}, ErrorCode.REDEFINED_TERM),
    "@vocab": ({"@vocab": "https://evil.example/"}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "@base": ({"@base": "https://evil.example/"}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "@import of a remote context": ({"@import": "https://evil.example/ctx"}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "@propagate": ({"@propagate": True, **NICKNAME}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "@language default": ({"@language": "en", **NICKNAME}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "type-scoped redefinition": ({**NICKNAME, "Evil": {"@id": "https://evil.example/Evil",
                                                      "@context": {"name": "https://evil.example/name"}}},
                                 ErrorCode.INLINE_CONTEXT_REFUSED),
    "scoped remote context": ({"Evil": {"@id": "https://evil.example/Evil", "@context": "https://evil.example/ctx"}},
                              ErrorCode.INLINE_CONTEXT_REFUSED),
    "reverse property": ({"nickname": {"@reverse": "https://example.org/nickname"}}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "compact IRI through a bundled term": ({"nickname": "geo:name"}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "compact IRI through an inline prefix": ({"ex": "https://example.org/", "nickname": "ex:name"}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "a term that looks like an IRI": ({"https://schema.org/name": "https://evil.example/n"}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "a relative IRI": ({"nickname": "nick"}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "a blank-node IRI": ({"nickname": "_:b0"}, ErrorCode.INLINE_CONTEXT_REFUSED),
    "undefining a term with null": ({"nickname": None}, ErrorCode.INLINE_CONTEXT_REFUSED),
}


@pytest.mark.parametrize("context, code", TRICKS.values(), ids=TRICKS.keys())
def test_each_context_trick_is_refused_at_issuance(context, code):
    signer = new_signer()
    with pytest.raises(SkillspasError) as caught:
        sign(_ours(signer, context), signer)
    assert caught.value.code is code
    assert caught.value.path.startswith("/@context/")


@pytest.fixture(scope="module")
def issued():
    return signed_credential()


@pytest.mark.parametrize("context, code", TRICKS.values(), ids=TRICKS.keys())
def test_each_context_trick_is_refused_at_verification(issued, context, code):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["@context"].append(context)
    result = verify(document, trusted_issuers=[signer.controller])
    assert not result.verified and result.first_error.code is code
    assert result.exit_code == 2
    assert [c.check for c in result.checks] == ["parse", "contexts"]


@pytest.mark.parametrize("where", ["credentialSubject", "credentialSubject/achievement"])
def test_a_nested_inline_context_is_refused(issued, where):
    signed, signer = issued
    document = copy.deepcopy(signed)
    node = document
    for key in where.split("/"):
        node = node[key]
    node["@context"] = dict(NICKNAME)
    result = verify(document, trusted_issuers=[signer.controller])
    assert result.first_error.code is ErrorCode.INLINE_CONTEXT_REFUSED
    assert result.first_error.path == f"/{where}/@context"


def test_null_or_a_number_is_not_a_context(issued):
    signed, signer = issued
    for value in (None, 7, ["x"]):
        document = copy.deepcopy(signed)
        document["@context"].append(value)
        assert verify(document, trusted_issuers=[signer.controller]).first_error.code is ErrorCode.UNKNOWN_CONTEXT


def test_an_inline_context_first_is_refused(issued):
    signed, signer = issued
    document = copy.deepcopy(signed)
    document["@context"].insert(0, dict(NICKNAME))
    assert verify(document, trusted_issuers=[signer.controller]).first_error.code is ErrorCode.SCHEMA_INVALID


def test_inline_contexts_are_bounded_in_number_and_size(issued):
    signed, signer = issued
    limits = Limits()
    many = copy.deepcopy(signed)
    many["@context"].extend({f"t{i}": f"https://example.org/t{i}"} for i in range(limits.max_inline_contexts + 1))
    result = verify(many, trusted_issuers=[signer.controller])
    assert result.first_error.code is ErrorCode.RESOURCE_LIMIT
    big = copy.deepcopy(signed)
    big["@context"].append({f"t{i}": f"https://example.org/t{i}" for i in range(limits.max_inline_terms + 1)})
    assert verify(big, trusted_issuers=[signer.controller]).first_error.code is ErrorCode.RESOURCE_LIMIT


def test_a_protected_term_redefined_by_a_known_context_is_the_processors_refusal(tmp_path):
    """The second line: pyld's "protected term redefinition" (here from a user's context folder) gets its own code."""
    (tmp_path / "evil.jsonld").write_text(json.dumps({"@context": {"name": "https://evil.example/name"}}))
    (tmp_path / "contexts.map.json").write_text(json.dumps({"https://evil.example/ctx": "evil.jsonld"}))
    signer = new_signer()
    document = _ex24(signer)
    document["@context"] = [VC_V2, "https://evil.example/ctx"]
    with pytest.raises(SkillspasError) as caught:
        DocumentProcessor(tmp_path).expand(document)
    assert caught.value.code is ErrorCode.REDEFINED_TERM


def _top_level_terms(document: dict) -> tuple[bool, list[str]]:
    context = document["@context"]
    contexts = context if isinstance(context, list) else [context]
    terms = [t for c in contexts if isinstance(c, dict) for t in c if not t.startswith("@")]
    protected = all(c.get("@protected") is True for c in contexts if isinstance(c, dict))
    return protected, terms


@pytest.mark.parametrize("url", bundled_registry().urls())
def test_every_bundled_context_is_protected_so_json_ld_itself_refuses_redefining_its_terms(url):
    """The claim behind accepting inline contexts, checked with the JSON-LD processor alone (no skillspas check):
    every bundled context is @protected, and a later context redefining any of its terms is an error."""
    registry = bundled_registry()
    protected, terms = _top_level_terms(registry.get(url).document)
    assert protected and terms
    options = processing_options(shared_loader(registry))
    active = PROCESSOR.process_context(PROCESSOR._get_initial_context(options), [url], options)
    for term in terms:
        with pytest.raises(jsonld.JsonLdError) as caught:
            PROCESSOR.process_context(active, [{term: "https://evil.example/" + term}], options)
        assert "protected term redefinition" in str(caught.value), term


def test_an_inline_context_takes_the_reference_path_with_the_same_canonical_form():
    signer = new_signer()
    document = _ours(signer, dict(NICKNAME))
    document["issuer"] = signer.controller
    fast, reference = DocumentProcessor(), DocumentProcessor(fast=False)
    assert fast.fast_path.expand(document) is None  # refused: pyld decides
    assert fast.canonical_nquads(document) == reference.canonical_nquads(document)
    assert "<https://example.org/nickname> \"Anouk\"" in reference.canonical_nquads(document)
    plain = sample_credential(signer.controller)
    assert fast.fast_path.expand(plain) is not None  # the common path is untouched
    assert fast.canonical_nquads(plain) == reference.canonical_nquads(plain)
