"""``GET /audit``: the calling organisation's audit log (who issued or changed what, and when)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from skillspas.issuer import audit
from skillspas.issuer.service._responses import errors, json_content
from skillspas.issuer.service.api_models import AuditResponse
from skillspas.issuer.service.deps import CurrentOrg, IssuerDep

__all__ = ["router"]

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=None, responses={200: json_content(AuditResponse), **errors(400, 401, 403)},
            summary="Audit log / Logboek")
async def audit_log(
    org: CurrentOrg, issuer: IssuerDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> JSONResponse:
    """The latest events of the calling organisation, newest first (needs scope audit:read)."""
    org.require("audit:read")
    events = await run_in_threadpool(audit.events, issuer.store, org_id=org.id, limit=limit)
    return JSONResponse({"events": [e.to_json() for e in events]})
