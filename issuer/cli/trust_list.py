"""``skillspas trust-list sign|show``: what a trust anchor runs to publish the list of recognised issuers.

Usage::

    skillspas trust-list sign issuers.json --key anchor.json --dids dids/ --valid-days 180 --out tl.json
    skillspas trust-list show tl.json --trust-anchor did:key:z6Mk…

``issuers.json`` is a JSON list of entries: ``{"did", "name", "credentialTypes": [...], "role"?,
"validFrom"?, "validUntil"?, "publicKeyMultibase"?: [...]}``. Each issuer whose did:web document is
given (``--did-document``, ``--dids``) gets all the keys of that document pinned, so a bundle's copy
of it cannot add one (``key_not_authorized``). A did:web entry that is no valid did:web DID is refused
(``schema_invalid``, nothing written). What is most likely a typing error is named on stderr (nl/en), since the
list is signed as it is: a did:web issuer left without pins, a did.json that belongs to no entry, a credential
type skillspas does not know.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from skillspas.keys import StaticResolver, load
from skillspas.keys.did_web import check_did_web_spelling, did_web_to_path, load_did_web_folder, verification_method_ids
from skillspas.keys.trust_list import ENVELOPE_TYPES, TrustList, TrustListEntry, defect_nl, read_moment
from skillspas.keys.verification_method import format_datetime
from skillspas.schemas.catalogue import CATALOGUE
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, file_error, shown
from skillspas.schemas.files import write_atomic
from skillspas.schemas.jsonio import read_json_file
from skillspas.schemas.limits import Limits
from skillspas.schemas.report import refuse, warn
from skillspas.verifier import Verifier
from skillspas.verifier.trust import load_trust_list

__all__ = ["trust_list_app", "read_entries"]

trust_list_app = typer.Typer(help="Trust list of recognised issuers / Vertrouwenslijst van erkende uitgevers.",
                             no_args_is_help=True)

_LIMITS = Limits(max_bytes=16 * 1024 * 1024)
_MAX_DAYS = 3660
_KNOWN_TYPES = frozenset({*CATALOGUE, *ENVELOPE_TYPES, "VerifiableCredential"})
"""The credential types a trust list entry can name to match a credential skillspas issues."""
_FIELDS = frozenset({"did", "name", "credentialTypes", "role", "validFrom", "validUntil", "publicKeyMultibase"})


def read_entries(data: Any, documents: dict[str, dict[str, Any]]) -> list[TrustListEntry]:
    """Entries from the issuers file; pins each issuer's keys from its DID document when given."""
    if not isinstance(data, list):
        raise error_for(ErrorCode.SCHEMA_INVALID, "the issuers file must be a JSON list of entries", "/",
                        nl="het uitgeversbestand moet een JSON-lijst van vermeldingen zijn")
    entries = []
    for index, item in enumerate(data):
        where = f"/{index}"
        if not isinstance(item, dict):
            raise error_for(ErrorCode.SCHEMA_INVALID, "an entry must be an object", where,
                            nl="een vermelding moet een JSON-object zijn")
        unknown = sorted(set(item) - _FIELDS)
        if unknown:
            raise error_for(ErrorCode.SCHEMA_INVALID, f"unknown field {unknown[0]!r} (known: {', '.join(sorted(_FIELDS))})",
                            f"{where}/{unknown[0]}", nl=f"onbekend veld {unknown[0]!r} (bekend: {', '.join(sorted(_FIELDS))})")
        given = item.get("publicKeyMultibase", [])
        keys = [given] if isinstance(given, str) else list(given) if isinstance(given, list) else [given]
        did = item.get("did")
        if isinstance(did, str) and did.startswith("did:web:"):
            _check_did_web(did, f"{where}/did")
        document = documents.get(did) if isinstance(did, str) else None
        if document is not None:
            keys += _signing_keys(did, document)  # type: ignore[arg-type]
        role = item.get("role")
        if role is not None and (not isinstance(role, str) or not role.strip()):
            raise error_for(ErrorCode.SCHEMA_INVALID, "role must be a non-empty string", f"{where}/role",
                            nl="role moet een niet-lege tekst zijn")
        window = (read_moment(item, "validFrom", where), read_moment(item, "validUntil", where))
        if window[0] and window[1] and window[0] > window[1]:
            raise error_for(ErrorCode.SCHEMA_INVALID, "validFrom is after validUntil", f"{where}/validFrom",
                            nl="validFrom ligt na validUntil")
        types = item.get("credentialTypes")
        if not isinstance(types, list):
            raise error_for(ErrorCode.SCHEMA_INVALID, "credentialTypes must be a list of credential types",
                            f"{where}/credentialTypes", nl="credentialTypes moet een lijst van soorten bewijsstukken zijn")
        try:
            entries.append(TrustListEntry(
                item.get("did"), item.get("name"), tuple(types) if isinstance(types, list) else (),  # type: ignore[arg-type]
                window[0], window[1], role,
                tuple(dict.fromkeys(keys)),
            ))
        except ValueError as exc:
            raise error_for(ErrorCode.SCHEMA_INVALID, str(exc), where, nl=defect_nl(exc)) from None
    return entries


def _check_did_web(did: str, where: str) -> None:
    """``schema_invalid`` (nl/en) for a did:web entry that is no valid did:web DID: no credential could ever name it,
    so signing the list would vouch for nothing there (most likely a typing error). A host not in lowercase is
    refused too (``check_did_web_spelling``): the list would name a second spelling of the issuer."""
    try:
        check_did_web_spelling(did)
    except SkillspasError as exc:
        raise error_for(ErrorCode.SCHEMA_INVALID, f"{shown(did, 200, quoted=True)} is no valid did:web DID "
                        f"({exc.text('en')}); correct it in the issuers file", where,
                        nl=f"{shown(did, 200, quoted=True)} is geen geldige did:web-DID ({exc.text('nl')}); verbeter "
                           "hem in het uitgeversbestand") from None


def _signing_keys(did: str, document: dict[str, Any]) -> list[str]:
    """The keys ``did``'s document gives for signing credentials: its own (controller ``did``) and
    listed under ``assertionMethod``, as a verifier resolves them; a foreign or other-purpose key is
    not pinned."""
    resolver = StaticResolver({did: document})
    keys = []
    for method_id in verification_method_ids(document, did):
        try:
            method = resolver.resolve(method_id)
        except SkillspasError:
            continue  # another DID's, or not a Multikey (e.g. a keyAgreement key)
        if method.controller == did and "assertionMethod" in method.relationships:
            keys.append(method.public_key.multibase)
    return keys


@trust_list_app.command("sign")
def trust_list_sign(
    issuers: Annotated[Path, typer.Argument(help="JSON list of entries: did, name, credentialTypes, role?, validFrom?, validUntil?")],
    key: Annotated[Path, typer.Option("--key", help="The trust anchor's key file (skillspas keys generate)")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the signed trust list")],
    did_document: Annotated[Optional[list[Path]], typer.Option("--did-document", help="An issuer's did.json: its keys are pinned (repeatable)")] = None,
    dids: Annotated[Optional[Path], typer.Option("--dids", help="Folder of did.json files (host/.well-known/did.json): keys pinned")] = None,
    name: Annotated[str, typer.Option(help="The list's name")] = "Erkende uitgevers",
    list_id: Annotated[Optional[str], typer.Option("--id", help="The list's id (a URL or urn:uuid)")] = None,
    valid_days: Annotated[int, typer.Option(help="Days the list is valid from now (verifiers then need a newer one)")] = 365,
) -> None:
    """Sign the list of recognised issuers as the trust anchor / Vertrouwenslijst ondertekenen."""
    from skillspas.issuer.sign import SignerResolver
    from skillspas.issuer.trust_list import sign_trust_list

    if not 1 <= valid_days <= _MAX_DAYS:
        raise refuse(error_for(ErrorCode.INVALID_OPTION, f"--valid-days must be from 1 to {_MAX_DAYS}",
                               nl=f"--valid-days moet van 1 tot en met {_MAX_DAYS} zijn"))
    try:
        documents = {d["id"]: d for d in (read_json_file(p, _LIMITS) for p in did_document or []) if isinstance(d, dict) and "id" in d}
        if dids is not None:
            documents.update(load_did_web_folder(dids))
        entries = read_entries(read_json_file(issuers, _LIMITS), documents)
        signer = load(key)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        trust_list = TrustList(issuer=signer.controller, entries=tuple(entries), id=list_id, name=name,
                               valid_from=now, valid_until=now + dt.timedelta(days=valid_days))
        signed = sign_trust_list(trust_list, signer)
        # what verifiers will accept (the anchor's own key resolved as sign() does: a did:web anchor too)
        load_trust_list(signed, Verifier(resolver=SignerResolver(signer)).verified_credential, anchors=[signer.controller], now=now)
    except SkillspasError as exc:
        raise refuse(exc) from None
    except ValueError as exc:
        raise refuse(error_for(ErrorCode.SCHEMA_INVALID, str(exc), nl=defect_nl(exc))) from None
    _warn_about(entries, documents, issuers.name)
    try:
        write_atomic(out, (json.dumps(signed, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), mode=0o644)
    except OSError as exc:
        raise refuse(file_error(exc, out, "write")) from None
    typer.echo(json.dumps({"trustList": str(out), "issuer": signer.controller, "issuers": len(entries),
                           "pinned": sum(1 for e in entries if e.keys), "validUntil": signed.get("validUntil")}, indent=2))


def _warn_about(entries: list[TrustListEntry], documents: dict[str, dict[str, Any]], source: str) -> None:
    """Name on stderr what is most likely a typing error, since the list is signed as it is: a did:web issuer
    left without pinned keys (and where its did.json goes), a did.json that belongs to no entry, a credential type
    skillspas does not know (a did:web entry that is no valid did:web DID is refused: ``read_entries``)."""
    for entry in entries:
        if entry.did.startswith("did:web:") and not entry.keys:
            where = did_web_to_path(entry.did)  # valid (read_entries); --dids reads only this layout
            warn(f"van {entry.did} zijn geen sleutels vastgelegd: geef zijn did.json met --did-document BESTAND, "
                 f"of in --dids MAP als MAP/{where}",
                 f"{entry.did} has no pinned keys: give its did.json with --did-document FILE, or in --dids DIR as "
                 f"DIR/{where}")
        for kind in entry.credential_types:
            if kind not in _KNOWN_TYPES:
                warn(f"{entry.did}: soort bewijsstuk {kind!r} bestaat niet in skillspas (een tikfout? bekend: "
                     f"{', '.join(CATALOGUE)}); geen bewijsstuk heeft die soort, dus dit vertrouwt niets",
                     f"{entry.did}: credential type {kind!r} does not exist in skillspas (a typing error? known: "
                     f"{', '.join(CATALOGUE)}); no credential has this type, so this trusts nothing")
    listed = {entry.did for entry in entries}
    for did in sorted(set(documents) - listed):
        warn(f"het did.json van {did} hoort bij geen vermelding in {source} (een tikfout in een DID?)",
             f"the did.json of {did} belongs to no entry in {source} (a typing error in a DID?)")


@trust_list_app.command("show")
def trust_list_show(
    file: Annotated[Path, typer.Argument(help="A signed trust list")],
    trust_anchor: Annotated[Optional[list[str]], typer.Option("--trust-anchor", help="It must be signed by this DID")] = None,
) -> None:
    """Verify a trust list and print its entries / Vertrouwenslijst controleren en tonen."""
    try:
        trust_list = load_trust_list(read_json_file(file, _LIMITS), Verifier().verified_credential, anchors=trust_anchor,
                                     now=dt.datetime.now(dt.timezone.utc))
    except SkillspasError as exc:
        raise refuse(exc) from None
    typer.echo(json.dumps({
        "issuer": trust_list.issuer, "name": trust_list.name,
        "validUntil": format_datetime(trust_list.valid_until) if trust_list.valid_until else None,  # as `sign` writes it
        "entries": [e.to_json() for e in trust_list.entries],
    }, indent=2, ensure_ascii=False))
