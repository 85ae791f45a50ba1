"""``skillspas passport``: keep credentials in a local passport and share them as JSON, QR, PDF, OB 3.0.

Usage::

    skillspas passport init                                 # your own key (did:key); prints your DID
    skillspas passport claim https://roc.example/exchanges/…  # a credential offered to you, bound to your DID
    skillspas passport add diploma.json evc.json           # checks every proof, then stores
    skillspas passport list
    skillspas passport export 3f9a1c --qr qr/ --pdf paspoort.pdf --presentation vp.json
    skillspas passport show diploma.json                    # or a QR photo, or a presentation
    skillspas passport bridge --to kok --bundle bundle.json  # werk-naar-werk: covered, missing, suggestions
    skillspas passport bridge --crebo 25180 --json

The passport folder is ``--passport DIR``, else ``$SKILLSPAS_HOME/passport``, else the per-user
data folder. Exit codes follow ``skillspas verify``: 0 done, 1 a credential is not valid, 2 unusable input.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from skillspas.keys import Signer, load
from skillspas.schemas.datafolder import data_folder
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, file_error, localized_error, shown
from skillspas.schemas.jsonio import open_input, parse_json
from skillspas.schemas.limits import Limits
from skillspas.schemas.report import refuse, warn
from skillspas.schemas.text import check_text, escaped
from skillspas.verifier import Bundle, Problem, Verifier
from skillspas.verifier.bridge import BridgeResult, bridge
from skillspas.schemas.vc import instant, repeated, text_of
from skillspas.verifier.persons import group_persons, subject_of
from skillspas.verifier.summary import EVIDENCE_KINDS, SkillsSummary, summarize_skills
from skillspas.wallet_export.presentation import build_presentation
from skillspas.wallet_export.qr import DEFAULT_MAX_VERSION
from skillspas.verifier.page.inputs import MAX_CHALLENGE, is_image
from skillspas.verifier.page.texts import for_count, human_date
from skillspas.verifier.pdf import is_pdf
from skillspas.verifier.qr import MAX_IMAGE_BYTES, decode_payload, read_qr_image
from skillspas.wallet_export.passport import build_passport
from skillspas.schemas.files import private_folder
from skillspas.wallet_export.store import PassportStore, read_credential, write_private
from skillspas.wallet_export.view import TEXT, Lang, describe, vocabulary_labels

__all__ = ["passport_app", "default_passport_dir"]

passport_app = typer.Typer(
    help="Your skills passport: keep, show and share credentials / Je vaardighedenpaspoort: bewaren, tonen en delen.",
    no_args_is_help=True,
)

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}


def default_passport_dir() -> Path:
    """``passport`` in the data folder (``schemas.datafolder``), e.g. ``$SKILLSPAS_HOME/passport``."""
    return data_folder() / "passport"


PassportOption = Annotated[
    Optional[Path], typer.Option("--passport", "--dir", help="Passport folder (default: $SKILLSPAS_HOME/passport)")
]
LangOption = Annotated[str, typer.Option("--lang", help="nl or en")]
TrustIssuerOption = Annotated[Optional[list[str]], typer.Option("--trust-issuer", help="Trust this issuer DID (repeatable)")]
TrustAnchorOption = Annotated[Optional[list[str]], typer.Option("--trust-anchor", help="The bundle's trust list must be signed by this DID")]


def _store(folder: Path | None) -> PassportStore:
    """The passport in ``folder`` (default: the user's); refused with ``file_error`` when the system cannot name or look
    into the deepest file it may hold (a name too long, no permission): pathlib's ``exists()`` and ``is_file()`` raise
    for those rather than answer False, an internal error in every command that looked."""
    store = PassportStore(folder or default_passport_dir())
    try:
        (store.quarantine_folder / ("0" * 64 + ".json")).stat()
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as exc:
        raise refuse(file_error(exc, store.folder, "use")) from None
    return store


@contextlib.contextmanager
def _writing(store: PassportStore) -> Iterator[None]:
    """An ``OSError`` while the passport folder is written raises ``file_error`` naming the file (else the folder),
    for the command to ``refuse``."""
    try:
        yield
    except OSError as exc:
        raise file_error(exc, exc.filename or store.folder, "write") from None


def _console() -> Console:
    # emoji=False: "did:key:" must not turn into a key emoji. markup=False: what a credential says is printed as it is
    # written ("[/]" in a skill's label was a MarkupError, "[green]" a colour); styles are given as Text, never markup.
    return Console(emoji=False, highlight=False, markup=False)


def _lang(value: str) -> Lang:
    if value not in ("nl", "en"):
        raise refuse(error_for(ErrorCode.INVALID_OPTION, "--lang must be nl or en", nl="--lang moet nl of en zijn"))
    return "nl" if value == "nl" else "en"


def _read(path: Path) -> bytes:
    """A credential file's bytes (one byte over the limit tells ``too_large``), or the credential a photo of its QR
    code holds (``verify`` reads one so too). Raises, for the command to ``refuse``: ``file_error`` naming the file,
    ``invalid_option`` for a passport PDF (pointed to ``verify``), the QR code's refusals."""
    try:
        with open_input(path) as handle:
            data = handle.read(max(Limits.max_bytes, MAX_IMAGE_BYTES) + 1)
    except OSError as exc:
        raise file_error(exc, path, "read") from None
    if is_image(data) or path.suffix.lower() in _IMAGE_SUFFIXES:
        return decode_payload(read_qr_image(data))
    data = data[: Limits.max_bytes + 1]
    if is_pdf(data):
        raise localized_error(
            ErrorCode.INVALID_OPTION,
            nl=f"{path} is een pdf; de paspoortopdrachten lezen bewijsstukken als JSON (of een QR-afbeelding). De QR-codes "
               f"van een paspoort-pdf controleer je met: skillspas verify {path}",
            en=f"{path} is a PDF; the passport commands read credentials as JSON (or a QR image). Check the QR codes of "
               f"a passport PDF with: skillspas verify {path}")
    return data


def _of_file(path: object, exc: SkillspasError) -> SkillspasError:
    """``exc`` with the file it is about before its message (nl/en): which one of several files was refused."""
    return error_for(exc.code, f"{path}: {exc.message}", exc.path, nl=f"{path}: {exc.text('nl')}")


BundleOption = Annotated[
    Optional[Path], typer.Option("--bundle", help="Offline bundle (did:web keys, trust list, status lists); default: the passport's own")
]


MergedBundleOption = Annotated[Optional[Path], typer.Option("--bundle", help=(
    "Offline bundle to check with, merged into the passport's bundle, which keeps it: its DID documents are added (one "
    "that differs from the passport's copy is not taken: did_document_kept), of two status lists the newer is kept "
    "(if it verifies as its issuer's), and its trust list (if it has one) replaces the passport's; the passport's "
    "other documents and trust list stay"))]
ReplaceDocumentsOption = Annotated[bool, typer.Option("--replace-did-documents", help=(
    "The --bundle's DID documents replace the passport's copies: only for a bundle you know to be the issuer's newest "
    "(an older DID document can let a key the issuer dropped count again)"))]


def _replacing(bundle: Path | None, replace_did_documents: bool) -> bool:
    """``--replace-did-documents``, which is about the documents of a ``--bundle`` only (``invalid_option`` without)."""
    if replace_did_documents and bundle is None:
        raise refuse(localized_error(ErrorCode.INVALID_OPTION,
                                     en="--replace-did-documents replaces the passport's DID documents with those of the "
                                        "--bundle given: give --bundle",
                                     nl="--replace-did-documents vervangt de DID-documenten van je paspoort door die van "
                                        "de opgegeven --bundle: geef --bundle"))
    return replace_did_documents


def _warn_notes(notes: list[Problem]) -> None:
    """Print each coded warning of a command that went on (``let op [code]: …`` / ``warning [code]: …``)."""
    for note in notes:
        warn(note.text("nl"), note.text("en"), code=note.code.value)


def _bundle(path: Path | None) -> Bundle | None:
    if path is None:
        return None
    try:
        return Bundle.from_file(path)
    except SkillspasError as exc:
        raise refuse(_of_file(path, exc)) from None


@passport_app.command("init")
def init_command(
    passport: PassportOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key (credentials bound to it no longer match)")] = False,
) -> None:
    """Make your own holder key and print your DID / Maak je eigen sleutel en toon je DID.

    The key (did:key, Ed25519) stays in the passport folder (0700, the file 0600); it signs your
    presentations (``export --presentation``) and proves your DID when you claim a credential."""
    store = _store(passport)
    try:
        with _writing(store):
            signer = store.init_holder_key(force=force)
    except SkillspasError as exc:
        raise refuse(exc) from None
    typer.echo(signer.controller)


@passport_app.command("claim")
def claim_command(
    url: Annotated[str, typer.Argument(help="The exchange address the issuer gave you (from its QR code)")],
    passport: PassportOption = None,
    bundle: MergedBundleOption = None,
    replace_did_documents: ReplaceDocumentsOption = False,
) -> None:
    """Claim a credential bound to your DID / Haal een bewijsstuk op dat op jouw DID staat.

    Proves your DID (the key of ``passport init``) to the issuer's exchange, receives the credential,
    checks that it names you and that its signature verifies (``--bundle`` merged into the passport's
    bundle, else the passport's bundle, whose status lists of the issuer its ``/bundle`` then refreshes,
    else the issuer's ``/bundle`` merged into it: the passport keeps the merged bundle), and adds it to
    the passport. The only command that uses the network, and only the issuer's address you give it."""
    from skillspas.wallet_export.claim import claim

    replacing = _replacing(bundle, replace_did_documents)
    store = _store(passport)
    given = _bundle(bundle)
    notes: list[Problem] = []
    try:
        with _writing(store):
            stored = claim(store, url, bundle=given, replace_documents=replacing, notes=notes)
    except SkillspasError as exc:
        _warn_notes(notes)
        raise refuse(exc) from None
    _warn_notes(notes)
    for entry in stored:
        typer.echo(f"{entry.ref}  {entry.view().title}")


@passport_app.command("add")
def add_command(
    files: Annotated[list[Path], typer.Argument(help="Signed credential JSON files, or photos of their QR codes")],
    passport: PassportOption = None,
    bundle: MergedBundleOption = None,
    replace_did_documents: ReplaceDocumentsOption = False,
    check: Annotated[bool, typer.Option("--check/--no-check", help="Verify every proof before storing")] = True,
    lang: LangOption = "nl",
) -> None:
    """Add credentials to the passport / Voeg bewijsstukken toe aan je paspoort.

    With ``--bundle`` the bundle is merged into the passport's bundle (its DID documents are added, but
    one that differs from the passport's copy replaces it only with ``--replace-did-documents``; the
    newer status list is kept if it verifies as its issuer's; its trust list, if it has one, replaces the
    passport's), did:web credentials are checked with the merged bundle, and the passport keeps it
    for later ``show`` and ``export``."""
    language = _lang(lang)
    replacing = _replacing(bundle, replace_did_documents)
    store = _store(passport)
    named = _bundle(bundle)
    notes: list[Problem] = []
    try:  # before anything is added: the passport's bundle unreadable, or a document that cannot be merged
        given = None if named is None else store.merged_bundle(named, replace_documents=replacing, notes=notes)
    except SkillspasError as exc:
        _warn_notes(notes)
        raise refuse(exc) from None
    _warn_notes(notes)
    worst = 0
    try:
        own = store.holder()
    except SkillspasError:  # a key file that cannot be read now: nothing to compare with
        own = None
    for file in files:  # a refused file is said and the others are still added; the exit code is the worst
        try:
            data = _read(file)  # its refusals name the file
            with _writing(store):  # so does a failed write
                try:
                    entry = store.add(data, check=check, bundle=given)
                except SkillspasError as exc:
                    raise _of_file(file, exc) from None
        except SkillspasError as exc:
            said = refuse(exc, lang=language)
            worst = max(worst, int(said.code or 0))
            continue
        note = (TEXT["replaced"][language].format(refs=", ".join(entry.replaced)) if entry.replaced else
                TEXT["already_kept"][language] if entry.data != data else "")
        typer.echo(f"{entry.ref}  {entry.view(language).title}  ({escaped(str(file))}){note}")  # a sender names it
        subject = subject_of(entry.document)[0]
        if own is not None and subject not in (None, own.controller):  # as export warns, at once
            typer.echo(TEXT["warn_added_other"][language].format(title=entry.view(language).title, subject=shown(
                subject, 200), holder=own.controller), err=True)
    if given is not None:
        try:
            with _writing(store):
                typer.echo(TEXT["kept_bundle"][language].format(path=store.keep_bundle(given)))
        except SkillspasError as exc:
            raise refuse(exc) from None
    if worst:
        raise typer.Exit(worst)


@passport_app.command("list")
def list_command(
    passport: PassportOption = None,
    lang: LangOption = "nl",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List the credentials in the passport / Toon de bewijsstukken in je paspoort.

    Credentials a claim received but could not add (its quarantine) are counted after the list (with ``--json`` on
    stderr), with the commands that show and add them."""
    language = _lang(lang)
    store = _store(passport)
    try:
        entries = store.entries()
        quarantined = store.quarantined()
    except SkillspasError as exc:
        raise refuse(exc) from None
    except OSError as exc:
        raise refuse(file_error(exc, verb="read")) from None
    views = [(entry.ref, entry.view(language)) for entry in entries]
    note = _quarantine_note(store, quarantined, passport, language)
    if as_json:  # the signed validFrom; the view's dates are written for people ("1 juli 2025")
        typer.echo(json.dumps([
            {"ref": ref, "id": v.id, "title": v.title, "kind": v.kind, "issuer": v.issuer,
             "validFrom": text_of(entry.document, "validFrom"), "skills": len(v.skills)}
            for entry, (ref, v) in zip(entries, views)
        ], indent=2, ensure_ascii=False))
        if note:
            typer.echo(note, err=True)
        return
    table = Table(title=f"{TEXT['passport'][language]} ({len(views)})")
    for column in ("ref", TEXT["title"][language], TEXT["kind"][language], TEXT["issuer"][language],
                   TEXT["valid_from"][language], TEXT["skills"][language]):
        table.add_column(column)
    for ref, view in views:
        table.add_row(ref, view.title, view.kind, view.issuer_name or view.issuer or "", view.valid_from or "", str(len(view.skills)))
    _console().print(table)
    if note:
        typer.echo(note)


def _quarantine_note(store: PassportStore, quarantined: list[Path], passport: Path | None, lang: Lang) -> str:
    """How many credentials the passport's quarantine keeps and the commands that show and add them (nl/en); ""
    when it keeps none. The add names ``--passport`` when the passport is not the default one."""
    if not quarantined:
        return ""
    chosen = "" if passport is None else f" --passport {store.folder}"
    key = "quarantined_one" if len(quarantined) == 1 else "quarantined"
    return TEXT[key][lang].format(n=len(quarantined), path=quarantined[0], folder=store.quarantine_folder,
                                  passport=chosen)


@passport_app.command("remove")
def remove_command(
    refs: Annotated[list[str], typer.Argument(help="Reference(s) shown by `passport list`")],
    passport: PassportOption = None,
    lang: LangOption = "nl",
) -> None:
    """Remove credentials from the passport / Verwijder bewijsstukken uit je paspoort."""
    language = _lang(lang)
    store = _store(passport)
    for ref in refs:
        try:
            entry = store.remove(ref)
        except SkillspasError as exc:
            raise refuse(exc, lang=language) from None
        except OSError as exc:
            raise refuse(file_error(exc, ref, "remove")) from None
        typer.echo(TEXT["removed"][language].format(ref=entry.ref, title=entry.view(language).title))


def _select(store: PassportStore, items: list[str]) -> list[dict[str, Any]]:
    """Credentials named by file path or passport reference; none named means the whole passport. Raises coded
    errors, for the command to ``refuse``."""
    if not items:
        entries = store.entries()
        if not entries:
            raise error_for(ErrorCode.INVALID_OPTION,
                            f"the passport {store.folder} is empty; name credential files or add some first",
                            nl=f"je paspoort {store.folder} is leeg; noem bestanden of voeg eerst bewijsstukken toe"
                               " (`skillspas passport add`)")
        return [entry.document for entry in entries]
    chosen = []
    for item in items:
        path = Path(item)
        if path.is_file():  # a credential, not a bundle or presentation given among them: it would fail them all
            try:
                chosen.append(read_credential(_read(path)))
            except SkillspasError as exc:
                raise _of_file(item, exc) from None
        else:
            try:
                chosen.append(store.get(item).document)
            except SkillspasError as exc:
                if exc.code is not ErrorCode.INVALID_OPTION:  # a damaged stored credential keeps its own refusal
                    raise
                raise localized_error(ErrorCode.INVALID_OPTION,
                                      en=f"{item} is neither a file nor a passport reference ({exc.message})",
                                      nl=f"{item} is geen bestand en geen referentie in je paspoort ({exc.text('nl')})") from None
    return chosen


@passport_app.command("export")
def export_command(
    credentials: Annotated[Optional[list[str]], typer.Argument(help="Credential files or passport references (default: all)")] = None,
    qr: Annotated[Optional[Path], typer.Option("--qr", help="Folder for one QR PNG per credential")] = None,
    pdf: Annotated[Optional[Path], typer.Option("--pdf", help="A4 PDF file")] = None,
    qr_version: Annotated[int, typer.Option("--qr-version", min=5, max=40, help="Largest QR version (at error correction M) for --qr and --pdf; a larger credential becomes a numbered set of codes (1/2, 2/2) that the verifier joins")] = DEFAULT_MAX_VERSION,
    presentation: Annotated[Optional[Path], typer.Option("--presentation", help="VerifiablePresentation JSON file")] = None,
    openbadges: Annotated[Optional[Path], typer.Option("--openbadges", help="Folder for one OB 3.0 JSON per credential")] = None,
    holder_key: Annotated[Optional[Path], typer.Option("--holder-key", help="Your key file: signs the presentation (default: the passport's key from `passport init`)")] = None,
    unsigned: Annotated[bool, typer.Option("--unsigned", help="Do not sign the presentation")] = False,
    passphrase_env: Annotated[Optional[str], typer.Option("--passphrase-env", metavar="VAR", help="Passphrase of the key file in $VAR")] = None,
    challenge: Annotated[Optional[str], typer.Option(help="The verifier's challenge (signed into the presentation)")] = None,
    domain: Annotated[Optional[str], typer.Option(help="The verifier's domain (signed into the presentation)")] = None,
    bridge_to: Annotated[Optional[str], typer.Option("--bridge-to", help="With --pdf: add the werk-naar-werk page for this ESCO occupation (name or URI)")] = None,
    bridge_crebo: Annotated[Optional[str], typer.Option("--bridge-crebo", help="With --pdf: ... or for this crebo")] = None,
    bundle: BundleOption = None,
    trust_issuer: TrustIssuerOption = None,
    trust_anchor: TrustAnchorOption = None,
    passport: PassportOption = None,
    lang: LangOption = "nl",
) -> None:
    """Share credentials as QR codes, PDF, presentation or Open Badges / Deel bewijsstukken.

    ``--bridge-to``/``--bridge-crebo`` verify the credentials (``--bundle``, ``--trust-issuer``,
    ``--trust-anchor``) and add the bridge of the verified ones to the PDF.
    """
    language = _lang(lang)
    if not any((qr, pdf, presentation, openbadges)):
        raise refuse(error_for(ErrorCode.INVALID_OPTION,
                               "name at least one of --qr, --pdf, --presentation, --openbadges",
                               nl="noem minstens één van --qr, --pdf, --presentation, --openbadges"))
    if (bridge_to or bridge_crebo) and pdf is None:
        raise refuse(error_for(ErrorCode.INVALID_OPTION,
                               "--bridge-to and --bridge-crebo add a page to the PDF: give --pdf too",
                               nl="--bridge-to en --bridge-crebo voegen een pagina toe aan de pdf: geef ook --pdf"))
    if bridge_to and bridge_crebo:
        raise refuse(error_for(ErrorCode.INVALID_OPTION,
                               "give one of --bridge-to or --bridge-crebo", nl="geef --bridge-to of --bridge-crebo"))
    challenge, domain = _code("--challenge", challenge), _code("--domain", domain)
    if unsigned and (holder_key or challenge or domain):
        raise refuse(error_for(ErrorCode.INVALID_OPTION,
                               "--unsigned leaves the presentation unsigned: drop --holder-key, --challenge and --domain",
                               nl="--unsigned laat de presentatie onondertekend: laat --holder-key, --challenge en --domain weg"))
    try:
        store = _store(passport)
        chosen = build_passport(_select(store, credentials or []))
        holder: Signer | None = None
        if holder_key is not None:
            holder = load(holder_key, os.environ.get(passphrase_env) if passphrase_env else None)
        elif not unsigned and presentation is not None:
            holder = store.holder()
        if (challenge or domain) and holder is None:
            raise refuse(error_for(ErrorCode.INVALID_OPTION,
                                   "--challenge and --domain need your key: run `skillspas passport init` or give --holder-key",
                                   nl="--challenge en --domain hebben je sleutel nodig: maak die met `skillspas passport init`"
                                      " of geef --holder-key"))
        for copy in chosen.left_out:  # `passport export a.json a.json`: the employer would see it once anyway
            typer.echo(TEXT["given_twice"][language].format(title=describe(copy, language).title), err=True)
        for warning in export_warnings(chosen.credentials, store.verifier(_bundle(bundle)), language, holder.controller if holder else None):
            typer.echo(warning, err=True)
        for target in (presentation, pdf):
            if target is not None:
                private_folder(target.parent)
        if presentation is not None:
            write_private(presentation, chosen.to_json(holder=holder, challenge=challenge, domain=domain).encode("utf-8"))
            typer.echo(TEXT["wrote_presentation"][language].format(path=presentation)
                       + (TEXT["signed_by_holder"][language] if holder else ""))
        if qr is not None:
            paths = chosen.to_qr_images(qr, max_version=qr_version)
            typer.echo(TEXT[for_count("wrote_qr", len(paths), TEXT)][language].format(n=len(paths), folder=qr))
        if pdf is not None:
            extra = None
            if bridge_to or bridge_crebo:
                extra = _bridge_of(list(chosen.credentials), bridge_to, bridge_crebo, _bundle_or_passports(bundle, store),
                                   trust_issuer, trust_anchor)[0].to_json()
            chosen.to_pdf(pdf, lang=language, bridge=extra, max_version=qr_version)
            typer.echo(TEXT["wrote_pdf"][language].format(path=pdf) + (TEXT["with_bridge"][language] if extra else ""))
        if openbadges is not None:
            paths = chosen.to_openbadges(openbadges)
            typer.echo(TEXT[for_count("wrote_openbadges", len(paths), TEXT)][language].format(n=len(paths), folder=openbadges))
    except SkillspasError as exc:
        raise refuse(exc) from None
    except OSError as exc:
        raise refuse(file_error(exc, verb="write")) from None


MAX_CODE = MAX_CHALLENGE
"""Longest ``--challenge``/``--domain``: what the verifier page's code field takes."""


def _code(option: str, value: str | None) -> str | None:
    """The verifier's challenge or domain as the verifier takes it: trimmed (the page trims the code typed into it),
    1 to ``MAX_CODE`` characters, no control or bidi character (which a verifier refuses): else ``invalid_option``,
    rather than a presentation no employer can check."""
    if value is None:
        return None
    code = value.strip()
    if not code or len(code) > MAX_CODE:
        raise refuse(localized_error(
            ErrorCode.INVALID_OPTION, en=f"{option} takes the code the verifier gave you: 1 to {MAX_CODE} characters",
            nl=f"{option} neemt de code die de controleur je gaf: 1 tot {MAX_CODE} tekens"))
    try:
        check_text(code)
    except SkillspasError as exc:
        raise refuse(localized_error(ErrorCode.INVALID_OPTION, en=f"{option}: {exc.message}",
                                     nl=f"{option}: {exc.text('nl')}")) from None
    return code


_NOT_VALID_ANYWHERE = (ErrorCode.INVALID_PROOF, ErrorCode.INVALID_SIGNATURE, ErrorCode.WRONG_PROOF_PURPOSE,
                       ErrorCode.NOT_YET_VALID)
"""What makes a credential not valid for every employer, whatever trust material they hold (a praktijkverklaring the
leerbedrijf has not co-signed yet is ``invalid_proof``); a key or trust the passport's bundle lacks is not among them."""


def export_warnings(
    credentials: tuple[dict[str, Any], ...], verifier: Verifier, lang: Lang, holder: str | None = None
) -> list[str]:
    """What an employer would hold against this export (nl/en): a credential bound to another DID than
    the ``holder`` who signs the presentation (``holder_mismatch``), else one about another person
    than the passport's (the holder's, else the person with the most credentials), a revoked or
    suspended one (with the passport's bundle), an expired one, one whose proofs fail (``_NOT_VALID_ANYWHERE``)."""
    warnings: list[str] = []
    persons = group_persons(credentials, holder)
    owner = next((p for p in persons if p.counted), None)
    now = dt.datetime.now(dt.timezone.utc)
    for index, credential in enumerate(credentials):
        view = describe(credential, lang)
        person = next((p for p in persons if index in p.credentials), None)
        subject = subject_of(credential)[0]
        if holder is not None and subject not in (None, holder):  # the verifier's holder_mismatch
            warnings.append(TEXT["warn_holder_mismatch"][lang].format(title=view.title, subject=subject, holder=holder))
        elif owner is not None and person is not None and person is not owner:
            warnings.append(TEXT["warn_other_person"][lang].format(
                title=view.title, name=" / ".join(person.names) or person.key, owner=" / ".join(owner.names) or owner.key))
        until: Any = credential.get("validUntil")  # a JSON value, checked before it is read
        try:
            expired = isinstance(until, str) and instant(until) < now
        except SkillspasError:
            expired = False
        if expired:
            warnings.append(TEXT["warn_expired"][lang].format(title=view.title, date=human_date(until, lang)))
            continue
        problem = verifier.verify(credential, now=now).first_error
        if problem is not None and problem.code in (ErrorCode.REVOKED, ErrorCode.SUSPENDED):
            warnings.append(TEXT[f"warn_{problem.code.value}"][lang].format(title=view.title))
        elif problem is not None and problem.code in _NOT_VALID_ANYWHERE:
            warnings.append(TEXT["warn_not_valid"][lang].format(title=view.title, code=problem.code.value,
                                                                reason=problem.text(lang)))
    return warnings


def _documents(file: Path) -> list[dict[str, Any]]:
    """The credential(s) in a JSON file (credential or presentation) or in a QR image; coded errors otherwise."""
    document = parse_json(_read(file))  # a QR image decoded
    if not isinstance(document, dict):
        raise error_for(ErrorCode.SCHEMA_INVALID, f"{file} is not a credential or presentation",
                        nl=f"{file} is geen bewijsstuk en geen presentatie")
    types = document.get("type")
    if "VerifiablePresentation" in (types if isinstance(types, list) else [types]):
        inner = document.get("verifiableCredential")
        inner = inner if isinstance(inner, list) else [inner]
        return [c for c in inner if isinstance(c, dict)]
    return [document]


@passport_app.command("show")
def show_command(
    file: Annotated[Optional[Path], typer.Argument(
        help="Credential or presentation JSON, a QR image, or a reference shown by `passport list` (default: the whole passport)")] = None,
    lang: LangOption = "nl",
    bundle: BundleOption = None,
    passport: PassportOption = None,
) -> None:
    """Show what a credential says, with a table of its skills / Toon een bewijsstuk.

    Without FILE, every credential of the passport, then (as ``passport list``) how many credentials wait in its
    quarantine. The signatures are checked with ``--bundle``, else the passport's bundle (did:web keys), else
    did:key keys only; with a bundle, trust, validity and revocation are checked too."""
    language = _lang(lang)
    quarantined: list[Path] = []
    try:
        store = _store(passport)
        if file is None:  # the whole passport: what waits in its quarantine is said after it
            quarantined = store.quarantined()
            documents = [entry.document for entry in store.entries()] if quarantined else _select(store, [])
        else:
            documents = _documents(file) if file.exists() else _select(store, [str(file)])  # else a passport reference
        copies = repeated(documents)  # a presentation that holds one credential twice: shown once, as `verify` does
        twice = [documents[i] for i in sorted(copies)]
        documents = [d for i, d in enumerate(documents) if i not in copies]
        given = _bundle(bundle)
        verifier = store.verifier(given)
        # Trust, validity and revocation only with a trust list: the bundle `passport claim` keeps (the issuer's
        # /bundle: keys and status lists) vouches for no issuer, and every genuine credential would be untrusted.
        full = verifier.bundle is not None and verifier.bundle.trust_list is not None
    except SkillspasError as exc:
        raise refuse(exc) from None
    except OSError as exc:
        raise refuse(file_error(exc, verb="read")) from None
    console = _console()
    labels = vocabulary_labels()  # an English ESCO label in Dutch marked "(Engels)", as the verifier's pages show it
    worst = 0
    for document in documents:
        view = describe(document, language, labels=labels)
        check = verifier.verify(document) if full else verifier.check_proofs(document)
        problem = check.first_error
        worst = max(worst, problem.code.exit_code if problem else 0)
        console.print(Text.assemble((view.title, "bold"), f"  ({view.kind})"))
        issuer = f"{view.issuer_name} ({view.issuer})" if view.issuer_name else view.issuer
        for key, value in (("issuer", issuer), ("holder", view.subject_name),
                           ("awarded", view.awarded), ("valid_from", view.valid_from), ("valid_until", view.valid_until)):
            if value:
                console.print(f"  {TEXT[key][language]}: {value}", highlight=False, markup=False)
        if view.several:  # several subjects or achievements: the verifier's pages and `verify` say the same
            console.print(f"  {'LET OP' if language == 'nl' else 'WARNING'}: {view.several}", highlight=False, markup=False)
        for label, value in view.details:
            console.print(f"  {label}: {value}".replace("\n", "\n    "))
        for cosigner in view.cosigners:
            console.print(f"  {TEXT['signed_by'][language]}: {cosigner}")
        if problem is None and full:
            seal = "echt en geldig (controlebundel)" if language == "nl" else "genuine and valid (bundle)"
            console.print(Text.assemble("  ", (f"✓ {seal}", "green"), f" ({', '.join(view.signers)})"))
        elif problem is None:
            seal = TEXT[for_count("signatures_valid", len(view.signers), TEXT)][language]
            console.print(Text.assemble("  ", (f"✓ {seal}", "green"), f" ({', '.join(view.signers)})"))
        else:
            seal = ("NIET geldig" if language == "nl" else "NOT valid") if full else (
                "handtekening NIET in orde" if language == "nl" else "signature NOT valid")
            console.print(Text.assemble("  ", (f"✗ {seal}", "red"), f" [{problem.code.value}] {problem.text(language)}"))
        table = Table(title=f"{TEXT['skills'][language]} ({len(view.skills)})", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column(TEXT["skill"][language])
        table.add_column(TEXT["code"][language], overflow="fold")
        table.add_column(TEXT["established"][language])
        for index, skill in enumerate(view.skills, 1):
            table.add_row(str(index), skill.label or "", f"{skill.framework} {skill.code}", skill.evidence or "")
        console.print(table)
    for copy in twice:
        typer.echo(TEXT["given_twice"][language].format(title=describe(copy, language).title))
    if not full and documents:
        note = ("Alleen de handtekening is gecontroleerd; vertrouwen, geldigheid en intrekking controleert "
                "`skillspas verify` (of geef --bundle met een vertrouwenslijst)." if language == "nl" else
                "Only the signature was checked; trust, validity and revocation are checked by `skillspas verify` "
                "(or give --bundle with a trust list).")
        console.print(note, style="dim", highlight=False)
    if quarantined:
        typer.echo(_quarantine_note(store, quarantined, passport, language))
    raise typer.Exit(worst)


@passport_app.command("bridge")
def bridge_command(
    credentials: Annotated[Optional[list[str]], typer.Argument(help="Credential files or passport references (default: all)")] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Target ESCO occupation: its Dutch or English name, or URI")] = None,
    crebo: Annotated[Optional[str], typer.Option("--crebo", help="Target kwalificatie: its crebo code")] = None,
    bundle: BundleOption = None,
    trust_issuer: TrustIssuerOption = None,
    trust_anchor: TrustAnchorOption = None,
    passport: PassportOption = None,
    lang: LangOption = "nl",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """From your verified skills to a job or kwalificatie / Van je bewezen vaardigheden naar een beroep."""
    language = _lang(lang)
    if (to is None) == (crebo is None):
        raise refuse(error_for(ErrorCode.INVALID_OPTION,
                               "give one of --to (an occupation) or --crebo", nl="geef --to (een beroep) of --crebo"))
    store = _store(passport)
    try:
        chosen = _select(store, credentials or [])
    except SkillspasError as exc:
        raise refuse(exc) from None
    result, summary = _bridge_of(chosen, to, crebo, _bundle_or_passports(bundle, store), trust_issuer, trust_anchor)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    _print_bridge(result, language, summary.excluded)


def _bundle_or_passports(path: Path | None, store: PassportStore) -> Bundle | None:
    """The bundle of ``--bundle``, else the one the passport keeps (as ``show`` and ``export`` use), else None."""
    given = _bundle(path)
    if given is not None:
        return given
    try:
        return store.bundle()
    except SkillspasError as exc:
        raise refuse(exc) from None


def _bridge_of(credentials: list[dict[str, Any]], to: str | None, crebo: str | None, bundle: Bundle | None,
               trust_issuer: list[str] | None, trust_anchor: list[str] | None) -> tuple[BridgeResult, SkillsSummary]:
    """Verify ``credentials`` as one passport, then bridge its verified skills to ``to`` or ``crebo``."""
    try:
        passport_vp = build_presentation(credentials)
        verifier = Verifier(bundle=bundle, trusted_issuers=trust_issuer, trust_anchors=trust_anchor)
        summary = summarize_skills(verifier.verify(passport_vp))
        return bridge(summary, occupation=to, crebo=crebo), summary
    except SkillspasError as exc:
        raise refuse(exc) from None


def _print_bridge(result: BridgeResult, lang: Lang, excluded: tuple[tuple[int, Any], ...]) -> None:
    nl = lang == "nl"
    target = result.target
    name = target["shownLabel"][lang]  # "cook (Engels)": an occupation as the bridge's skills are named
    typer.echo(f"{'Doel' if nl else 'Target'}: {name} ({target.get('uri') or 'crebo ' + target.get('crebo', '')})")
    data = result.to_json()
    for group, key in (("essentieel" if nl else "essential", "essential"), ("optioneel" if nl else "optional", "optional")):
        typer.echo(f"  {group}: {data[key]['covered']}/{data[key]['total']} {'bewezen' if nl else 'covered'}")
    if data["notComparedNote"]:  # beside the count it qualifies: a Kok diploma's CompetentNL skills are not in it
        typer.echo(f"  {data['notComparedNote'][lang]}")
    for skill in result.skills:
        mark = "✓" if skill.covered else "·"
        kind = ("essentieel" if nl else "essential") if skill.essential else ("optioneel" if nl else "optional")
        typer.echo(f"  {mark} {skill.concept.shown_label(lang)} [{kind}]")
        for evidence in skill.evidence:
            typer.echo(f"      {EVIDENCE_KINDS[evidence.kind][lang]}: {evidence.title or ''} "
                       f"(#{evidence.credential + 1}{', ' + evidence.issuer_name if evidence.issuer_name else ''})")
    if result.suggestions:
        typer.echo("Suggesties om het gat te dichten (geen feiten):" if nl else "Suggestions to close the gap (not facts):")
        for suggestion in result.suggestions:
            shown = suggestion.to_json()
            held = f" — {shown['heldLabel'][lang]}" if shown["heldLabel"] else ""
            typer.echo(f"  crebo {suggestion.crebo} {suggestion.name}: {len(suggestion.closes)} "
                       f"({suggestion.share:.0%}){held}; {shown['basisLabel'][lang]}")
            if suggestion.parts:
                typer.echo(f"      {'onderdelen' if nl else 'parts'}: {', '.join(suggestion.parts)}")
    if result.not_comparable:
        typer.echo(("Niet te vergelijken (geen ESCO-CompetentNL-koppeling in de gegevens): " if nl else
                    "Not comparable (no ESCO-CompetentNL link in the data): ")
                   + "; ".join(p.shown_label(lang) for p in result.not_comparable))
    if excluded:
        typer.echo(("Niet meegeteld (niet geverifieerd): " if nl else "Not counted (did not verify): ")
                   + ", ".join(f"#{i + 1}" + (f" [{code.value}]" if code else "") for i, code in excluded))
        if any(code is ErrorCode.UNTRUSTED_ISSUER for _, code in excluded):  # e.g. after only `passport claim`
            typer.echo("Een bewijsstuk telt pas mee als zijn uitgever vertrouwd is: geef --bundle met een "
                       "vertrouwenslijst (van de vertrouwensautoriteit of van wie je paspoort controleert) of "
                       "--trust-issuer met de DID van de uitgever." if nl else
                       "A credential counts only when its issuer is trusted: give --bundle with a trust list (from "
                       "the trust authority or from whoever checks your passport) or --trust-issuer with the "
                       "issuer's DID.")
    for note in result.notes:
        typer.echo(note[lang])
    typer.echo(f"{'Bron' if nl else 'Source'}: {data['attribution']}")
