"""The trust list, verified with the same pipeline as any credential, and the policy built on it.

Usage::

    trust_list = load_trust_list(bundle.trust_list, verifier.verified_credential, anchors=["did:key:z6Mk..."])
    policy = TrustListPolicy.from_credential(bundle.trust_list, verifier.verified_credential, anchors=anchors)
    name = policy.check("did:web:roc.example", ["VerifiableCredential", "MboDiploma"], now)

The trust list is a Verifiable Credential (``SkillspasTrustList``) signed by a trust anchor: the body
that recognises issuers. Its proof, purpose and key are checked by the ``VerifyCredential`` it is given,
``Verifier.verified_credential`` (steps 1-6), so this module needs no ``Verifier``; its own validity
window is checked against each run's ``now``. Without pinned ``anchors`` the list must verify as signed
by its own issuer: it is then only as trustworthy as the bundle file that carries it (DESIGN.md threat 8). A list that fails makes every issuer
``untrusted_issuer``, with the reason in the message.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, Final

from skillspas.keys.resolver import check_did, is_did
from skillspas.keys.trust_list import ENVELOPE_TYPES, TrustList
from skillspas.keys.verification_method import format_datetime
from skillspas.schemas.catalogue import credential_type, kind_in_sentence
from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown
from skillspas.schemas.vc import is_web_url

__all__ = ["TrustListPolicy", "VerifyCredential", "checked_dids", "load_trust_list", "pinned_keys"]

VerifyCredential = Callable[[Any, Collection[str]], dict[str, Any]]
"""Steps 1-6 for trust material: the credential in ``document`` if signed by one of ``issuers``, else a
``SkillspasError`` (``Verifier.verified_credential``)."""


def _untrusted(en: str, nl: str) -> SkillspasError:
    """Build the ``untrusted_issuer`` error (English and Dutch)."""
    return localized_error(ErrorCode.UNTRUSTED_ISSUER, en=en, nl=nl, path="/issuer")


def _span(start: dt.datetime | None, end: dt.datetime | None, lang: str = "en") -> str:
    """A validity window for a message, in ``lang``."""
    if lang == "nl":
        return f"van {format_datetime(start) if start else 'het begin'} tot {format_datetime(end) if end else 'nader order'}"
    return f"from {format_datetime(start) if start else 'the start'} until {format_datetime(end) if end else 'further notice'}"


_WHOSE: Final = {
    "--trust-anchor": ({"nl": "het vertrouwensanker", "en": "the trust anchor"},
                       {"nl": "de 'controller' die skillspas keys show toont, bijvoorbeeld did:key:z6Mk…",
                        "en": "the 'controller' that skillspas keys show prints, e.g. did:key:z6Mk…"},
                       {"nl": "trust-anchor.txt", "en": "trust-anchor.txt"},
                       {"nl": "trust-anchor.txt van de demo", "en": "the demo's trust-anchor.txt"}),
    "--trust-issuer": ({"nl": "de uitgever", "en": "the issuer"},
                       {"nl": "bijvoorbeeld did:web:roc.example of did:key:z6Mk…", "en": "e.g. did:web:roc.example or did:key:z6Mk…"},
                       {"nl": "uitgever.txt", "en": "issuer.txt"}, {"nl": "uitgever.txt", "en": "issuer.txt"}),
}
"""Per option: whose DID it takes, an example of one, a file that may hold it (its name, and how it is said)."""


def checked_dids(values: Iterable[str] | None, option: str) -> tuple[str, ...]:
    """``values`` of ``option`` (``--trust-anchor`` or ``--trust-issuer``), each a DID that can name a signer
    (``keys.resolver.check_did``) or, for an issuer, its http(s) URL (an issuer need not be a DID), refused before anything is checked with them: a name, a file name (the demo's
    trust-anchor.txt), a key id with ``#…`` or a did:key that is no key would otherwise make every credential
    ``untrusted_issuer``, as if the bundle were at fault.

    Raises:
        SkillspasError: ``invalid_option`` (exit 2), nl/en, saying what to give and how to give a DID a file holds.
    """
    for value in values or ():
        if option == "--trust-issuer" and is_web_url(value):
            continue  # an issuer may be named by a web URL instead of a DID (VC 2.0 §4.7; the W3C vectors' issuers)
        try:
            check_did(value)
        except SkillspasError as exc:
            raise _not_a_did(value, option, None if not is_did(value) else exc) from None
    return tuple(values or ())


def _not_a_did(value: str, option: str, reason: SkillspasError | None) -> SkillspasError:
    """``invalid_option`` for ``value`` of ``option``: no DID, or (``reason``) a DID that cannot be a key; what to give
    instead, and how to give the DID a file holds (the file given, when ``value`` names one)."""
    whose, example, file, such = _WHOSE[option]
    given = shown(value, 100, quoted=True)
    if reason is None and os.path.isfile(value):  # the file itself was given: give what it holds
        held = shlex.quote(value)
        return localized_error(
            ErrorCode.INVALID_OPTION,
            nl=f"{option} {given} is een bestand, geen DID: geef de DID die erin staat, zonder '#…': "
               f"{option} \"$(cat {held})\"",
            en=f"{option} {given} is a file, not a DID: give the DID it holds, without '#…': {option} \"$(cat {held})\"",
        )
    why = {"nl": f" die een sleutel kan zijn ({reason.text('nl')})", "en": f" that can be a key ({reason.message})"
           } if reason is not None else {"nl": "", "en": ""}
    return localized_error(
        ErrorCode.INVALID_OPTION,
        nl=f"{option} {given} is geen DID{why['nl']}: geef de DID van {whose['nl']} zonder '#…' ({example['nl']}); "
           f"staat hij in een bestand, zoals {such['nl']}, geef dan de inhoud: {option} \"$(cat {file['nl']})\"",
        en=f"{option} {given} is not a DID{why['en']}: give {whose['en']}'s DID without '#…' ({example['en']}); "
           f"a file that holds it, such as {such['en']}, is given by its content: {option} \"$(cat {file['en']})\"",
    )


def load_trust_list(
    document: Any, verify: VerifyCredential, *, anchors: Iterable[str] | None = None, now: dt.datetime | None = None
) -> TrustList:
    """Verify a trust list credential (proof by a trust anchor, shape, and validity at ``now`` if given);
    ``invalid_option`` for an anchor that is no DID (``checked_dids``)."""
    checked_dids(anchors, "--trust-anchor")
    unverified_issuer = document.get("issuer") if isinstance(document, dict) else None
    if isinstance(unverified_issuer, dict):
        unverified_issuer = unverified_issuer.get("id")
    pinned = frozenset(anchors or ())
    allowed = pinned or frozenset([unverified_issuer] if isinstance(unverified_issuer, str) else [])
    credential = verify(document, allowed)
    if "credentialStatus" in credential:
        raise localized_error(
            ErrorCode.SCHEMA_INVALID, path="/credentialStatus",
            en="a trust list is replaced by a newer one, not revoked through a status list",
            nl="een vertrouwenslijst wordt vervangen door een nieuwere, niet ingetrokken via een statuslijst",
        )
    trust_list = TrustList.from_credential(credential)
    if now is not None:
        _check_window(trust_list, now)
    return trust_list


def _check_window(trust_list: TrustList, now: dt.datetime) -> None:
    """The list itself must be valid at ``now`` (``not_yet_valid`` / ``expired``)."""
    if trust_list.valid_from is not None and now < trust_list.valid_from:
        raise localized_error(ErrorCode.NOT_YET_VALID, path="/validFrom",
                              en=f"the trust list is valid {_span(trust_list.valid_from, trust_list.valid_until)}",
                              nl=f"de vertrouwenslijst geldt {_span(trust_list.valid_from, trust_list.valid_until, 'nl')}; "
                                 "controleer de klok van deze computer of vraag een andere controlebundel")
    if trust_list.valid_until is not None and now > trust_list.valid_until:
        raise localized_error(ErrorCode.EXPIRED, path="/validUntil",
                              en=f"the trust list expired at {format_datetime(trust_list.valid_until)}; get a newer bundle",
                              nl=f"de vertrouwenslijst is verlopen op {format_datetime(trust_list.valid_until)}; "
                                 "vraag een nieuwere controlebundel")


def pinned_keys(policy: object) -> dict[str, frozenset[str]]:
    """DID -> the keys that the verified trust lists in ``policy`` (or in its ``AnyOf``/``AllOf``) pin."""
    found: dict[str, frozenset[str]] = {}
    stack = [policy]
    while stack:
        current = stack.pop()
        if isinstance(current, TrustListPolicy) and current.trust_list is not None:
            for did, keys in current.trust_list.pinned_keys().items():
                found[did] = found.get(did, frozenset()) | keys
        stack.extend(getattr(current, "policies", ()))
    return found


class TrustListPolicy:
    """A ``TrustPolicy`` from a verified trust list: issuer DID x allowed credential types x validity."""

    def __init__(self, trust_list: TrustList | None, *, problem: SkillspasError | None = None) -> None:
        """Use ``trust_list``; or, when it was rejected, remember ``problem`` and trust no one."""
        if (trust_list is None) == (problem is None):
            raise ValueError("give either a verified trust list or the problem that rejected it")
        self.trust_list = trust_list
        self.problem = problem

    @classmethod
    def from_credential(
        cls, document: Any, verify: VerifyCredential, *, anchors: Iterable[str] | None = None
    ) -> TrustListPolicy:
        """Verify ``document`` (steps 1-6 now; its validity window at each check) and build the policy."""
        try:
            return cls(load_trust_list(document, verify, anchors=anchors))
        except SkillspasError as exc:
            return cls(None, problem=exc)

    def check(
        self, issuer: str, types: Sequence[str], now: dt.datetime, *, issued_at: dt.datetime | None = None
    ) -> str | None:
        """The trust list's name for ``issuer``, if it may issue ``types`` when it signed; else ``untrusted_issuer``."""
        if self.problem is not None:
            raise _untrusted(f"the trust list was rejected [{self.problem.code.value}]: {self.problem.message}",
                             f"de vertrouwenslijst is afgewezen [{self.problem.code.value}]: {self.problem.text('nl')}")
        trust_list = self.trust_list
        assert trust_list is not None
        try:
            _check_window(trust_list, now)
        except SkillspasError as exc:
            raise _untrusted(f"the trust list is not valid now [{exc.code.value}]: {exc.message}",
                             f"de vertrouwenslijst is nu niet geldig [{exc.code.value}]: {exc.text('nl')}") from None
        entry = trust_list.entry(issuer)
        if entry is None:
            raise _untrusted(f"the issuer {issuer!r} is not on the trust list",
                             f"de uitgever {issuer!r} staat niet op de vertrouwenslijst")
        if not entry.allows(types):
            shown = [t for t in types if t not in ENVELOPE_TYPES | {"VerifiableCredential"}] or list(types)
            allowed, asked = _kinds(entry.credential_types), _kinds(shown)
            raise _untrusted(
                f"{entry.name} is on the trust list for {allowed['en']} only, not for {asked['en'] or 'this credential'}",
                f"{entry.name} staat op de vertrouwenslijst alleen voor {allowed['nl']}, niet voor {asked['nl'] or 'dit bewijsstuk'}",
            )
        moment = min(issued_at, now) if issued_at is not None else now
        if not entry.active_at(moment):
            raise _untrusted(
                f"{entry.name} is recognised {_span(entry.valid_from, entry.valid_until)}, not at {format_datetime(moment)}",
                f"{entry.name} is erkend {_span(entry.valid_from, entry.valid_until, 'nl')}, niet op {format_datetime(moment)}",
            )
        return entry.name

    def __repr__(self) -> str:
        state = f"{len(self.trust_list.entries)} issuers" if self.trust_list else f"rejected: {self.problem.code.value}"  # type: ignore[union-attr]
        return f"TrustListPolicy({state})"


def _kinds(types: Iterable[str]) -> dict[str, str]:
    """Credential types listed as a person names them, in Dutch and English ("mbo-diploma, mbo-certificaat"); a type
    that is not one of skillspas's five (an Open Badge's own type) as it is written."""
    words = [kind_in_sentence([t]) if credential_type([t]) is not None else {"nl": t, "en": t} for t in types]
    return {lang: ", ".join(word[lang] for word in words) for lang in ("nl", "en")}

