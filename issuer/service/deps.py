"""FastAPI dependencies as ``Annotated`` aliases: the issuer core, settings, the calling organisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from skillspas.issuer.issuing import Issuer
from skillspas.issuer.orgs import Org
from skillspas.issuer.settings import Settings
from skillspas.issuer.verification import ServiceVerifier
from skillspas.schemas.errors import ErrorCode, error_for

__all__ = ["IssuerDep", "SettingsDep", "VerifierDep", "CurrentOrg", "ApiKeyDep", "api_key_of", "bearer"]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An organisation's API key (`skillspas org create` prints one): `Authorization: Bearer skp_…`",
)


# async def: FastAPI would run a plain def in a worker thread, a thread hop per request for a lookup.
async def _issuer(request: Request) -> Issuer:
    return request.app.state.issuer  # type: ignore[no-any-return]


async def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def _verifier(request: Request) -> ServiceVerifier:
    return request.app.state.verifier  # type: ignore[no-any-return]


IssuerDep = Annotated[Issuer, Depends(_issuer)]
SettingsDep = Annotated[Settings, Depends(_settings)]
VerifierDep = Annotated[ServiceVerifier, Depends(_verifier)]


async def api_key_of(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    """The API key that came with the request (not looked up yet); 401 when none came."""
    if credentials is None:
        raise error_for(ErrorCode.UNAUTHORIZED, "send the API key as 'Authorization: Bearer KEY'",
                        nl="stuur de API-sleutel mee als 'Authorization: Bearer SLEUTEL'")
    return credentials.credentials


ApiKeyDep = Annotated[str, Depends(api_key_of)]
"""For a route that looks the key up itself (``Organisations.by_api_key``) in its own worker thread."""


def _current_org(issuer: IssuerDep, api_key: ApiKeyDep) -> Org:  # a plain def: FastAPI runs it in a worker thread
    """The organisation whose API key came with the request; 401 otherwise."""
    return issuer.orgs.by_api_key(api_key)


CurrentOrg = Annotated[Org, Depends(_current_org)]
