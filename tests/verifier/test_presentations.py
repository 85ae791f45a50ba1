"""Presentations: every embedded credential is verified; the holder's proof binds challenge and domain."""

from __future__ import annotations

import copy

import pytest

from helpers import new_signer, signed_credential
from skillspas.keys import LocalSigner, Signer, StaticResolver, generate
from skillspas.keys.did_web import did_web_document
from skillspas.schemas.errors import ErrorCode
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.verifier import verify
from skillspas.verifier.suites import suite_for_signing
from skillspas.wallet_export import build_presentation


def with_proof(document: dict, signer: Signer, purpose: str, **options: str) -> dict:
    """``document`` with one more proof by ``signer``, correctly signed over the document without its proofs."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof = suite_for_signing("eddsa-rdfc-2022").create_proof(
        unsecured, signer, {"created": "2025-01-01T00:00:00Z", "proofPurpose": purpose, **options}, DocumentProcessor())
    earlier = document.get("proof")
    proofs = [] if earlier is None else earlier if isinstance(earlier, list) else [earlier]
    return {**document, "proof": [*proofs, proof] if proofs else proof}


def unsigned_presentation(credentials: list, holder: str) -> dict:
    """A presentation naming ``holder``, without a proof (``build_presentation`` without a signer)."""
    return {**build_presentation(credentials), "holder": holder}


@pytest.fixture(scope="module")
def setup():
    first, issuer = signed_credential()
    second, _ = signed_credential(issuer, name="Tweede bewijsstuk")  # not a copy of the first (shown once: repeated)
    holder = new_signer()
    return [first, second], issuer, holder


def test_signed_presentation_with_challenge_and_domain_verifies(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c-123", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c-123", domain="werkgever.example")
    assert result.verified, result.to_json()
    assert len(result.credentials) == 2 and all(c.verified for c in result.credentials)
    assert result.proofs[0].proof_purpose == "authentication"


def test_wrong_challenge(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c-123", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="other", domain="werkgever.example")
    assert not result.verified and result.first_error.code is ErrorCode.CHALLENGE_MISMATCH
    assert result.exit_code == 1


def test_wrong_domain(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c-123", domain="werkgever.example")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c-123", domain="elders.example")
    assert result.first_error.code is ErrorCode.DOMAIN_MISMATCH


def test_challenge_asked_but_presentation_unsigned(setup):
    credentials, issuer, _ = setup
    result = verify(build_presentation(credentials), trusted_issuers=[issuer.controller], challenge="c-123")
    assert not result.verified and result.first_error.code is ErrorCode.INVALID_PROOF


def test_tampered_embedded_credential_fails_the_presentation(setup):
    credentials, issuer, holder = setup
    changed = copy.deepcopy(credentials)
    changed[1]["credentialSubject"]["name"] = "Iemand Anders"
    vp = build_presentation(changed, holder=holder, challenge="c")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c")
    assert not result.verified
    assert result.credentials[0].verified and not result.credentials[1].verified
    assert result.first_error.code is ErrorCode.INVALID_SIGNATURE
    # the deciding error points into the presentation, at the credential that failed (its own result says /proof)
    assert result.first_error.path == "/verifiableCredential/1" + (result.credentials[1].first_error.path or "")
    assert result.first_error.path.startswith("/verifiableCredential/1/proof"), result.first_error.path


def test_changing_the_holder_after_signing_breaks_the_signature(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c")
    vp["holder"] = new_signer().controller
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c")
    assert not result.verified
    assert result.first_error.code is ErrorCode.INVALID_SIGNATURE  # holder is signed data


def test_changed_challenge_in_proof_breaks_the_signature(setup):
    credentials, issuer, holder = setup
    vp = build_presentation(credentials, holder=holder, challenge="c")
    vp["proof"]["challenge"] = "d"
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="d")
    assert result.first_error.code is ErrorCode.INVALID_SIGNATURE


def test_a_presentation_correctly_signed_by_a_key_not_of_its_holder_is_refused(setup):
    credentials, issuer, holder = setup
    vp = with_proof(unsigned_presentation(credentials, holder.controller), new_signer(), "authentication", challenge="c")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c")
    assert result.proofs[0].ok  # the signature itself is good: only the holder binding refuses it
    assert not result.verified and result.first_error.code is ErrorCode.KEY_NOT_AUTHORIZED
    assert result.first_error.path == "/proof/verificationMethod"


def test_a_presentation_proof_with_purpose_assertion_method_is_refused(setup):
    credentials, issuer, holder = setup
    vp = with_proof(unsigned_presentation(credentials, holder.controller), holder, "assertionMethod", challenge="c")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c")
    assert result.proofs[0].ok
    assert not result.verified and result.first_error.code is ErrorCode.WRONG_PROOF_PURPOSE


def test_a_did_web_holder_key_that_may_only_assert_cannot_sign_a_presentation(setup):
    credentials, issuer, _ = setup
    pair, did = generate("ed25519"), "did:web:houder.example"
    holder = LocalSigner(pair, verification_method=f"{did}#key-1", controller=did)
    resolver = StaticResolver({did: did_web_document(did, [pair.public_key], relationships=("assertionMethod",))})
    vp = build_presentation(credentials, holder=holder, challenge="c")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c", resolver=resolver)
    assert result.proofs[0].ok
    assert not result.verified and result.first_error.code is ErrorCode.KEY_NOT_AUTHORIZED
    allowed = StaticResolver({did: did_web_document(did, [pair.public_key], relationships=("authentication",))})
    assert verify(vp, trusted_issuers=[issuer.controller], challenge="c", resolver=allowed).verified


def test_a_strangers_valid_extra_proof_on_a_credential_is_refused_by_the_verifier(setup):
    credentials, issuer, _ = setup
    stranger = new_signer()
    credential = with_proof(credentials[0], stranger, "assertionMethod")
    assert len(credential["proof"]) == 2
    result = verify(credential, trusted_issuers=[issuer.controller])
    assert all(proof.ok for proof in result.proofs) and len(result.proofs) == 2
    assert not result.verified and result.first_error.code is ErrorCode.KEY_NOT_AUTHORIZED
    assert stranger.controller in result.first_error.message


# -- one person per passport (issue 15, point 1) -------------------------------------------------------

def credential_about(issuer: Signer, subject_id: str | None, name: str, skills: slice = slice(None)) -> dict:
    """A signed sample credential about ``subject_id``/``name``, aligned to a slice of the sample skills."""
    from skillspas.issuer.demo import sample_credential

    unsigned = sample_credential(issuer.controller)
    subject = unsigned["credentialSubject"]
    subject["name"] = name
    if subject_id is not None:
        subject["id"] = subject_id
    subject["achievement"]["alignment"] = subject["achievement"]["alignment"][skills]
    signed, _ = signed_credential(issuer, credentialSubject=subject)
    return signed


@pytest.fixture(scope="module")
def people():
    issuer, worker, stranger = new_signer(), new_signer(), new_signer()
    own = [credential_about(issuer, worker.controller, "Sanne de Vries", slice(0, 2)),
           credential_about(issuer, worker.controller, "S. de Vries", slice(1, 3))]
    other = credential_about(issuer, stranger.controller, "Karim Bouzid", slice(3, 4))
    return issuer, worker, stranger, own, other


def test_a_stranger_signed_presentation_over_someone_elses_credentials_is_holder_mismatch(people):
    issuer, _, stranger, own, _ = people
    vp = build_presentation(own, holder=stranger, challenge="c")
    result = verify(vp, trusted_issuers=[issuer.controller], challenge="c")
    assert not result.verified and result.exit_code == 1
    assert result.first_error.code is ErrorCode.HOLDER_MISMATCH
    assert result.first_error.path == "/verifiableCredential/0/credentialSubject/id"


def test_a_holder_signed_presentation_of_the_holders_own_credentials_is_green(people):
    from skillspas.verifier.summary import summarize_skills

    issuer, worker, _, own, _ = people
    result = verify(build_presentation(own, holder=worker, challenge="c"), trusted_issuers=[issuer.controller], challenge="c")
    assert result.verified and not result.warnings, result.to_json()
    assert [p.to_json() for p in result.persons] == [{
        "key": worker.controller, "subjectId": worker.controller, "names": ["Sanne de Vries", "S. de Vries"],
        "credentials": [0, 1], "holder": True, "counted": True}]
    assert len(summarize_skills(result)) == 3


def test_credentials_of_two_people_are_never_summed_and_none_counts_when_the_holder_shows_anothers(people):
    from skillspas.verifier.summary import match_vacancy, summarize_skills

    issuer, worker, _, own, other = people
    vp = build_presentation([other, *own])
    vp_signed = build_presentation([other, *own], holder=worker)
    unsigned = verify(vp, trusted_issuers=[issuer.controller])
    assert unsigned.first_error.code is ErrorCode.MULTIPLE_SUBJECTS and unsigned.exit_code == 1
    assert [p.credentials for p in unsigned.persons] == [(0,), (1, 2)]
    summary = summarize_skills(unsigned)  # no holder proof: the person with the most credentials
    assert summary.verified == (1, 2) and summary.excluded == ((0, ErrorCode.MULTIPLE_SUBJECTS),)
    other_skill = other["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"]
    assert other_skill not in summary and len(summary) == 3
    assert not match_vacancy(summary, [other_skill]).covered
    signed = verify(vp_signed, trusted_issuers=[issuer.controller])
    assert signed.first_error.code is ErrorCode.HOLDER_MISMATCH  # the holder shows a credential that is not theirs
    assert [p.key for p in signed.persons if p.holder] == [worker.controller]  # the result's grouping, as it was,
    assert not any(p.counted for p in signed.persons) and signed.counted_credentials == ()  # but nobody counts
    bound = summarize_skills(signed)  # nothing shows whose these are (holder_failed)
    assert bound.verified == () and bound.person is None and not len(bound)
    assert bound.excluded == tuple((i, ErrorCode.HOLDER_MISMATCH) for i in range(3))


def test_credentials_without_ids_but_clearly_different_names_are_two_people(people):
    issuer = people[0]
    one = credential_about(issuer, None, "Anouk Testdata (fictief)", slice(0, 1))
    same = credential_about(issuer, None, "ANOUK  testdata", slice(1, 2))
    other = credential_about(issuer, None, "Bram Voorbeeld", slice(2, 3))
    assert verify(build_presentation([one, same]), trusted_issuers=[issuer.controller]).verified
    result = verify(build_presentation([one, other, same]), trusted_issuers=[issuer.controller])
    assert result.first_error.code is ErrorCode.MULTIPLE_SUBJECTS
    assert [p.credentials for p in result.persons] == [(0, 2), (1,)]


def test_a_presentation_without_holder_proof_says_nothing_proves_who_holds_it(people):
    issuer, _, _, own, _ = people
    result = verify(build_presentation(own), trusted_issuers=[issuer.controller])
    assert result.verified and result.exit_code == 0
    assert [w.code for w in result.warnings] == [ErrorCode.HOLDER_NOT_PROVEN]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("José Núñez", "jose  NUNEZ", True),
    ("J. de Vries", "Jan Pieter de Vries", True),
    ("Anouk Testdata (fictief)", "Anouk Testdata", True),
    ("Jan de Vries", "Anna de Vries", False),
    ("Jan de Vries", "Jan de Boer", False),
    ("Jan", "", False),
])
def test_names_are_the_same_person_unless_clearly_different(a, b, same):
    from skillspas.verifier.persons import same_person_name

    assert same_person_name(a, b) is same


def test_verify_json_reports_holder_mismatch_with_exit_1_and_the_persons(people, tmp_path):
    import json

    from typer.testing import CliRunner

    from skillspas.issuer.cli import app as cli_app

    issuer, _, stranger, own, _ = people
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(build_presentation(own, holder=stranger)), "utf-8")
    result = CliRunner().invoke(cli_app, ["verify", str(path), "--json", "--trust-issuer", issuer.controller])
    body = json.loads(result.stdout)
    assert result.exit_code == 1 and body["errors"][0]["code"] == "holder_mismatch"
    assert body["holder"] == stranger.controller and body["persons"][0]["holder"] is False


def test_verify_counts_a_presentations_credentials_from_1_for_people_and_keeps_json_pointers_from_0(people, tmp_path):
    """The passport PDF and its QR files count from 1 ("qr-01-of-03"); so do the lines of ``verify``, its list of
    persons and the holder_mismatch sentence. The error's path stays a JSON Pointer: ``/verifiableCredential/2``."""
    import json

    from typer.testing import CliRunner

    from skillspas.issuer.cli import app as cli_app

    issuer, worker, _, own, other = people
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(build_presentation([*own, other], holder=worker)), "utf-8")
    result = CliRunner().invoke(cli_app, ["verify", str(path), "--trust-issuer", issuer.controller])
    lines = result.stdout.splitlines()
    assert result.exit_code == 1, result.stdout
    assert [line.split()[1] for line in lines if line.startswith(("  ✓ #", "  ! #", "  ✗ #"))] == ["#1", "#2", "#3"], lines
    assert any(line.endswith(f"({worker.controller}): #1, #2 — telt niet mee") for line in lines), lines  # holder_mismatch
    assert "bewijsstuk 3 gaat over" in result.stdout and "(/verifiableCredential/2/credentialSubject/id)" in result.stdout
    english = CliRunner().invoke(cli_app, ["verify", str(path), "--json", "--trust-issuer", issuer.controller])
    error = json.loads(english.stdout)["errors"][0]
    assert "but credential 3 is about" in error["message"]
    assert error["path"] == "/verifiableCredential/2/credentialSubject/id"


@pytest.mark.parametrize("credentials", [None, []], ids=["no verifiableCredential", "an empty list"])
def test_a_presentation_with_no_credential_and_no_proof_proves_nothing_and_is_not_valid(credentials):
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}
    if credentials is not None:
        vp["verifiableCredential"] = credentials
    result = verify(vp)
    assert not result.verified and result.exit_code == 2
    assert result.first_error.code is ErrorCode.SCHEMA_INVALID and result.first_error.path == "/verifiableCredential"
    if credentials is None:  # an empty list is refused by the presentation schema already
        assert "bewijst niets" in result.first_error.text("nl") and "proves nothing" in result.first_error.message


def test_a_holder_signed_presentation_with_no_credential_still_verifies_its_proof(setup):
    _, _, holder = setup  # DID authentication (a claim exchange's): the holder's proof is what it shows
    vp = build_presentation([], holder=holder, challenge="c-9", domain="werkgever.example")
    result = verify(vp, challenge="c-9", domain="werkgever.example")
    assert result.verified, result.to_json()
    assert result.holder == holder.controller
