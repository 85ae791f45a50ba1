"""``POST /exchanges`` (a one-time claim offer), ``POST /exchanges/{id}`` (VC-API exchange, DID-Auth then the
credential) and ``GET /exchanges/{id}`` (the offer's page for a browser; the VC-API interaction JSON otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from skillspas.issuer.demo import sample_credential
from skillspas.issuer.exchanges import DEFAULT_TTL, TOKEN_PATTERN, Exchanges
from skillspas.issuer.service._responses import errors, json_content
from skillspas.issuer.service.api_models import ExchangeRequest, ExchangeResponse, OfferRequest, OfferResponse
from skillspas.issuer.service.deps import CurrentOrg
from skillspas.issuer.service.errors import in_body
from skillspas.issuer.service.routes.credentials import issue_warnings
from skillspas.issuer.service.claim_page import PAGE_HEADERS, language, render, render_error, wants_html
from skillspas.issuer.service.errors import logged, public_error, retry_after
from skillspas.schemas.errors import SkillspasError

__all__ = ["router"]

router = APIRouter(tags=["exchanges"])

_UNSIGNED = {k: v for k, v in sample_credential("did:web:roc.example").items() if k not in ("id", "issuer")}
_OFFER_EXAMPLES: dict[str, Any] = {
    "badge": {
        "summary": "A credential for a student who has no DID yet (credentialSubject without id)",
        "value": {"credential": {**_UNSIGNED, "credentialSubject": {
            k: v for k, v in _UNSIGNED["credentialSubject"].items() if k != "id"}}, "expiresIn": 86400},
    },
}
_EXCHANGE_EXAMPLES: dict[str, Any] = {
    "start": {"summary": "Ask what to prove", "value": {}},
    "did-auth": {"summary": "The DID-Auth presentation over the challenge and domain asked for", "value": {
        "verifiablePresentation": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                                   "holder": "did:key:z6Mk…", "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                                   "proofPurpose": "authentication", "challenge": "…", "domain": "roc.example", "proofValue": "z…"}}}},
}
ExchangeId = Annotated[str, Path(pattern=TOKEN_PATTERN, description="The offer's secret token (from exchangeUrl)")]


def _exchanges(request: Request) -> Exchanges:
    return Exchanges(request.app.state.issuer)


@router.post(
    "/exchanges",
    status_code=201,
    response_model=None,
    summary="Make a one-time claim offer / Ophaalaanbod maken",
    responses={201: {**json_content(OfferResponse), "headers": {"Location": {
        "description": "The offer's exchange URL (as exchangeUrl)", "schema": {"type": "string"}}}}, **errors(400, 401, 403)},
)
async def create_offer(
    body: Annotated[OfferRequest, Body(openapi_examples=_OFFER_EXAMPLES)], org: CurrentOrg, request: Request,
) -> JSONResponse:
    """Keep a credential for a worker who has no DID yet; they claim it once at ``exchangeUrl``.

    The credential is checked now as it will be issued (``credentialSubject.id`` must be left out:
    the worker's DID is filled in when they claim). The offer expires after ``expiresIn`` seconds
    (default 24 hours); ``qr`` is the text for a QR code (the URL), and ``Location`` names it too.
    Beside it, ``warnings`` (always there, empty when there is nothing to say), as ``POST /credentials/issue``
    answers: ``expired`` for a credential that has already expired now, so the worker would claim an expired one."""
    purposes = body.options.purposes() if body.options else None
    ttl = dt.timedelta(seconds=body.expiresIn) if body.expiresIn else DEFAULT_TTL
    with in_body("/credential"):
        offer = await run_in_threadpool(_exchanges(request).create, org, body.credential, purposes=purposes, ttl=ttl)
    return JSONResponse({**offer.to_json(), "warnings": issue_warnings(body.credential)}, status_code=201,
                        headers={"Location": offer.url})


@router.post(
    "/exchanges/{exchange_id}",
    response_model=None,
    summary="Claim a credential (VC-API exchange) / Bewijsstuk ophalen",
    responses={200: json_content(ExchangeResponse), **errors(400, 404, 409, 410, 422)},
)
async def exchange(
    exchange_id: ExchangeId, body: Annotated[ExchangeRequest, Body(openapi_examples=_EXCHANGE_EXAMPLES)],
    request: Request,
) -> JSONResponse:
    """The exchange a wallet (``skillspas passport claim``, the DCC Learner Credential Wallet) runs.

    ``{}`` answers a ``verifiablePresentationRequest`` for DID authentication with a challenge and
    this service's domain; a ``verifiablePresentation`` signed over them (proofPurpose
    ``authentication``) answers the credential, issued to the DID that signed. Once only
    (``offer_used``), until it expires (``offer_expired``)."""
    exchanges = _exchanges(request)
    if body.verifiablePresentation is None:
        return JSONResponse(await run_in_threadpool(exchanges.request, exchange_id))
    return JSONResponse(await run_in_threadpool(exchanges.claim, exchange_id, body.verifiablePresentation))


_PAGE_STATUS = {"open": 200, "used": 409, "expired": 410}


@router.get(
    "/exchanges/{exchange_id}",
    response_model=None,
    summary="The claim offer: a page for a browser, the VC-API interaction for a wallet / Ophaalaanbod bekijken",
    responses={200: {"content": {"application/json": {"example": {"protocols": {"vcapi": "https://roc.example/exchanges/…"}}},
                                 "text/html": {}}}, **errors(400, 404, 409, 410)},
)
async def offer_page(
    exchange_id: ExchangeId, request: Request,
    lang: Annotated[str | None, Query(description="The page's language: nl or en (another: the browser's, else Dutch)")] = None,
) -> Response:
    """A browser (``Accept: text/html``) gets the offer's page in Dutch or English: the credential, the
    organisation, until when it can be claimed, the ``skillspas passport claim`` command, the Learner
    Credential Wallet link and a QR code of this URL; a used or expired offer says so in words.
    Other clients get JSON: ``{"protocols": {"vcapi": URL}}``, or the coded refusal (``offer_used``,
    ``offer_expired``, ``not_found``)."""
    exchanges = _exchanges(request)
    if not wants_html(request.headers.get("accept", "")):
        return JSONResponse(await run_in_threadpool(exchanges.interaction, exchange_id))
    chosen = language(lang, request.headers.get("accept-language", ""))
    try:
        view = await run_in_threadpool(exchanges.view, exchange_id)
    except SkillspasError as exc:
        return HTMLResponse(render_error(public_error(logged(request, exc)), chosen), status_code=exc.http_status,
                            headers={**PAGE_HEADERS, **retry_after(exc)})
    page = await run_in_threadpool(render, view, chosen)
    return HTMLResponse(page, status_code=_PAGE_STATUS[view.state], headers=PAGE_HEADERS)
