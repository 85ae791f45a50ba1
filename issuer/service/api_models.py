"""Wire models of the issuer API (VC-API shaped), with the examples the OpenAPI document shows.

Not called ``schemas.py`` or ``models.py``: those names belong to ``skillspas.schemas`` and
``issuer/store/models.py`` (STYLE.md §7.10). Credentials and presentations stay free-form
objects here; the verifier's pipeline, not pydantic, decides whether they are acceptable.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, WithJsonSchema

from skillspas.schemas.errors import ErrorCode, localized_error

__all__ = [
    "CHECKS",
    "ProblemModel",
    "ErrorBody",
    "StatusOption",
    "IssueOptions",
    "IssueRequest",
    "IssueWarning",
    "IssueResponse",
    "CosignRequest",
    "VerifyOptions",
    "VerifyCredentialRequest",
    "VerifyPresentationRequest",
    "VerificationResultModel",
    "StatusEntryUpdate",
    "StatusRequest",
    "StatusResponse",
    "BatchRequest",
    "BatchRowError",
    "BatchResponse",
    "BatchErrorBody",
    "AuditEventModel",
    "AuditResponse",
]

CHECKS = ("proof", "trust", "validity", "credentialStatus")
CheckName = Literal["proof", "trust", "validity", "credentialStatus"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemModel(BaseModel):
    """One coded problem: a stable ``code``, an English message, a JSON pointer into the input."""

    code: str
    message: str
    path: str | None = None


class ErrorBody(BaseModel):
    """Every 4xx answer: the deciding code, message (en) and Dutch text, plus all problems found."""

    model_config = ConfigDict(extra="allow")
    code: str = Field(examples=["issuer_mismatch"])
    message: str
    messageNl: str
    path: str | None = None
    errors: list[ProblemModel]


class StatusOption(_Strict):
    """VC-API form of ``options.credentialStatus``: one entry of this type and purpose."""

    type: Literal["BitstringStatusListEntry"]
    statusPurpose: Literal["revocation", "suspension"]


class IssueOptions(_Strict):
    """Issuance options: ``credentialStatus`` false issues without status entries; ``statusPurposes`` picks them.

    ``credentialStatus`` is true, false, or (VC-API) ``{"type": "BitstringStatusListEntry",
    "statusPurpose": ...}`` for one entry of that purpose; anything else (``"no"``, ``0``) is refused,
    never read as false. By default an Open Badges 3.0 credential gets one revocation entry (its
    schema allows a single ``credentialStatus`` object) and any other credential gets revocation and
    suspension entries.
    """

    credentialStatus: StrictBool | StatusOption = True
    statusPurposes: list[Literal["revocation", "suspension"]] | None = Field(default=None, min_length=1, max_length=2)

    def purposes(self) -> tuple[str, ...] | None:
        """The status purposes asked for: () for none, None for the default; ``schema_invalid`` (nl/en) when
        ``credentialStatus`` and ``statusPurposes`` ask for different ones."""
        if self.credentialStatus is False:
            return ()
        if isinstance(self.credentialStatus, StatusOption):
            if self.statusPurposes and self.statusPurposes != [self.credentialStatus.statusPurpose]:
                raise localized_error(ErrorCode.SCHEMA_INVALID, path="/options/credentialStatus",
                                      en="options.credentialStatus and options.statusPurposes ask for different entries",
                                      nl="options.credentialStatus en options.statusPurposes vragen om verschillende "
                                         "statusvermeldingen.")
            return (self.credentialStatus.statusPurpose,)
        return tuple(dict.fromkeys(self.statusPurposes)) if self.statusPurposes else None


class IssueRequest(_Strict):
    """``POST /credentials/issue``: an unsigned credential (issuer filled in when absent)."""

    credential: dict[str, Any]
    options: IssueOptions | None = None


class OfferRequest(_Strict):
    """``POST /exchanges``: a credential to issue to the worker who claims it (no ``credentialSubject.id``)."""

    credential: dict[str, Any]
    options: IssueOptions | None = None
    expiresIn: StrictInt | None = Field(default=None, ge=60, le=30 * 86400,  # a JSON integer: not "3600" or 3600.0
                                  description="Seconds the offer can be claimed (default 86400: 24 hours)")


class IssueWarning(ProblemModel):
    """What a person must see though the credential was issued or offered (``expired``: it had expired when it was
    issued, or when the offer was made), in English and Dutch, as the command line says it (``let op [code]`` /
    ``warning [code]``)."""

    messageNl: str


class OfferResponse(BaseModel):
    """A one-time claim offer: the exchange URL the worker's wallet opens (the QR code holds just that URL)."""

    exchangeUrl: str
    expires: str
    qr: str
    lcwDeepLink: str = Field(description="Opens the offer in the DCC Learner Credential Wallet (lcw.app request.html deep link)")
    warnings: list[IssueWarning] = Field(
        default_factory=list, description="As POST /credentials/issue answers them: `expired` for a credential that has "
                                          "already expired when the offer is made (always present, empty when there is "
                                          "nothing to say)")


class ExchangeRequest(_Strict):
    """``POST /exchanges/{id}``: ``{}`` asks what to prove; a DID-Auth ``verifiablePresentation`` claims."""

    verifiablePresentation: dict[str, Any] | None = None


class ExchangeResponse(BaseModel):
    """A ``verifiablePresentationRequest`` (DID authentication), or the ``verifiablePresentation`` with the credential."""

    verifiablePresentationRequest: dict[str, Any] | None = None
    verifiablePresentation: dict[str, Any] | None = None


class IssueResponse(BaseModel):
    """The signed credential, verified by the service before it is returned, and beside it what was issued all the
    same but must be seen (``POST /credentials/issue``: always present, empty when there is nothing to say)."""

    verifiableCredential: dict[str, Any]
    warnings: list[IssueWarning] = Field(
        default_factory=list, examples=[[{
            "code": "expired", "path": "/credential/validUntil",
            "message": "this credential has already expired when it is issued: it is valid until 2025-01-10 (validUntil), so "
                       "every check says 'expired' (not valid). Is validUntil right? Leave it out if the credential does "
                       "not expire.",
            "messageNl": "dit bewijsstuk is al verlopen bij uitgifte: het is geldig tot 2025-01-10 (validUntil), dus elke "
                         "controle zegt 'verlopen' (niet geldig). Klopt validUntil? Laat het weg als het bewijsstuk niet "
                         "verloopt."}]])


class CosignRequest(_Strict):
    """``POST /credentials/cosign``: a credential issued by this service that names the caller as ``coSigner``."""

    verifiableCredential: dict[str, Any]


class VerifyOptions(_Strict):
    """Which checks to run (all by default); challenge and domain for a presentation's proof."""

    checks: list[CheckName] | None = Field(default=None, max_length=8)
    challenge: str | None = Field(default=None, max_length=1000)
    domain: str | None = Field(default=None, max_length=1000)


class VerifyCredentialRequest(_Strict):
    """``POST /credentials/verify``."""

    verifiableCredential: dict[str, Any]
    options: VerifyOptions | None = None


class VerifyPresentationRequest(_Strict):
    """``POST /presentations/verify``."""

    verifiablePresentation: dict[str, Any]
    options: VerifyOptions | None = None


class BridgeRequest(_Strict):
    """``POST /presentations/bridge``: a passport and one target, an ESCO occupation or a crebo."""

    verifiablePresentation: dict[str, Any]
    occupation: str | None = Field(default=None, min_length=1, max_length=200, examples=["kok"],
                                   description="An ESCO occupation's URI, or its Dutch or English name.")
    crebo: str | None = Field(default=None, pattern=r"^[0-9]{5}$", examples=["25180"],
                              description="A kwalificatie's crebo code (its official CompetentNL links).")
    options: VerifyOptions | None = None


class BridgeResponse(BaseModel):
    """The werk-naar-werk bridge (``BridgeResult.to_json()``, as ``skillspas passport bridge --json`` prints it)."""

    model_config = ConfigDict(extra="allow")
    target: dict[str, Any]
    essential: dict[str, int]
    optional: dict[str, int]
    skills: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]
    notComparable: list[dict[str, Any]]
    notComparedNote: dict[str, str] | None = Field(
        default=None, description="What the counts leave out (skills of the other framework), why, and where they are "
                                  "counted, in Dutch and English; null when nothing is left out.")
    compareInstead: list[dict[str, str]] = Field(
        default_factory=list, description="Kwalificaties (crebo, name) of the passport whose official SBB/CompetentNL "
                                          "links count the skills an ESCO comparison leaves out.")
    notes: list[dict[str, str]]
    attribution: str


class CheckModel(BaseModel):
    """One verification step that ran."""

    check: str
    ok: bool
    code: str | None
    message: str


class ProofModel(BaseModel):
    """One proof of the document: who signed and whether it verified."""

    verificationMethod: str | None
    cryptosuite: str | None
    proofPurpose: str | None
    controller: str | None
    verified: bool
    code: str | None


class VerificationResultModel(BaseModel):
    """The verifier's result object (DESIGN.md "Verification result")."""

    model_config = ConfigDict(extra="allow")
    verified: bool
    warnings: list[ProblemModel]
    proofs: list[ProofModel]
    checks: list[CheckModel]
    errors: list[ProblemModel]
    credentials: list[VerificationResultModel]
    summary: dict[str, Any] | None
    holder: str | None = None
    persons: list[dict[str, Any]] = Field(default_factory=list, description="A presentation's credentials per person; only one person's are counted, and nobody's when the holder proof fails (holder_mismatch, challenge_mismatch, …)")
    about: dict[str, Any] | None = None
    leftOut: list[int] = Field(default_factory=list, description="Of a presentation: the positions (from 0) in its verifiableCredential of copies of a credential given before, left out and warned of (duplicate_credential)")
    position: int | None = Field(default=None, description="Of a presentation's credential: its position (from 0) in the presentation's verifiableCredential, the numbering of error paths; the copies left out are skipped")
    checkedAt: str
    code: str | None = Field(default=None, description="Not verified (422, 400): the deciding error's code, as in ErrorBody")
    message: str | None = Field(default=None, description="Not verified: that error's English message")
    messageNl: str | None = Field(default=None, description="Not verified: its Dutch text")
    path: str | None = Field(default=None, description="Not verified: its JSON pointer into the document")


class StatusEntryUpdate(_Strict):
    """VC-API form of a status change: the entry type and the status wanted."""

    type: Literal["BitstringStatusListEntry"] = "BitstringStatusListEntry"
    status: Literal["revoked", "suspended", "active"]


class StatusRequest(_Strict):
    """``POST /credentials/status``: ``action`` or (VC-API) one ``credentialStatus`` entry."""

    credentialId: str = Field(min_length=1, max_length=1000)
    action: Literal["revoke", "suspend", "reinstate"] | None = None
    credentialStatus: list[StatusEntryUpdate] | None = Field(default=None, min_length=1, max_length=1)


class StatusResponse(BaseModel):
    """The credential's status after the request; ``changed`` is false when it already was so."""

    credentialId: str
    action: str
    status: Literal["active", "suspended", "revoked"]
    changed: bool


RowValue = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"},
                                                    {"type": "array", "items": {"anyOf": [
                                                        {"type": "string"},
                                                        {"type": "object", "additionalProperties": {"type": "string"}}]}}]})]
"""A row value: text as in a CSV cell, a whole number, null (an empty cell) or a list (in a CSV: items separated by
``;``). Any JSON value passes the model, so that the route refuses a number with a fraction or exponent, true/false
or an object naming its row and field."""


class BatchRequest(_Strict):
    """``POST /credentials/batch``: rows for one credential type, each with a unique ``row_key``.

    The row fields are those of the CSV export (see the builders), each value text as in a CSV cell, a whole number, null or a
    list (in a CSV: items separated by ``;``); nothing is issued unless every
    row is valid, and a row key issued before is not issued again.
    """

    type: str = Field(min_length=1, max_length=100, examples=["mbo-diploma"])
    rows: list[dict[str, RowValue]] = Field(min_length=1)


class BatchRowError(BaseModel):
    """One bad row: ``line`` is its position in ``rows`` (1-based), or its CSV line (header = 1)."""

    line: int
    field: str | None
    code: str
    message: str
    messageNl: str


class BatchResponse(BaseModel):
    """The issued credentials, in row order, and the manifest of the batch."""

    credentials: list[dict[str, Any] | None]
    manifest: dict[str, Any]


class BatchErrorBody(ErrorBody):
    """400 ``batch_invalid``: every bad row, with field and nl/en message; nothing was issued."""

    rowErrors: list[BatchRowError] = []
    unusedColumns: list[dict[str, str | None]] = Field(
        default_factory=list, description="Columns with a value that no row's builder reads (its values would be in no "
                                          "credential), each with the field it most looks like (didYouMean), as in the "
                                          "manifest; left out when there are none")


class AuditEventModel(BaseModel):
    """One audit log entry."""

    at: str
    orgId: str | None
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


class AuditResponse(BaseModel):
    """The organisation's latest audit events, newest first."""

    events: list[AuditEventModel]
