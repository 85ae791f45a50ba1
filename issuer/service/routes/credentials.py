"""``POST /credentials/issue``, ``/credentials/cosign``, ``/credentials/status`` (VC-API) and ``/credentials/batch``."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from fastapi.responses import JSONResponse, Response

from skillspas.issuer.batch import BatchInvalid, Manifest, batch_workers, issue_rows, unused_columns, validate_rows
from skillspas.issuer.credentials import KINDS, expired_at_issue, expired_warning, type_name
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.issuing import Issued, Issuer
from skillspas.issuer.orgs import Org
from skillspas.issuer.service.body_guard import PARSED_BODY
from skillspas.issuer.service.errors import error_body, in_body
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, shown
from skillspas.schemas.jsonio import pointer_token
from skillspas.schemas.vc import validity_keys
from skillspas.issuer.service._responses import errors, json_content
from skillspas.issuer.service.api_models import (
    BatchErrorBody,
    BatchRequest,
    BatchResponse,
    CosignRequest,
    IssueRequest,
    IssueResponse,
    StatusRequest,
    StatusResponse,
)
from skillspas.issuer.service.deps import ApiKeyDep, CurrentOrg, IssuerDep, SettingsDep, api_key_of, bearer

__all__ = ["router", "issue_warnings"]

router = APIRouter(tags=["credentials"])

_UNSIGNED = {k: v for k, v in sample_credential("did:web:roc.example").items() if k not in ("id", "issuer")}
_DIPLOMA: dict[str, Any] = {  # as ``skillspas issue mbo-diploma`` builds one (shortened), without id and issuer
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                 "https://w3id.org/skillspas/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential", "MboDiploma"],
    "validFrom": "2025-07-01T00:00:00Z", "awardedDate": "2025-07-01T00:00:00Z", "name": "Mbo-diploma Kok",
    "credentialSubject": {
        "type": ["AchievementSubject"], "name": "Anouk Testdata",
        "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Anouk Testdata"}],
        "leerweg": "BBL",
        "achievement": {
            "id": "urn:uuid:1824d4da-ad59-5c3d-94e1-983af23bfd0a", "type": ["Achievement"], "achievementType": "Diploma",
            "name": "Kok", "description": "Mbo-diploma Kok (crebo 25180), niveau 2 (Basisberoepsopleiding).",
            "criteria": {"narrative": "Alle onderdelen van kwalificatie Kok (25180) behaald volgens het examenplan."},
            "humanCode": "25180",
            "kwalificatie": {"type": ["Kwalificatie"], "crebo": "25180", "name": "Kok", "niveau": 2, "nlqf": 2,
                             "eqf": "http://data.europa.eu/snb/eqf/2",
                             "kwalificatiedossier": {"type": ["Kwalificatiedossier"], "crebo": "23085", "name": "Keuken"}},
            "alignment": [
                {"type": ["Alignment"], "targetType": "ext:CompetentNLAlignment", "targetFramework": "CompetentNL",
                 "targetName": "Samenwerken", "targetUrl": "https://linkeddata.competentnl.nl/id/humancapability/1D54A21B60",
                 "evidenceKind": "kwalificatieLink"},
                {"type": ["Alignment"], "targetType": "ext:CompetentNLAlignment", "targetFramework": "CompetentNL",
                 "targetName": "Plannen", "targetUrl": "https://linkeddata.competentnl.nl/id/humancapability/D8863A73CA",
                 "evidenceKind": "kwalificatieLink"},
            ],
        },
    },
}
_ISSUE_EXAMPLES: dict[str, Any] = {
    "mbo-diploma": {
        "summary": "An mbo-diploma (MboDiploma; issuer and id filled in, a revocation entry added)",
        "value": {"credential": _DIPLOMA},
    },
    "badge": {
        "summary": "An Open Badges 3.0 credential with ESCO skills (issuer filled in)",
        "value": {"credential": _UNSIGNED},
    },
    "suspendable": {
        "summary": "The same, with a suspension entry (instead of the default revocation entry)",
        "value": {"credential": _UNSIGNED, "options": {"statusPurposes": ["suspension"]}},
    },
    "no-status": {
        "summary": "The same, without a status entry",
        "value": {"credential": _UNSIGNED, "options": {"credentialStatus": False}},
    },
    "vc-api-status": {
        "summary": "VC-API form: one status entry of the purpose named",
        "value": {"credential": _UNSIGNED, "options": {"credentialStatus": {"type": "BitstringStatusListEntry",
                                                                            "statusPurpose": "suspension"}}},
    },
}
_STATUS_EXAMPLES: dict[str, Any] = {
    "revoke": {"summary": "Revoke (permanent)", "value": {"credentialId": "urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10", "action": "revoke"}},
    "suspend-vc-api": {
        "summary": "Suspend, in the VC-API form",
        "value": {"credentialId": "urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10",
                  "credentialStatus": [{"type": "BitstringStatusListEntry", "status": "suspended"}]},
    },
    "reinstate": {"summary": "Lift a suspension", "value": {"credentialId": "urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10", "action": "reinstate"}},
}
_ACTION_FOR_STATUS = {"revoked": "revoke", "suspended": "suspend", "active": "reinstate"}


async def issue_credential(
    request: Annotated[IssueRequest, Body(openapi_examples=_ISSUE_EXAMPLES)],
    api_key: ApiKeyDep,
    issuer: IssuerDep,
) -> Response:
    """Sign the credential as the calling organisation (its did:web DID is the issuer).

    The service adds revocation and suspension entries (Bitstring Status List), signs with the
    organisation's key, verifies the result, stores it (or its hash) and writes the audit log.
    A document VC Data Model 2.0 forbids is refused with 400 and a code, never signed; so is a
    ``credentialStatus`` of the caller's (``forbidden_field``: the service allocates the entries).
    Beside the credential, ``warnings`` (always there, empty when there is nothing to say) lists what was issued all
    the same but must be seen, in English and Dutch: ``expired`` for a credential that had expired when it was issued.
    """
    purposes = request.options.purposes() if request.options else None
    with in_body("/credential"):
        if issuer.store.is_postgres:  # on the event loop, the database awaited (Store.on_loop)
            issued = await issuer.store.on_loop(_issue, issuer, api_key, request.credential, purposes)
        else:
            issued = await run_in_threadpool(_issue, issuer, api_key, request.credential, purposes)
    # the credential's canonical text, as hashed and stored: not serialised a second time
    said = issue_warnings(issued.credential)
    warnings = json.dumps(said, ensure_ascii=False, separators=(",", ":")) if said else "[]"  # the common answer as is
    return Response(f'{{"verifiableCredential":{issued.text},"warnings":{warnings}}}', status_code=201,
                    media_type="application/json")


def issue_warnings(credential: dict[str, Any]) -> list[dict[str, Any]]:
    """What an answer says beside a credential issued, or offered to be claimed (``IssueWarning``): ``expired`` when it
    had expired before it was issued (``expired_at_issue``; issued all the same, as ``skillspas issue`` and the batch
    do, never silently). ``POST /credentials/issue`` and ``POST /exchanges`` both answer with it.

    Args:
        credential: The credential as issued, or as offered (its ``validUntil`` or VC 1.1 ``expirationDate``).

    Returns:
        The warnings as ``IssueWarning`` JSON, each with its JSON Pointer into the request (``/credential/...``).
    """
    until = expired_at_issue(credential)
    if until is None:
        return []
    key = validity_keys(credential)[1]  # validUntil (VC 1.1: expirationDate), as the request named it
    nl, en = expired_warning((), until, field=key)
    return [{"code": ErrorCode.EXPIRED.value, "message": en, "messageNl": nl, "path": f"/credential/{key}"}]


class _DirectRoute(APIRoute):
    """``issue_credential`` as declared (its OpenAPI entry, its checks), called without FastAPI's per-request
    dependency solving: the API key first (401), then the body validated against ``IssueRequest`` with
    FastAPI's error locations (the hot path of the service): the body as the guard parsed it, not parsed again."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        async def handle(request: Request) -> Response:
            api_key = await api_key_of(await bearer(request))
            state = request.scope.get("state") or {}
            if PARSED_BODY not in state:  # no body (the guard parses every body it lets through)
                raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}])
            try:
                parsed = IssueRequest.model_validate(state[PARSED_BODY], from_attributes=True)  # as FastAPI validates
            except ValidationError as exc:
                raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()],
                                             body=state[PARSED_BODY]) from None
            return await issue_credential(parsed, api_key, request.app.state.issuer)

        return handle


router.add_api_route(
    "/credentials/issue", issue_credential, methods=["POST"], status_code=201, response_model=None,
    summary="Issue a credential / Bewijsstuk uitgeven", responses={201: json_content(IssueResponse), **errors(400, 401, 403)},
    route_class_override=_DirectRoute,
)


def _issue(issuer: Issuer, api_key: str, credential: dict[str, Any], purposes: tuple[str, ...] | None) -> Issued:
    """Look the key up and issue on one database connection (a request's one checkout): in a worker thread, or
    on PostgreSQL on the event loop."""
    with issuer.store.checkout():
        org = issuer.orgs.by_api_key(api_key, remembered=True)  # the reservation checks the key again
        try:
            return issuer.issue(org, credential, with_status=purposes != (), purposes=purposes or None)
        except SkillspasError as exc:
            org = issuer.orgs.by_api_key(api_key)  # a key revoked or expired since it was remembered: 401, never
            if exc.code is not ErrorCode.UNAUTHORIZED:  # another refusal (which would tell it what it may not know)
                raise
        # The signing key rotated since the key was remembered (the reservation refused it): with the new one.
        return issuer.issue(org, credential, with_status=purposes != (), purposes=purposes or None)


_COSIGN_EXAMPLES: dict[str, Any] = {
    "praktijkverklaring": {
        "summary": "A praktijkverklaring the school issued, naming this leerbedrijf as coSigner",
        "value": {"verifiableCredential": {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                         "https://w3id.org/skillspas/v1"],
            "id": "urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10",
            "type": ["VerifiableCredential", "OpenBadgeCredential", "Praktijkverklaring"],
            "issuer": "did:web:roc.example", "coSigner": "did:web:bistro.example",
            "credentialSubject": {"type": ["AchievementSubject"]},
            "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                      "verificationMethod": "did:web:roc.example#key-1", "proofPurpose": "assertionMethod",
                      "proofValue": "z3FXQ…"},
        }},
    },
}


@router.post(
    "/credentials/cosign",
    status_code=201,
    response_model=None,
    summary="Co-sign a credential / Bewijsstuk medeondertekenen",
    responses={201: json_content(IssueResponse), **errors(400, 401, 403, 404, 422)},
)
async def cosign_credential(
    request: Annotated[CosignRequest, Body(openapi_examples=_COSIGN_EXAMPLES)],
    org: CurrentOrg,
    issuer: IssuerDep,
) -> JSONResponse:
    """Add the calling organisation's proof to a credential that names it as ``coSigner``.

    For a praktijkverklaring: the school issues it (``/credentials/issue``), then the leerbedrijf
    co-signs it here with its own key. The credential must be exactly as this service issued it,
    not revoked or suspended, and its proof must verify; both proofs are verified before the
    co-signed credential is returned, stored in place of the first and written to the audit log.
    """
    with in_body("/verifiableCredential"):
        cosigned = await run_in_threadpool(issuer.cosign, org, request.verifiableCredential)
    return JSONResponse({"verifiableCredential": cosigned}, status_code=201)


@router.post(
    "/credentials/status",
    response_model=None,
    summary="Revoke, suspend or reinstate / Intrekken, schorsen of herstellen",
    responses={200: json_content(StatusResponse), **errors(400, 401, 403, 404)},
)
async def update_status(
    request: Annotated[StatusRequest, Body(openapi_examples=_STATUS_EXAMPLES)],
    org: CurrentOrg,
    issuer: IssuerDep,
) -> JSONResponse:
    """Change a credential's status; its status list credential is re-signed at once.

    Give ``action`` (revoke, suspend, reinstate) or, as in VC-API, one ``credentialStatus`` entry
    with ``status`` revoked, suspended or active. Revocation is permanent.
    """
    if (request.action is None) == (request.credentialStatus is None):
        raise error_for(ErrorCode.INVALID_STATUS_CHANGE, "give either action or credentialStatus", "/action",
                        nl="Geef óf action óf credentialStatus mee.")
    action = request.action or _ACTION_FOR_STATUS[request.credentialStatus[0].status]  # type: ignore[index]
    try:
        change = await run_in_threadpool(issuer.change_status, org, request.credentialId, action)
    except SkillspasError as exc:
        if exc.path == "/credentialStatus":  # the library's word for "the change asked for": the member that asked it
            exc.path = "/action" if request.action is not None else "/credentialStatus/0/status"
        raise
    return JSONResponse(change.to_json())


_BATCH_EXAMPLES: dict[str, Any] = {
    "diplomas": {
        "summary": "Two mbo diplomas from a student information system export",
        "value": {"type": "mbo-diploma", "rows": [
            {"row_key": "2025-0001", "learner_name": "Anouk Testdata", "crebo": "25180", "leerweg": "BBL", "date": "2025-07-01"},
            {"row_key": "2025-0002", "learner_name": "Bram Voorbeeld", "crebo": "25180", "leerweg": "BOL", "date": "2025-07-01"},
        ]},
    },
}


@router.post(
    "/credentials/batch",
    status_code=201,
    response_model=None,
    summary="Issue many credentials / Veel bewijsstukken uitgeven",
    responses={201: json_content(BatchResponse), 400: {"model": BatchErrorBody, "description": "Bad rows (all listed; nothing issued) or a refused request."},
               **errors(401, 403)},
)
async def issue_batch(
    request: Annotated[BatchRequest, Body(openapi_examples=_BATCH_EXAMPLES)],
    org: CurrentOrg,
    issuer: IssuerDep,
    settings: SettingsDep,
) -> JSONResponse:
    """Validate every row first; if any is bad, answer 400 with all of them and issue nothing.

    Then issue each row as the calling organisation; a ``row_key`` issued before is not issued again
    (its stored credential is returned), so a retried request issues nothing twice.
    """
    if len(request.rows) > settings.max_batch_rows:
        raise error_for(ErrorCode.TOO_LARGE, f"at most {settings.max_batch_rows} rows per request; use the CLI for more", "/rows",
                        nl=f"hoogstens {settings.max_batch_rows} regels per verzoek; gebruik voor meer de opdrachtregel "
                           "(skillspas batch)")
    try:
        type_name(request.type)
    except ValueError as exc:
        raise error_for(ErrorCode.SCHEMA_INVALID, str(exc), "/type",
                        nl=f"Onbekende soort bewijsstuk {shown(request.type, 40, quoted=True)}; kies uit "
                           f"{', '.join(KINDS)}.") from None
    rows = [(line, row) for line, row in enumerate(request.rows, start=1)]
    _row_values(rows)
    try:
        manifest = await run_in_threadpool(_issue_batch, issuer, org, request.type, rows)
    except BatchInvalid as exc:
        body = error_body(exc.code.value, exc.message, exc.text("nl"), "/rows",
                          [{"code": e.code, "message": f"row {e.line}: {e.message}", "path": f"/rows/{e.line - 1}"
                            + (f"/{e.field}" if e.field else "")} for e in exc.errors],
                          rowErrors=[e.to_json() for e in exc.errors],
                          **({"unusedColumns": unused_columns(exc.unread)} if exc.unread else {}))
        return JSONResponse(body, status_code=exc.http_status)
    return JSONResponse({"credentials": manifest.credentials, "manifest": manifest.to_json()}, status_code=201)


_NOT_ROW_VALUES = {bool: ("true/false", "true/false"), dict: ("an object", "object")}


def _row_values(rows: list[tuple[int, dict[str, Any]]]) -> None:
    """A row value is what the builders read from a CSV cell or ``issue --data`` JSON: text, a number, a list
    (``;`` in a CSV) or null (an empty cell); true/false is no text and an object no field: ``schema_invalid``
    names the first such value, its row and field. (Which fields take a number with a fraction, and how large,
    is the builders' ``Row``'s to say, for every path alike: a text field or the row key refuses one.)"""
    for line, row in rows:
        for field, value in row.items():
            refused = _NOT_ROW_VALUES.get(type(value))
            if refused is not None:
                en, nl = refused
                name = shown(field, 40, quoted=True)
                raise error_for(ErrorCode.SCHEMA_INVALID, f"row {line}, field {name}: a row value is text, a "
                                f"number, a list or null, not {en}",
                                f"/rows/{line - 1}/" + pointer_token(field),
                                nl=f"Regel {line}, veld {name}: een waarde is tekst, een getal, een lijst of "
                                   f"null, geen {nl}.")


def _issue_batch(issuer: Issuer, org: Org, kind: str, rows: list[tuple[int, dict[str, Any]]]) -> Manifest:
    """Check every row, then issue them all (with worker processes for a large batch, started once)."""
    with batch_workers(issuer, len(rows)) as workers:
        plan = validate_rows(issuer, org, kind, rows, workers=workers)
        manifest: Manifest = issue_rows(issuer, org, plan, collect=True, workers=workers)
        return manifest
