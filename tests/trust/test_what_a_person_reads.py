"""What a person reads must be what was signed, and what the document means (DESIGN.md threats 2 and 4).

C1 control characters (U+0080-U+009F: U+0085 is a line break to some readers, U+009B a terminal's escape) are
refused like C0 ones. A signed text re-spelled so that it signs the same RDF — as a value object, as a list of
one, as the class term of its property (``Criteria`` for ``criteria``) — is refused where nothing needs that
spelling, and read as the text it means where JSON-LD has a use for it (a list, a language)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from trustworld import NOW, TYPES_CONTEXT_DIR, ts
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.wallet_export import build_presentation

NAME = "Anouk Testdata (fictief)"


def _refused(result, path: str, *words: str) -> None:
    assert not result.verified
    assert result.first_error.code is ErrorCode.SCHEMA_INVALID, result.to_json()["errors"]
    assert result.first_error.path == path
    for word in words:
        assert word in result.first_error.text("en") and word in result.first_error.text("nl")


def _signed_anyway(world, credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` (the world's, re-spelled) signed by the ROC without any check: what a careless or
    hostile issuer's tool would hand out."""
    from skillspas.verifier import Verifier
    from skillspas.verifier.suites import suite_for_signing

    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    options = {"created": ts(NOW), "verificationMethod": world.roc.signer().verification_method,
               "proofPurpose": "assertionMethod"}
    proof = suite_for_signing("eddsa-rdfc-2022").create_proof(unsecured, world.roc.signer(), options,
                                                               Verifier(contexts=TYPES_CONTEXT_DIR).processor)
    return {**unsecured, "proof": proof}


def _shown(credential: dict[str, Any]) -> dict[str, Any]:
    """``credential`` in an unsigned presentation, as a holder hands over a passport file."""
    return build_presentation([credential])


@pytest.mark.parametrize("char", ["\u0085", "\u009b", "\u0080", "\u009f"], ids=["NEL", "CSI", "U+0080", "U+009F"])
def test_a_signed_name_with_a_c1_control_character_is_refused_not_valid(world, char):
    credential = copy.deepcopy(world.credential(world.roc))
    credential["credentialSubject"]["name"] = f"Anouk{char}31m Testdata"
    credential = _signed_anyway(world, credential)
    _refused(world.verify(credential), "/credentialSubject/name", f"U+{ord(char):04X}")
    _refused(world.verify(_shown(credential)), "/verifiableCredential/0/credentialSubject/name")


def test_the_issuer_refuses_to_sign_a_c1_control_character():
    signer = LocalSigner(generate("ed25519"))
    unsigned = sample_credential(signer.controller)
    unsigned["credentialSubject"]["achievement"]["description"] = "Basiszorg\u0085Ingetrokken"
    with pytest.raises(SkillspasError) as refused:
        sign(unsigned, signer)
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and "U+0085" in refused.value.text("nl")


def test_a_signed_name_rewritten_as_a_value_object_is_refused_in_a_credential_and_a_presentation(world):
    credential = world.credential(world.roc)
    assert world.verify(credential).summary.subject_name == NAME
    hidden = copy.deepcopy(credential)  # the same RDF, so the same signature; the page read no name
    hidden["credentialSubject"]["name"] = {"@value": NAME}
    _refused(world.verify(hidden), "/credentialSubject/name", "@value")
    _refused(world.verify(_shown(hidden)), "/verifiableCredential/0/credentialSubject/name", "@value")
    typed = copy.deepcopy(credential)
    typed["credentialSubject"]["achievement"]["name"] = {"@value": "Basiszorg in de praktijk",
                                                         "@type": "http://www.w3.org/2001/XMLSchema#string"}
    _refused(world.verify(typed), "/credentialSubject/achievement/name")


def test_signed_names_rewritten_as_lists_of_one_still_show_each_name_in_a_credential_and_a_presentation(world):
    credential = world.credential(world.roc)
    listed = copy.deepcopy(credential)  # the same RDF: the signature holds, and the names are what it means
    for node in (listed, listed["issuer"], listed["credentialSubject"], listed["credentialSubject"]["achievement"]["alignment"][0]):
        key = "targetName" if "targetUrl" in node else "name"
        node[key] = [node[key]]
    result = world.verify(listed)
    assert result.verified, result.to_json()["errors"]
    expected = world.verify(credential).summary
    assert result.summary == expected  # subject, title (not the achievement's name), issuer's claimed name, skills
    shown = world.verify(_shown(listed))
    assert shown.verified and shown.credentials[0].summary == expected
    assert [p.names for p in shown.persons] == [(NAME,)]  # a named person, not an "unknown" one of its own


def test_a_name_in_a_language_reads_as_its_text(world):
    credential = copy.deepcopy(world.credential(world.roc))
    credential["credentialSubject"]["name"] = {"@value": NAME, "@language": "nl"}
    result = world.verify(_signed_anyway(world, credential))
    assert result.verified and result.summary.subject_name == NAME


@pytest.mark.parametrize("term, written", [("criteria", "Criteria"), ("image", "Image")])
def test_a_property_written_as_its_class_term_is_refused_in_a_credential_and_a_presentation(world, term, written):
    credential = world.credential(world.roc)
    credential["credentialSubject"]["achievement"]["image"] = {"id": "https://roc.example/badge.png", "type": "Image"}
    credential = world.credential(world.roc, credentialSubject=credential["credentialSubject"])
    assert world.verify(credential).verified
    respelled = copy.deepcopy(credential)  # "Criteria" and "criteria" expand to one IRI: the signature holds
    achievement = respelled["credentialSubject"]["achievement"]
    achievement[written] = achievement.pop(term)
    _refused(world.verify(respelled), f"/credentialSubject/achievement/{written}", repr(term), repr(written))
    _refused(world.verify(_shown(respelled)), f"/verifiableCredential/0/credentialSubject/achievement/{written}")


def test_a_skill_whose_evidence_kind_is_a_list_verifies_without_an_internal_error():
    signer = LocalSigner(generate("ed25519"))
    unsigned = sample_credential(signer.controller)
    unsigned["@context"].append("https://w3id.org/skillspas/v2")
    unsigned["credentialSubject"]["achievement"]["alignment"][0]["evidenceKind"] = ["exam"]
    signed = sign(unsigned, signer)  # its own check crashed: ['exam'] in a dict is a TypeError
    from skillspas.verifier import verify

    result = verify(signed, trusted_issuers=[signer.controller])
    assert result.verified and result.summary.skills[0].evidence == "exam"


@pytest.mark.parametrize("spelled, code", [(["revocation"], ErrorCode.SCHEMA_INVALID),
                                           ({"@value": "revocation"}, ErrorCode.SCHEMA_INVALID)], ids=["list", "object"])
def test_a_revoked_credential_with_its_status_purpose_respelled_is_not_valid_and_no_internal_error(world, spelled, code):
    bundle = world.bundle(status_lists=[world.status_list(revoked=(42,))])
    revoked = world.credential(world.roc, status_index=42)
    revoked["credentialStatus"]["statusPurpose"] = spelled  # the same RDF; was a TypeError (unhashable) in the status check
    result = world.verify(revoked, bundle, now=NOW)
    assert not result.verified and result.first_error.code is code


RESPELLED_STATUS = {
    "statusListIndex as a list of one": ("statusListIndex", lambda v: [v]),
    "statusListIndex as a number": ("statusListIndex", int),
    "statusPurpose as a list of one": ("statusPurpose", lambda v: [v]),
    "statusListCredential as a list of one": ("statusListCredential", lambda v: [v]),
    "statusListCredential as an object": ("statusListCredential", lambda v: {"id": v}),
    "statusSize as a text": ("statusSize", lambda v: "1"),
    "statusSize as a list of one": ("statusSize", lambda v: [1]),
}


@pytest.mark.parametrize("case", list(RESPELLED_STATUS))
def test_a_status_entry_with_a_field_respelled_is_a_malformed_credential_not_an_unavailable_status_list(world, case):
    """The credential is malformed (schema_invalid, with the field's path), not its status list unavailable: a list of
    one, a number or a node object where the Bitstring Status List entry has one text (statusSize one integer). Most of
    these sign the same RDF as the right spelling, so the signature holds."""
    field, respell = RESPELLED_STATUS[case]
    bundle = world.bundle(status_lists=[world.status_list(revoked=(42,))])
    credential = copy.deepcopy(world.credential(world.roc, status_index=42))
    entry = credential["credentialStatus"]
    entry[field] = respell(entry.get(field, 1))
    credential = _signed_anyway(world, credential)
    _refused(world.verify(credential, bundle, now=NOW), f"/credentialStatus/{field}", field)
    _refused(world.verify(_shown(credential), bundle, now=NOW), f"/verifiableCredential/0/credentialStatus/{field}")
