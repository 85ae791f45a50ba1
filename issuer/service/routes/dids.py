"""The organisations' did:web DID documents: ``/.well-known/did.json`` by host, or by organisation id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from skillspas.issuer.orgs import Org
from skillspas.issuer.service._responses import errors
from skillspas.issuer.service.deps import IssuerDep
from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error

__all__ = ["router"]

router = APIRouter(tags=["did"])


def _no_such_did() -> SkillspasError:
    """``not_found`` for a DID no organisation of this service has."""
    return localized_error(ErrorCode.NOT_FOUND, en="no organisation has this DID", nl="geen organisatie heeft deze DID")


_DID_DOCUMENT = {
    200: {
        "description": "A did:web DID document (Multikey verification methods)",
        "content": {"application/did+json": {"schema": {"type": "object"}, "example": {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": "did:web:roc.example",
            "verificationMethod": [{"id": "did:web:roc.example#key-1", "type": "Multikey",
                                    "controller": "did:web:roc.example",
                                    "publicKeyMultibase": "z6MkponriorhW7VcMtrTosotegB99kZVjDjMbZAffHU7M7W3"}],
            "assertionMethod": ["did:web:roc.example#key-1"],
        }}},
    },
    **errors(404),
}


def _document(org: Org | None) -> JSONResponse:
    if org is None:
        raise _no_such_did()
    return JSONResponse(org.did_document, media_type="application/did+json",
                        headers={"Cache-Control": "public, max-age=300"})


def _did_for(host: str, path: tuple[str, ...] = ()) -> str:
    return "did:web:" + host.replace(":", "%3A") + "".join(":" + p for p in path)


@router.get("/.well-known/did.json", response_model=None, responses=_DID_DOCUMENT,
            summary="DID document of the organisation at this host")
async def well_known(request: Request, issuer: IssuerDep) -> JSONResponse:
    """The DID document of ``did:web:<Host header>`` (the service can serve several hosts)."""
    host = request.headers.get("host", "")
    if not host or len(host) > 300:
        raise _no_such_did()
    return _document(await run_in_threadpool(issuer.orgs.by_did, _did_for(host)))


@router.get("/orgs/{org_id}/did.json", response_model=None, responses=_DID_DOCUMENT,
            summary="DID document of an organisation, by id")
async def by_org(org_id: str, issuer: IssuerDep) -> JSONResponse:
    """The organisation's DID document, whatever host its did:web DID names."""
    if len(org_id) > 64:
        raise localized_error(ErrorCode.NOT_FOUND, en="no such organisation", nl="deze organisatie bestaat niet")
    org = await run_in_threadpool(issuer.orgs.get, org_id)
    return _document(org)


def did_document_for_path(request: Request, issuer: Any, path: str) -> JSONResponse:
    """did:web with a path (``did:web:host:a:b`` -> ``/a/b/did.json``)."""
    parts = tuple(p for p in path.split("/") if p)
    host = request.headers.get("host", "")
    if not parts or not host or len(path) > 300:
        raise _no_such_did()
    return _document(issuer.orgs.by_did(_did_for(host, parts)))


@router.get("/{path:path}/did.json", response_model=None, responses=_DID_DOCUMENT,
            summary="DID document of a did:web DID with a path", include_in_schema=False)
async def by_path(path: str, request: Request, issuer: IssuerDep) -> JSONResponse:
    """``did:web:<host>:a:b`` is served at ``/a/b/did.json``."""
    return await run_in_threadpool(did_document_for_path, request, issuer, path)
