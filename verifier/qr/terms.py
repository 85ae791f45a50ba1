"""Format SP1's frozen tables: the term dictionary (``SP1_TERMS``) and the preset DEFLATE dictionary (``SP1_ZDICT``).

A string that is a term here travels as its index; both tables are published with the format and never change.
"""

from __future__ import annotations

from typing import Any, Final

from skillspas.schemas.jsonld.contexts import bundled_registry

__all__ = ["SP1_CONTEXTS", "SP1_TERMS", "SP1_DIGEST", "SP1_ZDICT", "TERM_INDEX", "SP3_TERMS", "SP3_TERM_INDEX",
           "term_dictionary", "derive_term_dictionary"]

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


TERM_INDEX: Final = {term: index for index, term in enumerate(SP1_TERMS)}


SP3_TERMS: Final[tuple[str, ...]] = SP1_TERMS + (
    "https://w3id.org/skillspas/v2", "Certificaat", "Kerntaak", "countsToward", "evidenceKind", "kerntaken", "route",
    "exam", "evc", "practice", "course", "kwalificatieLink", "online", "onsite", "blended",
)
"""Format SP3's term dictionary: ``SP1_TERMS``, then the skillspas/v2 context (its URL and the terms v1 lacks) and
the values of its ``evidenceKind`` and ``participation``. Frozen like ``SP1_TERMS`` (its digest is pinned by a test)."""

SP3_TERM_INDEX: Final = {term: index for index, term in enumerate(SP3_TERMS)}
