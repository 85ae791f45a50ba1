"""The verification pipeline (DESIGN.md "Architecture"; STYLE.md §7.4), top to bottom.

(1) parse -> (2) contexts -> (3) shape + strict expansion -> (4) resolve keys -> (5) proofs ->
(6) purpose / key authority -> (7) trust -> (8) validity window -> (9) status -> result.

Steps 1-3 stop the run on failure: nothing after them can be trusted. Steps 6-9 run only when
every proof verified: their inputs are attacker-controlled until then. ``now`` is taken once.

With an offline ``Bundle`` the verifier takes did:web documents (4), the trust list (7) and status
lists (9) from it only; the trust list and each status list are themselves verified by steps 1-6
(``verified_credential``). A key revoked in its DID document (``revoked``, Controlled Identifiers 1.0
section 2.2) fails proofs created at or after its compromise date with ``key_revoked`` (6).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any, Collection, Iterable

from skillspas.keys import ChainResolver, DidKeyResolver, KeyResolver, PinnedKeys, StaticResolver, VerificationMethod
from skillspas.keys.verification_method import format_datetime
from skillspas.schemas.catalogue import EVIDENCE_KINDS, facts
from skillspas.schemas.jsonld.contexts import bundled_registry
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, localized_error, shown
from skillspas.schemas.jsonio import parse_scanned
from skillspas.schemas.limits import Limits
from skillspas.schemas.jsonld.processor import DocumentProcessor, Expansion
from skillspas.schemas.scan import Scan
from skillspas.schemas.jsonschema.type_schemas import check_kind_spelling
from skillspas.schemas.vc import (
    cosigner_ids,
    data_model,
    instant,
    issuer_id,
    issuer_name_of,
    parse_datetime,
    proofs_of,
    repeated,
    several_of,
    text_of,
    the_achievement,
    the_subject,
    title_of,
    types_of,
    validity_keys,
)
from skillspas.verifier.checks import check_contexts, check_credential_shape, check_presentation_shape
from skillspas.verifier.bundle import Bundle
from skillspas.verifier.policy import AnyOf, TrustedIssuers, TrustPolicy
from skillspas.verifier.status import DEFAULT_FRESHNESS, BitstringStatusSource, NoStatusSource, StatusSource
from skillspas.verifier.trust import TrustListPolicy, pinned_keys
from skillspas.verifier.persons import Person, group_persons, subject_of
from skillspas.verifier.result import Check, CredentialSummary, Problem, ProofResult, SkillSummary, VerificationResult
from skillspas.verifier.suites import get_suite

__all__ = ["Verifier", "verify"]

Document = dict[str, Any] | str | bytes


@dataclass
class _Run:
    """What one verification has found so far."""

    checks: list[Check] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    proofs: list[ProofResult] = field(default_factory=list)
    credentials: list[VerificationResult] = field(default_factory=list)
    summary: CredentialSummary | None = None
    persons: tuple[Person, ...] = ()
    holder: str | None = None
    about: CredentialSummary | None = None
    left_out: tuple[int, ...] = ()

    def ok(self, name: str, message: str = "") -> None:
        self.checks.append(Check(name, True, None, message))

    def fail(self, name: str, exc: SkillspasError) -> None:
        self.checks.append(Check(name, False, exc.code, exc.message))
        self.errors.append(Problem.of(exc))

    def result(self, now: dt.datetime) -> VerificationResult:
        found = VerificationResult(
            tuple(self.checks), tuple(self.errors), tuple(self.warnings), tuple(self.proofs),
            tuple(self.credentials), self.summary, now, self.persons, self.holder, self.about, self.left_out,
        )
        if found.holder_failed is not None:  # nothing binds its credentials to who shows them: nobody's count
            found = dataclasses.replace(found, persons=tuple(dataclasses.replace(p, counted=False) for p in self.persons))
        return found


class Verifier:
    """Verifies credentials and presentations offline; build once, verify many."""

    def __init__(
        self,
        *,
        bundle: Bundle | None = None,
        contexts: str | os.PathLike[str] | None = None,
        trusted_issuers: Iterable[str] | None = None,
        trust_anchors: Iterable[str] | None = None,
        resolver: KeyResolver | None = None,
        policy: TrustPolicy | None = None,
        status: StatusSource | None = None,
        status_freshness: dt.timedelta = DEFAULT_FRESHNESS,
        limits: Limits = Limits(),
    ) -> None:
        """Build the registry, resolver, trust policy and status source once (from ``bundle`` when given)."""
        self.limits = limits
        self.bundle = bundle
        registry = bundled_registry()
        if bundle is not None and bundle.contexts:
            registry = registry.with_documents(bundle.contexts)
        if contexts is not None:
            registry = registry.with_folder(contexts)
        self.processor = DocumentProcessor(registry, limits)
        resolvers = [r for r in (resolver, StaticResolver(bundle.did_documents) if bundle else None) if r is not None]
        self.resolver: KeyResolver = ChainResolver(*resolvers, DidKeyResolver()) if resolvers else DidKeyResolver()
        if policy is not None and trusted_issuers:
            raise ValueError("give either a trust policy or trusted_issuers, not both")
        self.status: StatusSource = status or (
            BitstringStatusSource(bundle.status_lists, self.verified_status_list, freshness=status_freshness, limits=limits)
            if bundle is not None else NoStatusSource()
        )
        self._self_vouched: tuple[str, frozenset[str]] | None = None
        """The bundle's trust list's signer when no trust anchor pinned it, and the DIDs trusted besides (``--trust-issuer``)."""
        self.policy: TrustPolicy = policy or self._default_policy(trusted_issuers, trust_anchors)
        pins = pinned_keys(self.policy)  # a trust list's keys bind every later resolution
        if pins:
            self.resolver = PinnedKeys(self.resolver, pins)

    def _default_policy(self, trusted_issuers: Iterable[str] | None, anchors: Iterable[str] | None) -> TrustPolicy:
        """The bundle's trust list (verified here), and/or ``--trust-issuer`` DIDs; else trust no one."""
        policies: list[TrustPolicy] = []
        anchors = tuple(anchors or ())
        trusted_issuers = tuple(trusted_issuers or ())
        if self.bundle is not None and self.bundle.trust_list is not None:
            from_list = TrustListPolicy.from_credential(self.bundle.trust_list, self.verified_credential, anchors=anchors)
            if from_list.trust_list is not None and not anchors:  # it vouches for itself: say so with what it trusts
                self._self_vouched = (from_list.trust_list.issuer, frozenset(trusted_issuers))
            policies.append(from_list)
        if trusted_issuers or not policies:
            policies.append(TrustedIssuers(trusted_issuers or ()))
        return policies[0] if len(policies) == 1 else AnyOf(*policies)

    def verify(
        self,
        document: Document,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        now: dt.datetime | None = None,
    ) -> VerificationResult:
        """Verify a credential or presentation (dict, JSON text or bytes)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        run = _Run()
        try:
            parsed, scanned = parse_scanned(document, self.limits, self.processor.registry)  # (1)
            if not isinstance(parsed, dict):
                raise localized_error(ErrorCode.SCHEMA_INVALID, en="a credential or presentation must be a JSON object",
                                      nl="dit is geen bewijsstuk of presentatie (geen JSON-object)", path="/")
        except SkillspasError as exc:
            run.fail("parse", exc)
            return run.result(now)
        run.ok("parse")
        # step 3's strict expansion of each unsecured document is handed to step 5 (an ``Expansion``)
        if "VerifiablePresentation" in types_of(parsed):
            self._presentation(parsed, run, challenge, domain, now, scanned)
        else:
            self._credential(parsed, run, now, scanned)
        return run.result(now)

    def verified_credential(
        self, document: Document, issuers: Collection[str], *, limits: Limits | None = None
    ) -> dict[str, Any]:
        """Steps 1-6 for trust material (a trust list, a status list): signed by one of ``issuers``.

        Returns the parsed credential, or raises the first error (``untrusted_issuer`` when it verifies
        but is issued by someone else)."""
        run = _Run()
        checked = self._proofs_checked(document, run, limits or self.limits)
        if checked is None:
            run.result(dt.datetime.now(dt.timezone.utc)).raise_for_errors()
            raise localized_error(ErrorCode.INVALID_PROOF, en="the proof does not verify",
                                  nl="de handtekening klopt niet", path="/proof")
        credential, proofs, methods = checked
        issuer = issuer_id(credential)
        _check_signers(credential, proofs, methods, issuer)
        if issuer not in issuers:
            raise localized_error(ErrorCode.UNTRUSTED_ISSUER, en=f"issued by {issuer!r}, expected {sorted(issuers)!r}",
                                  nl=f"uitgegeven door {issuer!r}, verwacht: {sorted(issuers)!r}", path="/issuer")
        return credential

    def verified_status_list(self, document: dict[str, Any], issuer: str) -> dict[str, Any]:
        """(9) a status list must be issued, with a valid proof, by the credential's own issuer."""
        room = self.limits.max_status_list_bytes * 3 // 2 + 1024  # base64 of a gzip stream
        limits = dataclasses.replace(self.limits, max_string_length=max(self.limits.max_string_length, room))
        return self.verified_credential(document, {issuer}, limits=limits)

    def check_proofs(self, document: Document, *, resolver: KeyResolver | None = None) -> VerificationResult:
        """Steps 1-5 only (parse, contexts, shape, keys, every proof): what an issuer checks of its own output.

        ``resolver`` is tried before the verifier's own (e.g. the signer's did:web key, not yet in any bundle)."""
        now = dt.datetime.now(dt.timezone.utc)
        run = _Run()
        self._proofs_checked(document, run, self.limits, ChainResolver(resolver, self.resolver) if resolver else None)
        return run.result(now)

    def _proofs_checked(
        self, document: Document, run: _Run, limits: Limits, resolver: KeyResolver | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[VerificationMethod]] | None:
        """Steps 1-5 of one credential, recorded in ``run``: the credential, its proofs and their keys, or None."""
        try:
            credential, scanned = parse_scanned(document, limits, self.processor.registry)
            if not isinstance(credential, dict):
                raise localized_error(ErrorCode.SCHEMA_INVALID, en="a credential must be a JSON object",
                                      nl="dit is geen bewijsstuk (geen JSON-object)", path="/")
        except SkillspasError as exc:
            run.fail("parse", exc)
            return None
        run.ok("parse")
        checked = self._checked_document(credential, run, scanned)
        if checked is None:
            return None
        proofs, expansion = checked
        methods = self._verify_proofs(credential, expansion, proofs, run, resolver)
        return None if methods is None else (credential, proofs, methods)

    # -- credentials -----------------------------------------------------------------------

    def _checked_document(
        self, credential: dict[str, Any], run: _Run, scanned: Scan
    ) -> tuple[list[dict[str, Any]], Expansion] | None:
        """(2) contexts and (3) shape + strict expansion; the proofs and the unsecured document's expansion, or None."""
        try:
            check_contexts(credential, self.processor.registry, scanned)  # (2)
        except SkillspasError as exc:
            run.fail("contexts", exc)
            return None
        run.ok("contexts")
        try:  # (3)
            check_credential_shape(credential, scanned=scanned)
            proofs = proofs_of(credential, self.limits)
            expansion = self.processor.expansion({k: v for k, v in credential.items() if k != "proof"})
            check_kind_spelling(credential, expansion.expanded)  # a skillspas type by its IRI is still that type
        except SkillspasError as exc:
            run.fail("shape", exc)
            return None
        run.ok("shape")
        return proofs, expansion

    def _credential(self, credential: dict[str, Any], run: _Run, now: dt.datetime, scanned: Scan) -> None:
        """Steps 2-9; ``scanned``: the step-1 walk of this credential or of the presentation holding it."""
        checked = self._checked_document(credential, run, scanned)
        if checked is None:
            return
        proofs, expansion = checked
        methods = self._verify_proofs(credential, expansion, proofs, run)  # (4) (5)
        if methods is None:
            return
        issuer = issuer_id(credential)
        try:  # (6)
            _check_signers(credential, proofs, methods, issuer)
        except SkillspasError as exc:
            return run.fail("purpose", exc)
        run.ok("purpose")
        try:  # (7)
            issued_at = _issued_at(credential, proofs, methods, issuer, now)
            issuer_name = self.policy.check(issuer or "", types_of(credential), now, issued_at=issued_at)
        except SkillspasError as exc:
            return run.fail("trust", exc)
        run.ok("trust")
        if self._self_vouched is not None and issuer not in self._self_vouched[1]:
            run.warnings.append(_self_vouched(self._self_vouched[0]))
        about = _summary(credential, issuer_name, methods)  # genuine and trusted: a verdict may name it
        try:  # (8)
            _check_validity(credential, now)
        except SkillspasError as exc:
            run.about = about
            return run.fail("validity", exc)
        run.ok("validity")
        try:  # (9)
            run.warnings.extend(self.status.check(credential, now))
        except SkillspasError as exc:
            run.about = about if exc.code in (ErrorCode.REVOKED, ErrorCode.SUSPENDED) else None
            return run.fail("status", exc)
        run.ok("status")
        run.summary = about

    def _verify_proofs(
        self, document: dict[str, Any], expansion: Expansion, proofs: list[dict[str, Any]], run: _Run,
        resolver: KeyResolver | None = None,
    ) -> list[VerificationMethod] | None:
        """(4)+(5): resolve each proof's key and check it over the unsecured document (``expansion.document``,
        whose step-3 expansion is reused); every proof must verify."""
        resolver = resolver or self.resolver
        methods: list[VerificationMethod] = []
        first_error: SkillspasError | None = None
        failed_check = "proof"
        for index, proof in enumerate(proofs):
            method = None
            try:
                _check_proof_shape(proof)
                suite = get_suite(proof.get("cryptosuite"))
                try:
                    method = resolver.resolve(proof["verificationMethod"])
                except SkillspasError:
                    failed_check = "key" if first_error is None else failed_check
                    raise
                signed = _input_for(expansion.document, proofs, proof)
                suite.verify_proof(signed, proof, method.public_key, self.processor, expansion)
                methods.append(method)
                run.proofs.append(_proof_result(proof, method, True))
            except SkillspasError as exc:
                path = exc.path.replace("/proof", f"/proof/{index}", 1) if exc.path and len(proofs) > 1 else exc.path
                exc = error_for(exc.code, exc.message, path, nl=exc.message_nl)
                run.proofs.append(_proof_result(proof, method, False, exc.code))
                if first_error is None:
                    first_error = exc
        if first_error is not None:
            run.fail(failed_check, first_error)
            return None
        run.ok("key")
        run.ok("proof", f"{len(proofs)} proof(s) verified")
        return methods

    # -- presentations ---------------------------------------------------------------------

    def _presentation(
        self, presentation: dict[str, Any], run: _Run, challenge: str | None, domain: str | None, now: dt.datetime,
        scanned: Scan,
    ) -> None:
        try:
            check_contexts(presentation, self.processor.registry, scanned)
        except SkillspasError as exc:
            return run.fail("contexts", exc)
        run.ok("contexts")
        try:
            credentials = check_presentation_shape(presentation, self.limits, scanned)
            if "proof" in presentation or challenge is not None or domain is not None:
                proofs = proofs_of(presentation, self.limits)
            else:
                proofs = []
            expansion = self.processor.expansion({k: v for k, v in presentation.items() if k != "proof"})
        except SkillspasError as exc:
            return run.fail("shape", exc)
        run.ok("shape")
        # A credential given more than once is checked and shown once (its copies are left out of ``credentials``);
        # the holder proof below still covers the presentation as it is.
        copies = repeated(credentials)
        run.left_out = tuple(sorted(copies))
        positions = [i for i in range(len(credentials)) if i not in copies]
        authentic: list[dict[str, Any] | None] = []  # whose credential it is counts only when its proof holds
        for credential in (credentials[i] for i in positions):
            inner = _Run()
            self._credential(credential, inner, now, scanned)
            run.credentials.append(inner.result(now))
            authentic.append(credential if any(c.check == "proof" and c.ok for c in inner.checks) else None)
        self._holder(presentation, expansion, proofs, run, challenge, domain, authentic, positions)
        # After the others: what to do next is theirs (the page's "Wat nu?" follows the first warning).
        run.warnings.extend(_left_out(position, first) for position, first in sorted(copies.items()))

    def _holder(
        self, presentation: dict[str, Any], expansion: Expansion, proofs: list[dict[str, Any]], run: _Run, challenge: str | None,
        domain: str | None, authentic: list[dict[str, Any] | None], positions: list[int],
    ) -> None:
        """(5)-(6) a presentation's holder proof, if any, then whose credentials they are (``_check_persons``);
        ``authentic``: the credentials whose proofs hold (else ``None``), at ``positions`` in the presentation."""
        holder = None
        if proofs:
            methods = self._verify_proofs(presentation, expansion, proofs, run)
            if methods is None:
                run.persons = group_persons(authentic)
                return
            try:
                for proof, method in zip(proofs, methods):
                    _check_authentication(proof, method, presentation, challenge, domain)
            except SkillspasError as exc:
                run.persons = group_persons(authentic)
                return run.fail("purpose", exc)
            run.ok("purpose")
            holder = methods[0].controller  # every proof is the holder's (``_check_authentication``)
        _check_persons(authentic, holder, run, positions)


def _left_out(position: int, first: int) -> Problem:
    """The warning ``duplicate_credential`` for the copy at ``position`` of the credential at ``first`` (from 0; a
    person counts from 1, as ``verify`` and the PDF number them)."""
    return Problem(
        ErrorCode.DUPLICATE_CREDENTIAL,
        f"credential {position + 1} is the same as credential {first + 1} (the same id and proof) and was left out",
        f"/verifiableCredential/{position}",
        f"bewijsstuk {position + 1} is hetzelfde als bewijsstuk {first + 1} (dezelfde id en handtekening) en is weggelaten",
    )


def _check_persons(credentials: list[dict[str, Any] | None], holder: str | None, run: _Run,
                   positions: list[int] | None = None) -> None:
    """One person per passport: the holder proof is by the credentials' subject, and they name one person;
    ``positions``: where each of ``credentials`` is in the presentation (its copies left out).

    ``holder_mismatch`` when a credential's ``credentialSubject.id`` is not the holder's DID;
    ``multiple_subjects`` when the credentials name more than one person (``verifier/persons.py``);
    the warning ``holder_not_proven`` when no holder proof ties the presentation to its subject.
    """
    run.holder = holder
    run.persons = group_persons(credentials, holder)
    if not run.persons:
        return
    if holder is not None:
        strangers = [(i, sid) for i, sid in enumerate(subject_of(c)[0] for c in credentials) if sid not in (None, holder)]
        if strangers:
            index, subject_id = strangers[0]  # a person counts from 1 (as ``verify`` and the PDF); the path from 0
            index = positions[index] if positions is not None else index
            return run.fail("holder", localized_error(
                ErrorCode.HOLDER_MISMATCH,
                en=f"the presentation is signed by {holder!r}, but credential {index + 1} is about {subject_id!r}",
                nl=f"de presentatie is ondertekend door {holder!r}, maar bewijsstuk {index + 1} gaat over {subject_id!r}: "
                   "iemand laat een bewijsstuk van een ander zien",
                path=f"/verifiableCredential/{index}/credentialSubject/id",
            ))
        run.ok("holder")
    if len(run.persons) > 1:
        counted = next(p for p in run.persons if p.counted)
        who = "the holder" if counted.holder else "the person with the most credentials (the first on a tie)"
        who_nl = "de houder" if counted.holder else "de persoon met de meeste bewijsstukken (bij gelijke stand de eerste)"
        run.fail("subjects", localized_error(
            ErrorCode.MULTIPLE_SUBJECTS,
            en=f"the credentials name {len(run.persons)} different people; only the {len(counted.credentials)} "
               f"of {who} ({counted.key}) are counted",
            nl=f"de bewijsstukken noemen {len(run.persons)} verschillende personen; alleen de {len(counted.credentials)} "
               f"van {who_nl} ({counted.key}) tellen mee",
            path="/verifiableCredential",
        ))
    else:
        run.ok("subjects")
    if not any(p.holder for p in run.persons):
        why, why_nl = ("the presentation has no holder proof", "de houder heeft de presentatie niet ondertekend"
                       ) if holder is None else (
            f"the holder proof is by {holder!r}, and no credential names that DID as its subject",
            f"de presentatie is ondertekend door {holder!r}, en geen bewijsstuk gaat over die DID")
        run.warnings.append(Problem(ErrorCode.HOLDER_NOT_PROVEN, why, "/proof", why_nl))


def _check_proof_shape(proof: dict[str, Any]) -> None:
    """(5) a DataIntegrityProof with the fields every suite needs (threat 5)."""
    if proof.get("type") != "DataIntegrityProof":
        raise localized_error(ErrorCode.UNSUPPORTED_CRYPTOSUITE, en=f"proof type {proof.get('type')!r} is not supported",
                              nl=f"het soort handtekening {proof.get('type')!r} wordt niet ondersteund", path="/proof/type")
    for key in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(key), str):
            raise localized_error(ErrorCode.INVALID_PROOF, en=f"proof.{key} is missing",
                                  nl=f"in de handtekening ontbreekt proof.{key}", path=f"/proof/{key}")
    if "created" in proof:
        try:
            parse_datetime(proof["created"], "/proof/created")
        except SkillspasError as exc:
            raise error_for(ErrorCode.INVALID_PROOF, exc.message, exc.path, nl=exc.message_nl) from None


def _input_for(unsecured: dict[str, Any], proofs: list[dict[str, Any]], proof: dict[str, Any]) -> dict[str, Any]:
    """The document a proof signed: for a chain, with the proofs it names as ``previousProof``."""
    previous = proof.get("previousProof")
    if previous is None:
        return unsecured
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise localized_error(ErrorCode.INVALID_PROOF, en="previousProof must be a proof id or a list of them",
                              nl="previousProof moet de id van een handtekening zijn, of een lijst daarvan",
                              path="/proof/previousProof")
    by_id = {p.get("id"): p for p in proofs if isinstance(p.get("id"), str)}
    missing = [w for w in wanted if w not in by_id]
    if missing:
        raise localized_error(ErrorCode.INVALID_PROOF, en=f"previousProof {missing[0]!r} is not in the proof set",
                              nl=f"previousProof {missing[0]!r} staat niet bij de handtekeningen", path="/proof/previousProof")
    return {**unsecured, "proof": [by_id[w] for w in wanted]}


def _proof_result(
    proof: dict[str, Any], method: VerificationMethod | None, ok: bool, code: ErrorCode | None = None
) -> ProofResult:
    def text(key: str) -> str | None:
        value = proof.get(key)
        return value if isinstance(value, str) else None

    return ProofResult(
        text("verificationMethod"), text("cryptosuite"), text("proofPurpose"),
        method.controller if method else None, ok, code,
    )


def _self_vouched(signer: str) -> Problem:
    """The warning ``trust_list_not_pinned``: trusted by a bundle's trust list that no ``--trust-anchor`` pinned."""
    signed_by = shown(signer, 200)
    return Problem(
        ErrorCode.TRUST_LIST_NOT_PINNED,
        f"the trust list is signed by {signed_by}, and no --trust-anchor says who must sign it", "/issuer",
        f"de vertrouwenslijst is ondertekend door {signed_by}, en geen --trust-anchor zegt wie hem moet ondertekenen")


def _check_signers(
    credential: dict[str, Any], proofs: list[dict[str, Any]], methods: list[VerificationMethod], issuer: str | None
) -> None:
    """(6) the issuer signed, and every other proof is by a co-signer the credential names, who all signed."""
    cosigners = cosigner_ids(credential)
    for proof, method in zip(proofs, methods):
        _check_assertion(proof, method, {issuer, *cosigners})
    signed_by = {method.controller for method in methods}
    if issuer not in signed_by:
        raise localized_error(ErrorCode.KEY_NOT_AUTHORIZED, en=f"no proof is by the issuer {issuer!r}",
                              nl=f"geen van de handtekeningen is van de uitgever {issuer!r}", path="/proof")
    missing = sorted(set(cosigners) - signed_by)
    if missing:
        raise localized_error(ErrorCode.INVALID_PROOF, en=f"the co-signer {missing[0]!r} has not signed",
                              nl=f"de medeondertekenaar {missing[0]!r} heeft niet ondertekend", path="/proof")


def _check_assertion(proof: dict[str, Any], method: VerificationMethod, allowed: set[str | None]) -> None:
    """(6) an assertion proof: purpose assertionMethod, by a key its controller lets assert, of an allowed signer."""
    if proof.get("proofPurpose") != "assertionMethod":
        raise localized_error(
            ErrorCode.WRONG_PROOF_PURPOSE,
            en=f"proofPurpose is {proof.get('proofPurpose')!r}; a credential needs assertionMethod",
            nl=f"de handtekening is gezet voor {proof.get('proofPurpose')!r}; een bewijsstuk moet ondertekend zijn "
               "voor het uitgeven ervan (assertionMethod)",
            path="/proof/proofPurpose",
        )
    if "assertionMethod" not in method.relationships:
        raise localized_error(ErrorCode.KEY_NOT_AUTHORIZED, en="the key is not an assertion method of its controller",
                              nl="de eigenaar van deze sleutel gebruikt hem niet om bewijsstukken te ondertekenen",
                              path="/proof/verificationMethod")
    _check_key_in_force(proof, method)
    if method.controller not in allowed:
        raise localized_error(
            ErrorCode.KEY_NOT_AUTHORIZED,
            en=f"the signing key belongs to {method.controller!r}, not to the issuer {sorted(a for a in allowed if a)!r}",
            nl=f"er is ondertekend met een sleutel van {method.controller!r}, niet van de uitgever "
               f"{sorted(a for a in allowed if a)!r}",
            path="/proof/verificationMethod",
        )


def _check_authentication(
    proof: dict[str, Any], method: VerificationMethod, presentation: dict[str, Any],
    challenge: str | None, domain: str | None,
) -> None:
    """(6) a holder's proof: purpose authentication, the holder's key, the expected challenge/domain."""
    if proof.get("proofPurpose") != "authentication":
        raise localized_error(ErrorCode.WRONG_PROOF_PURPOSE, en="a presentation proof needs proofPurpose authentication",
                              nl="de houder moet een presentatie ondertekenen om zich te identificeren (authentication)",
                              path="/proof/proofPurpose")
    if "authentication" not in method.relationships:
        raise localized_error(ErrorCode.KEY_NOT_AUTHORIZED, en="the key is not an authentication method of its controller",
                              nl="de eigenaar van deze sleutel gebruikt hem niet om zich te identificeren",
                              path="/proof/verificationMethod")
    _check_key_in_force(proof, method)
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if holder is not None and method.controller != holder:
        raise localized_error(ErrorCode.KEY_NOT_AUTHORIZED, en="the presentation is not signed by its holder",
                              nl="de presentatie is niet ondertekend door de houder die erin staat",
                              path="/proof/verificationMethod")
    if challenge is not None and proof.get("challenge") != challenge:
        raise localized_error(ErrorCode.CHALLENGE_MISMATCH, en="the presentation's challenge is not the one asked for",
                              nl="de presentatie is gemaakt voor een ander verzoek dan het uwe (de challenge klopt niet): "
                                 "vraag om een nieuwe presentatie", path="/proof/challenge")
    if domain is not None:
        got = proof.get("domain")
        if not (got == domain or (isinstance(got, list) and domain in got)):
            raise localized_error(ErrorCode.DOMAIN_MISMATCH, en="the presentation's domain is not this verifier's",
                                  nl="de presentatie is voor een andere ontvanger gemaakt (het domein klopt niet): "
                                     "vraag om een presentatie voor u", path="/proof/domain")


def _check_key_in_force(proof: dict[str, Any], method: VerificationMethod) -> None:
    """(6) a key revoked (compromised) or expired in its DID document signs nothing from that moment on.

    Controlled Identifiers 1.0 section 2.2: proofs at or after ``revoked``/``expires`` are not verified;
    proofs created before keep verifying, so a rotation or a compromise does not void old credentials.
    """
    for cutoff, code, what, what_nl in (
        (method.revoked, ErrorCode.KEY_REVOKED, "revoked as compromised", "ingetrokken omdat hij in verkeerde handen kan zijn"),
        (method.expires, ErrorCode.KEY_NOT_AUTHORIZED, "expired", "verlopen"),
    ):
        if cutoff is None:
            continue
        created, when = proof.get("created"), format_datetime(cutoff)
        if created is None:
            raise localized_error(code, en=f"the key was {what} at {when} and the proof has no created date",
                                  nl=f"de sleutel is op {when} {what_nl}, en de handtekening heeft geen datum",
                                  path="/proof/created")
        if instant(created) >= cutoff:
            raise localized_error(code, en=f"the key was {what} at {when}; this proof was created at {created}",
                                  nl=f"de sleutel is op {when} {what_nl}; deze handtekening is gezet op {created}",
                                  path="/proof/created")


def _issued_at(
    credential: dict[str, Any], proofs: list[dict[str, Any]], methods: list[VerificationMethod], issuer: str | None, now: dt.datetime
) -> dt.datetime:
    """(7) when the issuer signed: its proof's ``created``, else ``validFrom`` (1.1: ``issuanceDate``), else
    now (never later than now)."""
    for proof, method in zip(proofs, methods):
        if method.controller == issuer and isinstance(proof.get("created"), str):
            return min(instant(proof["created"]), now)
    valid_from = credential.get(validity_keys(credential)[0])
    return min(instant(valid_from), now) if isinstance(valid_from, str) else now


def _check_validity(credential: dict[str, Any], now: dt.datetime) -> None:
    """(8) validFrom <= now <= validUntil (VC 1.1: issuanceDate <= now <= expirationDate)."""
    from_key, until_key = validity_keys(credential)
    valid_from = credential.get(from_key)
    if valid_from is not None and instant(valid_from) > now:
        raise localized_error(ErrorCode.NOT_YET_VALID, en=f"the credential is valid from {valid_from}",
                              nl=f"het bewijsstuk is pas geldig vanaf {valid_from}", path=f"/{from_key}")
    valid_until = credential.get(until_key)
    if valid_until is not None and instant(valid_until) < now:
        raise localized_error(ErrorCode.EXPIRED, en=f"the credential expired at {valid_until}",
                              nl=f"het bewijsstuk is verlopen op {valid_until}; vraag de houder om een geldig bewijsstuk",
                              path=f"/{until_key}")


def _summary(
    credential: dict[str, Any], issuer_name: str | None, methods: list[VerificationMethod]
) -> CredentialSummary:
    """What a verified credential says, for a person: of its one subject and achievement (``the_subject``,
    ``the_achievement``); of several, none (``several``: nobody named, no skills, title or facts of theirs). The
    subject is read once, and handed to what reads it again (its achievement, title and ``several_of``)."""
    subject = the_subject(credential)
    achievement = the_achievement(credential, subject)
    alignments = achievement.get("alignment", []) if achievement is not None else []
    skills = tuple(
        SkillSummary(url, text_of(a, "targetName"), kind if (kind := text_of(a, "evidenceKind")) in EVIDENCE_KINDS else None)
        for a in (alignments if isinstance(alignments, list) else [alignments])
        if (url := text_of(a, "targetUrl")) is not None
    )

    from_key, until_key = validity_keys(credential)
    return CredentialSummary(
        issuer=issuer_id(credential),
        issuer_name=issuer_name,  # from the trust list only (DESIGN.md threat 8), never the credential's claim
        types=tuple(types_of(credential)),
        subject_name=text_of(subject, "name"),
        name=title_of(credential, achievement),
        valid_from=text_of(credential, from_key),
        valid_until=text_of(credential, until_key),
        skills=skills,
        signers=tuple(dict.fromkeys(m.controller for m in methods)),
        claimed_issuer_name=issuer_name_of(credential),
        data_model=data_model(credential),
        facts=facts(credential),
        several=several_of(credential, subject),
    )


def verify(
    document: Document,
    *,
    bundle: Bundle | None = None,
    contexts: str | os.PathLike[str] | None = None,
    trusted_issuers: Iterable[str] | None = None,
    trust_anchors: Iterable[str] | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    now: dt.datetime | None = None,
    resolver: KeyResolver | None = None,
    policy: TrustPolicy | None = None,
    status: StatusSource | None = None,
    limits: Limits = Limits(),
) -> VerificationResult:
    """Verify a credential or presentation offline (DESIGN.md Python API)."""
    verifier = Verifier(
        bundle=bundle, contexts=contexts, trusted_issuers=trusted_issuers, trust_anchors=trust_anchors,
        resolver=resolver, policy=policy, status=status, limits=limits,
    )
    return verifier.verify(document, challenge=challenge, domain=domain, now=now)
