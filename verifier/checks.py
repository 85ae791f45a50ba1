"""The document checks before any key is touched: contexts (threat 2) and shape (threats 3-5)."""

from __future__ import annotations

from typing import Any, Final

from skillspas.schemas.jsonld.contexts import VC_V1, VC_V2, ContextRegistry, unknown_context
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error, shown
from skillspas.schemas.jsonio import pointer_token
from skillspas.schemas.jsonld.inline import KnownTerms, check_inline_context, known_terms
from skillspas.schemas.jsonld.pyld_facts import KEYWORDS
from skillspas.schemas.limits import Limits
from skillspas.schemas.scan import Scan, scan
from skillspas.schemas.text import check_text
from skillspas.schemas.jsonschema.type_schemas import validate_type
from skillspas.schemas.jsonschema.validate import validate_shape, validate_shape_fast
from skillspas.verifier.bundle import BUNDLE_TYPE
from skillspas.schemas.vc import BASE_CONTEXTS, VALIDITY_KEYS, data_model, instant, is_url, issuer_id, parse_datetime, types_of

__all__ = ["check_contexts", "check_credential_shape", "check_presentation_shape"]


def _shape(en: str, nl: str, path: str) -> SkillspasError:
    """``schema_invalid`` at ``path``, in English and Dutch."""
    return localized_error(ErrorCode.SCHEMA_INVALID, en=en, nl=nl, path=path)


def check_contexts(
    document: dict[str, Any], registry: ContextRegistry, scanned: Scan | None = None, limits: Limits = Limits()
) -> None:
    """Every ``@context`` a known URL, a base context first (VC 2.0's, or VC 1.1's) and the other one
    nowhere in the list; inline objects only after the first URL of a document's top-level list, and
    only as ``schemas.inline`` allows (no fetch, ever); every key written as the term they define
    (``_check_keys_with_paths``).

    ``scanned``: a ``Scan`` of this document, or of one holding it, made with ``registry``."""
    top = document.get("@context")
    if top is None and document.get("type") == BUNDLE_TYPE:  # the file beside it, given in its place
        raise _shape("@context is missing: this is a verification bundle, not a credential; give it with --bundle",
                     "@context ontbreekt: dit is een controlebundel, geen bewijsstuk; geef die met --bundle", "/@context")
    if top is None:
        raise _shape("@context is missing", "@context ontbreekt: dit is geen bewijsstuk volgens de W3C-standaard", "/@context")
    if not isinstance(top, list) or not top or not isinstance(top[0], str) or top[0] not in BASE_CONTEXTS:
        raise _shape(f"@context must be a list starting with {VC_V2} (or {VC_V1})",
                     f"@context moet een lijst zijn die begint met {VC_V2} (of {VC_V1})", "/@context")
    other = VC_V1 if top[0] == VC_V2 else VC_V2
    if other in top:
        raise _shape(f"a document is either VC 2.0 or VC 1.1: {other} may not follow {top[0]}",
                     f"een document volgt VC 2.0 of VC 1.1, niet allebei: {other} mag niet na {top[0]} komen",
                     f"/@context/{top.index(other)}")
    found = scanned or scan(document, registry=registry)
    if not found.known_contexts:
        _check_contexts_with_paths(document, registry, limits)
    if not found.plain_keys:
        _check_keys_with_paths(document, known_terms(registry))


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


_KEPT_KEYWORDS = frozenset({"@context", "@value", "@language", "@direction"})
"""The keywords a document written with its contexts' terms holds. The others expand (and so sign) as a
document's terms would, while what reads its JSON does not see them: ``@id``/``@type`` are written ``id``
and ``type``; ``@nest``, ``@graph``, ``@included``... move properties into an object of their own."""
_ALIASES = {"@id": "id", "@type": "type"}
"""The term both base contexts (VC 2.0, VC 1.1) define for a keyword."""


def _check_keys_with_paths(document: dict[str, Any], known: KnownTerms) -> None:
    """Every key written as the term its contexts define (threat 2): not as a keyword (``@id`` for ``id``)
    nor as an IRI a term names (``https://www.w3.org/2018/credentials#credentialStatus``, or a compact
    IRI through a term), nor as the class term of the same IRI (``Criteria`` for ``criteria``); and no
    value object but one with a language or direction (``{"@value": "Anouk"}`` is ``"Anouk"``). Written
    so, a property still counts for the signature, but the checks and pages that read the JSON (status,
    validity, the holder's subject id, names) would not see it: ``schema_invalid`` with its path."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, list):
            stack.extend((item, f"{path}/{i}") for i, item in enumerate(node))
        if not isinstance(node, dict):
            continue
        if "@value" in node and "@language" not in node and "@direction" not in node:
            raise _shape("write the value itself, not as a value object ({\"@value\": ...}): one is for a language or "
                         "writing direction only, and a reader of the JSON would not see the value",
                         "schrijf de waarde zelf, niet als waarde-object ({\"@value\": ...}): dat is er alleen voor een taal "
                         "of schrijfrichting, en wie de JSON leest, ziet de waarde anders niet", path or "/")
        for key, value in node.items():
            child = f"{path}/{pointer_token(key)}"
            if key in known.class_terms:
                term = known.class_terms[key]
                raise _shape(f"write the property {term!r}, not its class {key!r}: both name one thing, but a reader "
                             "of the JSON would not see it",
                             f"schrijf het veld {term!r}, niet de klasse {key!r}: beide betekenen hetzelfde, maar wie de "
                             "JSON leest, ziet het anders niet", child)
            if key in KEYWORDS and key not in _KEPT_KEYWORDS and _ALIASES.get(key) not in node:
                raise _keyword_refused(key, child)  # beside its alias (id and @id), JSON-LD's "colliding keywords"
            if ":" in key and (key in known.iris or key.split(":", 1)[0] in known.names):
                raise _shape(f"{shown(key, quoted=True)} is written as an IRI where a context defines a term for it: "
                             "write the term (a reader of the JSON would not see it)",
                             f"{shown(key, quoted=True)} staat er als IRI, terwijl een context er een term voor heeft: "
                             "schrijf de term (wie de JSON leest, ziet het anders niet)", child)
            if key != "@context":
                stack.append((value, child))


def _keyword_refused(key: str, path: str) -> SkillspasError:
    """``schema_invalid`` for a keyword written as a key (``_KEPT_KEYWORDS``)."""
    alias = _ALIASES.get(key)
    if alias is not None:
        return _shape(f"write {alias!r}, not the keyword {key!r}: a reader of the JSON would not see it",
                      f"schrijf {alias!r}, niet het sleutelwoord {key!r}: wie de JSON leest, ziet het anders niet", path)
    return _shape(f"the JSON-LD keyword {key!r} does not belong in a credential: it moves properties where a reader "
                  "of the JSON does not see them",
                  f"het JSON-LD-sleutelwoord {key!r} hoort niet in een bewijsstuk: het verplaatst velden zodat wie de "
                  "JSON leest ze niet ziet", path)


def _check_context_value(value: Any, registry: ContextRegistry, path: str, top: bool, limits: Limits) -> None:
    entries = value if isinstance(value, list) else [value]
    inline = [i for i, entry in enumerate(entries) if not isinstance(entry, str)]
    if inline and (not top or not isinstance(value, list) or inline[0] == 0):
        where = f"{path}/{inline[0]}" if isinstance(value, list) else path
        raise localized_error(ErrorCode.INLINE_CONTEXT_REFUSED,
                              en="an inline context object is accepted only after the first context URL of a credential",
                              nl="een context als object mag alleen na de eerste context-URL van een bewijsstuk staan",
                              path=where)
    if len(inline) > limits.max_inline_contexts:
        raise localized_error(ErrorCode.RESOURCE_LIMIT, en=f"more than {limits.max_inline_contexts} inline contexts",
                              nl=f"meer dan {limits.max_inline_contexts} contexten als object", path=path)
    for index, entry in enumerate(entries):
        where = f"{path}/{index}" if isinstance(value, list) else path
        if not isinstance(entry, str):
            check_inline_context(entry, where, known_terms(registry), limits)
        elif entry not in registry:
            raise unknown_context(entry, where)


def check_credential_shape(credential: dict[str, Any], path: str = "", scanned: Scan | None = None) -> None:
    """VC Data Model basics a verifier relies on (threat 3/4), before strict expansion: 2.0, or 1.1 with
    its own dates (``issuanceDate`` required, no 2.0 ``validFrom``/``validUntil``).

    ``scanned``: a ``Scan`` of this credential, or of a presentation holding it."""
    if scanned is None or not scanned.clean_text:
        check_text(credential, path)
    if "VerifiableCredential" not in types_of(credential):
        raise _shape("type must include VerifiableCredential", "type moet VerifiableCredential bevatten: dit is geen bewijsstuk",
                     f"{path}/type")
    if "id" in credential and not is_url(credential["id"]):
        raise _shape("id must be one URL", "id moet één URL zijn", f"{path}/id")
    if not is_url(issuer_id(credential)):
        raise _shape("issuer must be a URL or an object with a URL id",
                     "de uitgever (issuer) moet een URL zijn, of een object met een URL als id", f"{path}/issuer")
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects or not all(isinstance(s, dict) and s for s in subjects):
        raise _shape("credentialSubject must be a non-empty object",
                     "credentialSubject (over wie het bewijsstuk gaat) ontbreekt of is leeg", f"{path}/credentialSubject")
    model = data_model(credential)
    if model == "1.1":
        if "issuanceDate" not in credential:
            raise _shape("a VC 1.1 credential needs issuanceDate", "een VC 1.1-bewijsstuk moet een issuanceDate hebben",
                         f"{path}/issuanceDate")
        for key in VALIDITY_KEYS["2.0"]:
            if key in credential:
                raise _shape(f"{key} is a VC 2.0 term; a VC 1.1 credential uses issuanceDate and expirationDate",
                             f"{key} hoort bij VC 2.0; een VC 1.1-bewijsstuk gebruikt issuanceDate en expirationDate",
                             f"{path}/{key}")
    for key in VALIDITY_KEYS[model]:
        if key in credential:
            parse_datetime(credential[key], f"{path}/{key}")
    from_key, until_key = VALIDITY_KEYS[model]
    if from_key in credential and until_key in credential:  # VC 2.0 §4.9: a MUST, whatever is checked later
        if instant(credential[until_key]) < instant(credential[from_key]):
            raise _shape(f"{until_key} is before {from_key}", f"{until_key} ligt vóór {from_key}", f"{path}/{until_key}")
    try:
        _validate_shape(credential, "credential" if model == "2.0" else "credential-1.1")
    except SkillspasError as exc:
        raise error_for(exc.code, exc.message, path + (exc.path if exc.path and exc.path != "/" else ""),
                        nl=exc.message_nl) from None
    validate_type(credential, path)  # a skillspas type: its own schema and the OB 3.0 schema
    _check_status_entries(credential, path)


_STATUS_FIELDS: Final = {"statusPurpose": str, "statusListIndex": str, "statusListCredential": str, "statusSize": int}
"""A ``BitstringStatusListEntry``'s fields and their one JSON kind (W3C Bitstring Status List v1.0 §2.1)."""


def _check_status_entries(credential: dict[str, Any], path: str) -> None:
    """Each ``BitstringStatusListEntry`` has its fields as one text (``statusSize`` one integer): a list of one, a
    number or a node object (``{"id": URL}``) signs (mostly) the same RDF, but the credential is malformed, not its status
    list unavailable: ``schema_invalid`` with the field's path. Their values are the status check's (``status.py``)."""
    value = credential.get("credentialStatus")
    entries = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    for index, entry in entries:
        if not isinstance(entry, dict) or "BitstringStatusListEntry" not in types_of(entry):
            continue
        where = f"{path}/credentialStatus" + ("" if index is None else f"/{index}")
        for key, kind in _STATUS_FIELDS.items():
            if key in entry and (not isinstance(entry[key], kind) or isinstance(entry[key], bool)):
                what, what_nl = ("one integer", "één geheel getal") if kind is int else ("one text", "één tekst")
                raise _shape(f"{key} of a status entry must be {what}", f"{key} van een statusvermelding moet {what_nl} zijn",
                             f"{where}/{key}")


def check_presentation_shape(
    presentation: dict[str, Any], limits: Limits, scanned: Scan | None = None
) -> list[dict[str, Any]]:
    """VerifiablePresentation basics; returns its embedded credentials."""
    if scanned is None or not scanned.clean_text:
        check_text(presentation)
    if "VerifiablePresentation" not in types_of(presentation):
        raise _shape("type must include VerifiablePresentation", "type moet VerifiablePresentation bevatten: dit is geen presentatie",
                     "/type")
    _validate_shape(presentation, "presentation" if data_model(presentation) == "2.0" else "presentation-1.1")
    if "holder" in presentation:
        holder = presentation["holder"]
        holder = holder.get("id") if isinstance(holder, dict) else holder
        if not is_url(holder):
            raise _shape("holder must be a URL", "de houder (holder) moet een URL zijn", "/holder")
    value = presentation.get("verifiableCredential", [])
    credentials = value if isinstance(value, list) else [value]
    if not credentials and "proof" not in presentation:  # else "valid", with nothing checked at all
        raise _shape("the presentation holds no credential and no proof: it proves nothing",
                     "de presentatie bevat geen bewijsstuk en geen handtekening: ze bewijst niets", "/verifiableCredential")
    if len(credentials) > limits.max_credentials:
        raise localized_error(ErrorCode.RESOURCE_LIMIT, en=f"more than {limits.max_credentials} credentials",
                              nl=f"meer dan {limits.max_credentials} bewijsstukken", path="/verifiableCredential")
    if not all(isinstance(c, dict) for c in credentials):
        raise _shape("verifiableCredential entries must be objects", "elk bewijsstuk in verifiableCredential moet een object zijn",
                     "/verifiableCredential")
    return credentials


def _validate_shape(document: dict[str, Any], kind: str) -> None:
    """The JSON Schema check for ``kind`` (``schemas.validate``); the compiled check answers "valid" ~20x faster (measured),
    anything else goes to ``jsonschema``, which reports the error exactly as it always did."""
    if not validate_shape_fast(document, kind):
        validate_shape(document, kind)
