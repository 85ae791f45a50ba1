"""``skillspas verifier``: start the offline verifier page on 127.0.0.1.

    skillspas verifier --bundle bundle.json                 # http://127.0.0.1:8765/
    skillspas verifier --port 9000 --trust-issuer did:key:z6Mk…   # no bundle: name the issuer

The page binds to 127.0.0.1 only (there is no option to listen elsewhere): it is for the person at
this computer. Trust material and limits are those of ``skillspas verify``; a bundle that cannot be
read, or a port that cannot be taken (``listen.bound_socket``, as ``serve``), is exit 2 before anything starts.
Stop with Ctrl+C.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, file_error
from skillspas.schemas.limits import Limits
from skillspas.schemas.report import refuse
from skillspas.verifier.bundle import Bundle
from skillspas.verifier.cli import checked_trust_list, parse_duration
from skillspas.verifier.page.settings import LANGUAGES, PageSettings
from skillspas.verifier.trust import checked_dids

__all__ = ["verifier_command", "HOST", "DEFAULT_PORT"]

HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def verifier_command(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1")] = DEFAULT_PORT,
    bundle: Annotated[Optional[Path], typer.Option("--bundle", help="Offline bundle (file or folder): trust list, DID documents, status lists")] = None,
    trust_issuer: Annotated[Optional[list[str]], typer.Option("--trust-issuer", help="Trust this issuer DID (repeatable)")] = None,
    trust_anchor: Annotated[Optional[list[str]], typer.Option("--trust-anchor", help="The bundle's trust list must be signed by this DID (repeatable)")] = None,
    contexts: Annotated[Optional[Path], typer.Option(help="Folder of extra contexts (contexts.map.json)")] = None,
    max_status_age: Annotated[str, typer.Option("--max-status-age", help="Status lists older than this are a warning (7d, 36h)")] = "7d",
    lang: Annotated[str, typer.Option(help="First language of the page: nl or en")] = "nl",
    max_bytes: Annotated[int, typer.Option(help="Largest JSON input accepted")] = Limits.max_bytes,
    max_depth: Annotated[int, typer.Option(help="Deepest JSON nesting accepted")] = Limits.max_depth,
    build_static: Annotated[Optional[Path], typer.Option("--build-static", help="Write the installable offline page (verifies in the browser) into this folder instead of serving")] = None,
) -> None:
    """Open the verifier page on 127.0.0.1 / Start de controlepagina op 127.0.0.1."""
    if lang not in LANGUAGES:
        raise refuse(error_for(ErrorCode.INVALID_OPTION, f"--lang must be one of {', '.join(LANGUAGES)}"))
    try:
        freshness = parse_duration(max_status_age)
        checked_dids(trust_issuer, "--trust-issuer")  # a file name or a key id given for a DID: said before anything
        # (--trust-anchor is checked with the bundle's trust list: ``_checked_bundle``, which names the list)
    except SkillspasError as exc:
        raise refuse(exc) from None
    if build_static is not None:
        _build_static(build_static, bundle, trust_issuer, trust_anchor, max_status_age)
        return
    try:
        loaded = _checked_bundle(bundle, trust_anchor) if bundle is not None else None
        settings = PageSettings(
            bundle=loaded,
            bundle_source=str(bundle) if bundle is not None else None,
            trusted_issuers=tuple(trust_issuer or ()), trust_anchors=tuple(trust_anchor or ()),
            contexts=contexts, status_freshness=freshness,
            limits=Limits(max_bytes=max_bytes, max_depth=max_depth), lang=lang,
        )
        from skillspas.verifier.page.app import create_page_app  # FastAPI loads only for this command

        app = create_page_app(settings)
    except SkillspasError as exc:
        raise refuse(exc) from None
    import uvicorn

    from skillspas.verifier.page.http_protocol import CodedHTTPProtocol
    from skillspas.verifier.page.listen import bound_socket, run_on

    try:  # a port in use is refused here, as serve refuses it, before the line that says the page runs
        sock = bound_socket(HOST, port)
    except SkillspasError as exc:
        raise refuse(exc) from None
    typer.echo(f"skillspas verifier: http://{HOST}:{port}/  " + ("(open dit adres in uw browser; Ctrl+C stopt de pagina)"
               if settings.lang == "nl" else "(open this address in your browser; Ctrl+C stops the page)"))
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", access_log=False, server_header=False,
                            http=CodedHTTPProtocol)  # a request uvicorn cannot read: a coded 400, as the page's own
    try:  # Ctrl-C stops the page: exit 0, as serve; a startup that failed: startup_failed, exit 2
        run_on(uvicorn.Server(config), sock)
    except SkillspasError as exc:
        raise refuse(exc, lang=settings.lang) from None


def _checked_bundle(path: Path, anchors: list[str] | None) -> Bundle:
    """The bundle at ``path``, whose trust list verifies (signed by one of ``anchors`` when given), as
    ``bundle create`` checks it; a rejected trust list is ``invalid_option``: the page would trust no one."""
    bundle = Bundle.from_file(path)
    try:
        checked_trust_list(bundle, anchors)
    except SkillspasError as exc:
        hint, hint_nl = (" (is --trust-anchor the DID that signed it?)", " (is --trust-anchor de DID die hem ondertekende?)") if anchors else ("", "")
        raise error_for(
            ErrorCode.INVALID_OPTION, f"the bundle's trust list was rejected [{exc.code.value}]: {exc.message}{hint}",
            nl=f"de vertrouwenslijst van de bundel is afgewezen [{exc.code.value}]: {exc.text('nl')}{hint_nl}",
        ) from None
    return bundle


def _build_static(out: Path, bundle: Path | None, issuers: list[str] | None, anchors: list[str] | None, max_status_age: str) -> None:
    """``--build-static``: the browser build with this bundle and trust settings; SHA256SUMS lists every file."""
    from skillspas.verifier.browser_build import build, install_runtime, runtime_folder, runtime_version

    try:
        if bundle is not None:  # a malformed bundle, or a trust list the anchors reject, is refused here, not on the phone
            _checked_bundle(bundle, anchors)
    except SkillspasError as exc:
        raise refuse(exc) from None
    if bundle is not None and not bundle.is_file():
        raise refuse(error_for(ErrorCode.INVALID_OPTION, "--build-static takes a bundle file (bundle create --out FILE), not a folder"))
    settings: dict[str, object] = {"max_status_age": max_status_age}
    if issuers:
        settings["trusted_issuers"] = list(issuers)
    if anchors:
        settings["trust_anchors"] = list(anchors)
    try:
        try:
            runtime = runtime_folder()
        except FileNotFoundError:  # an installed skillspas: the pinned runtime goes into the cache once
            typer.echo(f"de Pyodide-runtime {runtime_version()} wordt geïnstalleerd (npm ci, vastgelegd in package-lock.json) ... / "
                       f"installing the Pyodide runtime {runtime_version()} (npm ci, pinned by package-lock.json) ...", err=True)
            runtime = install_runtime()
        sums = build(out, runtime, bundle=bundle, settings=settings)
    except FileNotFoundError as exc:
        raise refuse(error_for(ErrorCode.NOT_INSTALLED, str(exc))) from None
    except OSError as exc:  # a folder that cannot be made or written (a file in the way, a name too long, no permission)
        raise refuse(file_error(exc, exc.filename or out, "write")) from None
    typer.echo(f"{len(sums)} bestanden geschreven in {out}; {out / 'SHA256SUMS'} geeft van elk de SHA-256 / "
               f"wrote {len(sums)} files to {out}; {out / 'SHA256SUMS'} lists the SHA-256 of each")

