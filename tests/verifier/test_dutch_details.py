"""Under a Dutch verdict the detail line is Dutch too; the JSON ``message`` stays English (issue 18 follow-up)."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from typing import Any, Callable

import pytest

from helpers import new_signer, signed_credential
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.status_lists import status_entry, status_list_credential
from skillspas.issuer import sign
from skillspas.keys.multikey import encode_multibase
from skillspas.schemas.errors import ErrorCode
from skillspas.schemas.jsonld.processor import DocumentProcessor
from skillspas.schemas.limits import Limits
from skillspas.verifier import Bundle, VerificationResult, verify
from skillspas.verifier.suites import get_suite
from skillspas.wallet_export import build_presentation

STATUS_URL = "https://status.example/lists/1"
ENGLISH = frozenset(
    "the not must does has have cannot with this than only which would expected should missing signed "
    "by and or no be are was were its it's status list credential key proof issuer presentation".split()
)
"""Words that show an English sentence (none of them is Dutch; ``is`` and ``of`` are left out: they are)."""


def english_words(text: str) -> set[str]:
    """The English words of ``text`` outside its dynamic parts (quoted values, URLs, DIDs, JSON pointers, codes)."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\[[a-z_]+\]|\S+://\S+|did:\S+|urn:\S+|(?<!\w)/\S*", " ", text)
    return {word for word in re.findall(r"[A-Za-z']+", text)} & ENGLISH


@pytest.fixture(scope="module")
def issuer():
    return new_signer()


@pytest.fixture(scope="module")
def issued(issuer):
    return signed_credential(issuer)[0]


def _raw(issuer_did: str, signer, purpose: str) -> dict[str, Any]:
    credential = sample_credential(issuer_did)
    proof = get_suite("eddsa-rdfc-2022").create_proof(
        credential, signer, {"created": "2026-01-01T00:00:00Z", "proofPurpose": purpose}, DocumentProcessor())
    return {**credential, "proof": proof}


def _changed(document: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copied = copy.deepcopy(document)
    change(copied)
    return copied


def _about(issuer, subject_id: str, name: str) -> dict[str, Any]:
    subject = sample_credential(issuer.controller)["credentialSubject"]
    subject.update(id=subject_id, name=name)
    return signed_credential(issuer, credentialSubject=subject)[0]


def _with_status(issuer, purpose: str, *, listed: bool = True) -> VerificationResult:
    credential, _ = signed_credential(issuer, credentialStatus=status_entry(STATUS_URL, 8, purpose=purpose))
    status = sign(status_list_credential(STATUS_URL, issuer=issuer.controller, purpose=purpose, revoked=[8]), issuer)
    bundle = Bundle.create(status_lists=[status] if listed else [])
    return verify(credential, bundle=bundle, trusted_issuers=[issuer.controller])


def _weak_key(issued: dict[str, Any]) -> VerificationResult:
    weak = encode_multibase(bytes([0xED, 0x01]) + bytes([1]) + bytes(31))
    document = _changed(issued, lambda d: d["proof"].update(verificationMethod=f"did:key:{weak}#{weak}"))
    document["issuer"]["id"] = f"did:key:{weak}"
    return verify(document, trusted_issuers=[f"did:key:{weak}"])


def _bidi(document: dict[str, Any]) -> None:
    document["credentialSubject"]["name"] = "Anouk\u202eTestdata"


def _presentation(issuer, issued, *, asked: dict[str, str], holder_is_subject: bool = True) -> VerificationResult:
    holder = new_signer()
    credential = _about(issuer, holder.controller, "Sanne de Vries") if holder_is_subject else issued
    if not holder_is_subject:
        credential = _about(issuer, new_signer().controller, "Karim Bouzid")
    vp = build_presentation([credential], holder=holder, challenge="c-123", domain="werkgever.example")
    return verify(vp, trusted_issuers=[issuer.controller], **{"challenge": "c-123", "domain": "werkgever.example", **asked})


CASES: dict[str, tuple[ErrorCode, Callable[[Any, dict[str, Any]], VerificationResult]]] = {
    "a changed credential": (ErrorCode.INVALID_SIGNATURE, lambda s, c: verify(
        _changed(c, lambda d: d["credentialSubject"].update(name="Iemand Anders")), trusted_issuers=[s.controller])),
    "a credential without a proof": (ErrorCode.INVALID_PROOF, lambda s, c: verify(
        {k: v for k, v in c.items() if k != "proof"}, trusted_issuers=[s.controller])),
    "a cut-off proofValue": (ErrorCode.INVALID_PROOF, lambda s, c: verify(
        _changed(c, lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:-5])), trusted_issuers=[s.controller])),
    "a proof made for logging in": (ErrorCode.WRONG_PROOF_PURPOSE, lambda s, c: verify(
        _raw(s.controller, s, "authentication"), trusted_issuers=[s.controller])),
    "a credential signed by someone else": (ErrorCode.KEY_NOT_AUTHORIZED, lambda s, c: verify(
        _raw(s.controller, new_signer(), "assertionMethod"), trusted_issuers=[s.controller])),
    "a weak key": (ErrorCode.UNRESOLVABLE_KEY, lambda s, c: _weak_key(c)),
    "a did:web key that is not in the bundle": (ErrorCode.UNRESOLVABLE_KEY, lambda s, c: verify(
        _changed(c, lambda d: d["proof"].update(verificationMethod="did:web:school.example#key-1")),
        trusted_issuers=[s.controller])),
    "a credential valid from 2999": (ErrorCode.NOT_YET_VALID, lambda s, c: verify(
        signed_credential(s, validFrom="2999-01-01T00:00:00Z")[0], trusted_issuers=[s.controller])),
    "an expired credential": (ErrorCode.EXPIRED, lambda s, c: verify(
        signed_credential(s, validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")[0],
        trusted_issuers=[s.controller])),
    "a revoked credential": (ErrorCode.REVOKED, lambda s, c: _with_status(s, "revocation")),
    "a suspended credential": (ErrorCode.SUSPENDED, lambda s, c: _with_status(s, "suspension")),
    "a status list that is not in the bundle": (ErrorCode.STATUS_UNAVAILABLE,
                                                lambda s, c: _with_status(s, "revocation", listed=False)),
    "a status entry without a bundle": (ErrorCode.STATUS_UNAVAILABLE, lambda s, c: verify(
        signed_credential(s, credentialStatus=status_entry(STATUS_URL, 8))[0], trusted_issuers=[s.controller])),
    "another challenge": (ErrorCode.CHALLENGE_MISMATCH, lambda s, c: _presentation(s, c, asked={"challenge": "x"})),
    "another domain": (ErrorCode.DOMAIN_MISMATCH, lambda s, c: _presentation(s, c, asked={"domain": "elders.example"})),
    "someone else's credential": (ErrorCode.HOLDER_MISMATCH,
                                  lambda s, c: _presentation(s, c, asked={}, holder_is_subject=False)),
    "credentials of two people": (ErrorCode.MULTIPLE_SUBJECTS, lambda s, c: verify(build_presentation(
        [_about(s, new_signer().controller, "Sanne de Vries"), _about(s, new_signer().controller, "Karim Bouzid")]),
        trusted_issuers=[s.controller])),
    "contexts in the wrong order": (ErrorCode.SCHEMA_INVALID, lambda s, c: verify(
        _changed(c, lambda d: d["@context"].reverse()), trusted_issuers=[s.controller])),
    "a bidi character in a name": (ErrorCode.SCHEMA_INVALID, lambda s, c: verify(_changed(c, _bidi), trusted_issuers=[s.controller])),
    "a status without a type": (ErrorCode.SCHEMA_INVALID, lambda s, c: verify(
        _changed(c, lambda d: d.update(credentialStatus={"id": "https://status.example/1#5"})), trusted_issuers=[s.controller])),
    "an unknown context": (ErrorCode.UNKNOWN_CONTEXT, lambda s, c: verify(
        _changed(c, lambda d: d["@context"].append("https://example.org/not-bundled/v1")), trusted_issuers=[s.controller])),
    "an undefined field": (ErrorCode.UNDEFINED_TERM, lambda s, c: verify(
        _changed(c, lambda d: d["credentialSubject"]["achievement"].update(shoeSize="44")), trusted_issuers=[s.controller])),
    "an undefined type": (ErrorCode.UNDEFINED_TERM, lambda s, c: verify(
        _changed(c, lambda d: d["type"].append("GoldStarCredential")), trusted_issuers=[s.controller])),
    "a file that is too large": (ErrorCode.TOO_LARGE, lambda s, c: verify(b'{"a": "' + b"x" * Limits().max_bytes + b'"}')),
    "a long array": (ErrorCode.TOO_LARGE, lambda s, c: verify(b'{"a": [' + b"1," * 20_000 + b'1]}')),
    "a file nested too deep": (ErrorCode.TOO_DEEP, lambda s, c: verify(b'{"a":' * 65 + b"1" + b"}" * 65)),
    "too many proofs": (ErrorCode.RESOURCE_LIMIT, lambda s, c: verify(
        _changed(c, lambda d: d.update(proof=[d["proof"]] * (Limits().max_proofs + 1))), trusted_issuers=[s.controller])),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_refusal_of_a_credential_has_its_detail_in_dutch_and_its_json_message_in_english(case, issuer, issued):
    code, build = CASES[case]
    result = build(issuer, issued)
    problem = result.first_error
    assert problem is not None and problem.code is code, result.to_json()
    dutch = problem.text("nl")
    assert dutch != problem.message and not english_words(dutch), dutch
    assert problem.text("en") == problem.message and english_words(problem.message), problem.message
    json_errors = [e for r in (result, *result.credentials) for e in r.to_json()["errors"]]
    assert {"code": code.value, "message": problem.message, "path": problem.path} in json_errors


def test_skillspas_verify_lang_nl_prints_the_dutch_detail_and_verify_json_the_english(tmp_path, issuer):
    expired, _ = signed_credential(issuer, validFrom="2020-01-01T00:00:00Z", validUntil="2021-01-01T00:00:00Z")
    file = tmp_path / "verlopen.json"
    file.write_text(__import__("json").dumps(expired), "utf-8")
    base = [sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "verify", str(file),
            "--trust-issuer", issuer.controller]
    dutch = subprocess.run([*base, "--lang", "nl"], capture_output=True, text=True, timeout=120)
    detail = next(line for line in dutch.stdout.splitlines() if line.startswith("  [expired] "))
    assert "2021-01-01T00:00:00Z" in detail and not english_words(detail), detail
    english = subprocess.run([*base, "--json"], capture_output=True, text=True, timeout=120)
    assert "expired" in __import__("json").loads(english.stdout)["errors"][0]["message"]
