"""Reading a VC document: its types, issuer, co-signers, data model, validity keys, dates and proofs.

Pure accessors and predicates over a parsed credential or presentation (no key, no context, no
schema), shared by the verifier's checks and the issuer's builders.

Usage::

    from skillspas.schemas.vc import issuer_id, types_of
    if "VerifiableCredential" in types_of(document): print(issuer_id(document))
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from skillspas.schemas.jsonld.contexts import VC_V1, VC_V2
from skillspas.schemas.errors import ErrorCode, localized_error
from skillspas.schemas.limits import Limits

__all__ = ["BASE_CONTEXTS", "VALIDITY_KEYS", "data_model", "validity_keys", "is_url", "is_web_url", "types_of", "issuer_id",
           "issuer_name_of", "title_of", "text_of", "one_of", "the_subject", "the_achievement", "several_of", "cosigner_ids",
           "date_exists", "parse_datetime", "instant", "proofs_of", "repeated"]

# XML Schema dateTimeStamp: a dateTime with a mandatory time zone (VC 2.0 §4.9).
_DATETIME_STAMP = re.compile(
    r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]+")
_DATE = re.compile(r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})")
BASE_CONTEXTS = {VC_V2: "2.0", VC_V1: "1.1"}
"""The base context URL of each VC Data Model version."""
VALIDITY_KEYS = {"2.0": ("validFrom", "validUntil"), "1.1": ("issuanceDate", "expirationDate")}
"""The properties of the validity window in each VC Data Model version."""


def data_model(document: Mapping[str, Any]) -> str:
    """The VC Data Model of a document whose contexts ``check_contexts`` accepted: "1.1" when its first
    context is the 1.1 base context, else "2.0"."""
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    return BASE_CONTEXTS.get(first, "2.0") if isinstance(first, str) else "2.0"

def validity_keys(credential: Mapping[str, Any]) -> tuple[str, str]:
    """The properties of a credential's validity window: ``validFrom``/``validUntil`` (VC 2.0), or
    ``issuanceDate``/``expirationDate`` (VC 1.1, which has the same meaning for a verifier)."""
    return VALIDITY_KEYS[data_model(credential)]

def is_url(value: object) -> TypeGuard[str]:
    """An absolute URL (any scheme, e.g. https:, did:, urn:) without whitespace."""
    return isinstance(value, str) and _URL.fullmatch(value) is not None

def is_web_url(value: object) -> TypeGuard[str]:
    """An http(s) URL (``is_url``: no whitespace) with a host, and a port from 1 to 65535 if it names one: an issuer
    named by its web address (``--trust-issuer``), the exchange address a worker was given (``passport claim``)."""
    if not is_url(value):
        return False
    try:  # urlsplit, .hostname and .port raise ValueError on a malformed address ("http://[::1", "https://h:x/")
        parts = urlsplit(value)
        return parts.scheme in ("https", "http") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        return False

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

def issuer_name_of(credential: dict[str, Any]) -> str | None:
    """The name the credential gives its issuer (``issuer.name``), as written in it: never the trust list's name."""
    return text_of(credential.get("issuer"), "name")

def title_of(credential: dict[str, Any], achievement: dict[str, Any] | None = None) -> str | None:
    """The title the credential gives itself, as written in it: its ``name``, else the ``name`` of its one
    achievement (``the_achievement``, Open Badges 3.0); ``None`` when neither is text that is not blank.
    ``achievement``: the credential's ``the_achievement`` when the caller has read it already (else read here)."""
    return text_of(credential, "name") or text_of(achievement or the_achievement(credential), "name")

def text_of(node: Any, key: str) -> str | None:
    """The one text ``node[key]`` means when ``node`` is an object, if that is not blank; else ``None``.

    JSON-LD signs ``"Anouk"``, ``["Anouk"]`` and ``{"@value": "Anouk", "@language": "nl"}`` (its text, in a language)
    alike, so each reads as ``Anouk``: a holder cannot hide a signed name by re-spelling it. Several values read
    as ``None``: their order is not signed, so no first one is what the issuer said first."""
    value = node.get(key) if isinstance(node, dict) else None
    if type(value) is not str:  # the common case first: a summary reads three texts of every skill (measured)
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if isinstance(value, dict) and "@value" in value and ("@language" in value or "@direction" in value):
            value = value["@value"]  # a value object without either is refused (verifier.checks)
        if not isinstance(value, str):
            return None
    return value if value.strip() else None

def one_of(node: Any) -> Any:
    """The one value ``node`` holds: the item of a list of one, anything but a list as it is; ``None`` for an empty
    list or several items. JSON-LD signs a set: several values have no first one (as in ``text_of``), so a verifier
    that read the first could show another value than the next one for the same signed document."""
    if isinstance(node, list):
        return node[0] if len(node) == 1 else None
    return node


def the_subject(credential: Any) -> dict[str, Any] | None:
    """The one object a credential is about (its ``credentialSubject``, or a list of one); ``None`` when it has
    several (``several_of``) or none. What every display reads of the person a credential names."""
    subject = one_of(credential.get("credentialSubject")) if isinstance(credential, dict) else None
    return subject if isinstance(subject, dict) else None


def the_achievement(credential: Any, subject: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The one ``achievement`` of ``the_subject`` (Open Badges 3.0: what was achieved, its skills); ``None`` when the
    credential has several subjects, its subject several achievements, or none. ``subject``: the credential's
    ``the_subject`` when the caller has read it already (else read here)."""
    if subject is None:
        subject = the_subject(credential)
    achievement = one_of(subject.get("achievement")) if subject is not None else None
    return achievement if isinstance(achievement, dict) else None


def several_of(credential: Any, subject: dict[str, Any] | None = None) -> tuple[str, int] | None:
    """What a credential holds several of where a person reads one: ``("subjects", n)`` for n > 1 objects in its
    ``credentialSubject``, else ``("achievements", n)`` for n > 1 achievements of its one subject; ``None`` otherwise.

    Of such a credential nothing of its subjects (or achievements) is shown or counted as the credential's
    (``the_subject``, ``the_achievement``): their order is not signed, and two verifiers that each picked "the first"
    could show two people, or two titles and sets of skills, for one signature. The displays say this state instead.
    ``subject``: the credential's ``the_subject`` when the caller has read it already (else read here)."""
    subjects = credential.get("credentialSubject") if isinstance(credential, dict) else None
    if isinstance(subjects, list) and len(subjects) > 1:
        return ("subjects", len(subjects))
    if subject is None:
        subject = the_subject(credential)
    achievements = subject.get("achievement") if subject is not None else None
    if isinstance(achievements, list) and len(achievements) > 1:
        return ("achievements", len(achievements))
    return None

def cosigner_ids(credential: dict[str, Any]) -> list[str]:
    """The DIDs in the credential's ``coSigner`` (a Praktijkverklaring's leerbedrijf signs too)."""
    value = credential.get("coSigner", [])
    return [
        c["id"] if isinstance(c, dict) else c
        for c in (value if isinstance(value, list) else [value])
        if isinstance(c, str) or (isinstance(c, dict) and isinstance(c.get("id"), str))
    ]


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
        raise localized_error(ErrorCode.SCHEMA_INVALID, en=f"{value!r} is not a date-time with time zone",
                              nl=f"{value!r} is geen datum en tijd met tijdzone", path=path)
    if not date_exists(value):
        raise localized_error(ErrorCode.SCHEMA_INVALID, en=f"{value!r} is not a date that exists",
                              nl=f"{value!r} is een datum die niet bestaat", path=path)
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
        raise localized_error(ErrorCode.INVALID_PROOF, en="the document has no proof",
                              nl="het document is niet ondertekend (er is geen handtekening)", path="/proof")
    proofs = proof if isinstance(proof, list) else [proof]
    if not proofs or not all(isinstance(p, dict) for p in proofs):
        raise localized_error(ErrorCode.INVALID_PROOF, en="proof must be an object or a list of objects",
                              nl="de handtekening (proof) moet een object zijn of een lijst van objecten", path="/proof")
    if len(proofs) > limits.max_proofs:
        raise localized_error(ErrorCode.RESOURCE_LIMIT, en=f"more than {limits.max_proofs} proofs",
                              nl=f"meer dan {limits.max_proofs} handtekeningen", path="/proof")
    return proofs


def _proof_values(credential: dict[str, Any]) -> tuple[str, ...]:
    proof = credential.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return tuple(p["proofValue"] for p in proofs if isinstance(p, dict) and isinstance(p.get("proofValue"), str))


def repeated(credentials: list[Any]) -> dict[int, int]:
    """The credentials given more than once among ``credentials``: each later copy's position -> the first's.

    The same credential is the same ``id`` and the same proof value, and the same JSON throughout: a person who gives
    one credential twice (two files, a passport that holds it twice, its QR code beside the PDF) sees it once. Two
    different credentials with one ``id`` (other content or other proofs) are no copies: both are checked, as before.
    A credential without a proof value is nobody's copy."""
    first: dict[tuple[Any, tuple[str, ...]], list[int]] = {}
    copies: dict[int, int] = {}
    for position, credential in enumerate(credentials):
        values = _proof_values(credential) if isinstance(credential, dict) else ()
        if not values:
            continue
        key = (credential.get("id") if isinstance(credential.get("id"), str) else None, values)
        earlier = first.setdefault(key, [])
        same = next((i for i in earlier if _same_json(credentials[i], credential)), None)
        if same is None:
            earlier.append(position)
        else:
            copies[position] = same
    return copies


def _same_json(one: Any, other: Any) -> bool:
    """Whether two parsed JSON values are the same JSON (``1`` is not ``1.0`` or ``true`` here, as Python's ``==`` has it)."""
    return one == other and json.dumps(one, sort_keys=True) == json.dumps(other, sort_keys=True)
