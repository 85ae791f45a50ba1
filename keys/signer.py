"""Signers: who signs (verification method, controller) and how (algorithm, sign).

Usage::

    signer = LocalSigner(generate("ed25519"))               # did:key by default
    signer = LocalSigner(pair, verification_method="did:web:roc.example#key-1")
    proof_value = signer.sign(hash_data)
    signer.public_key.verify(proof_value, hash_data)

The ``Signer`` Protocol is what ``skillspas.issuer.sign`` needs; an HSM signer implements the same
Protocol without exposing key material.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from skillspas.keys.did_key import (
    DID_KEY_PREFIX,
    did_key_for,
    resolve_did_key,
    verification_method_id,
)
from skillspas.keys.keypair import KeyPair, PublicKey
from skillspas.schemas.errors import SkillspasError

__all__ = ["Signer", "PublicFacts", "LocalSigner", "SealedSigner"]


@runtime_checkable
class Signer(Protocol):
    """Signs bytes for one verification method; ``algorithm`` is "Ed25519", "P-256" or "P-384"."""

    @property
    def verification_method(self) -> str:
        """The DID URL of the verification method (goes into ``proof.verificationMethod``)."""
        ...

    @property
    def controller(self) -> str:
        """The DID that controls the key (the credential's issuer)."""
        ...

    @property
    def algorithm(self) -> str:
        """The key kind: "Ed25519", "P-256" or "P-384"."""
        ...

    @property
    def public_key(self) -> PublicKey:
        """The public key that verifies this signer's signatures."""
        ...

    def sign(self, data: bytes) -> bytes:
        """Sign ``data``: raw Ed25519, or raw r||s ECDSA."""
        ...


class PublicFacts:
    """What every ``Signer`` tells about itself: its verification method, controller and public key.

    A base for signers (``LocalSigner``, ``SealedSigner``, ``hsm.Pkcs11Signer``): they set the three
    attributes and add ``sign``."""

    __slots__ = ("_verification_method", "_controller", "_public_key")

    _verification_method: str
    _controller: str
    _public_key: PublicKey

    @property
    def verification_method(self) -> str:
        """The DID URL of the verification method."""
        return self._verification_method

    @property
    def controller(self) -> str:
        """The DID that controls the key."""
        return self._controller

    @property
    def algorithm(self) -> str:
        """The key kind: "Ed25519", "P-256" or "P-384"."""
        return str(self._public_key.kind)

    @property
    def public_key(self) -> PublicKey:
        """The public key that verifies this signer's signatures."""
        return self._public_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(verification_method={self._verification_method!r}, algorithm={self.algorithm!r})"


def _check_did_key(verification_method: str, public_key: PublicKey) -> None:
    """Raise ValueError unless a did:key verification method is exactly ``public_key``'s."""
    try:
        resolved = resolve_did_key(verification_method)
    except SkillspasError as exc:
        raise ValueError(f"malformed did:key verification method: {exc.message}") from None
    if resolved.public_key != public_key:
        raise ValueError("the did:key verification method is not this key pair's")


class LocalSigner(PublicFacts):
    """A ``Signer`` over an in-memory ``KeyPair``; defaults to the key's did:key."""

    __slots__ = ("_keypair",)

    def __init__(
        self,
        keypair: KeyPair,
        verification_method: str | None = None,
        controller: str | None = None,
    ) -> None:
        """Bind ``keypair`` to a verification method; ValueError if they cannot belong together."""
        if not isinstance(keypair, KeyPair):
            raise TypeError("keypair must be a skillspas.keys.KeyPair")
        own_did = did_key_for(keypair.public_key)
        if verification_method is None:
            if controller is not None and controller != own_did:
                raise ValueError(
                    "verification_method is required for a controller other than the did:key"
                )
            verification_method = verification_method_id(own_did)
        if not isinstance(verification_method, str):
            raise TypeError("verification_method must be a string")
        vm_did, _, fragment = verification_method.partition("#")
        if not vm_did.startswith("did:") or not fragment:
            raise ValueError("verification_method must be a DID URL with a fragment")
        if controller is None:
            controller = vm_did
        if controller != vm_did:
            raise ValueError("verification_method must belong to controller (controller#fragment)")
        if vm_did.startswith(DID_KEY_PREFIX):
            _check_did_key(verification_method, keypair.public_key)
        self._keypair = keypair
        self._verification_method = verification_method
        self._controller = controller
        self._public_key = keypair.public_key

    @property
    def keypair(self) -> KeyPair:
        """The key pair (its repr shows only the public key)."""
        return self._keypair

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` with the key pair."""
        return self._keypair.sign(data)


class SealedSigner(PublicFacts):
    """A ``Signer`` that only signs: it hides the wrapped signer, so no key material can be reached."""

    __slots__ = ("_sign",)

    def __init__(self, signer: Signer) -> None:
        """Wrap ``signer``, keeping only its public facts and its ``sign`` method."""
        self._sign = signer.sign
        self._verification_method = signer.verification_method
        self._controller = signer.controller
        self._public_key = signer.public_key

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` with the wrapped signer."""
        return self._sign(data)
