"""Serve each signed Bitstring Status List credential at the URL written into the credentials."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from fastapi.concurrency import run_in_threadpool

from skillspas.issuer.service._responses import errors
from skillspas.issuer.service.deps import IssuerDep, SettingsDep
from skillspas.schemas.errors import ErrorCode, localized_error

__all__ = ["router"]

router = APIRouter(tags=["status"])

def _utc(moment: dt.datetime) -> dt.datetime:
    """In UTC: SQLite hands back naive datetimes (stored as UTC), PostgreSQL the session's zone."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)


_LIST: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The signed BitstringStatusListCredential (cacheable: Cache-Control, ETag, Last-Modified)",
        "content": {"application/vc+ld+json": {"schema": {"type": "object"}}},
    },
    304: {"description": "Not modified since the ETag given in If-None-Match"},
    **errors(404),
}


@router.get("/status/{org_id}/{seq}/{purpose}", response_model=None, responses=_LIST,
            summary="A status list credential / Een statuslijst")
async def status_list(
    org_id: str, seq: int, purpose: Literal["revocation", "suspension"], request: Request,
    issuer: IssuerDep, settings: SettingsDep,
) -> Response:
    """The current signed list; re-signed whenever a credential in it changes status."""
    # the number only as the credentials write it: not " 1", "01", "+1" or "1_0" (which pydantic reads as numbers)
    if len(org_id) > 64 or not 0 < seq < 2**31 or request.path_params["seq"] != str(seq):
        raise localized_error(ErrorCode.NOT_FOUND, en="no such status list", nl="deze statuslijst bestaat niet")
    document = await run_in_threadpool(issuer.status_list, org_id, seq, purpose)
    if document is None:
        raise localized_error(ErrorCode.NOT_FOUND, en="no such status list", nl="deze statuslijst bestaat niet")
    etag = f'"{org_id}-{seq}-{purpose}-{document.version}"'
    headers = {
        "Cache-Control": f"public, max-age={settings.status_list_max_age}",
        "ETag": etag,
        "Last-Modified": format_datetime(_utc(document.updated_at), usegmt=True),
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(document.text, media_type="application/vc+ld+json", headers=headers)


_BUNDLE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An offline verification bundle: every organisation's DID document and current status lists "
                       "(no trust list). Use it with `skillspas verify --bundle`.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
}


@router.get("/bundle", response_model=None, responses=_BUNDLE, summary="Offline bundle / Offline bundel")
async def bundle(issuer: IssuerDep, settings: SettingsDep) -> Response:
    """DID documents and signed status lists, for verifiers that work offline."""
    from skillspas.issuer.bundle_build import build_bundle

    built = await run_in_threadpool(build_bundle, issuer)
    return JSONResponse(built.to_json(), headers={"Cache-Control": f"public, max-age={settings.status_list_max_age}"})
