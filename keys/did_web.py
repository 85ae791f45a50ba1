"""did:web documents: build them, map DIDs to paths, and load them from a folder, never the web.

Usage::

    did_web_to_path("did:web:roc.example:keys")          # "roc.example/keys/did.json"
    doc = did_web_document("did:web:roc.example", [pair.public_key])
    resolver = StaticResolver(load_did_web_folder("bundle/dids"))

Spec: did:web Method Specification (W3C CCG), section 3.2 "Read (Resolve)": the method-specific
id's colons become slashes, ``%3A`` in the host is a port separator, and a DID without a path
maps to ``/.well-known/did.json``.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from skillspas.keys.did_key import DID_CONTEXTS
from skillspas.keys.keypair import PublicKey
from skillspas.keys.verification_method import MULTIKEY
from skillspas.schemas.errors import NOT_A_FOLDER, ErrorCode, SkillspasError, error_for, file_error, shown
from skillspas.schemas.jsonio import open_input, parse_json
from skillspas.schemas.limits import Limits

__all__ = ["DID_WEB_PREFIX", "did_web_to_path", "check_did_web_spelling", "did_web_document", "load_did_web_folder", "verification_method_ids"]

DID_WEB_PREFIX: Final = "did:web:"
_LABEL: Final = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST: Final = re.compile(rf"{_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?")
# DID syntax idchar: ALPHA / DIGIT / "." / "-" / "_" / pct-encoded. Segments stay percent-encoded.
_SEGMENT: Final = re.compile(r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+")
_MAX_DID: Final = 512


def _unresolvable(message: str, nl: str) -> SkillspasError:
    """Build the ``unresolvable_key`` error (English and Dutch)."""
    return error_for(ErrorCode.UNRESOLVABLE_KEY, message, nl=nl)


def did_web_to_path(did: str) -> str:
    """Map a did:web DID to its path, e.g. ``example.com/.well-known/did.json``."""
    if not isinstance(did, str):
        raise TypeError("did must be a string")
    if len(did) > _MAX_DID or not did.startswith(DID_WEB_PREFIX):
        raise _unresolvable("not a did:web identifier", "dit is geen did:web")
    if any(c in did for c in "#?/\\"):
        raise _unresolvable("a did:web DID has no path, query or fragment",
                            "een did:web heeft geen pad, zoekvraag of fragment (/, ?, #)")
    host, *segments = did[len(DID_WEB_PREFIX) :].split(":")
    host = re.sub("%3[Aa]", ":", host, count=1)
    if _HOST.fullmatch(host) is None:
        raise _unresolvable("did:web host is not a valid domain name (with optional %3A port)",
                            "de host van de did:web is geen geldige domeinnaam (eventueel met %3A en een poort)")
    for segment in segments:
        # A leading dot would allow ".", ".." and a second spelling of ".well-known".
        if _SEGMENT.fullmatch(segment) is None or segment.startswith("."):
            raise _unresolvable("did:web path segment is empty or has characters not allowed",
                                "een stuk van het pad van de did:web is leeg of heeft tekens die niet mogen")
    if not segments:
        return f"{host}/.well-known/did.json"
    return "/".join([host, *segments, "did.json"])


def check_did_web_spelling(did: str) -> str:
    """``did_web_to_path(did)`` for a DID that skillspas creates or lists (an organisation's, a keystore's, a trust
    list entry's). Such a DID must also be its issuer's one spelling: the host in lowercase, and a port as ``%3A``.

    A domain name is the same in any case (DNS), but DIDs are compared as written (DID Core 3.1; the did:web method
    keeps the host as it is given). So ``did:web:ROC.EXAMPLE`` would be a second DID of the issuer
    ``did:web:roc.example``, one that a trust list or a verifier treats as another issuer. The path segments stay as
    written: a URL path is case-sensitive.

    Raises:
        SkillspasError: ``unresolvable_key`` (nl/en) for a DID that is no did:web DID, or whose host is not written
            in lowercase (the message gives the lowercase spelling). Callers refuse it with their own code.
    """
    path = did_web_to_path(did)
    host, colon, rest = did[len(DID_WEB_PREFIX) :].partition(":")
    spelled = host.lower().replace("%3a", "%3A")
    if spelled != host:
        wanted = shown(DID_WEB_PREFIX + spelled + colon + rest, quoted=True)
        raise _unresolvable(
            f"write the host of a did:web DID in lowercase: {wanted}, not {shown(did, quoted=True)}: a domain name is "
            "the same in any case, but DIDs are compared as written, so this would be a second DID for one issuer",
            f"schrijf de host van een did:web-DID in kleine letters: {wanted}, niet {shown(did, quoted=True)}: een "
            "domeinnaam is in elke schrijfwijze dezelfde, maar DID's worden vergeleken zoals ze geschreven zijn, dus "
            "dit zou een tweede DID voor één uitgever zijn")
    return path


def did_web_document(
    did: str,
    public_keys: Sequence[PublicKey],
    *,
    relationships: Sequence[str] = ("assertionMethod",),
) -> dict[str, Any]:
    """Build a did:web DID document with Multikey methods ``#key-1``, ``#key-2``, ..."""
    did_web_to_path(did)
    if not public_keys:
        raise ValueError("a did:web document needs at least one public key")
    methods = []
    for number, key in enumerate(public_keys, start=1):
        if not isinstance(key, PublicKey):
            raise TypeError("public_keys must be skillspas.keys.PublicKey objects")
        methods.append(
            {
                "id": f"{did}#key-{number}",
                "type": MULTIKEY,
                "controller": did,
                "publicKeyMultibase": key.multibase,
            }
        )
    document: dict[str, Any] = {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
    }
    for relationship in relationships:
        document[relationship] = [m["id"] for m in methods]
    return document


def verification_method_ids(document: Any, did: str) -> list[str]:
    """Every verification method id a DID document names: listed, referenced, or embedded in a
    relationship (absolute; "#frag" taken against ``did``)."""
    found: list[str] = []
    for key in ("verificationMethod", "assertionMethod", "authentication", "capabilityInvocation",
                "capabilityDelegation", "keyAgreement"):
        entries = document.get(key, []) if isinstance(document, dict) else []
        for entry in entries if isinstance(entries, list) else []:
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if isinstance(ref, str) and ref:
                found.append(did + ref if ref.startswith("#") else ref)
    return list(dict.fromkeys(found))


def _did_for(parts: Sequence[str]) -> str:
    """Derive the DID a did.json at ``parts`` (relative to the folder) must describe."""
    host = parts[0].replace(":", "%3A")
    middle = list(parts[1:-1])
    if middle == [".well-known"]:
        did = DID_WEB_PREFIX + host
    elif middle and ".well-known" not in middle:
        did = DID_WEB_PREFIX + ":".join([host, *middle])
    else:
        raise _unresolvable(
            f"{'/'.join(parts)} is not laid out as host/.well-known/did.json or host/path/did.json",
            f"{'/'.join(parts)} staat niet als host/.well-known/did.json of host/pad/did.json in de map",
        )
    expected = re.sub("%3[Aa]", ":", parts[0], count=1) + "/" + "/".join(parts[1:])
    if did_web_to_path(did) != expected:
        raise _unresolvable(f"{'/'.join(parts)} is not a valid did:web location",
                            f"{'/'.join(parts)} is geen geldige plek voor een did:web")
    return did


def _read_document(file: Path, shown: str, max_bytes: int) -> dict[str, Any]:
    """Read one did.json strictly (size cap, duplicate keys, NaN) into a dict."""
    with open_input(file) as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _unresolvable(f"{shown} is larger than {max_bytes} bytes", f"{shown} is groter dan {max_bytes} bytes")
    try:
        document = parse_json(data, Limits(max_bytes=max_bytes))
    except SkillspasError:
        raise _unresolvable(f"{shown} is not a strict UTF-8 JSON document",
                            f"{shown} is geen strikt JSON-document in UTF-8") from None
    if not isinstance(document, dict):
        raise _unresolvable(f"{shown} is not a JSON object", f"{shown} is geen JSON-object")
    return document


def load_did_web_folder(
    path: str | os.PathLike[str], *, limits: Limits | None = None
) -> dict[str, dict[str, Any]]:
    """Load every did.json under ``path`` (host/.well-known/did.json, host/a/b/did.json) by DID;
    ``file_error`` when ``path`` is missing or no folder, ``unresolvable_key`` for a did.json in it that is wrong,
    ``too_large`` past ``Limits.max_bundle_documents`` of them."""
    root = Path(path)
    try:
        folder = root.is_dir()
        missing = not folder and not root.exists()
    except OSError as exc:  # a name too long: is_dir() raises, it does not answer
        raise file_error(exc, root, "read") from None
    if not folder:  # a folder given wrongly is the user's file problem (exit 2), not an unresolvable key
        reason = (errno.ENOENT, os.strerror(errno.ENOENT)) if missing else (errno.ENOTDIR, NOT_A_FOLDER)
        raise file_error(OSError(*reason, str(root)), root, "read")
    limits = limits or Limits()
    documents: dict[str, dict[str, Any]] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        if "did.json" not in filenames:
            continue
        if len(documents) == limits.max_bundle_documents:  # a bundle holds no more: not read on
            raise error_for(ErrorCode.TOO_LARGE, f"{root} holds more than {limits.max_bundle_documents} did.json files",
                            nl=f"{root} bevat meer dan {limits.max_bundle_documents} did.json-bestanden")
        file = Path(dirpath) / "did.json"
        parts = file.relative_to(root).parts
        shown = "/".join(parts)
        did = _did_for(parts)
        if file.is_symlink():
            raise _unresolvable(f"{shown} is a symbolic link; copy the document instead",
                                f"{shown} is een symbolische koppeling; kopieer het document zelf in de map")
        document = _read_document(file, shown, limits.max_bytes)
        if document.get("id") != did:
            raise _unresolvable(f"{shown}: the document's id does not match its path ({did})",
                                f"{shown}: de id van het document past niet bij zijn plek ({did})")
        if did in documents:
            raise _unresolvable(f"{shown}: a second document for {did}", f"{shown}: een tweede document voor {did}")
        documents[did] = document
    return documents
