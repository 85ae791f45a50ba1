"""The verification result: typed, frozen, and unable to disagree with its parts."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from skillspas.schemas.catalogue import Fact
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.schemas.messages import text
from skillspas.verifier.persons import Person

__all__ = ["CANNOT_BE_CHECKED", "Check", "Problem", "ProofResult", "SkillSummary", "CredentialSummary", "VerificationResult"]


CANNOT_BE_CHECKED = frozenset({ErrorCode.UNRESOLVABLE_KEY, ErrorCode.UNTRUSTED_ISSUER})
"""Exit-1 codes that say "this verifier cannot vouch for it" (no key, no trust material for the issuer),
not "it is false": shown in the neutral colour of every exit-2 code, in the words of their own exit code ("niet
bevestigd", ``page.texts.heading_for``), never as the red of a forgery."""

_HOLDER_CHECKS = frozenset({"key", "proof", "purpose", "holder"})
"""The pipeline's checks of a presentation that bind it to its holder (its own proof, and the holder as subject)."""


@dataclass(frozen=True)
class Check:
    """One pipeline step that ran."""

    check: str
    ok: bool
    code: ErrorCode | None = None
    message: str = ""


@dataclass(frozen=True)
class Problem:
    """One error or warning: a stable code, a message, and a JSON pointer into the input."""

    code: ErrorCode
    message: str
    path: str | None = None
    message_nl: str | None = field(default=None, compare=False)
    """The message in Dutch, when the error has its own Dutch sentence (``SkillspasError.message_nl``)."""

    @classmethod
    def of(cls, error: SkillspasError) -> Problem:
        """The problem a coded error describes: its code, message, path and Dutch sentence."""
        return cls(error.code, error.message, error.path, error.message_nl)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``: Dutch when there is a Dutch sentence, else the English ``message``."""
        return self.message_nl if lang == "nl" and self.message_nl is not None else self.message

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code.value, "message": self.message, "path": self.path}


@dataclass(frozen=True)
class ProofResult:
    """One proof of a proof set or chain: who signed, and whether it verified."""

    verification_method: str | None
    cryptosuite: str | None
    proof_purpose: str | None
    controller: str | None
    ok: bool
    code: ErrorCode | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "verificationMethod": self.verification_method,
            "cryptosuite": self.cryptosuite,
            "proofPurpose": self.proof_purpose,
            "controller": self.controller,
            "verified": self.ok,
            "code": self.code.value if self.code else None,
        }


@dataclass(frozen=True)
class SkillSummary:
    """A skill a verified credential aligns to."""

    url: str
    name: str | None
    evidence: str | None = None
    """How the credential says the skill was established (``evidenceKind``: exam, evc, practice, course,
    kwalificatieLink); ``None`` for a credential that does not say (skillspas/v1, other badges)."""


_UNIT = " — "
"""Between an issuer's name and its unit in ``issuer.name`` (``issuer/credentials/_achievement.py``)."""


def _plain(name: str) -> str:
    """A name as compared: canonically composed (NFC: "é" is one letter whether it was typed as one or as "e" and an
    accent, as on a Mac), case and spacing aside."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


@dataclass(frozen=True)
class CredentialSummary:
    """What a verified credential says, for a person (filled only after the proof holds)."""

    issuer: str | None
    issuer_name: str | None
    types: tuple[str, ...]
    subject_name: str | None
    name: str | None
    valid_from: str | None
    valid_until: str | None
    skills: tuple[SkillSummary, ...] = ()
    signers: tuple[str, ...] = ()
    """Controllers of the verified proofs: the issuer, and co-signers such as a leerbedrijf."""
    claimed_issuer_name: str | None = None
    """The ``issuer.name`` the credential states: shown next to ``issuer_name`` (the trust list's), never instead."""
    facts: tuple[Fact, ...] = ()
    """What the credential proves, per the catalogue of types (kwalificatie, werkprocessen, leerbedrijf, ...)."""

    @property
    def issuer_name_differs(self) -> bool:
        """Whether the credential names its issuer otherwise than the trust list does.

        Case, spacing and canonical composition (NFC) aside; a unit after the listed name is the same issuer (the builders write
        "ROC Voorbeeldstad — Examencommissie Horeca" for a diploma of that ROC's examencommissie)."""
        if not self.issuer_name or not self.claimed_issuer_name:
            return False
        listed, claimed = _plain(self.issuer_name), _plain(self.claimed_issuer_name)
        return claimed != listed and not claimed.startswith(listed + _UNIT)
    data_model: str = "2.0"
    """The VC Data Model the credential uses: "2.0", or "1.1" (``validFrom``/``validUntil`` then hold its
    ``issuanceDate``/``expirationDate``)."""
    several: tuple[str, int] | None = None
    """``("subjects", n)`` or ``("achievements", n)`` for a credential with several where a person reads one
    (``schemas.vc.several_of``): then no ``subject_name`` (of several subjects), no ``skills``, no facts of theirs,
    and a title only from the credential's own ``name``; every display says so (``page.view.several_warning``)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "issuerName": self.issuer_name,
            "claimedIssuerName": self.claimed_issuer_name,
            "type": list(self.types),
            "name": self.name,
            "subjectName": self.subject_name,
            "validFrom": self.valid_from,
            "validUntil": self.valid_until,
            "skills": [{"url": s.url, "name": s.name, "evidenceKind": s.evidence} for s in self.skills],
            "signers": list(self.signers),
            "dataModel": self.data_model,
            "facts": [fact.to_json() for fact in self.facts],
            "several": None if self.several is None else {"of": self.several[0], "count": self.several[1]},
        }


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of verifying one credential or presentation. Truthy only when verified."""

    checks: tuple[Check, ...] = ()
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    proofs: tuple[ProofResult, ...] = ()
    credentials: tuple["VerificationResult", ...] = ()
    summary: CredentialSummary | None = None
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    persons: tuple[Person, ...] = ()
    """A presentation's credentials grouped per person (``verifier/persons.py``); empty for a credential. None of
    them is ``counted`` when the holder binding failed (``holder_failed``)."""
    holder: str | None = None
    """The DID whose holder proof on the presentation verified, if any."""
    about: CredentialSummary | None = None
    """Of a genuine credential from a trusted issuer that failed only its dates or status (expired, revoked,
    suspended): what it is and who issued it, so the verdict can name them. Never counted as a fact."""
    left_out: tuple[int, ...] = ()
    """Of a presentation that holds one credential more than once (``schemas.vc.repeated``): the positions (from 0) in
    its ``verifiableCredential`` of the copies, left out: each credential is checked and shown once, at its first
    place, and ``credentials`` holds the others in their order (``presented``), with the warning
    ``duplicate_credential``."""

    def input_position(self, index: int) -> int:
        """The position in the input's ``verifiableCredential`` of ``credentials[index]`` (the copies left out)."""
        for position in sorted(self.left_out):
            if position <= index:
                index += 1
        return index

    def presented(self, inner: list[Any]) -> list[Any]:
        """The input's credentials (``inner``: its ``verifiableCredential`` as written) as ``credentials`` holds their
        results: without the copies left out, so position ``i`` of one is position ``i`` of the other."""
        return [item for position, item in enumerate(inner) if position not in self.left_out]

    @property
    def counted_credentials(self) -> tuple[int, ...] | None:
        """Positions of the credentials of the person that counts; ``()`` when nobody counts (the holder binding
        failed: ``holder_failed``); ``None`` when there is no grouping."""
        return next((p.credentials for p in self.persons if p.counted), ()) if self.persons else None

    @property
    def verified(self) -> bool:
        """No errors, every check ok, every proof and every embedded credential verified."""
        return (
            not self.errors
            and bool(self.checks)
            and all(c.ok for c in self.checks)
            and all(p.ok for p in self.proofs)
            and all(c.verified for c in self.credentials)
        )

    def __bool__(self) -> bool:
        return self.verified

    @property
    def first_error(self) -> Problem | None:
        """The error that decides the verdict (the first failing check), if any; a presentation's credential's
        with its path from the presentation (``/verifiableCredential/3/proof``)."""
        if self.errors:
            return self.errors[0]
        for index, credential in enumerate(self.credentials):
            problem = credential.first_error
            if problem is not None:
                inner = "" if problem.path in (None, "", "/") else problem.path
                return replace(problem, path=f"/verifiableCredential/{self.input_position(index)}{inner}")
        return None

    @property
    def cannot_be_checked(self) -> bool:
        """Not verified because it could not be checked here (unusable input, no key, issuer not trusted),
        rather than shown false: the neutral verdict, never the red of a forgery."""
        problem = self.first_error
        return problem is not None and (problem.code.exit_code == 2 or problem.code in CANNOT_BE_CHECKED)

    @property
    def holder_failed(self) -> Problem | None:
        """Of a presentation whose holder binding failed, the problem that decided it: its holder proof did not hold
        (signature, key, purpose, challenge, domain) or its holder is not its credentials' subject. Its credentials,
        however genuine, are then not shown to belong to the person who shows them. ``None`` otherwise (a credential,
        a presentation without holder proof, or one whose holder proof holds)."""
        failed = {check.check for check in self.checks if not check.ok}
        if not self.credentials or not self.errors or not failed & _HOLDER_CHECKS:
            return None
        return self.errors[0]

    @property
    def all_warnings(self) -> list[Problem]:
        """The warnings of this result and of every credential inside it."""
        return [*self.warnings, *(w for c in self.credentials for w in c.all_warnings)]

    @property
    def verdict(self) -> str:
        """``valid`` (green), ``warning`` (orange), ``invalid`` (red: checked and false) or ``unusable``
        (neutral: cannot be checked here, e.g. no key or trust material; ``cannot_be_checked``): the
        verifier page's and the phone page's colour."""
        if self.verified:
            return "warning" if self.all_warnings else "valid"
        return "unusable" if self.cannot_be_checked else "invalid"

    @property
    def exit_code(self) -> int:
        """0 valid, 1 checked and not valid, 2 unusable input."""
        problem = self.first_error
        if problem is None:
            return 0 if self.verified else 1
        return problem.code.exit_code

    def raise_for_errors(self) -> None:
        """Raise the deciding problem as its typed ``SkillspasError``; do nothing when verified."""
        problem = self.first_error
        if problem is not None:
            raise error_for(problem.code, problem.message, problem.path, nl=problem.message_nl)
        if not self.verified:
            raise error_for(ErrorCode.INVALID_PROOF, "not verified")

    def message(self, lang: str = "en") -> str:
        """One sentence for a person, in Dutch ("nl") or English ("en")."""
        problem = self.first_error
        if problem is None:
            return "Echt en geldig." if lang == "nl" else "Genuine and valid."
        return text(problem.code, lang)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of DESIGN.md ("Verification result")."""
        return {
            "verified": self.verified,
            "warnings": [w.to_json() for w in self.warnings],
            "proofs": [p.to_json() for p in self.proofs],
            "checks": [
                {"check": c.check, "ok": c.ok, "code": c.code.value if c.code else None, "message": c.message}
                for c in self.checks
            ],
            "errors": [e.to_json() for e in self.errors],
            # each with its place in the input's verifiableCredential (from 0; the numbering of every error's path),
            # which skips the copies left out (``leftOut``): the list's own index does not
            "credentials": [c.to_json() | {"position": self.input_position(i)} for i, c in enumerate(self.credentials)],
            "leftOut": list(self.left_out),
            "summary": self.summary.to_json() if self.summary else None,
            "holder": self.holder,
            "about": None if self.about is None else {
                "name": self.about.name, "type": list(self.about.types),
                "issuer": self.about.issuer, "issuerName": self.about.issuer_name,
            },
            "persons": [p.to_json() for p in self.persons],
            "checkedAt": self.checked_at.isoformat().replace("+00:00", "Z"),
        }
