"""What a credential says, for a person: title, kind, issuer, holder, dates, facts, skills (nl/en).

Usage::

    view = describe(credential, lang="nl")
    print(view.title, view.kind, view.issuer_name, [s.label for s in view.skills])

This reads the credential's own claims; its facts (kwalificatie, werkprocessen, leerbedrijf, ...)
come from the one catalogue of types (``schemas/catalogue.py``) that the verifier and its page use
too. It is a rendering for the worker's passport, not a verdict. Whether the claims hold is for the verifier (``skillspas verify``) to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal, Optional

from skillspas.schemas import catalogue
from skillspas.schemas.text import one_line
from skillspas.schemas.vc import issuer_name_of, several_of, text_of, the_achievement, the_subject, title_of
from skillspas.verifier.page.texts import both, human_date, readable_dates

__all__ = ["Lang", "Labels", "SkillView", "CredentialView", "describe", "kind_label", "vocabulary_labels", "TEXT"]

Lang = Literal["nl", "en"]
Labels = Callable[[str, str], Optional[str]]
"""Looks up a skill's label: (skill URI, language) -> label or None."""


TEXT: dict[str, dict[str, str]] = {
    "passport": {"nl": "Vaardighedenpaspoort", "en": "Skills passport"},
    "holder": {"nl": "Op naam van", "en": "In the name of"},
    # Whom a credential names (credentialSubject.name), never "Houder"/"Holder": only a holder proof shows who holds it.
    "issuer": {"nl": "Uitgever", "en": "Issuer"},
    "warning": {"nl": "Let op", "en": "Warning"},
    "kind": {"nl": "Soort", "en": "Type"},
    "title": {"nl": "Titel", "en": "Title"},
    "valid_from": {"nl": "Geldig vanaf", "en": "Valid from"},
    "valid_until": {"nl": "Geldig tot", "en": "Valid until"},
    "awarded": {"nl": "Behaald op", "en": "Awarded on"},
    "skills": {"nl": "Vaardigheden", "en": "Skills"},
    "skill": {"nl": "Vaardigheid", "en": "Skill"},
    "established": {"nl": "Vastgesteld", "en": "Established"},
    "code": {"nl": "Kader en code", "en": "Framework and code"},
    "framework": {"nl": "Kader", "en": "Framework"},
    "no_skills": {"nl": "Geen vaardigheden vermeld.", "en": "No skills listed."},
    "bridge": {"nl": "Werk naar werk: {name}", "en": "Job to job: {name}"},
    "bridge_intro": {"nl": "Welke vaardigheden van dit doel de geverifieerde bewijsstukken in dit paspoort bewijzen, "
                           "en welke ontbreken.",
                     "en": "Which skills of this target the verified credentials of this passport prove, and which are missing."},
    "bridge_count": {"nl": "{group}: {c} van de {n} bewezen", "en": "{group}: {c} of {n} proven"},
    "essential": {"nl": "Essentieel", "en": "Essential"},
    "optional": {"nl": "Optioneel", "en": "Optional"},
    "proven_by": {"nl": "Bewezen door", "en": "Proven by"},
    "missing": {"nl": "ontbreekt", "en": "missing"},
    "suggestions": {"nl": "Suggesties om het gat te dichten (geen feiten)", "en": "Suggestions to close the gap (not facts)"},
    "suggestion": {"nl": "crebo {crebo} {name}: {k} van de {n} ontbrekende ({pct}%); {basis}",
                   "en": "crebo {crebo} {name}: {k} of the {n} missing ({pct}%); {basis}"},
    "not_comparable": {"nl": "Niet te vergelijken (geen ESCO-CompetentNL-koppeling in de gegevens): {list}",
                       "en": "Not comparable (no ESCO-CompetentNL link in the data): {list}"},
    "labels_source": {"nl": "Labels: {source}", "en": "Labels: {source}"},
    "description": {"nl": "Omschrijving", "en": "Description"},
    "signed_by": {"nl": "Ondertekend door", "en": "Signed by"},
    "credentials": {"nl": "Bewijsstukken", "en": "Credentials"},
    "made_on": {"nl": "Gemaakt op", "en": "Made on"},
    "qr_caption": {"nl": "QR-code {i} van {n}", "en": "QR code {i} of {n}"},
    "qr_missing": {
        "nl": "Te groot voor een QR-code: deel dit bewijsstuk als bestand.",
        "en": "Too large for a QR code: share this credential as a file.",
    },
    "how_to_check": {
        "nl": "Elk bewijsstuk heeft een eigen QR-code met het volledige, ondertekende bewijsstuk. "
              "Een werkgever controleert ze offline met de controlebundel van de uitgevers, alle tegelijk in deze pdf: "
              "skillspas verify PASPOORT.pdf --bundle BUNDEL.json, of op de controlepagina (skillspas verifier).",
        "en": "Each credential has its own QR code holding the whole signed credential. "
              "An employer checks them offline with the issuers' verification bundle, all at once in this PDF: "
              "skillspas verify PASSPORT.pdf --bundle BUNDLE.json, or on the verifier page (skillspas verifier).",
    },
    "rendering_note": {
        "nl": "Deze pagina's zijn een weergave. Alleen de QR-codes (en de bestanden) zijn ondertekend "
              "en bewijzen iets.",
        "en": "These pages are a rendering. Only the QR codes (and the files) are signed and prove anything.",
    },
    "page": {"nl": "pagina {i} van {n}", "en": "page {i} of {n}"},
    "unknown": {"nl": "onbekend", "en": "unknown"},
    "warn_other_person": {
        "nl": "LET OP: „{title}” gaat over {name}, niet over {owner}. Een werkgever ziet dat dit niet het paspoort van één persoon is.",
        "en": "WARNING: “{title}” is about {name}, not about {owner}. An employer sees that this is not one person's passport.",
    },
    "wrote_presentation": {"nl": "presentatie: {path}", "en": "presentation: {path}"},
    "kept_bundle": {"nl": "controlebundel: {path}", "en": "bundle: {path}"},
    "removed": {"nl": "verwijderd: {ref}  {title}", "en": "removed {ref}  {title}"},
    "replaced": {"nl": " — vervangt {refs}: hetzelfde bewijsstuk, nu met meer handtekeningen",
                 "en": " — replaces {refs}: the same credential, now with more signatures"},
    "already_kept": {"nl": " — staat al in je paspoort (met dezelfde of meer handtekeningen)",
                     "en": " — already in your passport (with the same or more signatures)"},
    "quarantined_one": {
        "nl": "1 bewijsstuk in quarantaine (ontvangen, maar niet toegevoegd): {path}. `skillspas passport show {path}` "
              "toont het; `skillspas passport add {path}{passport}` voegt het toe zodra het te controleren is (met "
              "--bundle BUNDEL als je paspoort de sleutels van de uitgever nog niet heeft).",
        "en": "1 credential in quarantine (received, not added): {path}. `skillspas passport show {path}` shows it; "
              "`skillspas passport add {path}{passport}` adds it once it can be checked (with --bundle BUNDLE if your "
              "passport lacks its issuer's keys).",
    },
    "quarantined": {
        "nl": "{n} bewijsstukken in quarantaine (ontvangen, maar niet toegevoegd) in {folder}. `skillspas passport show "
              "{path}` toont er een; `skillspas passport add {folder}/*.json{passport}` voegt ze toe zodra ze te "
              "controleren zijn (met --bundle BUNDEL als je paspoort de sleutels van de uitgever nog niet heeft).",
        "en": "{n} credentials in quarantine (received, not added) in {folder}. `skillspas passport show {path}` shows "
              "one; `skillspas passport add {folder}/*.json{passport}` adds them once they can be checked (with "
              "--bundle BUNDLE if your passport lacks their issuers' keys).",
    },
    "signed_by_holder": {"nl": " (ondertekend door de houder)", "en": " (signed by the holder)"},
    "wrote_qr": {"nl": "QR: {n} PNG-bestanden in {folder}", "en": "QR: {n} PNG files in {folder}"},
    "wrote_qr_one": {"nl": "QR: 1 PNG-bestand in {folder}", "en": "QR: 1 PNG file in {folder}"},
    "wrote_pdf": {"nl": "pdf: {path}", "en": "PDF: {path}"},
    "with_bridge": {"nl": " (met werk-naar-werk)", "en": " (with job to job)"},
    "wrote_openbadges": {"nl": "Open Badges 3.0: {n} JSON-bestanden in {folder}",
                         "en": "Open Badges 3.0: {n} JSON files in {folder}"},
    "wrote_openbadges_one": {"nl": "Open Badges 3.0: 1 JSON-bestand in {folder}", "en": "Open Badges 3.0: 1 JSON file in {folder}"},
    "signatures_valid": {"nl": "handtekeningen in orde", "en": "signatures valid"},
    "signatures_valid_one": {"nl": "handtekening in orde", "en": "signature valid"},
    "warn_added_other": {
        "nl": "LET OP: „{title}” staat op naam van {subject}, niet op jouw sleutel ({holder}): een werkgever ziet het als "
              "het bewijsstuk van een ander (holder_mismatch) als je het toont.",
        "en": "WARNING: “{title}” is bound to {subject}, not to your key ({holder}): an employer sees it as someone "
              "else's credential (holder_mismatch) if you show it.",
    },
    "warn_holder_mismatch": {
        "nl": "LET OP: „{title}” staat op naam van {subject}, maar de presentatie wordt ondertekend met de sleutel van "
              "{holder}. De controle van een werkgever faalt daarom (holder_mismatch): alleen wie het bewijsstuk op naam "
              "heeft, mag het tonen. Laat het weg, of onderteken met de sleutel van {subject} (--holder-key).",
        "en": "WARNING: “{title}” is bound to {subject}, but the presentation is signed with the key of {holder}. "
              "An employer's check will therefore fail (holder_mismatch): only the person a credential is bound to "
              "may present it. Leave it out, or sign with the key of {subject} (--holder-key).",
    },
    "warn_revoked": {
        "nl": "LET OP: „{title}” is ingetrokken door de uitgever. Een werkgever ziet het als niet geldig.",
        "en": "WARNING: “{title}” has been revoked by its issuer. An employer sees it as not valid.",
    },
    "warn_suspended": {
        "nl": "LET OP: „{title}” is geschorst door de uitgever. Een werkgever ziet het als niet geldig.",
        "en": "WARNING: “{title}” has been suspended by its issuer. An employer sees it as not valid.",
    },
    "warn_not_valid": {
        "nl": "LET OP: „{title}” is niet geldig ({code}: {reason}). Een werkgever ziet het als niet geldig.",
        "en": "WARNING: “{title}” is not valid ({code}: {reason}). An employer sees it as not valid.",
    },
    "given_twice": {
        "nl": "„{title}” is meer dan één keer gegeven; het telt één keer mee.",
        "en": "“{title}” was given more than once; it counts once.",
    },
    "warn_expired": {
        "nl": "LET OP: „{title}” is verlopen op {date}. Een werkgever ziet het als niet geldig.",
        "en": "WARNING: “{title}” expired on {date}. An employer sees it as not valid.",
    },
}


@dataclass(frozen=True)
class SkillView:
    """One skill a credential aligns to: its URI and the label the credential gives."""

    url: str
    label: str | None
    evidence: str | None = None
    """How the skill was established, in words (``evidenceKind``), when the credential says."""

    @property
    def code(self) -> str:
        """The short code a person can look up: the last path segment of the URI."""
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    @property
    def framework(self) -> str:
        """``ESCO``, ``CompetentNL`` or the URI's host."""
        if "data.europa.eu/esco/" in self.url:
            return "ESCO"
        if "competentnl.nl/" in self.url:
            return "CompetentNL"
        return self.url.split("://", 1)[-1].split("/", 1)[0]


@dataclass(frozen=True)
class CredentialView:
    """A credential's claims, flattened for display."""

    id: str | None
    title: str
    kind: str
    types: tuple[str, ...]
    issuer: str | None
    issuer_name: str | None
    subject_name: str | None
    valid_from: str | None
    """The dates as people read them in ``lang`` ("1 juli 2025"), as the facts' in ``details``; the signed values
    are the credential's own."""
    valid_until: str | None
    awarded: str | None
    description: str | None
    skills: tuple[SkillView, ...]
    signers: tuple[str, ...]
    details: tuple[tuple[str, str], ...] = ()
    """Type-specific facts as (words for the field, value): kwalificatie, werkprocessen, leerbedrijf, ..."""
    cosigners: tuple[str, ...] = ()
    """Signers other than the issuer, named where the credential names them (e.g. the leerbedrijf)."""
    several: str | None = None
    """For a credential with several subjects or achievements (``schemas.vc.several_of``: no subject name, title,
    facts or skills of theirs are read), the sentence that says so in ``lang``, as the verifier's pages say it."""


def _as_list(node: Any) -> list[Any]:
    return node if isinstance(node, list) else [] if node is None else [node]


def kind_label(types: tuple[str, ...] | list[str], lang: Lang = "nl") -> str:
    """The most specific kind of credential among ``types``, in words (from the catalogue)."""
    return catalogue.kind_label(types)[lang]


def _subject_name(subject: Any) -> str | None:
    name = text_of(subject, "name")
    if name:
        return name
    for identity in _as_list(subject.get("identifier") if isinstance(subject, dict) else None):
        if isinstance(identity, dict) and identity.get("identityType") == "name" and identity.get("hashed") is False:
            return text_of(identity, "identityHash")
    return None


def _date(value: str | None, lang: Lang) -> str | None:
    """``2025-07-01T00:00:00Z`` as people write it, "1 juli 2025" / "1 July 2025" (``human_date``, as the verifier
    and its pages write it); anything else as it is."""
    return human_date(value, lang) if value else value


def _label(alignment: dict[str, Any], lang: Lang, labels: Labels | None) -> str | None:
    """The vocabulary's label for a reader of ``lang`` when ``labels`` knows the skill (``vocabulary_labels``: another
    language's marked as such), else the credential's own."""
    own = text_of(alignment, "targetName")
    if labels is not None:
        return labels(alignment["targetUrl"], lang) or _line(own)
    return _line(own)


def _line(name: str | None) -> str | None:
    """A name or title on one line (``one_line``): a view is printed in a terminal, a PDF and under a QR code."""
    return one_line(name) if name else name


def describe(credential: dict[str, Any], lang: Lang = "nl", *, labels: Labels | None = None) -> CredentialView:
    """The claims of ``credential`` for a person, with ``lang`` (nl/en) words; ``labels`` looks up skill names."""
    types = tuple(t for t in _as_list(credential.get("type")) if isinstance(t, str))
    issuer = credential.get("issuer")
    subject = the_subject(credential)  # read once, handed on; none of several
    achievement = the_achievement(credential, subject)
    several = several_of(credential, subject)
    skills = tuple(
        SkillView(a["targetUrl"], _label(a, lang, labels), (catalogue.evidence_label(a.get("evidenceKind")) or {}).get(lang))
        for a in _as_list(achievement.get("alignment") if isinstance(achievement, dict) else None)
        if isinstance(a, dict) and isinstance(a.get("targetUrl"), str)
    )
    proofs = _as_list(credential.get("proof"))
    signers = tuple(dict.fromkeys(
        p["verificationMethod"].split("#", 1)[0] for p in proofs
        if isinstance(p, dict) and isinstance(p.get("verificationMethod"), str)
    ))
    title = _line(title_of(credential, achievement)) or TEXT["unknown"][lang]
    issuer_id = issuer if isinstance(issuer, str) else text_of(issuer, "id")
    names = {text_of(node, "id"): _line(text_of(node, "name")) for node in _as_list(subject.get("leerbedrijf") if isinstance(subject, dict) else None)}
    cosigners = tuple(f"{names[s]} ({s})" if names.get(s) else s for s in signers if s != issuer_id)
    return CredentialView(
        id=text_of(credential, "id"),
        title=title,
        kind=kind_label(types, lang),
        types=types,
        issuer=issuer_id,
        issuer_name=_line(issuer_name_of(credential)),
        subject_name=_line(_subject_name(subject)),
        valid_from=_date(text_of(credential, "validFrom"), lang),
        valid_until=_date(text_of(credential, "validUntil"), lang),
        awarded=_date(text_of(subject, "awardedDate") or text_of(credential, "awardedDate"), lang),
        description=text_of(achievement, "description") or text_of(credential, "description"),
        skills=skills,
        signers=signers,
        details=tuple((fact.label[lang], readable_dates(fact.text[lang], lang)) for fact in catalogue.facts(credential)),
        cosigners=cosigners,
        several=both(f"several_{several[0]}", n=several[1])[lang] if several else None,
    )


def vocabulary_labels() -> Labels:
    """Skill labels from the bundled vocabulary (ESCO, CompetentNL) for a reader of Dutch or English, as every page and
    command shows them (``schemas.vocab.shown_label``): an English ESCO label in Dutch output is "dispose waste
    (Engels)", never read as a Dutch name; ``None`` for a skill the vocabulary lacks."""
    from skillspas.schemas.vocab import SkillsVocabulary, shown_label

    vocabulary = SkillsVocabulary.bundled()

    def lookup(uri: str, lang: str) -> str | None:
        skill = vocabulary.get(uri)
        return shown_label(skill.labels, lang, uri) if skill is not None else None

    return lookup
