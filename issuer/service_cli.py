"""``skillspas serve``, ``skillspas org …`` and ``skillspas batch``: thin commands over the library.

Heavy imports (FastAPI, SQLAlchemy, uvicorn) happen inside the commands, so ``skillspas verify``
starts as fast as before. Each command: parse -> call the library -> print -> exit code.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

__all__ = ["serve_command", "org_app", "batch_command"]

DatabaseOption = Annotated[Optional[str], typer.Option(
    "--database-url", help="SQLAlchemy URL (default: SQLite in the data folder; postgresql://… for PostgreSQL)")]
DataDirOption = Annotated[Optional[Path], typer.Option(
    "--data-dir", help="Folder for the SQLite database and the keystore (default: the user data folder)")]

org_app = typer.Typer(help="Organisations and API keys / Organisaties en API-sleutels.", no_args_is_help=True)


def _settings(**overrides: Any) -> Any:
    from skillspas.issuer.settings import Settings

    return Settings.from_env(**overrides)


def _die(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def _opened(database_url: str | None, data_dir: Path | None) -> Iterator[tuple[Any, Any]]:
    """The settings and the open store (migrated) for one command; closed afterwards."""
    from skillspas.issuer.store import open_store

    settings = _guard(lambda: _settings(database_url=database_url, data_dir=data_dir))
    store = open_store(settings.database)
    try:
        yield settings, store
    finally:
        store.dispose()


def _guard(call: Any) -> Any:
    """Run ``call``; coded and usage errors become a message and exit 2, never a traceback."""
    from skillspas.issuer.problems import ServiceProblem
    from skillspas.schemas.errors import SkillspasError

    try:
        return call()
    except SkillspasError as exc:
        raise _die(f"[{exc.code.value}] {exc.message}", exc.code.exit_code) from None
    except ServiceProblem as exc:
        raise _die(f"[{exc.code.value}] {exc.message}") from None
    except ValueError as exc:
        raise _die(str(exc)) from None


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
    public_url: Annotated[Optional[str], typer.Option(
        help="Base of every URL the service writes (status lists, DID documents); default http(s)://HOST:PORT")] = None,
    contexts: Annotated[Optional[Path], typer.Option(
        help="Folder of extra JSON-LD contexts (contexts.map.json), as verify --contexts; env SKILLSPAS_CONTEXTS")] = None,
    ssl_certfile: Annotated[Optional[Path], typer.Option(
        exists=True, dir_okay=False, help="Serve HTTPS with this PEM certificate (chain); normally a proxy terminates TLS instead")] = None,
    ssl_keyfile: Annotated[Optional[Path], typer.Option(
        exists=True, dir_okay=False, help="The PEM private key of --ssl-certfile")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Run the issuer API (VC-API) / Start de uitgifte-API."""
    import uvicorn

    from skillspas.issuer.service.app import create_app

    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise _die("--ssl-certfile and --ssl-keyfile go together")
    scheme = "https" if ssl_certfile is not None else "http"
    settings = _guard(lambda: _settings(host=host, port=port, database_url=database_url, data_dir=data_dir,
                                        public_url=public_url or (f"https://{host}:{port}" if ssl_certfile else None),
                                        contexts=contexts))
    app = _guard(lambda: create_app(settings))
    typer.echo(f"skillspas issuer on {scheme}://{host}:{port} (public URL {settings.base_url}); OpenAPI at /docs", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level,
                ssl_certfile=None if ssl_certfile is None else str(ssl_certfile),
                ssl_keyfile=None if ssl_keyfile is None else str(ssl_keyfile))


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Argument(help="The organisation's name")],
    role: Annotated[str, typer.Option(help="mbo, evc, employer or training")],
    did_web: Annotated[Optional[str], typer.Option("--did-web", help="Web host of its did:web DID, e.g. roc.example")] = None,
    did_key: Annotated[bool, typer.Option("--did-key", help="Its DID is its key's did:key (no web host needed; no rotation)")] = False,
    key_type: Annotated[str, typer.Option(help="ed25519, p256 (p-256)")] = "ed25519",
    hsm: Annotated[bool, typer.Option("--hsm", help="Make the key on the HSM (SKILLSPAS_PKCS11_MODULE, _TOKEN, _PIN)")] = False,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Register an organisation; prints its DID and a new API key (shown once) as JSON."""
    from skillspas.issuer.orgs import create_organisation
    with _opened(database_url, data_dir) as (settings, store):
        created = _guard(lambda: create_organisation(store, settings, name, role=role, did_web=did_web,
                                                     did_key=did_key, key_type=key_type, hsm=hsm))
    typer.echo(json.dumps(created.to_json(), indent=2))


@org_app.command("list")
def org_list(database_url: DatabaseOption = None, data_dir: DataDirOption = None) -> None:
    """List the organisations (id, name, role, DID) as JSON."""
    from skillspas.issuer.orgs import Organisations
    with _opened(database_url, data_dir) as (settings, store):
        orgs = _guard(lambda: Organisations(store, settings).all())
    typer.echo(json.dumps([{"id": o.id, "name": o.name, "role": o.role, "did": o.did} for o in orgs], indent=2))


@org_app.command("add-key")
def org_add_key(
    org: Annotated[str, typer.Argument(help="Organisation id, name or DID")],
    scope: Annotated[Optional[list[str]], typer.Option(
        help="credentials:issue, credentials:status, credentials:batch, audit:read (repeatable; default all)")] = None,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Make another API key for an organisation (printed once, stored hashed)."""
    from skillspas.issuer.orgs import SCOPES, Organisations, add_api_key
    with _opened(database_url, data_dir) as (settings, store):
        found = _guard(lambda: Organisations(store, settings).find(org))
        key = _guard(lambda: add_api_key(store, found.id, scope or SCOPES))
    typer.echo(json.dumps({"id": found.id, "did": found.did, "scopes": sorted(scope or SCOPES), "apiKey": key}, indent=2))


@org_app.command("rotate-key")
def org_rotate_key(
    org: Annotated[str, typer.Argument(help="Organisation id, name or DID")],
    key_type: Annotated[Optional[str], typer.Option(help="ed25519 or p-256 (default: the kind of the current key)")] = None,
    hsm: Annotated[Optional[bool], typer.Option("--hsm/--key-file", help="New key on the HSM or in a key file (default: where the current key is)")] = None,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Sign with a new key from now on; old keys stay in the DID document / Nieuwe ondertekensleutel."""
    from skillspas.issuer.orgs import Organisations, rotate_signing_key
    with _opened(database_url, data_dir) as (settings, store):
        found = _guard(lambda: Organisations(store, settings).find(org))
        rotated = _guard(lambda: rotate_signing_key(store, settings, found.id, key_type=key_type, hsm=hsm))
    typer.echo(json.dumps(rotated.to_json(), indent=2, ensure_ascii=False))


def batch_command(
    kind: Annotated[str, typer.Argument(metavar="TYPE", help="mbo-diploma, mbo-certificaat, ervaringscertificaat, praktijkverklaring or microcredential")],
    csv_file: Annotated[Path, typer.Option("--csv", help="CSV export, one credential per row, with a row_key column")],
    org: Annotated[str, typer.Option(help="Issuing organisation: id, name or DID (skillspas org list)")],
    out: Annotated[Path, typer.Option(help="Folder for one signed file per credential and manifest.json")],
    key_column: Annotated[str, typer.Option(help="Column holding each row's unique key")] = "row_key",
    lang: Annotated[str, typer.Option(help="Language of row errors: nl or en")] = "nl",
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
    public_url: Annotated[Optional[str], typer.Option(help="Public URL of the service (status list URLs)")] = None,
) -> None:
    """Issue many credentials from CSV: all rows are checked first; re-running issues nothing twice.

    Controleert eerst alle regels; bij een fout wordt niets uitgegeven. Opnieuw draaien na een
    onderbreking geeft niets dubbel uit."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from skillspas.issuer.batch import BatchInvalid, batch_workers, issue_rows, read_csv, validate_rows
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.store import open_store

    settings = _guard(lambda: _settings(database_url=database_url, data_dir=data_dir, public_url=public_url))
    if not csv_file.is_file():
        raise _die(f"no CSV file at {csv_file}")
    store = open_store(settings.database)
    try:
        issuer = Issuer(store, settings)
        organisation = _guard(lambda: issuer.orgs.find(org))
        rows = _guard(lambda: read_csv(csv_file))
        with batch_workers(issuer, len(rows)) as workers:  # started once for checking and signing
            try:
                plan = _guard(lambda: validate_rows(issuer, organisation, kind, rows, key_column=key_column,
                                                    workers=workers))
            except BatchInvalid as exc:
                for error in exc.errors:
                    where = f"regel {error.line}" if lang == "nl" else f"line {error.line}"
                    field = f", {error.field}" if error.field else ""
                    typer.echo(f"{where}{field}: [{error.code}] {error.message_nl if lang == 'nl' else error.message}",
                               err=True)
                raise _die(f"{len(exc.errors)} fout(en) / error(s); er is niets uitgegeven / nothing was issued", 1) from None
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, transient=False) as bar:
                task = bar.add_task("uitgeven / issuing", total=len(plan))
                manifest = _guard(lambda: issue_rows(issuer, organisation, plan, out=out, workers=workers,
                                                     progress=lambda done, total: bar.update(task, completed=done)))
    finally:
        store.dispose()
    typer.echo(json.dumps({"count": len(manifest.entries), "issuedNow": manifest.issued,
                           "manifest": str(out / "manifest.json")}))
