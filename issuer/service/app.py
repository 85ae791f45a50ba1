"""The issuer service: ``create_app(settings) -> FastAPI`` (an app factory, no import-time global).

Usage::

    app = create_app(Settings.from_env(database_url="postgresql://…", public_url="https://roc.example"))
    uvicorn.run(app, host="127.0.0.1", port=8000)          # or: skillspas serve

VC-API shaped: POST /credentials/issue, /credentials/cosign, /credentials/verify,
/presentations/verify, /credentials/status, /credentials/batch, /exchanges, /exchanges/{id} (claim offers); GET /.well-known/did.json, /orgs/{id}/did.json,
/status/{org}/{seq}/{purpose}, /audit; the verifier page at /verifier/ (for the organisations' own
credentials, with their current DID documents and status lists). The database is migrated at startup.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi_offline import FastAPIOffline

from skillspas.issuer.issuing import Issuer
from skillspas.issuer.service._responses import coded_openapi
from skillspas.issuer.service.body_guard import StrictJSONBody
from skillspas.issuer.service.errors import install_error_handlers
from skillspas.issuer.service.routes import audit, credentials, dids, exchanges, status_lists, verify
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import Store, open_store
from skillspas.issuer.verification import ServiceVerifier
from skillspas.schemas.limits import Limits
from skillspas.verifier.page.app import HeadAsGet

__all__ = ["create_app", "PAGE_PREFIX"]

PAGE_PREFIX = "/verifier"

_DESCRIPTION = """\
Issue, verify and revoke skills credentials (W3C VC 2.0, Data Integrity, Open Badges 3.0) in the
shapes of the W3C VC-API. Every credential is verified by the service before it is returned.

Errors are JSON objects with a stable `code`, an English `message`, a Dutch `messageNl`, a JSON
pointer `path` (into the credential or presentation the route checks when that document is refused; into
the request body when the request itself does not fit: its shape, its size, and on the claim route
`/exchanges/{id}` always) and all `errors` found: 400 for an unusable request or a refused document, 422 for
a credential that was checked and is not valid, 401/403 for a missing or insufficient API key, 408 for a
body that did not arrive in time, 503 when the organisation's signing key cannot be used or the issuer's
database cannot be reached now (`database_unavailable`, with `Retry-After`: the service takes it up again by
itself once the database is back).

*Uitgeven, controleren en intrekken van bewijsstukken; foutmeldingen in het Engels en Nederlands.*
"""


def create_app(settings: Settings, *, store: Store | None = None) -> FastAPI:
    """Build the FastAPI app for ``settings`` (opening and migrating the database unless given)."""
    store = store or open_store(settings.database)
    app = FastAPIOffline(  # /docs and /redoc with their scripts from the package, not a CDN
        swagger_ui_parameters={"validatorUrl": None},  # Swagger UI would ask validator.swagger.io
        title="skillspas issuer",
        version="1.0",
        description=_DESCRIPTION,
        openapi_tags=[
            {"name": "credentials", "description": "Issue credentials and change their status"},
            {"name": "verification", "description": "Verify credentials and presentations offline"},
            {"name": "did", "description": "The organisations' did:web DID documents"},
            {"name": "status", "description": "Bitstring Status List credentials"},
            {"name": "audit", "description": "Who issued or changed what, and when"},
            {"name": "exchanges", "description": "Claim offers: a worker claims a credential bound to their DID (VC-API exchanges)"},
        ],
    )
    issuer = Issuer(store, settings)
    app.state.settings = settings
    app.state.issuer = issuer
    app.state.verifier = ServiceVerifier(issuer)
    install_error_handlers(app)
    app.openapi = coded_openapi(app)  # type: ignore[method-assign]  # 400 ErrorBody, not FastAPI's 422 HTTPValidationError
    for module in (credentials, exchanges, verify, status_lists, audit, dids):
        app.include_router(module.router)
    # A path with a slash too many is a coded 404 naming the route (http_error), not Starlette's empty 307 to an
    # absolute http:// URL, which a client POSTing JSON does not follow; only the page's own address redirects.
    app.router.redirect_slashes = False
    app.add_api_route(PAGE_PREFIX, lambda: RedirectResponse(PAGE_PREFIX + "/"), methods=["GET"], include_in_schema=False)
    app.router.on_shutdown.append(issuer.orgs.close)  # log out of the HSM, if organisations use one
    app.router.on_shutdown.append(store.dispose_loop)  # the event loop's PostgreSQL connections (Store.on_loop)
    app.mount(PAGE_PREFIX, _verifier_page(issuer, settings))
    limit = Limits().max_bytes + 64 * 1024
    app.add_middleware(StrictJSONBody, limit=limit, large_limit=16 * 1024 * 1024,
                       large_paths=frozenset({"/credentials/batch"}), own_bounds=(PAGE_PREFIX + "/",),
                       read_timeout=settings.body_read_timeout)
    app.add_middleware(HeadAsGet)
    return app


def _verifier_page(issuer: Issuer, settings: Settings) -> FastAPI:
    """The verifier page (skillspas.verifier.page) over the service's organisations: their DID documents
    and status lists as they are at each check, their DIDs as the trusted issuers."""
    from urllib.parse import urlsplit

    from skillspas.issuer.bundle_build import build_bundle
    from skillspas.verifier.page import PageSettings, create_page_app

    hosts = {"127.0.0.1", "localhost", settings.host, urlsplit(settings.base_url).hostname or "localhost"}
    return create_page_app(PageSettings(  # its 404/405 are coded as the service's (both use page.errors.http_error)
        bundle_loader=lambda: build_bundle(issuer), bundle_source="skillspas serve", trust_bundle_dids=True,
        allowed_hosts=tuple(sorted(hosts)),
    ))
