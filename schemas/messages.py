"""Dutch and English text for every error code: what a person reads (one table)."""

from __future__ import annotations

from skillspas.schemas.errors import ErrorCode

__all__ = ["MESSAGES", "MESSAGES_ONE", "text"]

MESSAGES: dict[ErrorCode, dict[str, str]] = {
    ErrorCode.MALFORMED_JSON: {
        "en": "The file or request is not valid JSON, or uses JSON features that make a signature ambiguous.",
        "nl": "Het bestand of verzoek is geen geldige JSON, of gebruikt JSON-constructies die een handtekening dubbelzinnig maken.",
    },
    ErrorCode.TOO_LARGE: {
        "en": "The input is larger than skillspas accepts.",
        "nl": "De invoer is groter dan skillspas aanneemt.",
    },
    ErrorCode.TOO_DEEP: {
        "en": "The input is nested deeper than skillspas accepts.",
        "nl": "De invoer is dieper genest dan skillspas aanneemt.",
    },
    ErrorCode.UNKNOWN_CONTEXT: {
        "en": "The credential uses a JSON-LD context this verifier does not have; it is never fetched from the internet.",
        "nl": "Het bewijsstuk gebruikt een JSON-LD-context die deze verificateur niet kent; die wordt nooit van internet gehaald.",
    },
    ErrorCode.UNDEFINED_TERM: {
        "en": "The credential contains a field that no context defines, so the signature would not cover it.",
        "nl": "Het bewijsstuk bevat een veld dat geen enkele context definieert, dus de handtekening zou het niet dekken.",
    },
    ErrorCode.SCHEMA_INVALID: {
        "en": "The credential does not have the required structure.",
        "nl": "Het bewijsstuk heeft niet de vereiste opbouw.",
    },
    ErrorCode.UNSUPPORTED_CRYPTOSUITE: {
        "en": "The credential is signed with a method this verifier does not support.",
        "nl": "Het bewijsstuk is ondertekend met een methode die deze verificateur niet ondersteunt.",
    },
    ErrorCode.RESOURCE_LIMIT: {
        "en": "Checking this input would take too much work; it was refused.",
        "nl": "Het controleren van deze invoer zou te veel werk kosten; het is geweigerd.",
    },
    ErrorCode.QR_UNREADABLE: {
        "en": "The QR code cannot be read.",
        "nl": "De QR-code is niet te lezen.",
    },
    ErrorCode.QR_TOO_LARGE: {
        "en": "The QR code, or the image of it, is larger than the verifier accepts.",
        "nl": "De QR-code, of de afbeelding ervan, is groter dan de verificateur accepteert.",
    },
    ErrorCode.PDF_UNREADABLE: {
        "en": "The PDF could not be read: it is damaged, encrypted or not a PDF.",
        "nl": "De pdf kon niet worden gelezen: hij is beschadigd, versleuteld of geen pdf.",
    },
    ErrorCode.QR_UNKNOWN_DICTIONARY: {
        "en": "The QR code refers to a version of the skills vocabulary this verifier does not have; update the verifier or share the credential as a file.",
        "nl": "De QR-code verwijst naar een versie van de vaardighedenlijst die deze verificateur niet heeft; werk de verificateur bij of deel het bewijsstuk als bestand.",
    },
    ErrorCode.QR_INCOMPLETE: {
        "en": "This QR code is one part of a numbered set; scan or add every part (1/2, 2/2, ...) and they are checked together.",
        "nl": "Deze QR-code is één deel van een genummerde reeks; scan of voeg alle delen toe (1/2, 2/2, ...), dan worden ze samen gecontroleerd.",
    },
    ErrorCode.QR_MIXED_SET: {
        "en": "These QR codes are parts of different sets (different credentials); scan only the parts of one set.",
        "nl": "Deze QR-codes zijn delen van verschillende reeksen (verschillende bewijsstukken); scan alleen de delen van één reeks.",
    },
    ErrorCode.QR_DUPLICATE_PART: {
        "en": "Two different QR codes claim to be the same part of a set; the set cannot be trusted to be complete.",
        "nl": "Twee verschillende QR-codes zeggen hetzelfde deel van een reeks te zijn; de reeks is zo niet betrouwbaar samen te voegen.",
    },
    ErrorCode.REDEFINED_TERM: {
        "en": "An inline context in the credential gives a standard field or keyword another meaning; that is never accepted.",
        "nl": "Een inline context in het bewijsstuk geeft een standaardveld of sleutelwoord een andere betekenis; dat wordt nooit geaccepteerd.",
    },
    ErrorCode.INLINE_CONTEXT_REFUSED: {
        "en": "An inline context in the credential uses a JSON-LD feature that could change what the signed data means.",
        "nl": "Een inline context in het bewijsstuk gebruikt een JSON-LD-functie die de betekenis van de ondertekende gegevens kan veranderen.",
    },
    ErrorCode.INVALID_PROOF: {
        "en": "The credential's proof is missing or malformed.",
        "nl": "Het bewijs (de handtekening) van het bewijsstuk ontbreekt of is onjuist opgebouwd.",
    },
    ErrorCode.INVALID_SIGNATURE: {
        "en": "The signature does not match: the credential was changed after signing, or not signed by this key.",
        "nl": "De handtekening klopt niet: het bewijsstuk is na ondertekening gewijzigd, of niet met deze sleutel ondertekend.",
    },
    ErrorCode.WRONG_PROOF_PURPOSE: {
        "en": "The signature was made for another purpose than issuing this credential.",
        "nl": "De handtekening is gezet voor een ander doel dan het uitgeven van dit bewijsstuk.",
    },
    ErrorCode.KEY_NOT_AUTHORIZED: {
        "en": "The key that signed does not belong to the stated issuer.",
        "nl": "De sleutel waarmee is ondertekend hoort niet bij de genoemde uitgever.",
    },
    ErrorCode.KEY_REVOKED: {
        "en": "The key that signed was withdrawn as compromised before this signature was made.",
        "nl": "De sleutel waarmee is ondertekend was al ingetrokken als gecompromitteerd toen deze handtekening werd gezet.",
    },
    ErrorCode.UNRESOLVABLE_KEY: {
        "en": "The signing key could not be found or is not acceptable.",
        "nl": "De ondertekeningssleutel kon niet worden gevonden of is niet acceptabel.",
    },
    ErrorCode.UNTRUSTED_ISSUER: {
        "en": "No valid trust list recognises the issuer for this kind of credential.",
        "nl": "Geen geldige vertrouwenslijst erkent de uitgever voor dit soort bewijsstuk.",
    },
    ErrorCode.NOT_YET_VALID: {
        "en": "The credential is not valid yet.",
        "nl": "Het bewijsstuk is nog niet geldig.",
    },
    ErrorCode.EXPIRED: {
        "en": "The credential has expired.",
        "nl": "Het bewijsstuk is verlopen.",
    },
    ErrorCode.REVOKED: {
        "en": "The issuer has revoked this credential.",
        "nl": "De uitgever heeft dit bewijsstuk ingetrokken.",
    },
    ErrorCode.SUSPENDED: {
        "en": "The issuer has suspended this credential.",
        "nl": "De uitgever heeft dit bewijsstuk geschorst.",
    },
    ErrorCode.STATUS_UNAVAILABLE: {
        "en": "Whether the credential was revoked could not be checked with the local status information.",
        "nl": "Of het bewijsstuk is ingetrokken kon niet worden gecontroleerd met de lokale statusinformatie.",
    },
    ErrorCode.CHALLENGE_MISMATCH: {
        "en": "The presentation was made for another request (challenge does not match).",
        "nl": "De presentatie is voor een ander verzoek gemaakt (challenge komt niet overeen).",
    },
    ErrorCode.DOMAIN_MISMATCH: {
        "en": "The presentation was made for another recipient (domain does not match).",
        "nl": "De presentatie is voor een andere ontvanger gemaakt (domein komt niet overeen).",
    },
    ErrorCode.HOLDER_MISMATCH: {
        "en": "The presentation is signed by someone else than the person its credentials are about.",
        "nl": "De presentatie is ondertekend door iemand anders dan de persoon over wie de bewijsstukken gaan.",
    },
    ErrorCode.MULTIPLE_SUBJECTS: {
        "en": "The credentials are about more than one person; they are not added up, and only one person's are counted.",
        "nl": "De bewijsstukken gaan over meer dan één persoon; ze worden niet bij elkaar opgeteld, alleen die van één persoon tellen mee.",
    },
    ErrorCode.HOLDER_NOT_PROVEN: {
        "en": "Nothing proves that the person in front of you is the person these credentials are about: check their identity yourself.",
        "nl": "Niets bewijst dat de persoon tegenover u de persoon is over wie deze bewijsstukken gaan: controleer zelf de identiteit.",
    },
    ErrorCode.TRUST_LIST_NOT_PINNED: {
        "en": "The issuer is trusted by a trust list that vouches for itself (no trust anchor given): it is only as reliable as the bundle file it came in.",
        "nl": "De uitgever wordt vertrouwd door een vertrouwenslijst die voor zichzelf instaat (geen vertrouwensanker opgegeven): hij is maar zo betrouwbaar als het bundelbestand waarin hij kwam.",
    },
    ErrorCode.DUPLICATE_CREDENTIAL: {
        "en": "The same credential was given more than once: it is checked and shown once.",
        "nl": "Hetzelfde bewijsstuk is meer dan één keer gegeven: het is één keer gecontroleerd en getoond.",
    },
    ErrorCode.ISSUER_MISMATCH: {
        "en": "The credential names another issuer than the owner of the signing key.",
        "nl": "Het bewijsstuk noemt een andere uitgever dan de eigenaar van de ondertekeningssleutel.",
    },
    ErrorCode.NOT_IN_REGISTER: {
        "en": "The crebo, keuzedeel or certificate is not in the register of kwalificaties, or does not belong to the kwalificatie.",
        "nl": "De crebo, het keuzedeel of het certificaat staat niet in het register van kwalificaties, of hoort niet bij de kwalificatie.",
    },
    ErrorCode.MISSING_LEARNING_OUTCOMES: {
        "en": "A micro-credential must state its learning outcomes (EU Council Recommendation 2022/C 243/02).",
        "nl": "Een microcredential moet de leerresultaten vermelden (EU-Raadsaanbeveling 2022/C 243/02).",
    },
    ErrorCode.UNKNOWN_SKILL: {
        "en": "A skill is not in the bundled skills vocabulary.",
        "nl": "Een vaardigheid staat niet in de meegeleverde vaardighedenlijst.",
    },
    ErrorCode.FORBIDDEN_FIELD: {
        "en": "The credential contains a field that must not be issued (e.g. a national identification number).",
        "nl": "Het bewijsstuk bevat een veld dat niet mag worden uitgegeven (bijvoorbeeld een BSN).",
    },
    ErrorCode.ROW_CHANGED: {
        "en": "This row key was issued before with other data: that credential stands and is not issued again.",
        "nl": "Deze rijsleutel is eerder uitgegeven met andere gegevens: dat bewijsstuk blijft staan en wordt niet "
              "opnieuw uitgegeven.",
    },
    ErrorCode.SIGNER_FAILED: {
        "en": "The signing key could not produce a signature.",
        "nl": "De ondertekeningssleutel kon geen handtekening maken.",
    },
    ErrorCode.WRONG_PASSPHRASE: {
        "en": "The passphrase for the key file is wrong.",
        "nl": "Het wachtwoord voor het sleutelbestand is onjuist.",
    },
    ErrorCode.KEY_NOT_FOUND: {
        "en": "The key file was not found.",
        "nl": "Het sleutelbestand is niet gevonden.",
    },
    ErrorCode.INSECURE_PERMISSIONS: {
        "en": "The key file can be read by other users.",
        "nl": "Het sleutelbestand is leesbaar voor andere gebruikers.",
    },
    ErrorCode.INVALID_KEY_FILE: {
        "en": "The key file is not a skillspas key file.",
        "nl": "Het sleutelbestand is geen skillspas-sleutelbestand.",
    },
    ErrorCode.KEY_EXISTS: {
        "en": "There is already a key here; it is not replaced (use --force to make a new one: credentials bound to the old key then no longer match it).",
        "nl": "Er is hier al een sleutel; die wordt niet vervangen (gebruik --force voor een nieuwe: bewijsstukken op de oude sleutel passen er dan niet meer bij).",
    },
    ErrorCode.EXCHANGE_FAILED: {
        "en": "The issuer's claim address could not be used (unreachable, not an exchange, or an answer that is too large).",
        "nl": "Het ophaaladres van de uitgever werkt niet (onbereikbaar, geen uitwisseling, of een te groot antwoord).",
    },
    ErrorCode.INVALID_OPTION: {
        "en": "The command was given an option it cannot use: missing, unknown, or not together with another option.",
        "nl": "De opdracht kreeg een optie die hij niet kan gebruiken: ontbrekend, onbekend, of niet samen met een andere optie.",
    },
    ErrorCode.FILE_ERROR: {
        "en": "A file or folder could not be read, written or removed; the message says which and why.",
        "nl": "Een bestand of map kon niet worden gelezen, geschreven of verwijderd; de melding zegt welke en waarom.",
    },
    ErrorCode.NOT_INSTALLED: {
        "en": "A part this command needs is not installed; the message says how to install it.",
        "nl": "Een onderdeel dat deze opdracht nodig heeft is niet geïnstalleerd; de melding zegt hoe u het installeert.",
    },
    ErrorCode.STATUS_LIST_REFUSED: {
        "en": "A status list in the bundle is not taken: it does not verify as its issuer's, or it is another issuer's than the list it would replace. Nothing was merged.",
        "nl": "Een statuslijst in de controlebundel wordt niet overgenomen: hij is niet echt van zijn uitgever, of van een andere uitgever dan de lijst die hij zou vervangen. Er is niets samengevoegd.",
    },
    ErrorCode.DID_DOCUMENT_KEPT: {
        "en": "The bundle holds another DID document than the passport's; the passport's is kept, as an older one could let a key the issuer dropped count again. Only if this bundle is the issuer's newest: --replace-did-documents.",
        "nl": "De controlebundel bevat een ander DID-document dan je paspoort; dat van je paspoort blijft, want een ouder document kan een sleutel die de uitgever liet vallen weer laten gelden. Alleen als deze bundel de nieuwste van de uitgever is: --replace-did-documents.",
    },
    # the issuer service and its commands
    ErrorCode.UNAUTHORIZED: {
        "en": "A valid API key is needed: send it as 'Authorization: Bearer KEY'.",
        "nl": "Een geldige API-sleutel is nodig: stuur die mee als 'Authorization: Bearer SLEUTEL'.",
    },
    ErrorCode.FORBIDDEN: {
        "en": "This API key may not do this.",
        "nl": "Deze API-sleutel mag dit niet doen.",
    },
    ErrorCode.TYPE_NOT_ALLOWED: {
        "en": "This organisation's role does not allow issuing this kind of credential.",
        "nl": "De rol van deze organisatie staat het uitgeven van dit soort bewijsstuk niet toe.",
    },
    ErrorCode.NOT_FOUND: {
        "en": "Not found.",
        "nl": "Niet gevonden.",
    },
    ErrorCode.DUPLICATE_ID: {
        "en": "This id is already in use; leave it out and the service makes a new one.",
        "nl": "Deze id is al in gebruik; laat hem weg, dan maakt de dienst een nieuwe.",
    },
    ErrorCode.INVALID_STATUS_CHANGE: {
        "en": "This status change is not possible: a revoked credential stays revoked.",
        "nl": "Deze statuswijziging kan niet: een ingetrokken bewijsstuk blijft ingetrokken.",
    },
    ErrorCode.NO_STATUS: {
        "en": "This credential was issued without a status entry, so its status cannot change.",
        "nl": "Dit bewijsstuk is zonder statusvermelding uitgegeven, dus de status kan niet veranderen.",
    },
    ErrorCode.BATCH_INVALID: {
        "en": "Some rows are not valid; nothing was issued.",
        "nl": "Sommige regels zijn ongeldig; er is niets uitgegeven.",
    },
    ErrorCode.AMBIGUOUS: {
        "en": "This name fits more than one; give the id instead.",
        "nl": "Deze naam past bij meer dan één; geef in plaats daarvan de id.",
    },
    ErrorCode.PUBLIC_URL_REQUIRED: {
        "en": "No public https address is set: the status list URL in every credential would point at this "
              "computer, which no verifier can reach. Pass --public-url https://… (or set SKILLSPAS_PUBLIC_URL); "
              "only for development: --dev.",
        "nl": "Er is geen openbaar https-adres ingesteld: de statuslijst-URL in elk bewijsstuk zou naar deze "
              "computer wijzen, en die kan geen verificateur bereiken. Geef --public-url https://… (of zet "
              "SKILLSPAS_PUBLIC_URL); alleen om te ontwikkelen: --dev.",
    },
    ErrorCode.REQUEST_TIMEOUT: {
        "en": "The request body did not arrive in time; send it again.",
        "nl": "De inhoud van het verzoek kwam niet op tijd binnen; stuur het opnieuw.",
    },
    ErrorCode.METHOD_NOT_ALLOWED: {
        "en": "This route does not take this HTTP method; the Allow header and /docs name the ones it takes.",
        "nl": "Deze route neemt deze HTTP-methode niet aan; de Allow-header en /docs noemen de methoden die wel kunnen.",
    },
    ErrorCode.MISDIRECTED_REQUEST: {
        "en": "This page answers only on this computer's own addresses (such as 127.0.0.1); open it there.",
        "nl": "Deze pagina antwoordt alleen op de eigen adressen van deze computer (zoals 127.0.0.1); open hem daar.",
    },
    ErrorCode.STARTUP_FAILED: {
        "en": "The server could not start: its startup failed (the lines above say why), and nothing was served.",
        "nl": "De server kon niet starten: het opstarten mislukte (de regels hierboven zeggen waarom), en er is niets "
              "aangeboden.",
    },
    ErrorCode.DATABASE_UNAVAILABLE: {
        "en": "The issuer's database cannot be reached; check the database address and that its server runs.",
        "nl": "De database van de uitgever is niet bereikbaar; controleer het databaseadres en of de server draait.",
    },
    ErrorCode.OFFER_USED: {
        "en": "This credential has already been claimed; an offer can be used once. Ask the issuer for a new one.",
        "nl": "Dit bewijsstuk is al opgehaald; een aanbod werkt maar één keer. Vraag de uitgever om een nieuw aanbod.",
    },
    ErrorCode.OFFER_EXPIRED: {
        "en": "This offer has expired. Ask the issuer for a new one.",
        "nl": "Dit aanbod is verlopen. Vraag de uitgever om een nieuw aanbod.",
    },
    ErrorCode.DID_METHOD_UNSUPPORTED: {
        "en": "A credential can be claimed with a did:key or did:jwk only: the issuer resolves no other DID method "
              "(such as did:web) without the network.",
        "nl": "Een bewijsstuk ophalen kan alleen met een did:key of did:jwk: de uitgever zoekt geen andere DID-methode "
              "(zoals did:web) op zonder netwerk.",
    },
}


MESSAGES_ONE: dict[ErrorCode, dict[str, str]] = {
    ErrorCode.HOLDER_NOT_PROVEN: {
        "en": "Nothing proves that the person in front of you is the person this credential is about: check their identity yourself.",
        "nl": "Niets bewijst dat de persoon tegenover u de persoon is over wie dit bewijsstuk gaat: controleer zelf de identiteit.",
    },
}
"""The sentence of a code whose ``MESSAGES`` sentence speaks of several credentials, for one credential (a card of
the verifier page, a passport of one): ``text(code, lang, count=1)``."""


def text(code: ErrorCode, lang: str = "en", *, count: int | None = None) -> str:
    """The one-sentence explanation of ``code`` in ``lang`` ("nl" or "en"); ``count``: how many credentials it is
    about, where the sentence counts them (``MESSAGES_ONE`` for 1)."""
    entry = (MESSAGES_ONE.get(code) if count == 1 else None) or MESSAGES[code]
    return entry.get(lang, entry["en"])
