"""The one typed error tree of skillspas, with stable error codes.

::

    SkillspasError (.code, .message, .path, .text(lang))
    ├── UnusableInput      exit 2, HTTP 400  "could not be checked"
    ├── InvalidCredential  exit 1, HTTP 422  "checked, and not valid"
    ├── IssuanceRefused    exit 2, HTTP 400  the issuer refuses to sign this document
    ├── KeystoreError      exit 2, HTTP 503  a key could not be loaded or stored
    └── ServiceRefused     exit 2, HTTP 400 unless the code says 401/403/404/405/408/409/410/421/500/503:
                           the issuer service's own refusals (API keys, roles, stored credentials)

Every ``ErrorCode`` member is declared with its ``ErrorKind`` (a member without one fails at import);
the exit code and HTTP status derive from the kind. Dutch and English text for every code is in
``schemas/messages.py``; an error may carry its own sentence in both languages (``message_nl``).
Programmer errors (wrong types, unknown suite names at sign time) are ``TypeError``/``ValueError``.

Usage::

    raise error_for(ErrorCode.SCHEMA_INVALID, "the name is missing", "/name", nl="De naam ontbreekt.")
    exc.text("nl"), exc.code.exit_code, exc.code.http_status
    f"no skill {shown(uri, quoted=True)}"   # a value from outside in a message: 'http://…', at most 100 characters
"""

from __future__ import annotations

import enum
import errno
import os
from typing import Any

__all__ = [
    "ErrorCode",
    "ErrorKind",
    "SkillspasError",
    "UnusableInput",
    "InvalidCredential",
    "IssuanceRefused",
    "KeystoreError",
    "ServiceRefused",
    "error_for",
    "localized_error",
    "in_english_only",
    "file_error",
    "shown",
]


class ErrorKind(enum.Enum):
    """What kind of refusal a code is; each kind has one exit code and one HTTP status."""

    UNUSABLE = ("unusable", 2, 400)
    INVALID = ("invalid", 1, 422)
    ISSUANCE = ("issuance", 2, 400)
    KEYSTORE = ("keystore", 2, 503)
    """A key the service cannot use is the service's failure, not the caller's: 503."""
    SERVICE = ("service", 2, 400)

    def __init__(self, label: str, exit_code: int, http_status: int) -> None:
        self.label = label
        self.exit_code = exit_code
        """0 valid, 1 checked and not valid, 2 unusable input or refused (DESIGN.md exit-code table)."""
        self.http_status = http_status


class ErrorCode(enum.StrEnum):
    """Stable snake_case codes that integrators match on (DESIGN.md, "Contracts"), each with its kind."""

    kind: ErrorKind
    _status: int | None

    def __new__(cls, value: str, kind: ErrorKind, http_status: int | None = None) -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.kind = kind
        member._status = http_status
        return member

    # 2: unusable or unsupported input
    MALFORMED_JSON = "malformed_json", ErrorKind.UNUSABLE
    TOO_LARGE = "too_large", ErrorKind.UNUSABLE
    TOO_DEEP = "too_deep", ErrorKind.UNUSABLE
    UNKNOWN_CONTEXT = "unknown_context", ErrorKind.UNUSABLE
    UNDEFINED_TERM = "undefined_term", ErrorKind.UNUSABLE
    SCHEMA_INVALID = "schema_invalid", ErrorKind.UNUSABLE
    UNSUPPORTED_CRYPTOSUITE = "unsupported_cryptosuite", ErrorKind.UNUSABLE
    RESOURCE_LIMIT = "resource_limit", ErrorKind.UNUSABLE
    QR_UNREADABLE = "qr_unreadable", ErrorKind.UNUSABLE
    QR_TOO_LARGE = "qr_too_large", ErrorKind.UNUSABLE
    PDF_UNREADABLE = "pdf_unreadable", ErrorKind.UNUSABLE
    """A PDF given to the verifier is corrupt, encrypted or not a PDF (``verifier/pdf.py``)."""
    QR_UNKNOWN_DICTIONARY = "qr_unknown_dictionary", ErrorKind.UNUSABLE
    QR_INCOMPLETE = "qr_incomplete", ErrorKind.UNUSABLE
    """A part of a numbered set of QR codes was read, and not all of the set's parts (``verifier/qr/parts.py``)."""
    QR_MIXED_SET = "qr_mixed_set", ErrorKind.UNUSABLE
    """The parts read belong to different sets of QR codes, or do not join into the set they name."""
    QR_DUPLICATE_PART = "qr_duplicate_part", ErrorKind.UNUSABLE
    """Two different codes claim to be the same part of a set."""
    REDEFINED_TERM = "redefined_term", ErrorKind.UNUSABLE
    """An inline context redefines or aliases a term or keyword that a bundled context defines."""
    INLINE_CONTEXT_REFUSED = "inline_context_refused", ErrorKind.UNUSABLE
    """An inline context uses a feature that can change what a signed document means (@vocab, @base, ...)."""
    EXCHANGE_FAILED = "exchange_failed", ErrorKind.UNUSABLE
    """The one network step of the wallet: claiming a credential from an issuer's exchange URL."""
    INVALID_OPTION = "invalid_option", ErrorKind.UNUSABLE
    """A command was given an option it cannot use (missing, unknown, or not with another option)."""
    FILE_ERROR = "file_error", ErrorKind.UNUSABLE
    """A command could not read, write or remove a file or folder it was asked to (not a JSON problem)."""
    NOT_INSTALLED = "not_installed", ErrorKind.UNUSABLE
    """A part the command needs is not installed (an optional package, the browser runtime)."""
    STATUS_LIST_REFUSED = "status_list_refused", ErrorKind.UNUSABLE
    """A status list of a bundle being merged (``Bundle.merged``: ``passport add/claim --bundle``, a claim's
    ``/bundle``, ``bundle create --bundle``) does not verify as its issuer's, or is another issuer's than the list it
    would replace: it is not taken, and nothing is merged."""
    DID_DOCUMENT_KEPT = "did_document_kept", ErrorKind.UNUSABLE
    """Only a warning (the command goes on): a bundle the worker named holds another DID document than the passport's
    for a DID; the passport's is kept (an older document could bring back a dropped key) unless
    ``--replace-did-documents``."""
    # 1: checked and not valid
    INVALID_PROOF = "invalid_proof", ErrorKind.INVALID
    INVALID_SIGNATURE = "invalid_signature", ErrorKind.INVALID
    WRONG_PROOF_PURPOSE = "wrong_proof_purpose", ErrorKind.INVALID
    KEY_NOT_AUTHORIZED = "key_not_authorized", ErrorKind.INVALID
    KEY_REVOKED = "key_revoked", ErrorKind.INVALID
    """The key was revoked (compromised) in its DID document before the proof was created."""
    UNRESOLVABLE_KEY = "unresolvable_key", ErrorKind.INVALID
    UNTRUSTED_ISSUER = "untrusted_issuer", ErrorKind.INVALID
    NOT_YET_VALID = "not_yet_valid", ErrorKind.INVALID
    EXPIRED = "expired", ErrorKind.INVALID
    REVOKED = "revoked", ErrorKind.INVALID
    SUSPENDED = "suspended", ErrorKind.INVALID
    STATUS_UNAVAILABLE = "status_unavailable", ErrorKind.INVALID
    CHALLENGE_MISMATCH = "challenge_mismatch", ErrorKind.INVALID
    DOMAIN_MISMATCH = "domain_mismatch", ErrorKind.INVALID
    HOLDER_MISMATCH = "holder_mismatch", ErrorKind.INVALID
    """A presentation's holder proof is by another DID than the ``credentialSubject.id`` of its credentials."""
    MULTIPLE_SUBJECTS = "multiple_subjects", ErrorKind.INVALID
    """A presentation's credentials name more than one person (``verifier/persons.py``)."""
    HOLDER_NOT_PROVEN = "holder_not_proven", ErrorKind.INVALID
    """Only a warning (exit 0): nothing proves that whoever shows the presentation is the person it names."""
    TRUST_LIST_NOT_PINNED = "trust_list_not_pinned", ErrorKind.INVALID
    """Only a warning (exit 0): the issuer is trusted by a bundle's trust list that no ``--trust-anchor`` pinned, so
    the list vouches for itself: it is only as trustworthy as the bundle file (DESIGN.md threat 8)."""
    DUPLICATE_CREDENTIAL = "duplicate_credential", ErrorKind.INVALID
    """Only a warning (exit 0): one credential was given more than once (``schemas.vc.repeated``); it is checked and
    shown once, its copies left out."""
    BATCH_INVALID = "batch_invalid", ErrorKind.INVALID, 400
    """Rows of a batch were checked and some are not valid; nothing was issued (a request the service refuses: 400)."""
    # issuer side
    ISSUER_MISMATCH = "issuer_mismatch", ErrorKind.ISSUANCE
    UNKNOWN_SKILL = "unknown_skill", ErrorKind.ISSUANCE
    NOT_IN_REGISTER = "not_in_register", ErrorKind.ISSUANCE
    MISSING_LEARNING_OUTCOMES = "missing_learning_outcomes", ErrorKind.ISSUANCE
    FORBIDDEN_FIELD = "forbidden_field", ErrorKind.ISSUANCE
    ROW_CHANGED = "row_changed", ErrorKind.ISSUANCE
    """A batch row whose key was issued before says otherwise now: that credential stands, never taken as this row."""
    SIGNER_FAILED = "signer_failed", ErrorKind.ISSUANCE, 503
    """An HSM or key that cannot sign is the service's failure: 503 like a keystore error."""
    # keystore
    WRONG_PASSPHRASE = "wrong_passphrase", ErrorKind.KEYSTORE
    KEY_NOT_FOUND = "key_not_found", ErrorKind.KEYSTORE
    INSECURE_PERMISSIONS = "insecure_permissions", ErrorKind.KEYSTORE
    INVALID_KEY_FILE = "invalid_key_file", ErrorKind.KEYSTORE
    KEY_EXISTS = "key_exists", ErrorKind.KEYSTORE
    # the issuer service and its commands: API keys, roles, stored credentials
    UNAUTHORIZED = "unauthorized", ErrorKind.SERVICE, 401
    FORBIDDEN = "forbidden", ErrorKind.SERVICE, 403
    TYPE_NOT_ALLOWED = "type_not_allowed", ErrorKind.SERVICE, 403
    NOT_FOUND = "not_found", ErrorKind.SERVICE, 404
    DUPLICATE_ID = "duplicate_id", ErrorKind.SERVICE
    INVALID_STATUS_CHANGE = "invalid_status_change", ErrorKind.SERVICE
    NO_STATUS = "no_status", ErrorKind.SERVICE
    PUBLIC_URL_REQUIRED = "public_url_required", ErrorKind.SERVICE, 500
    """The service is set up wrongly, not the request (``serve`` refuses to start)."""
    AMBIGUOUS = "ambiguous", ErrorKind.SERVICE
    REQUEST_TIMEOUT = "request_timeout", ErrorKind.SERVICE, 408
    METHOD_NOT_ALLOWED = "method_not_allowed", ErrorKind.SERVICE, 405
    MISDIRECTED_REQUEST = "misdirected_request", ErrorKind.SERVICE, 421
    """A Host header the verifier page does not answer (it answers this machine's names only)."""
    STARTUP_FAILED = "startup_failed", ErrorKind.SERVICE, 500
    """``serve`` or ``verifier`` could not start: the application's startup failed (uvicorn logged why) and nothing
    was served (``verifier.page.listen.run_on``)."""
    DATABASE_UNAVAILABLE = "database_unavailable", ErrorKind.SERVICE, 503
    """The issuer's database cannot be reached (a server that is down, a wrong host or port, a folder SQLite cannot write)."""
    OFFER_USED = "offer_used", ErrorKind.SERVICE, 409
    OFFER_EXPIRED = "offer_expired", ErrorKind.SERVICE, 410
    DID_METHOD_UNSUPPORTED = "did_method_unsupported", ErrorKind.SERVICE

    @property
    def exit_code(self) -> int:
        """0 valid, 1 checked and not valid, 2 unusable input or refused (DESIGN.md exit-code table)."""
        return self.kind.exit_code

    @property
    def http_status(self) -> int:
        """The kind's status (400/422/503), or the service code's own (401, 403, 404, 405, 408, 409, 410, 421, 500, 503)."""
        return self._status or self.kind.http_status


class SkillspasError(Exception):
    """Base of every coded error. ``message`` is English (the code's text when not given);
    ``text(lang)`` has nl/en: the error's own Dutch sentence, else the code's (``schemas/messages.py``)."""

    def __init__(self, code: ErrorCode, message: str | None = None, path: str | None = None, *,
                 message_nl: str | None = None) -> None:
        if not isinstance(code, ErrorCode):
            raise TypeError("code must be an ErrorCode")
        if message is None:
            message = _code_text(code, "en")
        super().__init__(f"{code.value}: {message}" + (f" (at {path})" if path else ""))
        self.code = code
        self.message = message
        self.path = path
        self.message_nl = message_nl

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ("nl" or "en")."""
        if lang != "nl":
            return self.message
        return self.message_nl if self.message_nl is not None else _code_text(self.code, "nl")

    def details(self, lang: str = "en") -> list[str]:
        """Lines a person needs besides the message (a batch's bad rows); none by default."""
        return []

    @property
    def http_status(self) -> int:
        """The HTTP status derived from the code."""
        return self.code.http_status

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as (code, message, path) plus any attributes (e.g. ``message_nl``), so a coded
        error raised in a worker process reaches the parent as the same error."""
        return type(self), (self.code, self.message, self.path), dict(self.__dict__)


def _code_text(code: ErrorCode, lang: str) -> str:
    from skillspas.schemas.messages import text  # messages.py imports this module

    return text(code, lang)


class UnusableInput(SkillspasError):
    """The input could not be checked (exit 2)."""


class InvalidCredential(SkillspasError):
    """The input was checked and is not valid (exit 1)."""


class IssuanceRefused(SkillspasError):
    """The issuer refuses to sign this document."""


class KeystoreError(SkillspasError):
    """A key could not be loaded or stored."""


class ServiceRefused(SkillspasError):
    """A refusal by the issuer service or its commands (access, unknown ids, status changes)."""


_CLASSES: dict[ErrorKind, type[SkillspasError]] = {
    ErrorKind.UNUSABLE: UnusableInput,
    ErrorKind.INVALID: InvalidCredential,
    ErrorKind.ISSUANCE: IssuanceRefused,
    ErrorKind.KEYSTORE: KeystoreError,
    ErrorKind.SERVICE: ServiceRefused,
}


def error_for(code: ErrorCode, message: str | None = None, path: str | None = None, *,
              nl: str | None = None) -> SkillspasError:
    """Build the error of the right class for ``code``: ``raise error_for(ErrorCode.X, "...")``.
    ``message`` is English (the code's own text when left out); ``nl`` its Dutch sentence."""
    return _CLASSES[code.kind](code, message, path, message_nl=nl)


def localized_error(code: ErrorCode, *, nl: str, en: str, path: str | None = None) -> SkillspasError:
    """``error_for`` with the message in both languages."""
    return error_for(code, en, path, nl=nl)


def in_english_only(code: ErrorCode, message: str) -> SkillspasError:
    """``error_for`` for a detail that exists in English only (a library's ``ValueError`` a command did not foresee):
    its Dutch text is the code's sentence and says that the detail follows in English, so that a Dutch reader is not
    left with a general sentence and English under it unexplained. A refusal a person can meet gets its own Dutch."""
    return error_for(code, message, nl=f"{_code_text(code, 'nl')} De toelichting volgt hieronder, in het Engels.")


def shown(value: object, limit: int = 100, *, quoted: bool = False) -> str:
    """A value for a message (often from outside: a term, IRI, URL, name, field or DID), at most ``limit``
    characters of it and then "…" when it is longer, so a reader sees it was cut and no value floods a message.

    A string is shown as it is, or with ``quoted`` in quotes (its repr: control characters escaped); anything
    else as its repr, which tells what it is (``None``, ``3``, ``['a']``; str() would show the number 3 and the
    text "3" alike). Write ``quoted=True`` rather than ``!r`` on the result, which would quote a non-string too.
    """
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return repr(text) if quoted and isinstance(value, str) else text


_FILE_VERBS: dict[str, str] = {"read": "lezen", "write": "schrijven", "remove": "verwijderen", "use": "gebruiken"}

NOT_A_REGULAR_FILE = "it exists and is not a regular file"
"""The reason of the ``OSError`` a file writer raises rather than replace a folder, device or pipe (``schemas.files``)."""
NOT_A_FOLDER = "it is not a folder"
"""The reason of the ``OSError`` for a file (or anything else) given where a folder is read (``--dids``)."""
NOT_FOLLOWED = "it is a link, which is not followed here"
"""The reason of the ``OSError`` for a link found where skillspas reads back or writes into what it made itself (a
batch's files, a cache file): it may point anywhere, out of the folder too (``schemas.jsonio.read_back``)."""

_REASONS_NL: dict[int | str, str] = {
    errno.ENOENT: "het bestand of de map bestaat niet",
    errno.EACCES: "geen toestemming",
    errno.EPERM: "dit mag niet",
    errno.EISDIR: "dit is een map, geen bestand",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quotum) is op",
    errno.EROFS: "de schijf is alleen-lezen",
    errno.EEXIST: "het bestand bestaat al",
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.ELOOP: "te veel symbolische koppelingen",
    errno.EMFILE: "te veel open bestanden",
    errno.EBUSY: "het bestand is in gebruik",
    errno.ETXTBSY: "het bestand is in gebruik",
    errno.EFBIG: "het bestand is te groot",
    errno.EIO: "lees- of schrijffout van de schijf",
    errno.ENXIO: "het apparaat bestaat niet",
    NOT_A_REGULAR_FILE: "het bestaat, maar is geen gewoon bestand",
    NOT_A_FOLDER: "het is geen map",
    NOT_FOLLOWED: "het is een koppeling (link), die hier niet wordt gevolgd",
}
"""The system's reasons (by ``errno``, when the error carries the system's own text) and ours, in Dutch."""


def file_error(exc: OSError, path: object | None = None, verb: str = "use") -> SkillspasError:
    """``file_error`` for an ``OSError``: which file (``path``, else the one the error names), what could not be
    done with it (``verb``: read, write, remove or use) and the system's reason, in Dutch and English (a reason
    without a Dutch text stays as the system gives it)."""
    name = path if path is not None else exc.filename
    reason = exc.strerror or type(exc).__name__
    key: int | str = exc.errno if exc.errno is not None and exc.strerror == os.strerror(exc.errno) else reason
    reason_nl = _REASONS_NL.get(key, reason)
    return localized_error(ErrorCode.FILE_ERROR, en=f"cannot {verb} {name}: {reason}",
                           nl=f"kan {name} niet {_FILE_VERBS[verb]}: {reason_nl}")
