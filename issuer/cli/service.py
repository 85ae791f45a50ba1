"""``skillspas serve``, ``org …``, ``batch`` and ``status …``: thin commands over the library.

Heavy imports (FastAPI, SQLAlchemy, uvicorn) happen inside the commands, so ``skillspas verify``
starts as fast as before. Each command: parse -> call the library -> print -> exit code. Every
refusal prints one line in Dutch and one in English (``fout [code]: …`` / ``error [code]: …``).
"""

from __future__ import annotations

import contextlib
import json
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, TypeVar

import typer

from skillspas.schemas.confirm import YesOption

if TYPE_CHECKING:  # imported inside the commands (see above)
    from rich.progress import Progress

    from skillspas.issuer.settings import Settings

__all__ = ["serve_command", "org_app", "batch_command", "status_app"]

_T = TypeVar("_T")

DatabaseOption = Annotated[Optional[str], typer.Option(
    "--database-url", help="SQLAlchemy URL (default: SQLite in the data folder; postgresql://… for PostgreSQL)")]
DataDirOption = Annotated[Optional[Path], typer.Option(
    "--data-dir", help="Folder for the SQLite database and the keystore (default: the user data folder)")]

DevOption = Annotated[bool, typer.Option(
    "--dev", help="Development only: allow a non-public URL (http://127.0.0.1:…) in signed credentials "
                  "(also SKILLSPAS_DEV=1) / Alleen om te ontwikkelen")]

LogLevel = Literal["critical", "error", "warning", "info", "debug", "trace"]
"""uvicorn's log levels (``uvicorn.config.LOG_LEVELS``): ``serve --log-level`` takes only these, so another word is
the usage refusal (``invalid_option``, nl/en, listing them), not uvicorn's KeyError once the service is built."""

org_app = typer.Typer(help="Organisations and API keys / Organisaties en API-sleutels.", no_args_is_help=True)
api_key_app = typer.Typer(help="An organisation's API keys / De API-sleutels van een organisatie.", no_args_is_help=True)
org_app.add_typer(api_key_app, name="api-key")
status_app = typer.Typer(help="Revoke, suspend, reinstate or show an issued credential / Status van een "
                              "uitgegeven bewijsstuk.", no_args_is_help=True)


def _settings(**overrides: Any) -> Settings:
    from skillspas.issuer.settings import Settings

    return Settings.from_env(**overrides)


def _die(nl: str, en: str) -> SystemExit:
    """Refuse a command-line option, in Dutch and English (``invalid_option``); return the exit to raise."""
    from skillspas.schemas.errors import ErrorCode, localized_error
    from skillspas.schemas.report import refuse

    return refuse(localized_error(ErrorCode.INVALID_OPTION, nl=nl, en=en))


def _warn(nl: str, en: str) -> None:
    from skillspas.schemas.report import warn

    warn(nl, en)


@contextlib.contextmanager
def _opened(database_url: str | None, data_dir: Path | None) -> Iterator[tuple[Any, Any]]:
    """The settings and the open store (migrated) for one command; closed afterwards."""
    from skillspas.issuer.store import open_store

    settings = _guard(lambda: _settings(database_url=database_url, data_dir=data_dir))
    store = _guard(lambda: open_store(settings.database))
    try:
        yield settings, store
    finally:
        store.dispose()


def _guard(call: Callable[[], _T], lang: str = "nl") -> _T:
    """Run ``call``; a coded error is printed the one way (``schemas/report.py``) and exits with its code,
    a usage error the library words in English only is ``invalid_option`` (its Dutch line says the detail follows in
    English: ``in_english_only``), a file or folder it cannot
    use (e.g. ``--out`` naming a file) ``file_error``; never a traceback."""
    from skillspas.schemas.errors import ErrorCode, SkillspasError, file_error, in_english_only
    from skillspas.schemas.report import refuse

    try:
        return call()
    except SkillspasError as exc:
        raise refuse(exc, lang=lang) from None
    except ValueError as exc:  # one no check foresaw: those a person meets are coded where they arise, in both
        raise refuse(in_english_only(ErrorCode.INVALID_OPTION, str(exc))) from None
    except OSError as exc:
        raise refuse(file_error(exc)) from None


def _public_base(settings: Settings) -> str:
    """The base of the status list URLs that will be signed: ``public_url_required`` (exit 2) unless it
    is a public https URL, or ``--dev`` allows it (said on stderr)."""
    base = _guard(settings.signing_base_url)
    if settings.public_url_problem is not None:
        _warn(f"ontwikkelmodus (--dev): bewijsstukken krijgen statuslijst-URL's op {base}, die geen verificateur "
              "elders kan bereiken; geef ze nooit uit.",
              f"development mode (--dev): credentials get status list URLs at {base}, which no verifier elsewhere "
              "can reach; never hand them out.")
    return base


def _warn_unencrypted(settings: Settings) -> None:
    """Say (nl+en) that organisation key files are stored unencrypted when no passphrase is set."""
    if settings.key_passphrase is None:
        _warn(f"SKILLSPAS_KEY_PASSPHRASE is niet gezet: de ondertekensleutels van organisaties staan onversleuteld "
              f"in {settings.keys}. Zet een wachtwoordzin of gebruik een HSM (--hsm); zie de README.",
              f"SKILLSPAS_KEY_PASSPHRASE is not set: organisation signing keys are stored unencrypted in "
              f"{settings.keys}. Set a passphrase or use an HSM (--hsm); see the README.")


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
    public_url: Annotated[Optional[str], typer.Option(
        help="Public https base of every URL the service writes (status lists in credentials); required unless --dev")] = None,
    contexts: Annotated[Optional[Path], typer.Option(
        help="Folder of extra JSON-LD contexts (contexts.map.json), as verify --contexts; env SKILLSPAS_CONTEXTS")] = None,
    ssl_certfile: Annotated[Optional[Path], typer.Option(
        exists=True, dir_okay=False, help="Serve HTTPS with this PEM certificate (chain); normally a proxy terminates TLS instead")] = None,
    ssl_keyfile: Annotated[Optional[Path], typer.Option(
        exists=True, dir_okay=False, help="The PEM private key of --ssl-certfile")] = None,
    log_level: Annotated[LogLevel, typer.Option(
        case_sensitive=False, metavar="LEVEL", help="uvicorn log level: critical, error, warning, info, debug or trace")] = "info",
    dev: DevOption = False,
) -> None:
    """Run the issuer API (VC-API) / Start de uitgifte-API."""
    import uvicorn

    from skillspas.issuer.service.app import create_app
    from skillspas.issuer.service.http_protocol import OneWriteProtocol
    from skillspas.schemas.errors import SkillspasError
    from skillspas.schemas.report import refuse
    from skillspas.verifier.page.listen import bound_socket, run_on

    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise _die("--ssl-certfile en --ssl-keyfile horen bij elkaar", "--ssl-certfile and --ssl-keyfile go together")
    scheme = "https" if ssl_certfile is not None else "http"
    settings = _guard(lambda: _settings(host=host, port=port, database_url=database_url, data_dir=data_dir,
                                        public_url=public_url or (f"https://{host}:{port}" if ssl_certfile else None),
                                        contexts=contexts, dev=dev or None))
    base = _public_base(settings)
    _warn_unencrypted(settings)
    app = _guard(lambda: create_app(settings))
    sock = _guard(lambda: bound_socket(host, port))  # a port in use is refused here, before the line that says it runs
    address = f"{scheme}://{host}:{port}"
    typer.echo(f"skillspas-uitgifte op {address} (openbaar adres {base}); OpenAPI op /docs; Ctrl+C stopt de dienst / "
               f"skillspas issuer on {address} (public URL {base}); OpenAPI at /docs; Ctrl+C stops it", err=True)
    server = uvicorn.Server(uvicorn.Config(
        app, host=host, port=port, log_level=log_level, http=OneWriteProtocol.with_head_timeout(settings.body_read_timeout),
        ssl_certfile=None if ssl_certfile is None else str(ssl_certfile),
        ssl_keyfile=None if ssl_keyfile is None else str(ssl_keyfile)))
    try:  # Ctrl-C stops the service: exit 0, as uvicorn.run ends; a startup that failed: startup_failed, exit 2
        run_on(server, sock)
    except SkillspasError as exc:
        raise refuse(exc) from None


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
    """Register an organisation; prints its DID and a new API key (shown once) as JSON / Organisatie registreren."""
    from skillspas.issuer.orgs import create_organisation
    with _opened(database_url, data_dir) as (settings, store):
        if not hsm:
            _warn_unencrypted(settings)
        created = _guard(lambda: create_organisation(store, settings, name, role=role, did_web=did_web,
                                                     did_key=did_key, key_type=key_type, hsm=hsm))
    typer.echo(json.dumps(created.to_json(), indent=2))


@org_app.command("list")
def org_list(database_url: DatabaseOption = None, data_dir: DataDirOption = None) -> None:
    """List the organisations (id, name, role, DID) as JSON / Organisaties tonen."""
    from skillspas.issuer.orgs import Organisations
    with _opened(database_url, data_dir) as (settings, store):
        orgs = _guard(lambda: Organisations(store, settings).all())
    typer.echo(json.dumps([{"id": o.id, "name": o.name, "role": o.role, "did": o.did} for o in orgs], indent=2))


OrgArgument = Annotated[str, typer.Argument(help="Organisation id, name or DID")]


@api_key_app.command("create")
def api_key_create(
    org: OrgArgument,
    scope: Annotated[Optional[list[str]], typer.Option(
        help="credentials:issue, credentials:status, credentials:batch, audit:read (repeatable; default all)")] = None,
    expires_in: Annotated[Optional[str], typer.Option(help="Refused after this long: 90d, 36h")] = None,
    expires_at: Annotated[Optional[str], typer.Option(help="Refused from this moment: 2026-12-31T23:59:59Z")] = None,
    label: Annotated[Optional[str], typer.Option(help="What the key is for, e.g. 'studentadministratie'")] = None,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Make an API key: printed once, stored hashed / Nieuwe API-sleutel (één keer getoond)."""
    from skillspas.issuer.orgs import SCOPES, Organisations, add_api_key

    expiry = _guard(lambda: _expiry(expires_in, expires_at))
    with _opened(database_url, data_dir) as (settings, store):
        found = _guard(lambda: Organisations(store, settings).find(org))
        key = _guard(lambda: add_api_key(store, found.id, scope or SCOPES, label=label, expires_at=expiry))
    typer.echo(json.dumps({"orgId": found.id, "did": found.did, "keyId": key.split("_")[1], "label": label,
                           "scopes": sorted(set(scope or SCOPES)),
                           "expires": None if expiry is None else expiry.isoformat().replace("+00:00", "Z"),
                           "apiKey": key}, indent=2, ensure_ascii=False))


def _expiry(expires_in: str | None, expires_at: str | None) -> Any:
    """The expiry moment from ``--expires-in`` or ``--expires-at`` (not both), or ``None``."""
    import datetime as dt

    from skillspas.schemas.errors import ErrorCode, localized_error, shown
    from skillspas.verifier.run import parse_duration

    if expires_in is not None and expires_at is not None:
        raise localized_error(ErrorCode.INVALID_OPTION, en="give --expires-in or --expires-at, not both",
                              nl="geef --expires-in of --expires-at, niet allebei")
    if expires_in is not None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + parse_duration(expires_in)
    if expires_at is not None:
        try:
            return dt.datetime.fromisoformat(expires_at.strip())
        except ValueError:
            given = shown(expires_at, 40, quoted=True)
            raise localized_error(ErrorCode.INVALID_OPTION, en=f"{given} is not a moment like 2026-12-31T23:59:59Z",
                                  nl=f"{given} is geen moment zoals 2026-12-31T23:59:59Z") from None
    return None


@api_key_app.command("list")
def api_key_list(org: OrgArgument, database_url: DatabaseOption = None, data_dir: DataDirOption = None) -> None:
    """List the API keys (id, label, scopes, created, expires, revoked; never the secret) as JSON / API-sleutels tonen."""
    from skillspas.issuer.orgs import Organisations, list_api_keys
    with _opened(database_url, data_dir) as (settings, store):
        found = _guard(lambda: Organisations(store, settings).find(org))
        keys = _guard(lambda: list_api_keys(store, found.id))
    typer.echo(json.dumps([key.to_json() for key in keys], indent=2, ensure_ascii=False))


@api_key_app.command("revoke")
def api_key_revoke(
    org: OrgArgument,
    key_id: Annotated[str, typer.Argument(help="The key's id (org api-key list; the part after skp_)")],
    yes: YesOption = False,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Revoke an API key for good, after a confirmation (--yes: without): refused (401) from now on / API-sleutel
    intrekken (definitief)."""
    from skillspas.issuer.orgs import Organisations, list_api_keys, revoke_api_key
    from skillspas.schemas.confirm import confirmed
    from skillspas.schemas.errors import shown

    with _opened(database_url, data_dir) as (settings, store):
        found = _guard(lambda: Organisations(store, settings).find(org))
        key = next((k for k in _guard(lambda: list_api_keys(store, found.id)) if k.id == key_id), None)
        if key is not None and key.revoked_at is None:  # a change to make: confirmed first unless --yes (as status revoke)
            label = f" ({shown(key.label, 60, quoted=True)})" if key.label else ""
            confirmed((f"API-sleutel {key.id}{label} van {found.name} voorgoed intrekken? Elke aanvraag met deze sleutel "
                       "wordt dan geweigerd; dit kan niet ongedaan worden gemaakt.",
                       f"Revoke API key {key.id}{label} of {found.name} for good? Every request with it is refused from "
                       "then on; this cannot be undone."), yes=yes,
                      not_done=("er is niets ingetrokken", "nothing was revoked"))
        revoked, changed = _guard(lambda: revoke_api_key(store, found.id, key_id))
    if not changed:  # as `status revoke` of a revoked credential: nothing to do, said, exit 0 (a script may run twice)
        when = revoked.to_json()["revoked"]
        _warn(f"API-sleutel {key_id} was al ingetrokken op {when}; er is niets veranderd",
              f"API key {key_id} was already revoked at {when}; nothing changed")
    typer.echo(json.dumps({**revoked.to_json(), "changed": changed}, indent=2, ensure_ascii=False))


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


@org_app.command("publish")
def org_publish(
    org: OrgArgument,
    out: Annotated[Path, typer.Option("--out", help="Folder to write bundle.json and site/ into (made if missing)")],
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Write the organisation's offline bundle and its web files (DID document, status lists), without a server /
    Controlebundel en webbestanden van een organisatie, zonder server."""
    from skillspas.issuer.bundle_build import build_bundle, site_pages
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.orgs import Organisations
    from skillspas.schemas.files import write_atomic

    with _opened(database_url, data_dir) as (settings, store):
        found = _guard(lambda: Organisations(store, settings).find(org))
        bundle = _guard(lambda: build_bundle(Issuer(store, settings), org_id=found.id))
    pages = _guard(lambda: site_pages(bundle))

    def write() -> Path:
        for page in pages:  # public documents: readable by the web server
            (out / "site" / page.path).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(out / "site" / page.path, page.data, mode=0o644)
        return bundle.to_file(out / "bundle.json")
    written = _guard(write)
    _warn(f"zet elk bestand onder {out / 'site'} op zijn URL (host/pad) en publiceer opnieuw na elke intrekking of "
          f"schorsing, en regelmatig (dagelijks): een verificateur kan een statuslijst weigeren die ouder is dan zijn "
          f"--max-status-age. Werkgevers gebruiken {written} (skillspas verify --bundle, of bundle create --bundle).",
          f"put each file under {out / 'site'} at its URL (host/path) and publish again after every revocation or "
          f"suspension, and regularly (daily): a verifier may refuse a status list older than its --max-status-age. "
          f"Employers use {written} (skillspas verify --bundle, or bundle create --bundle).")
    typer.echo(json.dumps({"orgId": found.id, "did": found.did, "bundle": str(written),
                           "site": [{"url": page.url, "file": str(out / "site" / page.path)} for page in pages]},
                          indent=2, ensure_ascii=False))


def batch_command(
    kind: Annotated[str, typer.Argument(metavar="TYPE", help="mbo-diploma, mbo-certificaat, ervaringscertificaat, praktijkverklaring or microcredential")],
    csv_file: Annotated[Path, typer.Option("--csv", help="CSV export (UTF-8; , or ; separated), one credential per row, with a row_key column; see examples/")],
    org: Annotated[str, typer.Option(help="Issuing organisation: id, name or DID (skillspas org list)")],
    out: Annotated[Optional[Path], typer.Option(help="Folder for one signed file per credential and manifest.json (with --offers: offers.csv and offers.json)")] = None,
    key_column: Annotated[str, typer.Option(help="Column holding each row's unique key")] = "row_key",
    lang: Annotated[str, typer.Option(help="Language of the messages: nl or en")] = "nl",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only check every row; issue nothing")] = False,
    offers: Annotated[bool, typer.Option("--offers", help="Make a one-time claim offer (a secret link) per row instead: each learner claims the credential with their own DID (passport claim); links in OUT/offers.csv / Ophaalaanbod per regel")] = False,
    expires_in: Annotated[Optional[str], typer.Option("--expires-in", help="With --offers: how long each offer can be claimed, 1m to 30d (default 7d)")] = None,
    qr: Annotated[bool, typer.Option("--qr", help="With --offers: also a QR code (PNG) of each link in OUT/qr/")] = False,
    database_url: DatabaseOption = None,
    data_dir: DataDirOption = None,
    public_url: Annotated[Optional[str], typer.Option(help="Public https URL of the service (signed into status list URLs; with --offers the links' base)")] = None,
    dev: DevOption = False,
) -> None:
    """Issue many credentials from a CSV export / Veel bewijsstukken uitgeven uit een CSV-export.

    All rows are checked first: one bad row and nothing is issued; re-running issues nothing twice. With --offers each
    row becomes a one-time claim offer instead. Controleert eerst alle regels; bij een fout wordt niets uitgegeven.
    Opnieuw draaien na een onderbreking geeft niets dubbel uit; met --offers wordt elke regel een ophaalaanbod."""
    from skillspas.issuer.batch import (batch_folder, batch_workers, expired_rows, issue_rows, read_csv, unread_columns,
                                        validate_rows)
    from skillspas.issuer.credentials import KINDS, expired_warning, type_name, unread_warning
    from skillspas.schemas.errors import shown
    from skillspas.schemas.report import warn
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.store import open_store

    def say(nl: str, en: str) -> str:
        return nl if lang == "nl" else en

    if lang not in ("nl", "en"):
        raise _die("--lang is nl of en", "--lang is nl or en")
    try:
        type_name(kind)
    except ValueError:
        given = shown(kind, 40, quoted=True)
        raise _die(f"onbekende soort bewijsstuk {given}; kies uit {', '.join(KINDS)}",
                   f"unknown credential type {given}; choose one of {', '.join(KINDS)}") from None
    if out is None and not dry_run:
        raise _die("geef --out MAP (of --dry-run)", "give --out FOLDER (or --dry-run)")
    if not offers and (expires_in is not None or qr):
        raise _die("--expires-in en --qr horen bij --offers", "--expires-in and --qr go with --offers")
    ttl = _guard(lambda: _offer_ttl(expires_in), lang) if offers else None
    settings = _guard(lambda: _settings(database_url=database_url, data_dir=data_dir, public_url=public_url,
                                        dev=dev or None))
    base = None if dry_run else _public_base(settings)
    rows = _guard(lambda: read_csv(csv_file, key_column=key_column))
    with contextlib.ExitStack() as held:
        if out is not None and not dry_run and out.is_dir():
            # Another batch writing into it is refused now, not once the rows are checked; the lock is held to the end
            # (a folder still to be made is made and locked by issue_rows or offer_rows, before any row is reserved).
            folder = out
            _guard(lambda: held.enter_context(batch_folder(folder)), lang)
        store = _guard(lambda: open_store(settings.database))
        held.callback(store.dispose)
        issuer = Issuer(store, settings)
        organisation = _guard(lambda: issuer.orgs.find(org))
        if base is not None:
            typer.echo(say(f"statuslijsten in de bewijsstukken: {base}/status/{organisation.id}/…",
                           f"status lists in the credentials: {base}/status/{organisation.id}/…"), err=True)
            if offers:
                typer.echo(say(f"ophaallinks: {base}/exchanges/…, op te halen bij de dienst (skillspas serve) met deze "
                               "database", f"claim links: {base}/exchanges/…, claimed at the service (skillspas serve) "
                               "on this database"), err=True)
        with batch_workers(issuer, len(rows)) as workers:  # started once for checking and signing
            plan = _guard(lambda: validate_rows(issuer, organisation, kind, rows, key_column=key_column,
                                                workers=workers, offers=offers), lang)  # batch_invalid lists every bad row
            unread = unread_columns(plan)
            if unread:  # before anything is signed: a misspelled column's values would be in no credential
                warn(*unread_warning(unread, type_name(kind)))
            expired = expired_rows(plan)
            if expired:  # issued all the same (a lapsed certificate may be recorded), but never silently
                warn(*expired_warning([row.line for row in expired], str(expired[0].expired)), code="expired")
            if offers:
                assert ttl is not None
                _offer_batch(issuer, organisation, plan, rows, None if dry_run else out, ttl=ttl, qr=qr, lang=lang,
                             unread=unread)
                return
            if dry_run:
                typer.echo(json.dumps({"count": len(plan), "valid": True, "issuedNow": 0}
                                      | ({"unusedColumns": list(unread)} if unread else {})
                                      | ({"expiredAtIssue": [row.key.split("/", 1)[1] for row in expired]}
                                         if expired else {})))
                before = sum(1 for row in plan if row.issued is not None)
                typer.echo(_dry_run_summary(len(plan), lang, (
                    (len(plan) - before, "zou nu worden uitgegeven", "zouden nu worden uitgegeven", "would be issued now"),
                    (before, "is al eerder uitgegeven", "zijn al eerder uitgegeven", "were issued before"))), err=True)
                return
            assert out is not None
            try:
                with _progress_bar(remaining=True) as bar:
                    task = bar.add_task(say("uitgeven", "issuing"), total=len(plan))
                    manifest = _guard(lambda: issue_rows(issuer, organisation, plan, out=out, workers=workers,
                                                         unread=unread,
                                                         progress=lambda done, total: bar.update(task, completed=done)))
            except KeyboardInterrupt:  # Ctrl-C: say what stands and how to finish (exit 130, as before)
                typer.echo(say("Gestopt. Wat al is uitgegeven blijft geldig en bewaard; start dezelfde opdracht "
                               "opnieuw om de rest uit te geven (niets wordt twee keer uitgegeven).",
                               "Stopped. What was issued stays valid and stored; run the same command again to "
                               "issue the rest (nothing is issued twice)."), err=True)
                raise
    typer.echo(json.dumps({"count": len(manifest.entries), "issuedNow": manifest.issued,
                           "manifest": str(out / "manifest.json")}))
    listed = {entry["file"] for entry in manifest.entries} | {"manifest.json"}
    unlisted = sum(1 for path in out.glob("*.json") if path.name not in listed)
    if unlisted:  # an earlier run's files of rows no longer in the export (a learner who left, a key replaced)
        files_nl, files_en = ("1 bestand", "1 file") if unlisted == 1 else (f"{unlisted} bestanden", f"{unlisted} files")
        _warn(f"{files_nl} in {out} {'staat' if unlisted == 1 else 'staan'} niet in manifest.json (van een eerdere "
              "run: een regel die niet meer in de export staat, of een bewijsstuk dat onder een nieuwe sleutel is "
              "verbeterd); verstuur alleen de bestanden die manifest.json noemt.",
              f"{files_en} in {out} {'is' if unlisted == 1 else 'are'} not in manifest.json (from an earlier run: a "
              "row no longer in the export, or a credential corrected under a new key); send only the files "
              "manifest.json names.")
    stopped = manifest.not_active
    if stopped:  # their files are rewritten as the record, but are no diplomas to send
        counts = {"revoked": ("ingetrokken", "revoked"), "suspended": ("geschorst", "suspended")}
        said = [(f"{n} {counts[state][0]}", f"{n} {counts[state][1]}") for state, n in sorted(stopped.items())]
        _warn(f"{' en '.join(nl for nl, _ in said)}: manifest.json noemt hun status; verstuur hun bestanden niet als "
              "geldig bewijsstuk.",
              f"{' and '.join(en for _, en in said)}: manifest.json names their status; do not send their files as "
              "valid credentials.")
    before = len(manifest.entries) - manifest.issued
    typer.echo(say(f"klaar: {manifest.issued} nu uitgegeven" + (f", {before} al eerder" if before else "")
                   + f"; de bestanden en manifest.json staan in {out}.",
                   f"done: {manifest.issued} issued now" + (f", {before} issued before" if before else "")
                   + f"; the files and manifest.json are in {out}."), err=True)


def _progress_bar(*, remaining: bool = False) -> Progress:
    """The bar of ``batch`` (issuing, or with ``--offers`` offering), with the time left when ``remaining``: on standard
    error, so standard output is the command's JSON alone (``batch … > result.json``, ``| jq``)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    *((TimeRemainingColumn(),) if remaining else ()), console=Console(stderr=True))


def _dry_run_summary(count: int, lang: str, parts: tuple[tuple[int, str, str, str], ...], *, offers: bool = False) -> str:
    """The line (in ``lang``, on stderr) that says what ``batch --dry-run`` found, beside its JSON on stdout: every row
    valid, then each ``(n, Dutch singular, Dutch plural, English)`` part with rows, and that nothing was made."""
    said = [f"{n} {one if n == 1 else many}" if lang == "nl" else f"{n} {en}" for n, one, many, en in parts if n]
    if lang == "nl":
        rows = "de ene regel is" if count == 1 else f"alle {count} regels zijn"
        return (f"controle klaar (--dry-run): {rows} geldig; {', '.join(said)}. Er is niets "
                f"{'aangeboden' if offers else 'uitgegeven'}.")
    rows = "the one row is" if count == 1 else f"all {count} rows are"
    return f"check done (--dry-run): {rows} valid; {', '.join(said)}. Nothing was {'offered' if offers else 'issued'}."


def _offer_ttl(expires_in: str | None) -> Any:
    """How long each offer of ``batch --offers`` lasts: ``--expires-in`` (bounded), else ``DEFAULT_BATCH_TTL``."""
    from skillspas.issuer.batch_offers import DEFAULT_BATCH_TTL
    from skillspas.issuer.exchanges import check_ttl
    from skillspas.verifier.run import parse_duration

    return DEFAULT_BATCH_TTL if expires_in is None else check_ttl(parse_duration(expires_in))


def _offer_batch(issuer: Any, organisation: Any, plan: Any, rows: Any, out: Path | None, *, ttl: Any, qr: bool,
                 lang: str, unread: dict[str, str | None]) -> None:
    """``batch --offers`` once every row is checked: say what a dry run would make, or make the offers and print the
    manifest's counts (the links are in the manifest alone)."""
    from skillspas.issuer.batch_offers import MANIFEST_CSV, MANIFEST_JSON, offer_rows

    def say(nl: str, en: str) -> str:
        return nl if lang == "nl" else en

    if out is None:  # --dry-run: nothing is made
        new = sum(1 for row in plan if row.issued is None and row.offered is None)
        corrected = sum(1 for row in plan if row.offered is not None and row.sealed is not None)
        offered = sum(1 for row in plan if row.offered is not None) - corrected
        issued = sum(1 for row in plan if row.issued is not None)
        typer.echo(json.dumps({"count": len(plan), "valid": True, "offeredNow": 0, "toOffer": new,
                               "alreadyOffered": offered, "toCorrect": corrected, "alreadyIssued": issued}
                              | ({"unusedColumns": list(unread)} if unread else {})))
        typer.echo(_dry_run_summary(len(plan), lang, (
            (new, "zou een ophaalaanbod krijgen", "zouden een ophaalaanbod krijgen", "would get a claim offer"),
            (offered, "heeft al een open aanbod", "hebben al een open aanbod", "already have an open offer"),
            (corrected, "heeft een open aanbod dat verbeterd zou worden (zelfde link)",
             "hebben een open aanbod dat verbeterd zou worden (zelfde link)",
             "have an open offer that would be corrected (same link)"),
            (issued, "is al uitgegeven", "zijn al uitgegeven", "were issued already")), offers=True), err=True)
        return
    try:
        with _progress_bar() as bar:
            task = bar.add_task(say("aanbieden", "offering"), total=len(plan))
            manifest = _guard(lambda: offer_rows(issuer, organisation, plan, rows=rows, out=out, ttl=ttl, qr=qr,
                                                 lang=lang, progress=lambda done, _: bar.update(task, completed=done)))
    except KeyboardInterrupt:  # the links made so far are kept in the folder: the next run lists them again
        typer.echo(say("Gestopt. De aanbiedingen die al gemaakt zijn blijven open en hun links staan in de map; start "
                       "dezelfde opdracht opnieuw (zelfde --out) om de rest te maken (niets wordt twee keer aangeboden).",
                       "Stopped. The offers made so far stay open and their links are in the folder; run the same "
                       "command again (same --out) to make the rest (nothing is offered twice)."), err=True)
        raise
    issued = manifest.count("issued")
    if issued:  # `batch --out` ran first: those rows are credentials without a DID, never offers
        rows_nl = "1 regel is" if issued == 1 else f"{issued} regels zijn"
        rows_en = "1 row was" if issued == 1 else f"{issued} rows were"
        _warn(f"{rows_nl} al uitgegeven zonder --offers (batch --out): daarvoor wordt geen ophaalaanbod gemaakt. Hun "
              "bewijsstukken staan in de map van die run (manifest.json); stuur die, of trek ze in (skillspas status "
              "revoke RIJSLEUTEL) en bied de regels aan onder een nieuwe sleutel.",
              f"{rows_en} issued already without --offers (batch --out): no claim offer is made for them. Their "
              "credentials are in that run's folder (manifest.json); send those, or revoke them (skillspas status "
              "revoke ROW_KEY) and offer the rows under a new key.")
    if any(entry["offerUrl"] for entry in manifest.entries):
        _warn(f"{out / MANIFEST_CSV} bevat geheime links: wie een link heeft, kan het bewijsstuk ophalen. Stuur elke "
              "link alleen naar de eigen deelnemer.",
              f"{out / MANIFEST_CSV} holds secret links: whoever has a link can claim the credential. Send each link "
              "to its own learner only.")
    if manifest.not_in_export:
        shown_keys = ", ".join(manifest.not_in_export[:5]) + (" …" if len(manifest.not_in_export) > 5 else "")
        _warn(f"{len(manifest.not_in_export)} open aanbiedingen horen bij regels die niet in deze export staan "
              f"({shown_keys}): ze blijven op te halen tot ze verlopen; trek een aanbod dat niet meer geldt in met "
              "skillspas status revoke SLEUTEL.",
              f"{len(manifest.not_in_export)} open offers belong to rows not in this export ({shown_keys}): they can "
              "still be claimed until they expire; withdraw one that no longer holds with skillspas status revoke KEY.")
    if manifest.links_missing:
        _warn(f"{manifest.links_missing} open aanbiedingen zijn eerder gemaakt met een andere --out; hun links staan "
              "alleen in die map. Na het verlopen maakt een nieuwe run nieuwe.",
              f"{manifest.links_missing} open offers were made earlier with another --out; their links are only in "
              "that folder. Once they expire, a new run makes new ones.")
    if manifest.corrected:
        _warn(f"{manifest.corrected} open aanbiedingen zijn verbeterd naar wat hun regel nu zegt: hun link blijft "
              "werken en geeft het verbeterde bewijsstuk.",
              f"{manifest.corrected} open offers were corrected to what their row says now: their link still works "
              "and gives the corrected credential.")
    if manifest.renewed:
        _warn(f"{manifest.renewed} open aanbiedingen, gemaakt door een eerdere versie, hadden geen link in deze map (die "
              f"versie kon een link kwijtraken als hij werd onderbroken): ze zijn ingetrokken en opnieuw aangeboden, met "
              f"een nieuwe link in {out / MANIFEST_CSV}. Een eerdere link van die regels werkt niet meer.",
              f"{manifest.renewed} open offers made by an earlier version had no link in this folder (that version "
              f"could lose a link when it was stopped): they were withdrawn and offered anew, with a new link in "
              f"{out / MANIFEST_CSV}. An earlier link of those rows no longer works.")
    typer.echo(json.dumps({key: value for key, value in manifest.to_json().items() if key != "offers"}
                          | {"manifest": str(out / MANIFEST_CSV), "manifestJson": str(out / MANIFEST_JSON)}))


StatusIdArgument = Annotated[str, typer.Argument(
    metavar="ID", help="The credential's id (urn:uuid:…), or its batch row key (row_key, or TYPE/row_key: mbo-diploma/100005)")]
StatusOrgOption = Annotated[Optional[str], typer.Option(help="Only credentials of this organisation: id, name or DID")]


_DONE: dict[str, tuple[str, tuple[str, str], tuple[str, str]]] = {
    "revoke": ("revoked", ("ingetrokken (definitief)", "revoked (for good)"), ("ingetrokken", "revoked")),
    "suspend": ("suspended", ("geschorst (status reinstate heft dat op)", "suspended (status reinstate lifts it)"),
                ("geschorst", "suspended")),
    "reinstate": ("active", ("schorsing opgeheven", "suspension lifted"), ("actief", "active")),
}
"""Per action: the state it leads to, what happened (nl, en) and the state's word (nl, en), for ``status``'s lines."""


def _change_status(action: str, ref: str, org: str | None, database_url: str | None, data_dir: Path | None,
                   *, yes: bool = True) -> None:
    """Apply ``action`` to one issued credential as its organisation (actor ``cli``, audited); print JSON on stdout, and
    on stderr what happened (nl, en) and the next step: publish the status list. Without ``yes`` (revoke: for good)
    the person at the terminal confirms first, the credential named (``schemas.confirm.confirmed``)."""
    from skillspas.issuer.issuing import Issuer
    from skillspas.schemas.catalogue import kind_label
    from skillspas.schemas.confirm import confirmed

    state, done, word = _DONE[action]
    with _opened(database_url, data_dir) as (settings, store):
        issuer = Issuer(store, settings)
        org_id = None if org is None else _guard(lambda: issuer.orgs.find(org)).id
        offer = _guard(lambda: issuer.open_offer(ref, org_id)) if action == "revoke" else None
        if offer is not None:  # a learner who left, an offer made by mistake: its link ends, nothing is issued
            _withdraw_offer(issuer, offer, yes=yes)
            return
        record = _guard(lambda: issuer.find_issued(ref, org_id))
        owner = issuer.orgs.get(record.org_id)
        kind, key = kind_label(record.types), (record.row_key or "").split("/", 1)[-1]  # the CSV's key, not TYPE/key
        named = (f"{kind['nl']} {record.credential_id}" + (f" (rijsleutel {key})" if key else "") + f" van {owner.name}"
                 + (f", voor {record.learner}" if record.learner else ""),
                 f"{kind['en']} {record.credential_id}" + (f" (row key {key})" if key else "") + f" of {owner.name}"
                 + (f", for {record.learner}" if record.learner else ""))
        if record.state != state:  # a change to make: confirmed first unless --yes
            confirmed((f"{named[0]} voorgoed intrekken? Dit kan niet ongedaan worden gemaakt.",
                       f"Revoke {named[1]} for good? This cannot be undone."), yes=yes,
                      not_done=("er is niets ingetrokken", "nothing was revoked"))
        change = _guard(lambda: issuer.change_status(owner, record.credential_id, action))
    typer.echo(json.dumps({**change.to_json(), "rowKey": record.row_key}, indent=2, ensure_ascii=False))
    if not change.changed:  # as org api-key revoke: nothing to do, said, exit 0 (a script may run twice)
        _warn(f"{named[0]} was al {word[0]}; er is niets veranderd", f"{named[1]} was already {word[1]}; nothing changed")
        return
    typer.echo(f"{done[0]}: {named[0]}\n{done[1]}: {named[1]}", err=True)
    publish = f"skillspas org publish {shlex.quote(owner.name)} --out"
    _warn(f"een controle ziet dit pas in de nieuwe statuslijst. Draait skillspas serve niet op deze database, publiceer "
          f"dan de statuslijst opnieuw ({publish} MAP) en zet site/ online; tot dan geldt het oude antwoord.",
          f"a check sees this only in the new status list. Unless skillspas serve runs on this database, publish the "
          f"status list again ({publish} FOLDER) and put site/ online; until then the old answer stands.")


def _withdraw_offer(issuer: Any, offer: Any, *, yes: bool) -> None:
    """``status revoke`` of a row key whose claim offer is open: withdraw the offer after a confirmation (its link then
    answers offer_expired); JSON on stdout, what happened and what a re-run would do on stderr (nl, en)."""
    from skillspas.issuer.exchanges import Exchanges
    from skillspas.schemas.confirm import confirmed

    owner = issuer.orgs.get(offer.org_id)
    key = offer.row_key.split("/", 1)[-1]
    until = offer.expires.strftime("%Y-%m-%d %H:%M UTC")
    confirmed((f"Het open ophaalaanbod van rijsleutel {key} van {owner.name} (tot {until}) intrekken? De link werkt "
               "daarna niet meer en er wordt niets uitgegeven.",
               f"Withdraw the open claim offer of row key {key} of {owner.name} (until {until})? Its link then no "
               "longer works and nothing is issued."), yes=yes,
              not_done=("er is niets ingetrokken", "nothing was withdrawn"))
    withdrawn = _guard(lambda: Exchanges(issuer).withdraw(owner, offer.offer_id, row_key=offer.row_key))
    typer.echo(json.dumps({"rowKey": offer.row_key, "action": "revoke", "status": "withdrawn" if withdrawn else "claimed",
                           "changed": withdrawn}, indent=2, ensure_ascii=False))
    if not withdrawn:  # claimed at this instant: its credential is issued; revoking it is the next step
        _warn(f"het aanbod van rijsleutel {key} is net opgehaald; trek het bewijsstuk in met skillspas status revoke {key}",
              f"the offer of row key {key} was claimed just now; revoke its credential with skillspas status revoke {key}")
        return
    typer.echo(f"ophaalaanbod ingetrokken: rijsleutel {key} van {owner.name}\n"
               f"claim offer withdrawn: row key {key} of {owner.name}", err=True)
    _warn("laat de regel weg uit de export: een nieuwe batch --offers met deze regel biedt hem opnieuw aan",
          "leave the row out of the export: a new batch --offers with this row offers it again")


@status_app.command("revoke")
def status_revoke(ref: StatusIdArgument, org: StatusOrgOption = None, yes: YesOption = False,
                  database_url: DatabaseOption = None, data_dir: DataDirOption = None) -> None:
    """Revoke a credential for good, after a confirmation (--yes: without) / Bewijsstuk intrekken (definitief)."""
    _change_status("revoke", ref, org, database_url, data_dir, yes=yes)


@status_app.command("suspend")
def status_suspend(ref: StatusIdArgument, org: StatusOrgOption = None, database_url: DatabaseOption = None,
                   data_dir: DataDirOption = None) -> None:
    """Suspend a credential (reinstate undoes it) / Bewijsstuk schorsen."""
    _change_status("suspend", ref, org, database_url, data_dir)


@status_app.command("reinstate")
def status_reinstate(ref: StatusIdArgument, org: StatusOrgOption = None, database_url: DatabaseOption = None,
                     data_dir: DataDirOption = None) -> None:
    """Lift a suspension / Schorsing opheffen."""
    _change_status("reinstate", ref, org, database_url, data_dir)


@status_app.command("show")
def status_show(ref: StatusIdArgument, org: StatusOrgOption = None, database_url: DatabaseOption = None,
                data_dir: DataDirOption = None) -> None:
    """Show a credential's status, types and row key as JSON / Status van een bewijsstuk tonen."""
    from skillspas.issuer.issuing import Issuer

    with _opened(database_url, data_dir) as (settings, store):
        issuer = Issuer(store, settings)
        org_id = None if org is None else _guard(lambda: issuer.orgs.find(org)).id
        record = _guard(lambda: issuer.find_issued(ref, org_id))
    typer.echo(json.dumps(record.to_json(), indent=2, ensure_ascii=False))
