"""The document checks before any key is touched: contexts (threat 2) and shape (threats 3-5)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeGuard

from skillspas.schemas.contexts import VC_V1, VC_V2, ContextRegistry
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.schemas.inline import check_inline_context, known_terms
from skillspas.schemas.limits import Limits
from skillspas.schemas.scan import Scan, scan
from skillspas.schemas.text import check_text
from skillspas.schemas.type_schemas import validate_type
from skillspas.schemas.validate import validate_shape, validate_shape_fast

__all__ = ["check_contexts", "check_credential_shape", "check_presentation_shape", "proofs_of", "types_of",
           "issuer_id", "cosigner_ids", "parse_datetime", "date_exists", "instant", "is_url", "data_model",
           "validity_keys"]

# XML Schema dateTimeStamp: a dateTime with a mandatory time zone (VC 2.0 §4.9).
_DATETIME_STAMP = re.compile(
    r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+")
_DATE = re.compile(r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})")
_BASE_CONTEXTS = {VC_V2: "2.0", VC_V1: "1.1"}
_VALIDITY_KEYS = {"2.0": ("validFrom", "validUntil"), "1.1": ("issuanceDate", "expirationDate")}


def data_model(document: dict[str, Any]) -> str:
    """The VC Data Model of a document whose contexts ``check_contexts`` accepted: "1.1" when its first
    context is the 1.1 base context, else "2.0"."""
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    return _BASE_CONTEXTS.get(first, "2.0") if isinstance(first, str) else "2.0"


def validity_keys(credential: dict[str, Any]) -> tuple[str, str]:
    """The properties of a credential's validity window: ``validFrom``/``validUntil`` (VC 2.0), or
    ``issuanceDate``/``expirationDate`` (VC 1.1, which has the same meaning for a verifier)."""
    return _VALIDITY_KEYS[data_model(credential)]


def is_url(value: object) -> TypeGuard[str]:
    """An absolute URL (any scheme, e.g. https:, did:, urn:) without whitespace."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None


def types_of(node: dict[str, Any]) -> list[str]:
    """The ``type`` of a node as a list of strings."""
    value = node.get("type", [])
    return [value] if isinstance(value, str) else [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def issuer_id(credential: dict[str, Any]) -> str | None:
    """The issuer's id, whether ``issuer`` is a URL or an object with ``id``."""
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def check_contexts(
    document: dict[str, Any], registry: ContextRegistry, scanned: Scan | None = None, limits: Limits = Limits()
) -> None:
    """Every ``@context`` a known URL, a base context first (VC 2.0's, or VC 1.1's) and the other one
    nowhere in the list; inline objects only after the first URL of a document's top-level list, and
    only as ``schemas.inline`` allows (no fetch, ever).

    ``scanned``: a ``Scan`` of this document, or of one holding it, made with ``registry``."""
    top = document.get("@context")
    if top is None:
        raise error_for(ErrorCode.SCHEMA_INVALID, "@context is missing", "/@context")
    if not isinstance(top, list) or not top or not isinstance(top[0], str) or top[0] not in _BASE_CONTEXTS:
        raise error_for(ErrorCode.SCHEMA_INVALID, f"@context must be a list starting with {VC_V2} (or {VC_V1})", "/@context")
    other = VC_V1 if top[0] == VC_V2 else VC_V2
    if other in top:
        raise error_for(ErrorCode.SCHEMA_INVALID, f"a document is either VC 2.0 or VC 1.1: {other} may not follow {top[0]}",
                        f"/@context/{top.index(other)}")
    if not (scanned or scan(document, registry=registry)).known_contexts:
        _check_contexts_with_paths(document, registry, limits)


def _check_contexts_with_paths(document: dict[str, Any], registry: ContextRegistry, limits: Limits) -> None:
    """The exact walk: raises for the first unknown or refused context it meets, with its path.

    A "top" object is the document itself or a credential in a presentation's ``verifiableCredential``."""
    stack: list[tuple[Any, str, bool]] = [(document, "", True)]
    while stack:
        node, path, top = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                child = f"{path}/{key}"
                if key == "@context":
                    _check_context_value(value, registry, child, top, limits)
                elif top and key == "verifiableCredential":
                    items = value if isinstance(value, list) else [value]
                    stack.extend((item, f"{child}/{i}" if isinstance(value, list) else child, True)
                                 for i, item in enumerate(items))
                else:
                    stack.append((value, child, False))
        elif isinstance(node, list):
            stack.extend((item, f"{path}/{i}", False) for i, item in enumerate(node))


def _check_context_value(value: Any, registry: ContextRegistry, path: str, top: bool, limits: Limits) -> None:
    entries = value if isinstance(value, list) else [value]
    inline = [i for i, entry in enumerate(entries) if not isinstance(entry, str)]
    if inline and (not top or not isinstance(value, list) or inline[0] == 0):
        where = f"{path}/{inline[0]}" if isinstance(value, list) else path
        raise error_for(ErrorCode.INLINE_CONTEXT_REFUSED,
                        "an inline context object is accepted only after the first context URL of a credential", where)
    if len(inline) > limits.max_inline_contexts:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"more than {limits.max_inline_contexts} inline contexts", path)
    for index, entry in enumerate(entries):
        where = f"{path}/{index}" if isinstance(value, list) else path
        if not isinstance(entry, str):
            check_inline_context(entry, where, known_terms(registry), limits)
        elif entry not in registry:
            raise error_for(ErrorCode.UNKNOWN_CONTEXT, f"context {entry!r} is not bundled and is never fetched", where)


def date_exists(value: str) -> bool:
    """Whether the date ``value`` starts with (an XML Schema date or dateTime) is on the calendar:
    2025-02-30 and 2025-02-29 are not. Any year, as XML Schema allows (proleptic Gregorian)."""
    found = _DATE.match(value)
    if found is None:
        return False
    year, month, day = int(found[1]), int(found[2]), int(found[3])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return 1 <= month <= 12 and 1 <= day <= days[month - 1]


def parse_datetime(value: object, path: str) -> str:
    """``value`` if it is an XML Schema dateTimeStamp of a day that exists, else ``schema_invalid``."""
    if not isinstance(value, str) or not _DATETIME_STAMP.fullmatch(value):
        raise error_for(ErrorCode.SCHEMA_INVALID, f"{value!r} is not a date-time with time zone", path)
    if not date_exists(value):
        raise error_for(ErrorCode.SCHEMA_INVALID, f"{value!r} is not a date that exists", path)
    return value


def instant(value: str) -> dt.datetime:
    """The moment of a ``parse_datetime``-checked value (years beyond 9999, valid XML Schema, at the ends of time)."""
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:  # e.g. years beyond 9999: valid XML Schema, not a Python datetime
        year = int(value.lstrip("-").split("-", 1)[0])
        return dt.datetime.max.replace(tzinfo=dt.timezone.utc) if year > 9999 else dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def proofs_of(document: dict[str, Any], limits: Limits) -> list[dict[str, Any]]:
    """The document's proofs as a list of objects (``invalid_proof`` when missing or malformed)."""
    proof = document.get("proof")
    if proof is None:
        raise error_for(ErrorCode.INVALID_PROOF, "the document has no proof", "/proof")
    proofs = proof if isinstance(proof, list) else [proof]
    if not proofs or not all(isinstance(p, dict) for p in proofs):
        raise error_for(ErrorCode.INVALID_PROOF, "proof must be an object or a list of objects", "/proof")
    if len(proofs) > limits.max_proofs:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"more than {limits.max_proofs} proofs", "/proof")
    return proofs


def check_credential_shape(credential: dict[str, Any], path: str = "", scanned: Scan | None = None) -> None:
    """VC Data Model basics a verifier relies on (threat 3/4), before strict expansion: 2.0, or 1.1 with
    its own dates (``issuanceDate`` required, no 2.0 ``validFrom``/``validUntil``).

    ``scanned``: a ``Scan`` of this credential, or of a presentation holding it."""
    if scanned is None or not scanned.clean_text:
        check_text(credential, path)
    if "VerifiableCredential" not in types_of(credential):
        raise error_for(ErrorCode.SCHEMA_INVALID, "type must include VerifiableCredential", f"{path}/type")
    if "id" in credential and not is_url(credential["id"]):
        raise error_for(ErrorCode.SCHEMA_INVALID, "id must be one URL", f"{path}/id")
    if not is_url(issuer_id(credential)):
        raise error_for(ErrorCode.SCHEMA_INVALID, "issuer must be a URL or an object with a URL id", f"{path}/issuer")
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects or not all(isinstance(s, dict) and s for s in subjects):
        raise error_for(ErrorCode.SCHEMA_INVALID, "credentialSubject must be a non-empty object", f"{path}/credentialSubject")
    model = data_model(credential)
    if model == "1.1":
        if "issuanceDate" not in credential:
            raise error_for(ErrorCode.SCHEMA_INVALID, "a VC 1.1 credential needs issuanceDate", f"{path}/issuanceDate")
        for key in _VALIDITY_KEYS["2.0"]:
            if key in credential:
                raise error_for(ErrorCode.SCHEMA_INVALID,
                                f"{key} is a VC 2.0 term; a VC 1.1 credential uses issuanceDate and expirationDate",
                                f"{path}/{key}")
    for key in _VALIDITY_KEYS[model]:
        if key in credential:
            parse_datetime(credential[key], f"{path}/{key}")
    from_key, until_key = _VALIDITY_KEYS[model]
    if from_key in credential and until_key in credential:  # VC 2.0 §4.9: a MUST, whatever is checked later
        if instant(credential[until_key]) < instant(credential[from_key]):
            raise error_for(ErrorCode.SCHEMA_INVALID, f"{until_key} is before {from_key}", f"{path}/{until_key}")
    try:
        _validate_shape(credential, "credential" if model == "2.0" else "credential-1.1")
    except SkillspasError as exc:
        raise error_for(exc.code, exc.message, path + (exc.path if exc.path and exc.path != "/" else "")) from None
    validate_type(credential, path)  # a skillspas type: its own schema and the OB 3.0 schema


def check_presentation_shape(
    presentation: dict[str, Any], limits: Limits, scanned: Scan | None = None
) -> list[dict[str, Any]]:
    """VerifiablePresentation basics; returns its embedded credentials."""
    if scanned is None or not scanned.clean_text:
        check_text(presentation)
    if "VerifiablePresentation" not in types_of(presentation):
        raise error_for(ErrorCode.SCHEMA_INVALID, "type must include VerifiablePresentation", "/type")
    _validate_shape(presentation, "presentation" if data_model(presentation) == "2.0" else "presentation-1.1")
    if "holder" in presentation:
        holder = presentation["holder"]
        holder = holder.get("id") if isinstance(holder, dict) else holder
        if not is_url(holder):
            raise error_for(ErrorCode.SCHEMA_INVALID, "holder must be a URL", "/holder")
    value = presentation.get("verifiableCredential", [])
    credentials = value if isinstance(value, list) else [value]
    if len(credentials) > limits.max_credentials:
        raise error_for(ErrorCode.RESOURCE_LIMIT, f"more than {limits.max_credentials} credentials", "/verifiableCredential")
    if not all(isinstance(c, dict) for c in credentials):
        raise error_for(ErrorCode.SCHEMA_INVALID, "verifiableCredential entries must be objects", "/verifiableCredential")
    return credentials


def _validate_shape(document: dict[str, Any], kind: str) -> None:
    """The JSON Schema check for ``kind`` (``schemas.validate``); the compiled check answers "valid" ~20x faster (measured),
    anything else goes to ``jsonschema``, which reports the error exactly as it always did."""
    if not validate_shape_fast(document, kind):
        validate_shape(document, kind)


def cosigner_ids(credential: dict[str, Any]) -> list[str]:
    """The DIDs in the credential's ``coSigner`` (a Praktijkverklaring's leerbedrijf signs too)."""
    value = credential.get("coSigner", [])
    return [
        c["id"] if isinstance(c, dict) else c
        for c in (value if isinstance(value, list) else [value])
        if isinstance(c, str) or (isinstance(c, dict) and isinstance(c.get("id"), str))
    ]
