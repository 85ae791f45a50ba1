"""The QR payload codec: a whole signed credential in one alphanumeric QR code, verifiable offline.

Usage::

    from skillspas.verifier.qr import encode_payload, decode_payload, read_qr_image

    text = encode_payload(signed_credential)          # "SP2:..." or "SP1:..." (Base45, QR alphanumeric mode)
    data = decode_payload(read_qr_image("photo.jpg"))  # the credential's JSON bytes
    result = Verifier(...).verify(data)                # the proof verifies: nothing was lost

Format ``SP1`` (never changed once published; a new format gets a new prefix)::

    "SP1:" + Base45( flags(1) || body || CRC-32(flags || body) (4, big-endian) )
    flags bit 0: body is raw DEFLATE (RFC 1951) of the CBOR with the preset dictionary SP1_ZDICT;
    otherwise body is the CBOR itself.

The CBOR (RFC 8949, a strict subset: definite lengths, shortest heads) is the JSON document with
three compactions, each of which the decoder undoes exactly:

- **term dictionary**: a string that is a term of the bundled VC 2.0, Data Integrity 2, Open
  Badges 3.0.3 or skillspas v1 contexts (or one of a few common values) is written as its index,
  as an unsigned integer (a JSON integer value is wrapped in tag 6 instead). The dictionary was
  derived from those contexts once and is frozen here (``SP1_TERMS``, digest ``SP1_DIGEST``).
- **compact identifiers**: ``urn:uuid:`` and ESCO skill URIs as 16 bytes, did:key identifiers and
  base58btc multibase values (``proofValue``) as their bytes, hexadecimal values (salts,
  ``sha256$`` identity hashes) as their bytes, UTC timestamps as seconds.
  A string is compacted only when the compact form turns back into the identical string.
- **DEFLATE** with a preset dictionary of frequent Dutch skill words and the issuer's standard
  sentences (``SP1_ZDICT``), when it makes the payload smaller.

Format ``SP2`` (SP1 plus a vocabulary dictionary; SP1 texts keep decoding, and what gains nothing
from the dictionary is still written as SP1, which every older verifier reads)::

    "SP2:" + Base45( flags(1) || dictionary version(4) || body || CRC-32(all before) (4) )

The dictionary is the bundled vocabulary index (``bundled_dictionary``: ESCO skills and occupations,
CompetentNL, the kwalificaties register), which issuer and verifier both hold. Its version is 4 bytes
of SHA-256 over the MANIFEST digests of the files it is built from; entry ``n`` is the ``n``-th URI in
sort order. Two compactions, each undone exactly before verification:

- an ``Alignment`` whose type (``["Alignment"]``), targetType, targetFramework, targetName (the entry's
  Dutch or English label) and targetUrl all match an entry, with its keys in one of four frozen orders,
  is written as CBOR tag 16-19 (the key order) around ``entry * 2 + label language``;
  anything else (another label, an extra key, an unknown URI) is written as in SP1, nothing changed;
- the DEFLATE preset dictionary is the catalogue's names (kwalificaties, dossiers, keuzedelen,
  certificaten with their codes; kerntaken and werkprocessen) followed by ``SP1_ZDICT``.

A text naming a dictionary version the verifier does not hold is ``qr_unknown_dictionary``: it is
never read with another dictionary, whose entry numbers may differ.

Decoding is bounded (text length, inflated size, nesting depth, output size): what would expand
beyond the limits is ``qr_too_large``; what is not a well-formed SP1 payload is ``qr_unreadable``.
The CRC-32 catches every change of one or two adjacent bytes, so one changed character in the QR
text is always an error here, and any other change that decodes still has to pass the proof.
The decoded JSON equals the signed JSON (same values, same key order); whitespace is not kept,
which Data Integrity RDFC proofs do not depend on. Image decoding (zxing-cpp, Pillow) is imported
only when an image is read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import struct
import uuid
import zlib
from pathlib import Path
from typing import Any, Callable, Final, Iterable


from skillspas.keys import base58btc
from skillspas.schemas.contexts import bundled_registry
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits

__all__ = [
    "PREFIX",
    "PREFIX_SP2",
    "PREFIXES",
    "VocabDictionary",
    "bundled_dictionary",
    "SP1_DIGEST",
    "MAX_QR_TEXT",
    "encode_payload",
    "decode_payload",
    "decode_document",
    "read_qr_image",
    "read_qr_images",
    "is_payload",
    "term_dictionary",
    "derive_term_dictionary",
    "SP1_TERMS",
    "SP1_CONTEXTS",
    "SP1_ZDICT",
    "b45encode",
    "b45decode",
]

PREFIX: Final = "SP1:"
"""Versioned prefix of a skillspas QR payload that needs no vocabulary dictionary."""

PREFIX_SP2: Final = "SP2:"
"""Prefix of a payload whose alignments refer to a vocabulary dictionary (format SP2)."""

PREFIXES: Final = (PREFIX, PREFIX_SP2)

MAX_QR_TEXT: Final = 4296
"""Most characters one QR code holds (version 40, level L, alphanumeric mode)."""

MAX_IMAGE_BYTES: Final = 32 * 1024 * 1024
"""Largest image file read for a QR code."""

MAX_IMAGE_PIXELS: Final = 40_000_000
"""Largest image (width x height) decoded for a QR code."""

_FLAG_DEFLATE: Final = 0x01

# Private CBOR tags of format SP1 (one-byte heads). Only this codec writes or reads them.
_TAG_NUMBER: Final = 6  # a JSON integer value (a bare integer value is a dictionary index)
_TAG_URN_UUID: Final = 7  # "urn:uuid:" + UUID, as 16 bytes
_TAG_ESCO_SKILL: Final = 8  # "http://data.europa.eu/esco/skill/" + UUID, as 16 bytes
_TAG_DID_KEY: Final = 9  # "did:key:z" + base58btc(bytes)
_TAG_DID_KEY_VM: Final = 10  # "did:key:z<b58>#z<b58>", the key's own verification method
_TAG_MULTIBASE58: Final = 11  # "z" + base58btc(bytes), e.g. a proofValue
_TAG_DATETIME: Final = 12  # "YYYY-MM-DDThh:mm:ssZ" as seconds since 1970
_TAG_DATE: Final = 13  # "YYYY-MM-DD" as days since 1970
_TAG_HEX: Final = 14  # lower-case hexadecimal (16 digits or more), as its bytes, e.g. a salt
_TAG_SHA256_HEX: Final = 15  # "sha256$" + 64 hex digits (an OB 3.0 identityHash), as 32 bytes
_TAG_VOCAB_ALIGNMENT: Final = 16  # SP2 only, tags 16-20: an Alignment rebuilt from a dictionary entry,
# its keys in _ALIGNMENT_ORDERS[tag - 16], the content entry * 2 + (0 Dutch label, 1 English label), for tag 20
# shifted left by 3 bits that hold its evidenceKind (1-5, _EVIDENCE_KINDS)

# SP2: the key orders an Alignment rebuilt from the dictionary may have (frozen; a new one needs SP3).
_ALIGNMENT_ORDERS: Final = (
    ("type", "targetType", "targetFramework", "targetName", "targetUrl"),  # the skillspas issuer
    ("type", "targetType", "targetName", "targetFramework", "targetUrl"),  # SURF edubadges' OB 3.0 export
    ("type", "targetName", "targetUrl", "targetFramework", "targetType"),
    ("targetName", "targetUrl", "targetFramework", "targetType", "type"),
    ("type", "targetType", "targetFramework", "targetName", "targetUrl", "evidenceKind"),  # skillspas/v2 builders
)
_EVIDENCE_KINDS: Final = ("exam", "evc", "practice", "course", "kwalificatieLink")
"""SP2: an alignment's ``evidenceKind`` (skillspas/v2) as its position here, 1-based (frozen; a new one needs SP3)."""
_ALIGNMENT_KIND: Final = {
    "skill": ("ext:ESCOAlignment", "ESCO"),
    "occupation": ("ext:ESCOAlignment", "ESCO"),
    "competentnl": ("ext:CompetentNLAlignment", "CompetentNL"),
}
"""(targetType, targetFramework) of an alignment to each kind of dictionary entry."""

_ESCO_SKILL: Final = "http://data.europa.eu/esco/skill/"
_UUID_TEXT: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_B58: Final = re.compile(r"[1-9A-HJ-NP-Za-km-z]{1,400}")
_DATETIME: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HEX: Final = re.compile(r"(?:[0-9a-f]{2}){8,256}")
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

# -- the term dictionary ------------------------------------------------------------------------

SP1_CONTEXTS: Final = (
    "https://www.w3.org/ns/credentials/v2",
    "https://w3id.org/security/data-integrity/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://w3id.org/skillspas/v1",
)
"""The contexts whose terms the SP1 dictionary holds, in this order."""

# The dictionary is frozen here, as published: QR codes printed today must decode in ten years,
# whatever contexts are bundled then. It was made by ``derive_term_dictionary`` from the hot
# entries (the most frequent keys and values: one-byte indexes 0-23), the common values below,
# and the terms of SP1_CONTEXTS (each context's terms sorted, scoped contexts included).
_SP1_HOT: Final = 23
_SP1_VALUES: Final = (
    "ecdsa-rdfc-2019", "Profile", "AchievementSubject", "Achievement", "description", "criteria",
    "narrative", "created", "verificationMethod", "cryptosuite", "proofPurpose", "proofValue",
    "assertionMethod", "authentication", "validUntil", "credentialStatus", "BitstringStatusListEntry",
    "statusPurpose", "statusListIndex", "statusListCredential", "revocation", "suspension",
    "VerifiablePresentation", "holder", "verifiableCredential", "challenge", "domain",
    "AchievementCredential", "IdentityObject", "identityType", "identityHash", "hashed", "salt",
    "emailAddress", "identifier", "achievementType", "Diploma", "Certificate", "Competency",
    "Course", "MicroCredential", "fieldOfStudy", "humanCode", "awardedDate", "ESCOAlignment",
    "https://w3id.org/security/data-integrity/v2", "https://w3id.org/security/multikey/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", "nl", "en", "NL", "BOL", "BBL",
    "https://w3id.org/skillspas/v1", "ext:BRIN", "ext:KvK", "ext:CompetentNLAlignment", "CompetentNL",
    "ext:Ervaringscertificaat", "ext:Praktijkverklaring", "Nederland",
    *(f"http://data.europa.eu/snb/eqf/{level}" for level in range(1, 9)),
)
SP1_TERMS: Final[tuple[str, ...]] = (
    "@context", "id", "type", "name", "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "VerifiableCredential",
    "OpenBadgeCredential", "issuer", "validFrom", "credentialSubject", "achievement", "alignment",
    "Alignment", "targetType", "targetName", "targetFramework", "targetUrl", "ext:ESCOAlignment",
    "ESCO", "proof", "DataIntegrityProof", "eddsa-rdfc-2022", "ecdsa-rdfc-2019", "Profile",
    "AchievementSubject", "Achievement", "description", "criteria", "narrative", "created",
    "verificationMethod", "cryptosuite", "proofPurpose", "proofValue", "assertionMethod",
    "authentication", "validUntil", "credentialStatus", "BitstringStatusListEntry", "statusPurpose",
    "statusListIndex", "statusListCredential", "revocation", "suspension", "VerifiablePresentation",
    "holder", "verifiableCredential", "challenge", "domain", "AchievementCredential", "IdentityObject",
    "identityType", "identityHash", "hashed", "salt", "emailAddress", "identifier", "achievementType",
    "Diploma", "Certificate", "Competency", "Course", "MicroCredential", "fieldOfStudy", "humanCode",
    "awardedDate", "ESCOAlignment", "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json", "nl", "en", "NL", "BOL", "BBL",
    "https://w3id.org/skillspas/v1", "ext:BRIN", "ext:KvK", "ext:CompetentNLAlignment", "CompetentNL",
    "ext:Ervaringscertificaat", "ext:Praktijkverklaring", "Nederland",
    "http://data.europa.eu/snb/eqf/1", "http://data.europa.eu/snb/eqf/2",
    "http://data.europa.eu/snb/eqf/3", "http://data.europa.eu/snb/eqf/4",
    "http://data.europa.eu/snb/eqf/5", "http://data.europa.eu/snb/eqf/6",
    "http://data.europa.eu/snb/eqf/7", "http://data.europa.eu/snb/eqf/8", "...", "BitstringStatusList",
    "encodedList", "ttl", "BitstringStatusListCredential", "statusMessage", "message", "status",
    "statusReference", "statusSize", "expires", "nonce", "previousProof", "capabilityDelegation",
    "capabilityInvocation", "keyAgreement", "EnvelopedVerifiableCredential",
    "EnvelopedVerifiablePresentation", "JsonSchema", "jsonSchema", "JsonSchemaCredential",
    "confidenceMethod", "credentialSchema", "evidence", "refreshService", "relatedResource",
    "renderMethod", "termsOfUse", "_sd", "_sd_alg", "aud", "cnf", "jwk", "kid", "digestMultibase",
    "digestSRI", "exp", "iat", "iss", "jku", "mediaType", "nbf", "sub", "x5u", "creator",
    "creditsAvailable", "image", "inLanguage", "otherIdentifier", "related", "resultDescription",
    "specialization", "tag", "version", "activityEndDate", "activityStartDate", "creditsEarned",
    "licenseNumber", "result", "role", "source", "term", "Address", "addressCountry",
    "addressCountryCode", "addressLocality", "addressRegion", "geo", "postOfficeBoxNumber",
    "postalCode", "streetAddress", "targetCode", "targetDescription", "Criteria",
    "EndorsementCredential", "EndorsementSubject", "endorsementComment", "Evidence", "audience",
    "genre", "GeoCoordinates", "latitude", "longitude", "IdentifierEntry", "identifierType", "Image",
    "caption", "additionalName", "address", "dateOfBirth", "email", "familyName", "familyNamePrefix",
    "givenName", "honorificPrefix", "honorificSuffix", "official", "parentOrg", "patronymicName",
    "phone", "Related", "Result", "achievedLevel", "value", "ResultDescription", "allowedValue",
    "requiredLevel", "requiredValue", "resultType", "rubricCriterionLevel", "valueMax", "valueMin",
    "RubricCriterionLevel", "level", "points", "endorsement", "url", "Ervaringscertificaat",
    "EvcStandard", "Keuzedeel", "Kwalificatie", "Kwalificatiedossier", "Leerbedrijf", "MboCertificaat",
    "MboDiploma", "Period", "Praktijkverklaring", "Werkproces", "Workload", "assessmentDate",
    "assessmentMethod", "careerGoal", "certificaatCode", "coSigner", "code", "competencies", "crebo",
    "dossierYear", "ects", "endDate", "eqf", "evcStandard", "hours", "keuzedelen", "kvkNummer",
    "kwalificatie", "kwalificatiedossier", "learningOutcomes", "leerbedrijf", "leerweg", "niveau",
    "nlqf", "participation", "period", "prerequisites", "qualityAssurance", "recognitionId", "sbu",
    "standardType", "startDate", "werkprocessen", "workload",
)
"""Format SP1's term dictionary: a string's index here is how the payload writes it."""

SP1_DIGEST: Final = "83b2b37bb6aeb3dab2dd6df7f7e33802dd70df351d6fd0a75132f145c0cd90a8"
"""SHA-256 of ``SP1_TERMS`` joined by newlines; pinned by a test, never changed."""


# The preset DEFLATE dictionary of SP1 (zlib's ``zdict``): the most frequent words of the bundled
# Dutch ESCO skill labels, then the sentences and values the issuer's credential builders write.
# Frozen like SP1_TERMS; text that is not in it still compresses, only less.
_SP1_WORDS: Final = (
    "voor gebruiken toepassen gezondheidszorg werken beheren tonen elektrische zorg anderen "
    "bieden oplossen denken gebruikers problemen over klanten naleven omgaan apparatuur software "
    "installeren informatie bijhouden reageren zorgen kennis communiceren zich patiënten "
    "behoeften helpen digitale geven blijven manieren bevorderen creëren technische ontwikkelen "
    "identificeren bakstenen nemen personen handicap goederen ondersteunen interpreteren volgen "
    "kritisch verband sociale diensten controleren leggen productkennis verwerken gevaarlijke "
    "stoffen doen magazijnen aanvaarden samenwerken verminderen gezondheids- voedsel verpleging "
    "aanpassen fysieke producten elektronische wetgeving hulpmiddelen verantwoordelijkheid "
    "uitvoeren middelen beginselen inspecteren bijzondere opslaan gedrag evalueren onderhouden "
    "bewaken bereiden bouwmaterialen gegevens implementeren tekenen technologie culturele "
    "eerbiedigen oudere volwassenen verplegend personeel verpleegkundige plannen soorten "
    "handicaps objecten blijk actief veiligheidsprocedures gebruikmaken lichamelijke gevaren "
    "zichzelf creatief beheer tijd worden verantwoordelijkheden initiatief klanttevredenheid "
    "garanderen biodiversiteit dierenwelzijn radioapparatuur controleprocedures "
)
_SP1_PHRASES: Final = (
    "https://linkeddata.competentnl.nl/id/knowledgearea/", "http://data.europa.eu/esco/skill/",
    "did:example:", "did:web:", "https://", "ROC ", " — Examencommissie ", "Examencommissie ",
    "Microcredential ", "Beoordeling: ", ". Uitgegeven door ", "Praktijkverklaring ",
    "Het leerbedrijf verklaart, naar het oordeel van de praktijkopleider, dat de deelnemer deze "
    "werkprocessen in de praktijk beheerst; de school geeft de verklaring uit als deel van de "
    "mbo-verklaring. Zonder cijfers.",
    "Werkprocessen uit kwalificatie ", ") die de deelnemer in de praktijk van een erkend leerbedrijf "
    "uitvoert, naar het oordeel van de praktijkopleider.",
    "De erkende onderdelen zijn aangetoond in een EVC-procedure (", ") en beoordeeld door een erkende "
    "EVC-aanbieder.",
    "Ervaringscertificaat na een EVC-procedure volgens de Kwaliteitscode EVC, beoordeeld tegen kwalificatie ",
    "Het onderdeel ", " is met een voldoende afgesloten volgens het examenplan; certificaat uitgereikt "
    "door de examencommissie.",
    "Certificaat voor keuzedeel ", ", behaald binnen de opleiding ", "Mbo-certificaat ",
    ", onderdeel van kwalificatie ", "(Specialistenopleiding)", "), niveau 1 (Entreeopleiding)",
    "), niveau 2 (Basisberoepsopleiding)", "), niveau 4 (Middenkaderopleiding)", "), niveau 3 (Vakopleiding)",
    ", kwalificatiedossier ", "Alle onderdelen van kwalificatie ",
    ") behaald volgens het examenplan; diploma uitgereikt door de examencommissie.", "Mbo-diploma ", " (crebo ",
)
SP1_ZDICT: Final = (_SP1_WORDS + "".join(_SP1_PHRASES)).encode("utf-8")
"""Format SP1's preset DEFLATE dictionary (the most likely matches last, at the shortest distance)."""

def _context_terms(node: Any, out: list[str]) -> None:
    """Collect the term names a context defines, scoped contexts included."""
    if isinstance(node, list):
        for item in node:
            _context_terms(item, out)
    elif isinstance(node, dict):
        for key in sorted(node):
            if not key.startswith("@"):
                out.append(key)
            value = node[key]
            if isinstance(value, dict) and "@context" in value:
                _context_terms(value["@context"], out)


def derive_term_dictionary() -> tuple[str, ...]:
    """Re-derive the SP1 dictionary from the bundled contexts (how ``SP1_TERMS`` was made)."""
    registry = bundled_registry()
    entries = list(SP1_TERMS[:_SP1_HOT]) + list(_SP1_VALUES)
    for url in SP1_CONTEXTS:
        _context_terms(registry.get(url).document["@context"], entries)
    return tuple(dict.fromkeys(entries))


def term_dictionary() -> tuple[str, ...]:
    """The SP1 term dictionary (``SP1_TERMS``)."""
    return SP1_TERMS


_TERM_INDEX: Final = {term: index for index, term in enumerate(SP1_TERMS)}

# -- the vocabulary dictionary (format SP2) -----------------------------------------------------

Entry = tuple[str, str, "str | None", "str | None"]
"""A dictionary entry: (URI, kind, Dutch label, English label); kind is skill, occupation or competentnl."""


class VocabDictionary:
    """A versioned vocabulary dictionary, as both sides hold it: entry ``n`` is the ``n``-th URI in sort order.

    An Alignment whose type, targetType, targetFramework, targetName (the entry's Dutch or English label)
    and targetUrl match entry ``n`` exactly, in one of the frozen key orders, travels as one number.
    ``entries`` is loaded on first use (``load``), so a refusal by version costs nothing; ``load_text``
    gives the catalogue text of the preset DEFLATE dictionary.
    """

    def __init__(self, version: bytes, load: Callable[[], Iterable[Entry]], load_text: Callable[[], bytes] = bytes) -> None:
        if len(version) != 4:
            raise ValueError("a dictionary version is 4 bytes")
        self.version = version
        self._load = load
        self._load_text = load_text
        self._zdict: bytes | None = None
        self._entries: tuple[Entry, ...] | None = None
        self._numbers: dict[str, int] | None = None

    @property
    def entries(self) -> tuple[Entry, ...]:
        if self._entries is None:
            entries = tuple(self._load())
            if [entry[0] for entry in entries] != sorted({entry[0] for entry in entries}):
                raise ValueError("dictionary entries must be sorted by URI, each URI once")
            self._entries = entries
        return self._entries

    @property
    def zdict(self) -> bytes:
        """The preset DEFLATE dictionary of SP2 with this dictionary: the catalogue text, then ``SP1_ZDICT``
        (the most likely matches last), cut to DEFLATE's 32 KiB window."""
        if self._zdict is None:
            self._zdict = (bytes(self._load_text()) + SP1_ZDICT)[-32 * 1024:]
        return self._zdict

    def number(self, uri: str) -> int | None:
        """The entry number of ``uri``, or None."""
        if self._numbers is None:
            self._numbers = {entry[0]: number for number, entry in enumerate(self.entries)}
        return self._numbers.get(uri)

    def alignment_code(self, node: dict[str, Any]) -> tuple[int, int] | None:
        """The (tag, number) an Alignment travels as, or None when it must travel literally."""
        url = node.get("targetUrl")
        if len(node) not in (5, 6) or not isinstance(url, str) or node.get("type") != ["Alignment"]:
            return None
        evidence = node.get("evidenceKind")
        if len(node) == 6 and (not isinstance(evidence, str) or evidence not in _EVIDENCE_KINDS):
            return None
        number = self.number(url)
        if number is None:
            return None
        _, kind, label_nl, label_en = self.entries[number]
        target_type, framework = _ALIGNMENT_KIND[kind]
        if node.get("targetType") != target_type or node.get("targetFramework") != framework:
            return None
        name = node.get("targetName")
        lang = 0 if name == label_nl and label_nl else 1 if name == label_en and label_en else None
        order = tuple(node)
        if lang is None or order not in _ALIGNMENT_ORDERS:
            return None
        code = number * 2 + lang
        if len(node) == 6:  # the evidence kind in the three low bits
            code = code << 3 | (_EVIDENCE_KINDS.index(evidence) + 1)
        return _TAG_VOCAB_ALIGNMENT + _ALIGNMENT_ORDERS.index(order), code

    def alignment(self, tag: int, code: int) -> dict[str, Any]:
        """The Alignment that (``tag``, ``code``) stands for; ``qr_unreadable`` when no entry has it."""
        order = tag - _TAG_VOCAB_ALIGNMENT
        evidence = None
        if "evidenceKind" in _ALIGNMENT_ORDERS[order]:
            code, kind_number = divmod(code, 8)
            if not 1 <= kind_number <= len(_EVIDENCE_KINDS):
                raise _unreadable(f"evidence kind {kind_number} is not known to this format")
            evidence = _EVIDENCE_KINDS[kind_number - 1]
        number, lang = divmod(code, 2)
        if number >= len(self.entries):
            raise _unreadable(f"entry {number} is not in vocabulary dictionary {self.version.hex()}")
        uri, kind, label_nl, label_en = self.entries[number]
        name = label_en if lang else label_nl
        if not name:
            raise _unreadable(f"entry {number} of vocabulary dictionary {self.version.hex()} has no such label")
        target_type, framework = _ALIGNMENT_KIND[kind]
        values = {"type": ["Alignment"], "targetType": target_type, "targetFramework": framework,
                  "targetName": name, "targetUrl": uri, "evidenceKind": evidence}
        return {key: values[key] for key in _ALIGNMENT_ORDERS[order]}


def _is_vocab_tag(tag: int) -> bool:
    return _TAG_VOCAB_ALIGNMENT <= tag < _TAG_VOCAB_ALIGNMENT + len(_ALIGNMENT_ORDERS)


def _bundled_entries() -> tuple[Entry, ...]:
    from skillspas.schemas.vocab_index import dictionary_entries

    return dictionary_entries()


def _bundled_text() -> bytes:
    from skillspas.schemas.vocab_index import catalogue_text

    return catalogue_text()


_BUNDLED: VocabDictionary | None = None


def bundled_dictionary() -> VocabDictionary:
    """The dictionary of the bundled vocabulary index (ESCO skills and occupations, CompetentNL)."""
    global _BUNDLED
    if _BUNDLED is None:
        from skillspas.schemas.vocab_index import dictionary_version

        _BUNDLED = VocabDictionary(dictionary_version(), _bundled_entries, _bundled_text)
    return _BUNDLED

def _held_dictionaries() -> list[VocabDictionary]:
    """The bundled dictionary, or none where a build ships without the vocabulary data (the browser build)."""
    try:
        return [bundled_dictionary()]
    except (OSError, ImportError):  # no vocabulary data (or sqlite3): every SP2 code is qr_unknown_dictionary
        return []


# -- Base45 (RFC 9285) --------------------------------------------------------------------------

_B45: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_VALUE: Final = {c: i for i, c in enumerate(_B45)}


def b45encode(data: bytes) -> str:
    """Base45-encode ``data`` (RFC 9285): 2 bytes become 3 characters of the QR alphanumeric set."""
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out.append(_B45[c] + _B45[d] + _B45[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out.append(_B45[c] + _B45[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode Base45 strictly; anything but the canonical encoding of some bytes is ``qr_unreadable``."""
    if len(text) % 3 == 1:
        raise _unreadable("the Base45 text has a wrong length")
    try:
        values = [_B45_VALUE[c] for c in text]
    except KeyError as exc:
        raise _unreadable(f"{exc.args[0]!r} is not a Base45 character") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i:i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 2025
            if n > 0xFFFF:
                raise _unreadable("the Base45 text is not canonical")
            out += n.to_bytes(2, "big")
        else:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise _unreadable("the Base45 text is not canonical")
            out.append(n)
    return bytes(out)


# -- compact strings ----------------------------------------------------------------------------


def _uuid_bytes(text: str) -> bytes | None:
    return uuid.UUID(text).bytes if _UUID_TEXT.fullmatch(text) else None


def _b58_bytes(text: str) -> bytes | None:
    """The bytes of a base58btc string, only when encoding them gives back exactly ``text``."""
    if not _B58.fullmatch(text):
        return None
    raw = base58btc.decode(text)
    return raw if base58btc.encode(raw) == text else None


def _compact_string(value: str) -> tuple[int, Any] | None:
    """A (tag, content) that turns back into exactly ``value``, or None."""
    if value.startswith("urn:uuid:") and (raw := _uuid_bytes(value[9:])) is not None:
        return _TAG_URN_UUID, raw
    if value.startswith(_ESCO_SKILL) and (raw := _uuid_bytes(value[len(_ESCO_SKILL):])) is not None:
        return _TAG_ESCO_SKILL, raw
    if value.startswith("did:key:z"):
        did, _, fragment = value.partition("#")
        raw = _b58_bytes(did[9:])
        if raw is not None and fragment == "":
            return _TAG_DID_KEY, raw
        if raw is not None and fragment == did[8:]:
            return _TAG_DID_KEY_VM, raw
        return None
    if value.startswith("z") and len(value) > 8 and (raw := _b58_bytes(value[1:])) is not None:
        return _TAG_MULTIBASE58, raw
    if value.startswith("sha256$") and len(value) == 71 and _HEX.fullmatch(value[7:]):
        return _TAG_SHA256_HEX, bytes.fromhex(value[7:])
    if _HEX.fullmatch(value):
        return _TAG_HEX, bytes.fromhex(value)
    if _DATETIME.fullmatch(value):
        try:
            moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
        except ValueError:
            return None
        seconds = int((moment - _EPOCH).total_seconds())
        return (_TAG_DATETIME, seconds) if seconds >= 0 and _datetime_text(seconds) == value else None
    if _DATE.fullmatch(value):
        try:
            days = (dt.date.fromisoformat(value) - _EPOCH.date()).days
        except ValueError:
            return None
        return (_TAG_DATE, days) if days >= 0 and _date_text(days) == value else None
    return None


def _datetime_text(seconds: int) -> str:
    return (_EPOCH + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_text(days: int) -> str:
    return (_EPOCH.date() + dt.timedelta(days=days)).isoformat()


def _expand_tag(tag: int, content: Any) -> str:
    """The string a compact (tag, content) stands for; ``qr_unreadable`` when the content does not fit."""
    if tag in (_TAG_URN_UUID, _TAG_ESCO_SKILL):
        if not isinstance(content, bytes) or len(content) != 16:
            raise _unreadable("a UUID must be 16 bytes")
        text = str(uuid.UUID(bytes=content))
        return ("urn:uuid:" if tag == _TAG_URN_UUID else _ESCO_SKILL) + text
    if tag in (_TAG_DID_KEY, _TAG_DID_KEY_VM, _TAG_MULTIBASE58):
        if not isinstance(content, bytes) or not 0 < len(content) <= 256:
            raise _unreadable("a multibase value must be 1 to 256 bytes")
        b58 = "z" + base58btc.encode(content)
        if tag == _TAG_MULTIBASE58:
            return b58
        return f"did:key:{b58}" if tag == _TAG_DID_KEY else f"did:key:{b58}#{b58}"
    if tag == _TAG_SHA256_HEX:
        if not isinstance(content, bytes) or len(content) != 32:
            raise _unreadable("a SHA-256 must be 32 bytes")
        return "sha256$" + content.hex()
    if tag == _TAG_HEX:
        if not isinstance(content, bytes) or not 8 <= len(content) <= 256:
            raise _unreadable("a hexadecimal value must be 8 to 256 bytes")
        return content.hex()
    if tag in (_TAG_DATETIME, _TAG_DATE):
        if not isinstance(content, int) or isinstance(content, bool) or not 0 <= content < 253_402_300_800:
            raise _unreadable("a date must be a count from 1970")
        try:
            return _datetime_text(content) if tag == _TAG_DATETIME else _date_text(content)
        except OverflowError:
            raise _unreadable("the date is out of range") from None
    raise _unreadable(f"CBOR tag {tag} is not part of format SP1")


# -- CBOR (RFC 8949), the strict subset SP1 uses ------------------------------------------------


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def _encode_key(key: str, out: bytearray, index: dict[str, int]) -> None:
    if not isinstance(key, str):
        raise TypeError("JSON object keys must be strings")
    if key in index:
        out += _head(0, index[key])
    else:
        raw = key.encode("utf-8")
        out += _head(3, len(raw)) + raw


def _encode_value(value: Any, out: bytearray, index: dict[str, int], vocab: VocabDictionary | None = None) -> None:
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, int):
        out += _head(6, _TAG_NUMBER)
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("NaN and Infinity are not JSON")
        out += b"\xfb" + struct.pack(">d", value)
    elif isinstance(value, str):
        if value in index:
            out += _head(0, index[value])
        elif (compact := _compact_string(value)) is not None:
            tag, content = compact
            out += _head(6, tag)
            out += _head(2, len(content)) + content if isinstance(content, bytes) else _head(0, content)
        else:
            raw = value.encode("utf-8")
            out += _head(3, len(raw)) + raw
    elif isinstance(value, list):
        out += _head(4, len(value))
        for item in value:
            _encode_value(item, out, index, vocab)
    elif isinstance(value, dict):
        code = vocab.alignment_code(value) if vocab is not None else None
        if code is not None:
            out += _head(6, code[0]) + _head(0, code[1])
            return
        out += _head(5, len(value))
        for key, item in value.items():
            _encode_key(key, out, index)
            _encode_value(item, out, index, vocab)
    else:
        raise TypeError(f"{type(value).__name__} is not a JSON value")


class _Reader:
    """Reads one SP1 CBOR item tree, within bounds on depth and output size."""

    def __init__(self, data: bytes, terms: tuple[str, ...], limits: Limits, vocab: VocabDictionary | None = None) -> None:
        self.data = data
        self.vocab = vocab
        self.pos = 0
        self.terms = terms
        self.limits = limits
        self.budget = limits.max_bytes  # rough size of the JSON written so far

    def _spend(self, size: int) -> None:
        self.budget -= size
        if self.budget < 0:
            raise error_for(ErrorCode.QR_TOO_LARGE, f"the QR payload expands beyond {self.limits.max_bytes} bytes")

    def _take(self, size: int) -> bytes:
        if size > len(self.data) - self.pos:
            raise _unreadable("the CBOR payload is truncated")
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def head(self) -> tuple[int, int, int]:
        """(major type, additional info, argument) of the next item; shortest form only."""
        first = self._take(1)[0]
        major, info = first >> 5, first & 0x1F
        if major == 7:
            return major, info, 0
        if info < 24:
            return major, info, info
        if info > 27:
            raise _unreadable("indefinite lengths are not part of format SP1")
        size = 1 << (info - 24)
        value = int.from_bytes(self._take(size), "big")
        if value < (24 if size == 1 else 1 << (4 * size)):
            raise _unreadable("the CBOR payload is not in its shortest form")
        return major, info, value

    def key(self) -> str:
        major, _, value = self.head()
        if major == 0:
            return self.term(value)
        if major == 3:
            return self.text(value)
        raise _unreadable("an object key must be a text or a dictionary index")

    def term(self, index: int) -> str:
        if index >= len(self.terms):
            raise _unreadable(f"dictionary index {index} is not in the SP1 dictionary")
        term = self.terms[index]
        self._spend(len(term) + 2)
        return term

    def text(self, size: int) -> str:
        raw = self._take(size)
        self._spend(size + 2)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _unreadable("a text is not UTF-8") from None

    def value(self, depth: int) -> Any:
        if depth > self.limits.max_depth:
            raise error_for(ErrorCode.TOO_DEEP, f"the QR payload nests deeper than {self.limits.max_depth}")
        major, info, arg = self.head()
        if major == 0:
            return self.term(arg)
        if major == 3:
            return self.text(arg)
        if major == 4:
            self._spend(2)
            return [self.value(depth + 1) for _ in range(self._count(arg))]
        if major == 5:
            self._spend(2)
            obj: dict[str, Any] = {}
            for _ in range(self._count(arg)):
                key = self.key()
                if key in obj:
                    raise _unreadable(f"duplicate key {key!r}")
                obj[key] = self.value(depth + 1)
            return obj
        if major == 6:
            return self.tagged(arg)
        if major == 7:
            return self.simple(info)
        raise _unreadable("byte strings and negative integers stand only inside SP1 tags")

    def _count(self, count: int) -> int:
        # Every item takes at least one byte: a count beyond what is left is a lie.
        if count > len(self.data) - self.pos:
            raise _unreadable("the CBOR payload is truncated")
        return count

    def tagged(self, tag: int) -> Any:
        major, _, arg = self.head()
        if tag == _TAG_NUMBER:
            if major not in (0, 1):
                raise _unreadable("tag 6 must hold an integer")
            self._spend(20)
            return arg if major == 0 else -1 - arg
        if _is_vocab_tag(tag) and self.vocab is not None:
            if major != 0:
                raise _unreadable("a dictionary alignment must be an unsigned integer")
            node = self.vocab.alignment(tag, arg)
            self._spend(sum(len(key) + len(str(value)) + 6 for key, value in node.items()))
            return node
        if major == 2:
            content: Any = self._take(arg)
        elif major == 0:
            content = arg
        else:
            raise _unreadable(f"tag {tag} must hold bytes or an unsigned integer")
        text = _expand_tag(tag, content)
        self._spend(len(text) + 2)
        return text

    def simple(self, info: int) -> Any:
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info == 27:
            (number,) = struct.unpack(">d", self._take(8))
            if not math.isfinite(number):
                raise _unreadable("NaN and Infinity are not JSON")
            self._spend(24)
            return number
        raise _unreadable("this CBOR simple value is not part of format SP1")


def _to_cbor(document: Any, vocab: VocabDictionary | None = None) -> bytes:
    out = bytearray()
    _encode_value(document, out, _TERM_INDEX, vocab)
    return bytes(out)


# -- the payload --------------------------------------------------------------------------------


_BUNDLED_DEFAULT: Final = object()


def encode_payload(document: dict[str, Any] | str | bytes, *, compress: bool | None = None,
                   dictionary: "VocabDictionary | None | object" = _BUNDLED_DEFAULT) -> str:
    """The QR text of a JSON document (a signed credential): ``"SP2:..."`` when an alignment matches an
    entry of ``dictionary`` (default: the bundled vocabulary index), else ``"SP1:..."`` as before.
    ``dictionary=None`` always writes SP1."""
    if isinstance(document, (str, bytes)):
        document = parse_json(document, Limits())
    if not isinstance(document, dict):
        raise TypeError("the document must be a JSON object")
    vocab = bundled_dictionary() if dictionary is _BUNDLED_DEFAULT else dictionary
    cbor = _to_cbor(document)
    texts = [_framed(PREFIX, b"", cbor, SP1_ZDICT, compress)]
    if isinstance(vocab, VocabDictionary):
        with_vocab = _to_cbor(document, vocab)
        texts.append(_framed(PREFIX_SP2, vocab.version, with_vocab, vocab.zdict, compress))
    return min(texts, key=len)  # SP1 on a tie: any older verifier reads it


def _framed(prefix: str, header: bytes, cbor: bytes, zdict: bytes, compress: bool | None) -> str:
    """``prefix`` + Base45(flags || header || body || CRC-32), the smaller of DEFLATE and plain CBOR."""
    candidates = []
    if compress is not False:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
        candidates.append(bytes([_FLAG_DEFLATE]) + header + packer.compress(cbor) + packer.flush())
    if compress is not True:
        candidates.append(b"\x00" + header + cbor)
    body = min(candidates, key=len)
    return prefix + b45encode(body + zlib.crc32(body).to_bytes(4, "big"))


def is_payload(text: str) -> bool:
    """Whether ``text`` looks like a skillspas QR payload (by its prefix)."""
    return text.startswith(PREFIXES)


def decode_document(text: str, limits: Limits = Limits(), *,
                    dictionaries: "Iterable[VocabDictionary] | None" = None) -> dict[str, Any]:
    """The JSON document an SP1 or SP2 QR text holds, within ``limits``. An SP2 text names its dictionary's
    version: one of ``dictionaries`` (default: the bundled vocabulary index) must have it, else the text
    is refused as ``qr_unknown_dictionary``, never read with another dictionary."""
    if not isinstance(text, str):
        raise TypeError("the QR text must be a str")
    if len(text) > MAX_QR_TEXT + len(PREFIX):
        raise error_for(ErrorCode.QR_TOO_LARGE, f"{len(text)} characters is more than one QR code holds")
    text = text.lstrip().rstrip("\r\n")  # a space is a Base45 digit: only line ends are dropped
    if not text.startswith(PREFIXES):
        raise _unreadable("this is not a skillspas QR code (no SP1: or SP2: prefix)")
    sp2 = text.startswith(PREFIX_SP2)
    raw = b45decode(text[len(PREFIX):])
    if len(raw) < (10 if sp2 else 6):
        raise _unreadable("the QR payload is too short")
    body, check = raw[:-4], raw[-4:]
    if zlib.crc32(body).to_bytes(4, "big") != check:
        raise _unreadable("the QR payload is damaged (checksum mismatch)")
    flags, cbor = body[0], body[1:]
    if flags & ~_FLAG_DEFLATE:
        raise _unreadable(f"unknown flags {flags:#x}")
    vocab = None
    if sp2:
        version, cbor = cbor[:4], cbor[4:]
        known = _held_dictionaries() if dictionaries is None else list(dictionaries)
        vocab = next((d for d in known if d.version == version), None)
        if vocab is None:
            raise error_for(ErrorCode.QR_UNKNOWN_DICTIONARY,
                            f"the QR code was made with vocabulary dictionary {version.hex()}, which this verifier "
                            f"does not hold (it has {', '.join(d.version.hex() for d in known) or 'none'})")
    if flags & _FLAG_DEFLATE:
        cbor = _inflate(cbor, limits.max_bytes, vocab.zdict if vocab is not None else SP1_ZDICT)
    reader = _Reader(cbor, term_dictionary(), limits, vocab)
    document = reader.value(0)
    if reader.pos != len(cbor):
        raise _unreadable("the QR payload has trailing bytes")
    if not isinstance(document, dict):
        raise _unreadable("the QR payload is not a JSON object")
    if _to_cbor(document, vocab) != cbor:
        raise _unreadable("the QR payload is not in its canonical form")
    return document


def decode_payload(text: str, limits: Limits = Limits(), *,
                   dictionaries: "Iterable[VocabDictionary] | None" = None) -> bytes:
    """The JSON bytes of the credential an SP1 or SP2 QR text holds: what ``Verifier.verify`` takes."""
    document = decode_document(text, limits, dictionaries=dictionaries)
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(data) > limits.max_bytes:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"the QR payload expands to more than {limits.max_bytes} bytes")
    return data


def _inflate(data: bytes, limit: int, zdict: bytes = SP1_ZDICT) -> bytes:
    """Raw DEFLATE, refusing to produce more than ``limit`` bytes (a zlib bomb stops here)."""
    inflater = zlib.decompressobj(-15, zdict=zdict)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise _unreadable("the QR payload does not decompress") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"the QR payload expands beyond {limit} bytes")
    if not inflater.eof or inflater.unused_data:
        raise _unreadable("the compressed QR payload is incomplete or has trailing bytes")
    return out


def _unreadable(message: str) -> SkillspasError:
    return error_for(ErrorCode.QR_UNREADABLE, message)


# -- images -------------------------------------------------------------------------------------


def read_qr_images(image: str | os.PathLike[str] | bytes) -> list[str]:
    """The texts of every QR code in a PNG/JPEG photo or screenshot (path or bytes), in reading order."""
    data = _image_bytes(image)
    try:
        from PIL import Image, UnidentifiedImageError
        import zxingcpp
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise error_for(ErrorCode.NOT_INSTALLED, f"QR image decoding needs {exc.name}: pip install skillspas",
                        nl=f"QR-afbeeldingen lezen heeft {exc.name} nodig: pip install skillspas") from exc
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
            if width * height > MAX_IMAGE_PIXELS:
                raise error_for(ErrorCode.QR_TOO_LARGE, f"the image has {width}x{height} pixels; at most {MAX_IMAGE_PIXELS} are read")
            picture.draft("L", picture.size)  # JPEG: decode straight to grey
            grey = picture.convert("L")
    except SkillspasError:
        raise
    except Image.DecompressionBombError:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"the image has more than {MAX_IMAGE_PIXELS} pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _unreadable(f"the image cannot be read ({type(exc).__name__})") from None
    found = [b for b in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)) if b.valid and b.text]
    found.sort(key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    texts = [barcode.text for barcode in found]
    if not texts:
        raise _unreadable("no readable QR code was found in the image")
    return texts


def read_qr_image(image: str | os.PathLike[str] | bytes) -> str:
    """The text of the skillspas QR code in a photo or screenshot (the first one, if there are several)."""
    texts = read_qr_images(image)
    return next((text for text in texts if is_payload(text)), texts[0])


def _image_bytes(image: str | os.PathLike[str] | bytes) -> bytes:
    if isinstance(image, (bytes, bytearray)):
        data = bytes(image)
    elif isinstance(image, (str, os.PathLike)):
        path = Path(image)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
        except OSError as exc:
            raise _unreadable(f"cannot read {path}: {exc.strerror}") from None
    else:
        raise TypeError("image must be a path or bytes")
    if len(data) > MAX_IMAGE_BYTES:
        raise error_for(ErrorCode.QR_TOO_LARGE, f"the image file is larger than {MAX_IMAGE_BYTES} bytes")
    if not data:
        raise _unreadable("the image is empty")
    return data

