"""The one typed error tree of skillspas, with stable error codes.

::

    SkillspasError (.code, .message, .path)
    ├── UnusableInput      exit 2  "could not be checked"
    │     malformed_json, too_large, too_deep, unknown_context, undefined_term,
    │     schema_invalid, unsupported_cryptosuite, resource_limit, qr_unreadable, qr_too_large, pdf_unreadable,
    │     qr_unknown_dictionary, qr_incomplete, qr_mixed_set, qr_duplicate_part, exchange_failed
    ├── InvalidCredential  exit 1  "checked, and not valid"
    │     invalid_proof, invalid_signature, wrong_proof_purpose, key_not_authorized, key_revoked,
    │     unresolvable_key, untrusted_issuer, not_yet_valid, expired, revoked, suspended,
    │     status_unavailable, challenge_mismatch, domain_mismatch, holder_mismatch, multiple_subjects,
    │     holder_not_proven (a warning only)
    ├── IssuanceRefused    issuer side: issuer_mismatch, unknown_skill, forbidden_field, signer_failed
    └── KeystoreError      wrong_passphrase, key_not_found, insecure_permissions, invalid_key_file, key_exists

Each code's kind is declared once, in ``ErrorCode``; the exit code and HTTP status derive from it.
Programmer errors (wrong types, unknown suite names at sign time) are ``TypeError``/``ValueError``.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = [
    "ErrorCode",
    "ErrorKind",
    "SkillspasError",
    "UnusableInput",
    "InvalidCredential",
    "IssuanceRefused",
    "KeystoreError",
    "error_for",
]


class ErrorKind(enum.Enum):
    UNUSABLE = "unusable"
    INVALID = "invalid"
    ISSUANCE = "issuance"
    KEYSTORE = "keystore"


class ErrorCode(enum.StrEnum):
    """Stable snake_case codes that integrators match on (DESIGN.md, "Contracts")."""

    # 2: unusable or unsupported input
    MALFORMED_JSON = "malformed_json"
    TOO_LARGE = "too_large"
    TOO_DEEP = "too_deep"
    UNKNOWN_CONTEXT = "unknown_context"
    UNDEFINED_TERM = "undefined_term"
    SCHEMA_INVALID = "schema_invalid"
    UNSUPPORTED_CRYPTOSUITE = "unsupported_cryptosuite"
    RESOURCE_LIMIT = "resource_limit"
    QR_UNREADABLE = "qr_unreadable"
    QR_TOO_LARGE = "qr_too_large"
    PDF_UNREADABLE = "pdf_unreadable"
    """A PDF given to the verifier is corrupt, encrypted or not a PDF (``verifier/pdf.py``)."""
    QR_UNKNOWN_DICTIONARY = "qr_unknown_dictionary"
    QR_INCOMPLETE = "qr_incomplete"
    """A part of a numbered set of QR codes was read, and not all of the set's parts (``verifier/qr/parts.py``)."""
    QR_MIXED_SET = "qr_mixed_set"
    """The parts read belong to different sets of QR codes, or do not join into the set they name."""
    QR_DUPLICATE_PART = "qr_duplicate_part"
    """Two different codes claim to be the same part of a set."""
    REDEFINED_TERM = "redefined_term"
    """An inline context redefines or aliases a term or keyword that a bundled context defines."""
    INLINE_CONTEXT_REFUSED = "inline_context_refused"
    """An inline context uses a feature that can change what a signed document means (@vocab, @base, ...)."""
    # 1: checked and not valid
    INVALID_PROOF = "invalid_proof"
    INVALID_SIGNATURE = "invalid_signature"
    WRONG_PROOF_PURPOSE = "wrong_proof_purpose"
    KEY_NOT_AUTHORIZED = "key_not_authorized"
    KEY_REVOKED = "key_revoked"
    """The key was revoked (compromised) in its DID document before the proof was created."""
    UNRESOLVABLE_KEY = "unresolvable_key"
    UNTRUSTED_ISSUER = "untrusted_issuer"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    STATUS_UNAVAILABLE = "status_unavailable"
    CHALLENGE_MISMATCH = "challenge_mismatch"
    DOMAIN_MISMATCH = "domain_mismatch"
    HOLDER_MISMATCH = "holder_mismatch"
    """A presentation's holder proof is by another DID than the ``credentialSubject.id`` of its credentials."""
    MULTIPLE_SUBJECTS = "multiple_subjects"
    """A presentation's credentials name more than one person (``verifier/persons.py``)."""
    HOLDER_NOT_PROVEN = "holder_not_proven"
    """Only a warning (exit 0): nothing proves that whoever shows the presentation is the person it names."""
    # issuer side
    ISSUER_MISMATCH = "issuer_mismatch"
    UNKNOWN_SKILL = "unknown_skill"
    NOT_IN_REGISTER = "not_in_register"
    MISSING_LEARNING_OUTCOMES = "missing_learning_outcomes"
    FORBIDDEN_FIELD = "forbidden_field"
    SIGNER_FAILED = "signer_failed"
    # keystore
    WRONG_PASSPHRASE = "wrong_passphrase"
    KEY_NOT_FOUND = "key_not_found"
    INSECURE_PERMISSIONS = "insecure_permissions"
    INVALID_KEY_FILE = "invalid_key_file"
    KEY_EXISTS = "key_exists"
    # the one network step of the wallet: claiming a credential from an issuer's exchange URL
    EXCHANGE_FAILED = "exchange_failed"

    @property
    def kind(self) -> ErrorKind:
        return _KINDS[self]

    @property
    def exit_code(self) -> int:
        """0 valid, 1 checked and not valid, 2 unusable input (DESIGN.md exit-code table)."""
        return 1 if self.kind is ErrorKind.INVALID else 2

    @property
    def http_status(self) -> int:
        return 422 if self.kind is ErrorKind.INVALID else 400


_UNUSABLE = {
    "malformed_json", "too_large", "too_deep", "unknown_context", "undefined_term",
    "schema_invalid", "unsupported_cryptosuite", "resource_limit", "qr_unreadable", "qr_too_large",
    "qr_unknown_dictionary", "qr_incomplete", "qr_mixed_set", "qr_duplicate_part", "redefined_term", "inline_context_refused", "pdf_unreadable", "exchange_failed",
}
_ISSUANCE = {
    "issuer_mismatch", "unknown_skill", "not_in_register", "missing_learning_outcomes", "forbidden_field", "signer_failed",
}
_KEYSTORE = {"wrong_passphrase", "key_not_found", "insecure_permissions", "invalid_key_file", "key_exists"}
_KINDS = {
    code: (
        ErrorKind.UNUSABLE if code.value in _UNUSABLE
        else ErrorKind.ISSUANCE if code.value in _ISSUANCE
        else ErrorKind.KEYSTORE if code.value in _KEYSTORE
        else ErrorKind.INVALID
    )
    for code in ErrorCode
}


class SkillspasError(Exception):
    """Base of every coded error. ``message`` is English; ``messages.text(code, lang)`` has nl/en."""

    def __init__(self, code: ErrorCode, message: str, path: str | None = None) -> None:
        if not isinstance(code, ErrorCode):
            raise TypeError("code must be an ErrorCode")
        super().__init__(f"{code.value}: {message}" + (f" (at {path})" if path else ""))
        self.code = code
        self.message = message
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as (code, message, path) plus any attributes (e.g. nl/en ``messages``), so a coded
        error raised in a worker process reaches the parent as the same error."""
        return type(self), (self.code, self.message, self.path), dict(self.__dict__)


class UnusableInput(SkillspasError):
    """The input could not be checked (exit 2)."""


class InvalidCredential(SkillspasError):
    """The input was checked and is not valid (exit 1)."""


class IssuanceRefused(SkillspasError):
    """The issuer refuses to sign this document."""


class KeystoreError(SkillspasError):
    """A key could not be loaded or stored."""


_CLASSES: dict[ErrorKind, type[SkillspasError]] = {
    ErrorKind.UNUSABLE: UnusableInput,
    ErrorKind.INVALID: InvalidCredential,
    ErrorKind.ISSUANCE: IssuanceRefused,
    ErrorKind.KEYSTORE: KeystoreError,
}


def error_for(code: ErrorCode, message: str, path: str | None = None) -> SkillspasError:
    """Build the error of the right class for ``code``: ``raise error_for(ErrorCode.X, "...")``."""
    return _CLASSES[code.kind](code, message, path)
