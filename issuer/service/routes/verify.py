"""``POST /credentials/verify`` and ``POST /presentations/verify`` (VC-API): 200 valid, 422 not, 400 unusable.

``POST /presentations/bridge``: the werk-naar-werk bridge of a verified passport to an ESCO occupation
or a crebo, from the offline index (no network).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from skillspas.issuer.service.api_models import (
    BridgeRequest,
    BridgeResponse,
    ErrorBody,
    VerificationResultModel,
    VerifyCredentialRequest,
    VerifyPresentationRequest,
)
from skillspas.issuer.service.deps import VerifierDep
from skillspas.issuer.service.errors import error_body
from skillspas.issuer.verification import ServiceVerifier
from skillspas.schemas.errors import ErrorCode, error_for
from skillspas.schemas.messages import text
from skillspas.verifier import VerificationResult
from skillspas.verifier.bridge import bridge
from skillspas.schemas.vc import types_of
from skillspas.verifier.summary import summarize_skills

__all__ = ["router"]

router = APIRouter(tags=["verification"])

_RESULTS: dict[int | str, dict[str, Any]] = {
    200: {"model": VerificationResultModel, "description": "Verified: every requested check passed."},
    422: {"model": VerificationResultModel, "description": "Checked and not valid (revoked, expired, bad signature…); the same result object, with its error codes."},
    400: {"model": ErrorBody, "description": "Unusable input (malformed, unknown context, not a credential…): the result object with code and message."},
}
_SIGNED: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "did:web:roc.example",
    "credentialSubject": {"id": "did:example:learner"},
    "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": "did:web:roc.example#key-1",
              "proofPurpose": "assertionMethod", "proofValue": "z3FXQ…"},
}
"""The shape of a signed credential (its proofValue shortened: it does not verify, 422 ``invalid_proof``)."""
_CREDENTIAL_EXAMPLES: dict[str, Any] = {
    "all-checks": {
        "summary": "Verify with every check",
        "value": {"verifiableCredential": _SIGNED},
    },
    "proof-and-status": {
        "summary": "Only the signature and the status",
        "value": {"verifiableCredential": _SIGNED, "options": {"checks": ["proof", "credentialStatus"]}},
    },
}
_PASSPORT: dict[str, Any] = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                             "verifiableCredential": [_SIGNED]}
"""A presentation with one credential (at least one: an empty ``verifiableCredential`` list is no presentation)."""
_PRESENTATION_EXAMPLES: dict[str, Any] = {
    "with-challenge": {
        "summary": "A holder-signed presentation, checked against the challenge and domain asked for",
        "value": {"verifiablePresentation": _PASSPORT, "options": {"challenge": "c0ae1c8e-c7e7-469f-b252-86e6a0e7387e",
                                                                  "domain": "werkgever.example"}},
    },
}


def _answer(result: VerificationResult) -> JSONResponse:
    """200 verified, 422 checked and not valid, 400 unusable; the body is always the result."""
    body = result.to_json()
    problem = result.first_error
    if result.verified:
        return JSONResponse(body, status_code=200)
    if problem is None:
        problem_code, message, path = ErrorCode.INVALID_PROOF, "not verified", None
    else:
        problem_code, message, path = problem.code, problem.message, problem.path
    body.update(code=problem_code.value, message=message, messageNl=text(problem_code, "nl"), path=path)
    return JSONResponse(body, status_code=problem_code.http_status)


def _refuse_type(message: str, path: str, nl: str) -> JSONResponse:
    exc = error_for(ErrorCode.SCHEMA_INVALID, message, path, nl=nl)
    return JSONResponse(error_body(exc.code.value, exc.message, exc.text("nl"), exc.path), status_code=exc.http_status)


@router.post(
    "/credentials/verify",
    response_model=None,
    summary="Verify a credential / Bewijsstuk controleren",
    responses=_RESULTS,
)
async def verify_credential(
    request: Annotated[VerifyCredentialRequest, Body(openapi_examples=_CREDENTIAL_EXAMPLES)],
    verifier: VerifierDep,
) -> JSONResponse:
    """Verify offline against the service's organisations (DID documents, trust, status lists).

    ``options.checks`` picks groups from ``proof``, ``trust``, ``validity``, ``credentialStatus``
    (all by default; ``proof`` always runs); the result's ``checks`` lists the steps that ran.
    """
    if "VerifiablePresentation" in types_of(request.verifiableCredential):
        return _refuse_type("this is a presentation: use /presentations/verify", "/verifiableCredential/type",
                            "dit is een presentatie: gebruik /presentations/verify")
    options = request.options
    result = await run_in_threadpool(
        verifier.verify, request.verifiableCredential, checks=options.checks if options else None
    )
    return _answer(result)


@router.post(
    "/presentations/verify",
    response_model=None,
    summary="Verify a presentation / Presentatie controleren",
    responses=_RESULTS,
)
async def verify_presentation(
    request: Annotated[VerifyPresentationRequest, Body(openapi_examples=_PRESENTATION_EXAMPLES)],
    verifier: VerifierDep,
) -> JSONResponse:
    """Verify a presentation and every credential in it; the holder's proof against challenge/domain."""
    result = await _presentation_result(request, verifier)
    return result if isinstance(result, JSONResponse) else _answer(result)


_BRIDGE_EXAMPLES: dict[str, Any] = {
    "to-kok": {
        "summary": "A verified passport against the ESCO occupation kok (cook)",
        "value": {"verifiablePresentation": _PASSPORT, "occupation": "kok"},
    },
    "to-crebo": {
        "summary": "... or against a kwalificatie by crebo",
        "value": {"verifiablePresentation": _PASSPORT, "crebo": "25180"},
    },
}


@router.post(
    "/presentations/bridge",
    response_model=None,
    summary="Werk-naar-werk: a verified passport against an occupation or crebo / Brug naar een beroep",
    responses={
        200: {"model": BridgeResponse, "description": "The target's skills covered (with proof) or missing, and suggestions."},
        422: _RESULTS[422],
        400: {"model": ErrorBody, "description": "Unusable input, no or two targets, an unknown occupation, an ambiguous "
                                                 "one (`ambiguous`: the message names the candidates with their ids), or a "
                                                 "crebo that is no kwalificatie."},
    },
)
async def bridge_presentation(
    request: Annotated[BridgeRequest, Body(openapi_examples=_BRIDGE_EXAMPLES)],
    verifier: VerifierDep,
) -> JSONResponse:
    """Verify the passport (as ``/presentations/verify``), then bridge its verified skills to the target.

    The answer is ``skillspas passport bridge --json``'s object. Labels: ESCO, European Commission;
    CompetentNL (UWV, CBS, SBB, TNO).
    """
    result = await _presentation_result(request, verifier)
    if isinstance(result, JSONResponse):
        return result
    if not result.verified:
        return _answer(result)

    def run() -> dict[str, Any]:
        return bridge(summarize_skills(result), occupation=request.occupation, crebo=request.crebo).to_json()

    return JSONResponse(await run_in_threadpool(run), status_code=200)


async def _presentation_result(
    request: VerifyPresentationRequest | BridgeRequest, verifier: ServiceVerifier
) -> VerificationResult | JSONResponse:
    """The verification of ``request.verifiablePresentation`` with its options, or the refusal of a non-presentation."""
    if "VerifiablePresentation" not in types_of(request.verifiablePresentation):
        return _refuse_type("type must include VerifiablePresentation", "/verifiablePresentation/type",
                            "type hoort VerifiablePresentation te bevatten")
    options = request.options
    return await run_in_threadpool(
        verifier.verify,
        request.verifiablePresentation,
        checks=options.checks if options else None,
        challenge=options.challenge if options else None,
        domain=options.domain if options else None,
    )
