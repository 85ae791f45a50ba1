"""The page's own words (nl, en): verdict headings, sentences for a passport, and what to do next.

The one-sentence reason for each error code comes from ``skillspas.schemas.messages`` (one table
for the CLI, the service and this page); this module adds what only a person at the page needs, and
the words of both verifier pages, the laptop's and the phone's, which ``page_html`` puts into each.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from typing import Final, Mapping

from skillspas.schemas.errors import ErrorCode
from skillspas.schemas.messages import text

__all__ = ["HEADINGS", "NOT_CONFIRMED", "MONTHS", "heading_for", "human_date", "readable_dates", "for_count", "counted", "both", "reason", "next_step", "GIVEN", "PASSPORTS", "SENTENCES", "WORDS", "PHONE_WORDS", "MAX_FILES", "page_words",
           "page_html"]

Both = dict[str, str]

HEADINGS: Final[Mapping[str, Both]] = {
    "valid": {"nl": "Geldig", "en": "Valid"},
    "warning": {"nl": "Geldig, met een waarschuwing", "en": "Valid, with a warning"},
    "invalid": {"nl": "Niet geldig", "en": "Not valid"},
    "unusable": {"nl": "Niet te controleren", "en": "Cannot be checked"},
}
"""The verdict, as the big words on the coloured bar (green, orange, red, neutral blue-grey); ``heading_for`` picks them."""

GIVEN: Final = ("file", "photo", "text", "pdf", "qr", "files")
"""How a person gave what is checked (``inputs.given_as``), so the advice fits it: a JSON file, a photo of a QR code, text
(typed, pasted or scanned), a passport PDF; or several QR codes, or several files, put together into one passport."""

PASSPORTS: Final = ("pdf", "qr", "files")
"""Of ``GIVEN``, a passport put together from the credentials of a PDF's QR codes, of several QR codes or of several
files: a presentation nobody signed, which can carry no holder proof (``SENTENCES["no_holder_proof_…"]``)."""

NOT_CONFIRMED: Final[Both] = {"nl": "Niet bevestigd", "en": "Not confirmed"}
"""The neutral verdict's words when it was checked and not found valid (exit 1): no key or trust material for the
issuer (``result.CANNOT_BE_CHECKED``). "Niet te controleren" is an input that could not be checked at all (exit 2)."""

SENTENCES: Final[Mapping[str, Both]] = {
    "valid": {"nl": "Echt en geldig.", "en": "Genuine and valid."},
    "valid_with_warning": {
        "nl": "Echt en geldig, maar lees de waarschuwing.",
        "en": "Genuine and valid, but read the warning.",
    },
    "all_valid": {
        "nl": "Alle {n} bewijsstukken zijn echt en geldig.",
        "en": "All {n} credentials are genuine and valid.",
    },
    "all_valid_one": {
        "nl": "Het bewijsstuk is echt en geldig.",
        "en": "The credential is genuine and valid.",
    },
    "all_valid_of": {
        "nl": "Alle {n} bewijsstukken van {name} zijn echt en geldig.",
        "en": "All {n} credentials of {name} are genuine and valid.",
    },
    "all_valid_of_one": {
        "nl": "Het bewijsstuk van {name} is echt en geldig.",
        "en": "The credential of {name} is genuine and valid.",
    },
    "one_invalid": {
        "nl": "1 van de {n} bewijsstukken is niet geldig; alleen de geldige tellen mee.",
        "en": "1 of the {n} credentials is not valid; only the valid ones count.",
    },
    "one_invalid_one": {
        "nl": "Het bewijsstuk is niet geldig.",
        "en": "The credential is not valid.",
    },
    "some_invalid": {
        "nl": "{bad} van de {n} bewijsstukken zijn niet geldig; alleen de geldige tellen mee.",
        "en": "{bad} of the {n} credentials are not valid; only the valid ones count.",
    },
    "none_valid": {
        "nl": "Geen van de {n} bewijsstukken is geldig.",
        "en": "None of the {n} credentials is valid.",
    },
    "issuer_name_differs": {
        "nl": "Het bewijsstuk noemt als uitgever „{claimed}”, maar volgens de vertrouwenslijst is de uitgever {listed}.",
        "en": "The credential names its issuer “{claimed}”, but according to the trust list the issuer is {listed}.",
    },
    "issuer_name_next": {
        "nl": "Ga uit van de naam op de vertrouwenslijst, niet van de naam in het bewijsstuk.",
        "en": "Rely on the name on the trust list, not on the name in the credential.",
    },
    "several_subjects": {
        "nl": "Dit bewijsstuk gaat over meerdere ontvangers ({n}) en staat dus niet op één naam: er wordt niemand als "
              "ontvanger getoond en er telt niets van mee (geen vaardigheden).",
        "en": "This credential is about several subjects ({n}), so it is in no one person's name: nobody is shown as "
              "its subject and nothing of it counts (no skills).",
    },
    "several_achievements": {
        "nl": "Dit bewijsstuk noemt meerdere prestaties ({n}) voor één ontvanger: geen ervan wordt als „de” prestatie "
              "getoond en er telt niets van mee (geen vaardigheden).",
        "en": "This credential names several achievements ({n}) for one subject: none of them is shown as “the” "
              "achievement and nothing of it counts (no skills).",
    },
    "several_next": {
        "nl": "Vraag de uitgever of de kandidaat om een bewijsstuk per persoon en per prestatie; lees zo nodig het "
              "bestand zelf.",
        "en": "Ask the issuer or the candidate for one credential per person and per achievement; read the file "
              "itself if needed.",
    },
    "challenge_not_given": {
        "nl": "Deze presentatie bevat geen code van u (challenge): ze kan eerder aan iemand anders zijn getoond.",
        "en": "This presentation carries no code of yours (challenge): it may have been shown to someone else before.",
    },
    "challenge_not_used": {
        "nl": "U gaf een code (challenge), maar dit is niet door de kandidaat zelf ondertekend, dus de code is niet gecontroleerd: het kan een kopie zijn van wat eerder aan iemand anders is getoond.",
        "en": "You gave a code (challenge), but this is not signed by the candidate, so the code was not checked: it may be a copy of what was shown to someone else before.",
    },
    "challenge_next": {
        "nl": "Bedenk een code (bijvoorbeeld sollicitatie-2026-17) en geef die de kandidaat; die ondertekent er een "
              "paspoortbestand mee (skillspas passport export … --presentation paspoort.json --challenge CODE). Controleer "
              "dat bestand met dezelfde code: op de pagina in „Code die u de kandidaat gaf”, met skillspas verify als --challenge CODE.",
        "en": "Make up a code (for example application-2026-17) and give it to the candidate, who signs a passport file "
              "with it (skillspas passport export … --presentation passport.json --challenge CODE). Check that file with "
              "the same code: on the page in “Code you gave the candidate”, with skillspas verify as --challenge CODE.",
    },
    "no_holder_proof_pdf": {
        "nl": "een paspoort als pdf bevat geen handtekening van de houder",
        "en": "a passport PDF carries no holder proof",
    },
    "no_holder_proof_qr": {
        "nl": "QR-codes bevatten geen handtekening van de houder",
        "en": "QR codes carry no holder proof",
    },
    "no_holder_proof_files": {
        "nl": "losse bewijsstukken bevatten geen handtekening van de houder",
        "en": "separate credentials carry no holder proof",
    },
    "as_claimed": {
        "nl": "volgens het bestand (niet gecontroleerd): {what}, uitgever {issuer}",
        "en": "as claimed in the file (not verified): {what}, issuer {issuer}",
    },
    "next_about": {
        "nl": "Bewijsstuk {n}: {next}",
        "en": "Credential {n}: {next}",
    },
    "empty": {
        "nl": "Deze presentatie bevat geen bewijsstukken.",
        "en": "This presentation holds no credentials.",
    },
    "named_revoked": {
        "nl": "{issuer} heeft dit bewijsstuk ingetrokken: {what}.",
        "en": "{issuer} has revoked this credential: {what}.",
    },
    "named_suspended": {
        "nl": "{issuer} heeft dit bewijsstuk geschorst: {what}.",
        "en": "{issuer} has suspended this credential: {what}.",
    },
    "named_expired": {
        "nl": "Dit bewijsstuk van {issuer} is verlopen op {date}: {what}.",
        "en": "This credential from {issuer} expired on {date}: {what}.",
    },
    "named_not_yet_valid": {
        "nl": "Dit bewijsstuk van {issuer} is pas geldig vanaf {date}: {what}.",
        "en": "This credential from {issuer} is valid only from {date}: {what}.",
    },
    "timeout": {
        "nl": "Het controleren duurde te lang en is afgebroken.",
        "en": "Checking took too long and was stopped.",
    },
    "database_unavailable": {
        "nl": "De database van de uitgever is nu niet bereikbaar; probeer het over een paar seconden opnieuw.",
        "en": "The issuer's database cannot be reached now; try again in a few seconds.",
    },
    "internal": {
        "nl": "Er ging iets mis in de verificateur zelf; probeer het opnieuw of meld het.",
        "en": "Something went wrong in the verifier itself; try again or report it.",
    },
}

_NEXT: Final[Mapping[str, Both]] = {
    "input": {
        "nl": "Vraag om het originele bestand, of maak een scherpere foto van de QR-code en probeer het opnieuw.",
        "en": "Ask for the original file, or take a sharper photo of the QR code and try again.",
    },
    "photo": {
        "nl": "Maak een scherpere foto van de QR-code (recht van voren, goed belicht, de hele code in beeld) en probeer het "
              "opnieuw, of vraag de kandidaat om het originele bestand.",
        "en": "Take a sharper photo of the QR code (straight on, well lit, the whole code in view) and try again, or ask "
              "the candidate for the original file.",
    },
    "text": {
        "nl": "Plak of scan de hele tekst opnieuw (van de QR-code of de JSON), of vraag de kandidaat om het originele bestand.",
        "en": "Paste or scan the whole text again (of the QR code or the JSON), or ask the candidate for the original file.",
    },
    "parts": {
        "nl": "Scan of voeg ook de andere delen van de reeks toe (1/3, 2/3, 3/3 …); daarna wordt het geheel gecontroleerd.",
        "en": "Scan or add the other parts of the set too (1/3, 2/3, 3/3 …); then the whole is checked.",
    },
    "file": {
        "nl": "Vraag de kandidaat om het originele bestand (het bewijsstuk als JSON of het paspoort als pdf).",
        "en": "Ask the candidate for the original file (the credential as JSON or the passport as PDF).",
    },
    "forged": {
        "nl": "Vertrouw dit bewijsstuk niet. Vraag de kandidaat om het originele bestand of neem contact op met de uitgever.",
        "en": "Do not rely on this credential. Ask the candidate for the original file or contact the issuer.",
    },
    "untrusted": {
        "nl": "Werk de controlebundel bij (met een geldige vertrouwenslijst waarop de uitgever staat), of ga zelf na wie dit heeft uitgegeven.",
        "en": "Update the verification bundle (with a valid trust list that lists the issuer), or find out yourself who issued this.",
    },
    "withdrawn": {
        "nl": "Vraag de kandidaat wat er is gebeurd, of neem contact op met de uitgever.",
        "en": "Ask the candidate what happened, or contact the issuer.",
    },
    "dates": {
        "nl": "Kijk naar de data op het bewijsstuk en vraag de kandidaat om een actuele versie.",
        "en": "Look at the dates on the credential and ask the candidate for a current one.",
    },
    "status": {
        "nl": "Haal een nieuwe controlebundel op bij wie u deze gaf (de uitgever of de instantie die de uitgevers erkent) "
              "en controleer opnieuw: pas dan is te zien of het bewijsstuk intussen is ingetrokken.",
        "en": "Get a newer verification bundle from whoever gave you this one (the issuer or the body that recognises the "
              "issuers) and check again: only then can you see whether the credential has been revoked since.",
    },
    "presentation": {
        "nl": "Vraag de kandidaat om een nieuwe presentatie, voor u gemaakt.",
        "en": "Ask the candidate for a new presentation, made for you.",
    },
    "person": {
        "nl": "Vraag de kandidaat om een paspoort met alleen de eigen bewijsstukken, door de kandidaat zelf ondertekend.",
        "en": "Ask the candidate for a passport with only their own credentials, signed by the candidate.",
    },
    "anchor": {
        "nl": "Gebruik een controlebundel uit een bron die u vertrouwt, en start de controle met --trust-anchor en de DID van de instantie die de uitgevers erkent.",
        "en": "Use a verification bundle from a source you trust, and start the check with --trust-anchor and the DID of the body that recognises the issuers.",
    },
    "identity": {
        "nl": "Vergelijk de naam met een identiteitsbewijs, of vraag om een presentatie die de kandidaat zelf voor u ondertekent.",
        "en": "Compare the name with an identity document, or ask for a presentation the candidate signs for you.",
    },
    "copy": {
        "nl": "U hoeft hiervoor niets te doen: elk bewijsstuk telt één keer mee.",
        "en": "Nothing to do about this: each credential counts once.",
    },
}

_NEXT_BY_CODE: Final[Mapping[ErrorCode, str]] = {
    ErrorCode.INVALID_SIGNATURE: "forged",
    ErrorCode.INVALID_PROOF: "forged",
    ErrorCode.WRONG_PROOF_PURPOSE: "forged",
    ErrorCode.KEY_NOT_AUTHORIZED: "forged",
    ErrorCode.KEY_REVOKED: "forged",
    ErrorCode.UNRESOLVABLE_KEY: "untrusted",
    ErrorCode.UNTRUSTED_ISSUER: "untrusted",
    ErrorCode.REVOKED: "withdrawn",
    ErrorCode.SUSPENDED: "withdrawn",
    ErrorCode.EXPIRED: "dates",
    ErrorCode.NOT_YET_VALID: "dates",
    ErrorCode.STATUS_UNAVAILABLE: "status",
    ErrorCode.CHALLENGE_MISMATCH: "presentation",
    ErrorCode.DOMAIN_MISMATCH: "presentation",
    ErrorCode.HOLDER_MISMATCH: "person",
    ErrorCode.MULTIPLE_SUBJECTS: "person",
    ErrorCode.HOLDER_NOT_PROVEN: "identity",
    ErrorCode.TRUST_LIST_NOT_PINNED: "anchor",
    ErrorCode.DUPLICATE_CREDENTIAL: "copy",
    ErrorCode.QR_INCOMPLETE: "parts",
    ErrorCode.TOO_DEEP: "file",
}

WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "nl": {
        "doc_title": "Skillspas – bewijsstuk controleren",
        "skip": "Naar de controle",
        "title": "Bewijsstuk controleren",
        "check_heading": "Controleer een diploma, certificaat of vaardighedenpaspoort",
        "offline_note": "Alles wordt op deze computer gecontroleerd. Er gaat niets naar internet.",
        "file_heading": "Bestand of foto",
        "file_label": "Kies een bestand: JSON, het paspoort als pdf, of een foto of schermafbeelding van de QR-code (PNG, JPEG)",
        "file_hint": "U kunt bestanden ook hierheen slepen, ook meerdere tegelijk (samen één paspoort).",
        "paste_heading": "Tekst plakken",
        "paste_label": "Plak de tekst van de QR-code (begint met SP) of de JSON",
        "paste_button": "Controleer deze tekst",
        "challenge_label": "Code die u de kandidaat gaf (challenge)",
        "domain_label": "Domein dat u de kandidaat gaf (domain, niet verplicht)",
        "camera_heading": "Camera",
        "camera_hint": "Houd de QR-code voor de camera van deze computer.",
        "camera_start": "Scan met de camera",
        "camera_stop": "Stop de camera",
        "camera_video": "Camerabeeld",
        "result_heading": "Uitkomst",
        "skills_heading": "Bewezen vaardigheden",
        "skills_hint": "Alleen vaardigheden uit geldige bewijsstukken, elke vaardigheid één keer.",
        "vacancy_heading": "Vergelijk met een vacature",
        "vacancy_label": "Vaardigheden uit de vacature: één per regel, een ESCO-adres (http://data.europa.eu/esco/skill/…) of zoekwoorden",
        "vacancy_hint": "Of zoek een vaardigheid op en voeg haar toe.",
        "search_label": "Zoek een vaardigheid",
        "search_button": "Zoeken",
        "vacancy_button": "Vergelijk",
        "several": "past bij meerdere vaardigheden; zoek en voeg er één toe: {list}",
        "bridge_heading": "Werk naar werk: vergelijk met een beroep",
        "bridge_hint": "Zoek een beroep (ESCO) op naam en kies het. U ziet welke vaardigheden van dat beroep het paspoort bewijst, welke ontbreken en welke opleidingen het gat kunnen dichten.",
        "occupation_label": "Zoek een beroep",
        "choose": "Kies",
        "choose_label": "Vergelijk met het beroep {label}",
        "ambiguous": "Meerdere beroepen passen; kies er één.",
        "bridge_summary": "{c} van de {essential} voor {name} zijn bewezen.",
        "bridge_summary_one": "1 van de {essential} voor {name} is bewezen.",
        "n_essential": "{n} essentiële vaardigheden",
        "n_essential_one": "1 essentiële vaardigheid",
        "bridge_optional": "Optionele vaardigheden: {c} van de {n} bewezen.",
        "essential": "essentieel",
        "optional": "optioneel",
        "suggestions_heading": "Opleidingen die het gat kunnen dichten (suggesties)",
        "suggestion_line": "{name} (crebo {crebo}): dekt {k} van de {missing} ({pct}%)",
        "n_missing": "{n} ontbrekende vaardigheden",
        "n_missing_one": "1 ontbrekende vaardigheid",
        "suggestion_basis": "grond: {basis}",
        "attribution": "Labels: {text}",
        "footer_note": "ESCO-vaardigheden: ESCO, Europese Commissie.",
        "phone_link": "Deze controle zonder internet, geïnstalleerd op dit toestel",
        "checking": "Bezig met controleren…",
        "done": "Klaar. De uitkomst staat hieronder.",
        "empty_paste": "Plak eerst de tekst van de QR-code of de JSON.",
        "file_too_large": "Dit bestand is te groot ({size}). Een bewijsstuk (JSON) is hoogstens {max}.",
        "image_too_large": "Deze afbeelding is te groot ({size}). Een foto van een QR-code is hoogstens {max}.",
        "no_answer": "De verificateur op deze computer antwoordt niet. Is het programma (skillspas verifier) nog actief?",
        "camera_unavailable": "De camera kan niet worden gebruikt: {reason}. Gebruik een bestand of plak de tekst.",
        "camera_starting": "Camera wordt gestart…",
        "camera_scanning": "Camera aan. Houd de QR-code stil voor de camera.",
        "camera_other": "Deze QR-code is geen skillspas-bewijsstuk. Houd de juiste QR-code voor de camera.",
        "camera_found": "QR-code gelezen.",
        "parts_scanned": "{n} van {k} delen gescand. Scan de volgende QR-code van deze reeks.",
        "parts_set": "de reeks QR-codes",
        "camera_again": "Deze QR-code zit al in het paspoort. Houd de volgende QR-code voor de camera.",
        "camera_stopped": "Camera uit.",
        "issuer": "Uitgever",
        "kind": "Soort",
        "holder": "Op naam van",  # whom it names: "houder" would claim what only a holder proof shows
        "awarded": "Behaald op",
        "valid_from": "Geldig vanaf",
        "valid_until": "Geldig tot",
        "no_end": "geen einddatum",
        "signed_by": "Ondertekend door",
        "skills": "Vaardigheden",
        "no_skills": "Geen vaardigheden vermeld.",
        "support_code": "Code voor ondersteuning",
        "next": "Wat nu?",
        "warnings": "Waarschuwing",
        "on_trust_list": "volgens de vertrouwenslijst",
        "as_stated": "naam zoals vermeld in het bewijsstuk, niet op de vertrouwenslijst",
        "no_name": "geen naam bekend; vertrouwd omdat deze uitgever bij het starten is opgegeven",
        "role_issuer": "uitgever",
        "role_cosigner": "medeondertekenaar (leerbedrijf)",
        "credential_n": "Bewijsstuk {n}",
        "skill_col": "Vaardigheid",
        "framework_col": "Kader",
        "proven_col": "Bewezen door",
        "skills_caption": "{skills}, bewezen door {c} geldige bewijsstukken",
        "skills_caption_one": "{skills}, bewezen door 1 geldig bewijsstuk",
        "n_skills": "{n} vaardigheden",
        "n_skills_one": "1 vaardigheid",
        "n_proven_skills": "{n} bewezen vaardigheden",
        "n_proven_skills_one": "1 bewezen vaardigheid",
        "n_credentials": "{n} bewijsstukken",
        "n_credentials_one": "1 bewijsstuk",
        "excluded": "Niet meegeteld (niet geldig): {list}.",
        "covered": "Aanwezig",
        "missing": "Ontbreekt",
        "not_found": "geen vaardigheid gevonden voor deze woorden",
        "vacancy_summary": "{c} van de {asked} zijn bewezen.",
        "vacancy_summary_one": "1 van de {asked} is bewezen.",
        "n_asked": "{n} gevraagde vaardigheden",
        "n_asked_one": "1 gevraagde vaardigheid",
        "vacancy_empty": "Vul eerst vaardigheden uit de vacature in.",
        "vacancy_too_long": "Te veel vaardigheden in de vacature (hoogstens {n} regels).",
        "add": "Toevoegen",
        "add_label": "{label} toevoegen aan de vacature",
        "added": "{label} is toegevoegd aan de vacature.",
        "no_results": "Niets gevonden.",
        "bundle": "Controlebundel van {date}.",
        "no_bundle": "Geen controlebundel: alleen uitgevers die bij het starten zijn opgegeven worden vertrouwd.",
        "trust_ok": "Vertrouwenslijst {name}: {n} erkende uitgevers.",
        "trust_ok_one": "Vertrouwenslijst {name}: 1 erkende uitgever.",
        "trust_unpinned": "Let op: niet vastgezet met --trust-anchor, dus de lijst staat alleen voor zichzelf in; wat ze erkent is oranje.",
        "trust_bad": "Let op: de vertrouwenslijst in de bundel is afgewezen ({code}). Daardoor wordt geen uitgever van die lijst vertrouwd.",
        "trusted_issuers": "Ook vertrouwd: {n} uitgevers die bij het starten zijn opgegeven.",
        "trusted_issuers_one": "Ook vertrouwd: 1 uitgever die bij het starten is opgegeven.",
        "collection_note": "{n} bewijsstukken samen gecontroleerd als één paspoort. Scan of sleep er meer bij, of begin opnieuw.",
        "collection_apart": "De uitkomst hieronder is niet aan het paspoort van {n} bewijsstukken toegevoegd: alleen geldige bewijsstukken komen erin. Scan of sleep het volgende, of begin opnieuw.",
        "collection_clear": "Nieuw paspoort beginnen",
        "collection_cleared": "Het verzamelde paspoort is leeggemaakt.",
        "checking_files": "{n} bestanden worden gecontroleerd…",
        "files_skipped": "Niet toegevoegd aan het paspoort ({n}): {names}.",
        "already_in": "Dit bewijsstuk zit al in het paspoort.",
        "verdict_done": "Klaar: {verdict}. De uitkomst staat hieronder.",
        "files_again": "Zit al in het paspoort: {names}.",
        "too_many_files": "Te veel bestanden tegelijk (hoogstens {n}).",
        "persons": "Deze bewijsstukken gaan over {n} verschillende personen:",
        "person_counted": "telt mee",
        "person_not_counted": "telt niet mee",
        "person_credentials": "bewijsstuk {list}",
        "skills_person": "Alleen de bewijsstukken van {name} tellen mee.",
        "reading": "De QR-codes worden gelezen…",
        "loading": "De controle laadt…",
        "ready": "Klaar ({s} s).",
        "result_json": "Uitkomst (JSON)",
        "bundle_old_one": "Controlebundel van {date} (1 dag oud): ouder dan {max}. De status (ingetrokken of niet) kon niet recent worden gecontroleerd; maak verbinding met internet om de bundel te vernieuwen.",
        "bundle_old": "Controlebundel van {date} ({days} dagen oud): ouder dan {max}. De status (ingetrokken of niet) kon niet recent worden gecontroleerd; maak verbinding met internet om de bundel te vernieuwen.",
        "summary": "Samenvatting: {skills} uit {n} bewijsstukken.",
        "summary_one": "Samenvatting: {skills} uit 1 bewijsstuk.",
    },
    "en": {
        "doc_title": "Skillspas – check a credential",
        "skip": "Skip to the check",
        "title": "Check a credential",
        "check_heading": "Check a diploma, certificate or skills passport",
        "offline_note": "Everything is checked on this computer. Nothing is sent to the internet.",
        "file_heading": "File or photo",
        "file_label": "Choose a file: JSON, the passport as a PDF, or a photo or screenshot of the QR code (PNG, JPEG)",
        "file_hint": "You can also drag files here, several at once (together one passport).",
        "paste_heading": "Paste text",
        "paste_label": "Paste the text of the QR code (starts with SP) or the JSON",
        "paste_button": "Check this text",
        "challenge_label": "Code you gave the candidate (challenge)",
        "domain_label": "Domain you gave the candidate (domain, optional)",
        "camera_heading": "Camera",
        "camera_hint": "Hold the QR code in front of this computer's camera.",
        "camera_start": "Scan with the camera",
        "camera_stop": "Stop the camera",
        "camera_video": "Camera image",
        "result_heading": "Result",
        "skills_heading": "Proven skills",
        "skills_hint": "Only skills from valid credentials, each skill once.",
        "vacancy_heading": "Compare with a vacancy",
        "vacancy_label": "Skills from the vacancy: one per line, an ESCO address (http://data.europa.eu/esco/skill/…) or search words",
        "vacancy_hint": "Or search for a skill and add it.",
        "search_label": "Search for a skill",
        "search_button": "Search",
        "vacancy_button": "Compare",
        "footer_note": "ESCO skills: ESCO, European Commission.",
        "phone_link": "This check without internet, installed on this device",
        "checking": "Checking…",
        "done": "Done. The result is below.",
        "empty_paste": "First paste the text of the QR code or the JSON.",
        "file_too_large": "This file is too large ({size}). A credential (JSON) is at most {max}.",
        "image_too_large": "This image is too large ({size}). A photo of a QR code is at most {max}.",
        "no_answer": "The verifier on this computer does not answer. Is the program (skillspas verifier) still running?",
        "camera_unavailable": "The camera cannot be used: {reason}. Use a file or paste the text.",
        "camera_starting": "Starting the camera…",
        "camera_scanning": "Camera on. Hold the QR code still in front of the camera.",
        "camera_other": "This QR code is not a skillspas credential. Hold the right QR code in front of the camera.",
        "camera_found": "QR code read.",
        "parts_scanned": "{n} of {k} parts scanned. Scan the next QR code of this set.",
        "parts_set": "the set of QR codes",
        "camera_again": "This QR code is already in the passport. Hold the next QR code in front of the camera.",
        "camera_stopped": "Camera off.",
        "issuer": "Issuer",
        "kind": "Type",
        "holder": "In the name of",
        "awarded": "Awarded on",
        "valid_from": "Valid from",
        "valid_until": "Valid until",
        "no_end": "no end date",
        "signed_by": "Signed by",
        "skills": "Skills",
        "no_skills": "No skills listed.",
        "support_code": "Code for support",
        "next": "What now?",
        "warnings": "Warning",
        "on_trust_list": "according to the trust list",
        "as_stated": "name as stated in the credential, not on the trust list",
        "no_name": "no name known; trusted because this issuer was named at start-up",
        "role_issuer": "issuer",
        "role_cosigner": "co-signer (workplace)",
        "credential_n": "Credential {n}",
        "skill_col": "Skill",
        "framework_col": "Framework",
        "proven_col": "Proven by",
        "skills_caption": "{skills}, proven by {c} valid credentials",
        "skills_caption_one": "{skills}, proven by 1 valid credential",
        "n_skills": "{n} skills",
        "n_skills_one": "1 skill",
        "n_proven_skills": "{n} proven skills",
        "n_proven_skills_one": "1 proven skill",
        "n_credentials": "{n} credentials",
        "n_credentials_one": "1 credential",
        "excluded": "Not counted (not valid): {list}.",
        "covered": "Present",
        "missing": "Missing",
        "not_found": "no skill found for these words",
        "several": "fits several skills; search and add one: {list}",
        "bridge_heading": "Job to job: compare with an occupation",
        "bridge_hint": "Search an occupation (ESCO) by name and pick it. You see which of its skills the passport proves, which are missing and which qualifications could close the gap.",
        "occupation_label": "Search an occupation",
        "choose": "Pick",
        "choose_label": "Compare with the occupation {label}",
        "ambiguous": "Several occupations fit; pick one.",
        "bridge_summary": "{c} of the {essential} for {name} are proven.",
        "bridge_summary_one": "1 of the {essential} for {name} is proven.",
        "n_essential": "{n} essential skills",
        "n_essential_one": "1 essential skill",
        "bridge_optional": "Optional skills: {c} of the {n} proven.",
        "essential": "essential",
        "optional": "optional",
        "suggestions_heading": "Qualifications that could close the gap (suggestions)",
        "suggestion_line": "{name} (crebo {crebo}): covers {k} of the {missing} ({pct}%)",
        "n_missing": "{n} missing skills",
        "n_missing_one": "1 missing skill",
        "suggestion_basis": "basis: {basis}",
        "attribution": "Labels: {text}",
        "vacancy_summary": "{c} of the {asked} are proven.",
        "vacancy_summary_one": "1 of the {asked} is proven.",
        "n_asked": "{n} skills asked for",
        "n_asked_one": "1 skill asked for",
        "vacancy_empty": "First enter skills from the vacancy.",
        "vacancy_too_long": "Too many skills in the vacancy (at most {n} lines).",
        "add": "Add",
        "add_label": "Add {label} to the vacancy",
        "added": "{label} was added to the vacancy.",
        "no_results": "Nothing found.",
        "bundle": "Verification bundle of {date}.",
        "no_bundle": "No verification bundle: only issuers named at start-up are trusted.",
        "trust_ok": "Trust list {name}: {n} recognised issuers.",
        "trust_ok_one": "Trust list {name}: 1 recognised issuer.",
        "trust_unpinned": "Note: not pinned with --trust-anchor, so the list vouches only for itself; what it recognises is orange.",
        "trust_bad": "Note: the bundle's trust list was rejected ({code}). No issuer on that list is trusted.",
        "trusted_issuers": "Also trusted: {n} issuers named at start-up.",
        "trusted_issuers_one": "Also trusted: 1 issuer named at start-up.",
        "collection_note": "{n} credentials checked together as one passport. Scan or drop more, or start again.",
        "collection_apart": "The result below was not added to the passport of {n} credentials: only valid credentials go in. Scan or drop the next one, or start again.",
        "collection_clear": "Start a new passport",
        "collection_cleared": "The collected passport was cleared.",
        "checking_files": "Checking {n} files…",
        "files_skipped": "Not added to the passport ({n}): {names}.",
        "already_in": "This credential is already in the passport.",
        "verdict_done": "Done: {verdict}. The result is below.",
        "files_again": "Already in the passport: {names}.",
        "too_many_files": "Too many files at once (at most {n}).",
        "persons": "These credentials are about {n} different people:",
        "person_counted": "counted",
        "person_not_counted": "not counted",
        "person_credentials": "credential {list}",
        "skills_person": "Only the credentials of {name} are counted.",
        "reading": "Reading the QR codes…",
        "loading": "Loading the verifier…",
        "ready": "Ready ({s} s).",
        "result_json": "Result (JSON)",
        "bundle_old_one": "Verification bundle of {date} (1 day old): older than {max}. The status (revoked or not) could not be checked recently; connect to the internet to refresh the bundle.",
        "bundle_old": "Verification bundle of {date} ({days} days old): older than {max}. The status (revoked or not) could not be checked recently; connect to the internet to refresh the bundle.",
        "summary": "Summary: {skills} from {n} credentials.",
        "summary_one": "Summary: {skills} from 1 credential.",
    },
}
"""Every word of the two verifier pages, the laptop's (``static/app.js``) and the phone's (``browser/page/app.mjs``),
by language: ``page_html`` puts them into each page (``#page-data``), where the script reads them."""

PHONE_WORDS: Final[Mapping[str, Mapping[str, str]]] = {
    "nl": {
        "offline_note": "Alles wordt op dit toestel gecontroleerd. Er gaat niets naar een server.",
        "camera_hint": "Houd de QR-code voor de camera van deze telefoon.",
        "bundle": "Controlebundel van {date} ({days} dagen oud).",
        "bundle_one": "Controlebundel van {date} (1 dag oud).",
        "bundle_today": "Controlebundel van {date} (van vandaag).",
        "no_bundle": "Geen controlebundel: alleen uitgevers die de site opgeeft worden vertrouwd.",
        "collection_note": "{n} bewijsstukken samen gecontroleerd als één paspoort. Scan of kies er meer bij, of begin opnieuw.",
        "collection_apart": "De uitkomst hieronder is niet aan het paspoort van {n} bewijsstukken toegevoegd: alleen geldige bewijsstukken komen erin. Scan of kies het volgende, of begin opnieuw.",
    },
    "en": {
        "offline_note": "Everything is checked on this device. Nothing is sent to a server.",
        "camera_hint": "Hold the QR code in front of this phone's camera.",
        "bundle": "Verification bundle of {date} ({days} days old).",
        "bundle_one": "Verification bundle of {date} (1 day old).",
        "bundle_today": "Verification bundle of {date} (from today).",
        "no_bundle": "No verification bundle: only the issuers the site names are trusted.",
        "collection_note": "{n} credentials checked together as one passport. Scan or choose more, or start again.",
        "collection_apart": "The result below was not added to the passport of {n} credentials: only valid credentials go in. Scan or choose the next one, or start again.",
    },
}
"""Where the phone page says it otherwise (this device, not this computer; the bundle the site publishes)."""


MAX_FILES: Final = 20
"""Files one page checks at once (dropped or chosen together; more get ``too_many_files``): in each page's data
(``#page-data``, with the words), where both scripts read it."""


def heading_for(verdict: str, code: ErrorCode | None = None) -> Both:
    """The big words for ``verdict``, decided by ``code`` (the deciding error, if any): the neutral verdict says what
    its exit code says, "Niet bevestigd" for exit 1 (checked, and not valid here), "Niet te controleren" for exit 2."""
    if verdict == "unusable" and code is not None and code.exit_code == 1:
        return dict(NOT_CONFIRMED)
    return dict(HEADINGS[verdict])


MONTHS: Final[Mapping[str, tuple[str, ...]]] = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}
"""The months as a date is written for people, by language."""

_ISO_DAY = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")


def human_date(value: str, lang: str) -> str:
    """``2026-05-20`` (or a date-time: its day in UTC) as people write it, "20 mei 2026" in Dutch and "20 May 2026" in
    English, as the pages' ``cards.js`` writes a validity date; a value that is no date stays as it is."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        day = moment.astimezone(dt.timezone.utc).date() if moment.tzinfo else moment.date()
    except (ValueError, OverflowError):  # no date, or one whose day in UTC is before year 1 or after 9999
        return value
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def readable_dates(text: str, lang: str) -> str:
    """``text`` with each date in it written as ``human_date`` does ("Beoordeeld op: 4 maart 2026", "Periode:
    1 februari 2024 – 20 december 2024"): a fact's text from the catalogue, whose ``--json`` form keeps ISO dates."""
    return _ISO_DAY.sub(lambda found: human_date(found.group(0), lang), text)


def for_count(key: str, count: int, *tables: Mapping[str, object]) -> str:
    """The key of ``key``'s words for ``count``: ``key + "_one"`` for 1 where ``SENTENCES`` or ``WORDS`` (or the
    ``tables`` given, e.g. the passport's ``TEXT``) has it ("1 vaardigheid", "Het bewijsstuk is …"), else ``key``
    (the pages' ``cards.js counted``, in Python)."""
    one = key + "_one"
    return one if count == 1 and any(one in table for table in tables or (SENTENCES, WORDS["nl"])) else key


def counted(key: str, count: int, lang: str) -> str:
    """A counted noun of ``WORDS`` in ``lang`` ("18 bewezen vaardigheden", "1 bewezen vaardigheid")."""
    return WORDS[lang][for_count(key, count)].format(n=count)


def both(key: str, **values: object) -> Both:
    """A sentence of ``SENTENCES`` in both languages, with ``values`` filled in."""
    return {lang: SENTENCES[key][lang].format(**values) for lang in ("nl", "en")}


def reason(code: ErrorCode, count: int | None = None) -> Both:
    """The one-sentence reason for ``code`` in both languages (from ``schemas.messages``), about ``count``
    credentials where the sentence counts them (``holder_not_proven``: "dit bewijsstuk" for 1)."""
    return {lang: text(code, lang, count=count) for lang in ("nl", "en")}


_NEXT_BY_GIVEN: Final[Mapping[str, str]] = {"file": "file", "pdf": "file", "files": "file", "photo": "photo",
                                             "qr": "photo", "text": "text"}
"""The advice for an input that could not be read, by how it was given (``GIVEN``): a file, ask for the original; a
photo, take a sharper one; text, paste or scan it again."""


def next_step(code: ErrorCode, given: str | None = None) -> Both:
    """What a person can do next after ``code``; for an input that could not be read, what fits how it was ``given``
    (``GIVEN``; ``None``: not known, both ways)."""
    key = _NEXT_BY_CODE.get(code, "input" if code.exit_code == 2 else "forged")
    if key == "input" and given is not None:
        key = _NEXT_BY_GIVEN[given]
    return dict(_NEXT[key])


def page_words(phone: bool = False) -> dict[str, dict[str, str]]:
    """``WORDS`` by language, with ``PHONE_WORDS`` in place for the phone page."""
    return {lang: {**WORDS[lang], **(PHONE_WORDS[lang] if phone else {})} for lang in WORDS}


def page_html(template: str, values: Mapping[str, str], *, phone: bool = False) -> bytes:
    """A page's ``index.html`` template with the ``<head>`` both pages share (``templates/head.html``), ``values``
    and the page's data (JSON, ``<`` escaped so no text can close the element: its words and ``MAX_FILES``) filled in."""
    head = (resources.files("skillspas.verifier.page") / "templates" / "head.html").read_text("utf-8")
    html = template.replace("{{head}}", head.rstrip("\n"))
    paths = {"static": "", "vendor": ""} if phone else {"static": "static/", "vendor": "static/vendor/"}
    for key, value in {**values, **paths}.items():
        html = html.replace("{{" + key + "}}", value)
    data = json.dumps({"maxFiles": MAX_FILES, "words": page_words(phone)}, ensure_ascii=False, separators=(",", ":"))
    return html.replace("{{data}}", data.replace("<", "\\u003c")).encode("utf-8")
