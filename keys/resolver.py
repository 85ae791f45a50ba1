"""Key resolution without a network: did:key by decoding, did:web from bundled documents.

Usage::

    resolver = ChainResolver(DidKeyResolver(), StaticResolver(load_did_web_folder("dids/")))
    vm = resolver.resolve("did:web:roc.example#key-1")     # raises unresolvable_key
    vm.public_key.verify(signature, data)

Spec: Controlled Identifiers 1.0, section 3.3 "Retrieve Verification Method" (the verification
method must be found in the document of the DID it names); DID Core 1.0, section 7.2.
"""

from __future__ import annotations

import functools
import re

from collections.abc import Mapping
from typing import Any, Final, Protocol, runtime_checkable

from skillspas.keys.did_jwk import DID_JWK_PREFIX, MAX_DID_JWK, resolve_did_jwk
from skillspas.keys.did_key import DID_KEY_PREFIX, resolve_did_key
from skillspas.keys.did_web import DID_WEB_PREFIX, did_web_to_path
from skillspas.keys.keypair import PublicKey
from skillspas.keys.verification_method import (
    MULTIKEY,
    RELATIONSHIPS,
    VerificationMethod,
    parse_datetime,
)
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, shown

__all__ = [
    "VerificationMethod",
    "KeyResolver",
    "DidKeyResolver",
    "StaticResolver",
    "ChainResolver",
    "PinnedKeys",
    "check_did",
    "is_did",
]

_DID_CHAR: Final = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID: Final = re.compile(rf"did:[a-z0-9]+:(?:{_DID_CHAR}*:)*{_DID_CHAR}+")
"""DID Core 1.0 section 3.1 syntax: ``did:`` method-name ``:`` method-specific-id (no path, query or fragment)."""


def _unresolvable(message: str, nl: str) -> SkillspasError:
    """Build the ``unresolvable_key`` error (English and Dutch)."""
    return error_for(ErrorCode.UNRESOLVABLE_KEY, message, nl=nl)


@runtime_checkable
class KeyResolver(Protocol):
    """Anything that turns a verification method id into a ``VerificationMethod``, offline."""

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        """Return the verification method, or raise ``unresolvable_key``."""
        ...


class DidKeyResolver:
    """Resolves did:key verification methods by decoding them (nothing else)."""

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        """Decode a did:key URL strictly; raise ``unresolvable_key`` on any defect."""
        return _resolve_did_key_cached(verification_method_id)

    def __repr__(self) -> str:
        return "DidKeyResolver()"


class StaticResolver:
    """Resolves DID URLs from a fixed set of DID documents (did:web from a bundle or folder)."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        """Index ``documents`` by DID; each document's ``id`` must equal its key."""
        if not isinstance(documents, Mapping):
            raise TypeError("documents must be a mapping of DID to DID document")
        self._documents: dict[str, Mapping[str, Any]] = dict(documents)

    @property
    def dids(self) -> frozenset[str]:
        """The DIDs this resolver has documents for."""
        return frozenset(self._documents)

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        """Find the Multikey method in its DID's document; else ``unresolvable_key``."""
        if not isinstance(verification_method_id, str):
            raise TypeError("verification_method_id must be a string")
        did, hash_sign, fragment = verification_method_id.partition("#")
        if not hash_sign or not fragment:
            raise _unresolvable(
                f"verification method {shown(verification_method_id, 200, quoted=True)} has no fragment",
                f"de sleutel {shown(verification_method_id, 200, quoted=True)} heeft geen fragment (#...)",
            )
        document = self._documents.get(did)
        if document is None:
            raise _unresolvable(f"no DID document for {shown(did, 200, quoted=True)}",
                                f"de sleutels van {shown(did, 200, quoted=True)} staan niet in de controlebundel")
        return _find_verification_method(document, did, verification_method_id)

    def __repr__(self) -> str:
        return f"StaticResolver(dids={sorted(self._documents)!r})"


class ChainResolver:
    """Tries resolvers in order; the first that resolves wins."""

    def __init__(self, *resolvers: KeyResolver) -> None:
        """Chain ``resolvers``, tried left to right."""
        for resolver in resolvers:
            # what isinstance(resolver, KeyResolver) checks, without typing's slow Protocol machinery
            # (measured: ~8 µs per resolver, on every signature's self-check)
            if not callable(getattr(resolver, "resolve", None)):
                raise TypeError("every resolver must have a resolve(verification_method_id) method")
        self._resolvers = resolvers

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        """Return the first resolution; if all fail, ``unresolvable_key`` with every reason."""
        reasons: list[str] = []
        dutch: list[str] = []
        for resolver in self._resolvers:
            try:
                return resolver.resolve(verification_method_id)
            except SkillspasError as exc:
                if exc.code is not ErrorCode.UNRESOLVABLE_KEY:
                    raise
                if exc.message not in reasons:
                    reasons.append(exc.message)
                    dutch.append(exc.text("nl"))
        if not reasons:
            raise _unresolvable("no key resolver configured", "er is geen manier ingesteld om sleutels te vinden")
        raise _unresolvable("; ".join(reasons), "; ".join(dutch))

    def __repr__(self) -> str:
        return f"ChainResolver{self._resolvers!r}"


class PinnedKeys:
    """Only the pinned keys of a DID resolve (a trust list's ``publicKeyMultibase``); other DIDs pass.

    Why: offline, a did:web document comes from a bundle file that nothing signs; a key it adds
    for a pinned DID is ``key_not_authorized``, whatever document or resolver produced it."""

    def __init__(self, resolver: KeyResolver, pins: Mapping[str, frozenset[str]]) -> None:
        """Check what ``resolver`` resolves against ``pins`` (DID -> allowed publicKeyMultibase values)."""
        self._resolver = resolver
        self._pins = dict(pins)

    def resolve(self, verification_method_id: str) -> VerificationMethod:
        """Resolve, then refuse a key of a pinned DID that is not among its pins."""
        method = self._resolver.resolve(verification_method_id)
        for did in {method.controller, verification_method_id.partition("#")[0]}:
            allowed = self._pins.get(did)
            if allowed is None or method.public_key.multibase in allowed:
                continue
            raise error_for(
                ErrorCode.KEY_NOT_AUTHORIZED,
                f"the trust list vouches for other keys of {shown(did, 200, quoted=True)}, not for "
                f"{shown(verification_method_id, 200, quoted=True)}: a DID document in the bundle may not add keys",
                "/proof/verificationMethod",
                nl=f"de vertrouwenslijst staat in voor andere sleutels van {shown(did, 200, quoted=True)}, niet voor "
                   f"{shown(verification_method_id, 200, quoted=True)}: een DID-document in de bundel mag geen sleutels toevoegen",
            )
        return method

    def __repr__(self) -> str:
        return f"PinnedKeys({self._resolver!r}, dids={sorted(self._pins)!r})"


def _absolute(did: str, value: object, where: str) -> str:
    """Resolve a (possibly relative "#frag") verification method id against the document's DID."""
    if not isinstance(value, str) or not value:
        raise _unresolvable(f"DID document for {shown(did, 200, quoted=True)} has a malformed id in {where}",
                            f"het DID-document van {shown(did, 200, quoted=True)} heeft een onjuiste id in {where}")
    return did + value if value.startswith("#") else value


def _find_verification_method(
    document: Mapping[str, Any], did: str, target: str
) -> VerificationMethod:
    """Locate ``target`` in ``document``: its one definition and the relationships naming it."""
    if not isinstance(document, Mapping) or document.get("id") != did:
        raise _unresolvable(f"DID document for {shown(did, 200, quoted=True)} does not have that id",
                            f"het DID-document van {shown(did, 200, quoted=True)} heeft niet die id")
    definitions: list[Mapping[str, Any]] = []
    relationships: set[str] = set()
    listed = document.get("verificationMethod", [])
    if not isinstance(listed, list):
        raise _unresolvable(f"DID document for {shown(did, 200, quoted=True)}: verificationMethod must be a list",
                            f"het DID-document van {shown(did, 200, quoted=True)}: verificationMethod moet een lijst zijn")
    for entry in listed:
        if not isinstance(entry, Mapping):
            raise _unresolvable(
                f"DID document for {shown(did, 200, quoted=True)}: verificationMethod entries must be objects",
                f"het DID-document van {shown(did, 200, quoted=True)}: elke verificationMethod moet een object zijn",
            )
        if _absolute(did, entry.get("id"), "verificationMethod") == target:
            definitions.append(entry)
    for relationship in RELATIONSHIPS:
        entries = document.get(relationship, [])
        if not isinstance(entries, list):
            raise _unresolvable(f"DID document for {shown(did, 200, quoted=True)}: {relationship} must be a list",
                                f"het DID-document van {shown(did, 200, quoted=True)}: {relationship} moet een lijst zijn")
        for entry in entries:
            # An entry is a reference (string) or an embedded verification method (object).
            embedded = isinstance(entry, Mapping)
            entry_id = entry.get("id") if embedded else entry
            if _absolute(did, entry_id, relationship) == target:
                relationships.add(relationship)
                if embedded:
                    definitions.append(entry)
    if not definitions:
        raise _unresolvable(f"verification method {shown(target, 200, quoted=True)} is not in its DID document",
                            f"de sleutel {shown(target, 200, quoted=True)} staat niet in het DID-document van de eigenaar")
    if any(dict(d) != dict(definitions[0]) for d in definitions[1:]):
        raise _unresolvable(
            f"verification method {shown(target, 200, quoted=True)} is defined more than once, differently",
            f"de sleutel {shown(target, 200, quoted=True)} staat meer dan eens, en verschillend, in het DID-document",
        )
    return _parse_definition(definitions[0], target, frozenset(relationships))


def _parse_definition(
    definition: Mapping[str, Any], target: str, relationships: frozenset[str]
) -> VerificationMethod:
    """Build a ``VerificationMethod`` from a Multikey definition."""
    if definition.get("type") != MULTIKEY:
        raise _unresolvable(f"verification method {shown(target, 200, quoted=True)} is not of type Multikey",
                            f"de sleutel {shown(target, 200, quoted=True)} is niet van het soort Multikey")
    controller = definition.get("controller")
    if not isinstance(controller, str) or not controller.startswith("did:"):
        raise _unresolvable(f"verification method {shown(target, 200, quoted=True)} has no controller DID",
                            f"bij de sleutel {shown(target, 200, quoted=True)} staat geen eigenaar (controller)")
    multibase = definition.get("publicKeyMultibase")
    if not isinstance(multibase, str):
        raise _unresolvable(f"verification method {shown(target, 200, quoted=True)} has no publicKeyMultibase",
                            f"de sleutel {shown(target, 200, quoted=True)} heeft geen publicKeyMultibase")
    moments = {}
    for name in ("revoked", "expires"):
        if name in definition:
            try:
                moments[name] = parse_datetime(definition[name])
            except ValueError:
                raise _unresolvable(
                    f"verification method {shown(target, 200, quoted=True)}: {name} is not a date-time",
                    f"de sleutel {shown(target, 200, quoted=True)}: {name} is geen datum en tijd",
                ) from None
    return VerificationMethod(
        id=target,
        type=MULTIKEY,
        controller=controller,
        public_key=PublicKey.from_multibase(multibase),
        relationships=relationships,
        revoked=moments.get("revoked"),
        expires=moments.get("expires"),
    )


@functools.lru_cache(maxsize=4096)
def _resolve_did_key_cached(verification_method_id: str) -> VerificationMethod:
    """did:key decoding (with its small-order point check, ~1 ms) done once per key."""
    return resolve_did_key(verification_method_id)


def is_did(value: str) -> bool:
    """Whether ``value`` is written as a DID (DID Core 1.0 section 3.1): ``did:method:identifier``, no ``#…``."""
    return len(value) <= MAX_DID_JWK and _DID.fullmatch(value) is not None


def check_did(did: str) -> None:
    """Refuse a DID that cannot name a signer (``--trust-issuer``, ``--trust-anchor``), before anything is checked
    with it: not DID syntax (DID Core 1.0 section 3.1; a key id with ``#…`` is no DID), a did:key or did:jwk that
    does not decode to a key this verifier reads, a did:web that maps to no address. Other methods: syntax only.

    Raises:
        SkillspasError: ``unresolvable_key``, saying why (nl/en).
    """
    if not isinstance(did, str):
        raise TypeError("did must be a string")
    if not is_did(did):
        raise _unresolvable("not a DID (did:method:identifier, without '#…')",
                            "geen DID (did:methode:kenmerk, zonder '#…')")
    if did.startswith(DID_KEY_PREFIX):
        resolve_did_key(did)
    elif did.startswith(DID_JWK_PREFIX):
        resolve_did_jwk(did)
    elif did.startswith(DID_WEB_PREFIX):
        did_web_to_path(did)
