"""Key material and custody: key pairs, Multikey, did:key / did:web, resolvers, signers, key files,
the keystore (rotation, revocation), HSM signers and the trust list data model.

Usage::

    from skillspas.keys import generate, load, LocalSigner, ChainResolver, DidKeyResolver

    signer = LocalSigner(generate("ed25519"))            # or load("issuer.key.json")
    vm = DidKeyResolver().resolve(signer.verification_method)
    vm.public_key.verify(signer.sign(b"data"), b"data")

Imports only ``skillspas.schemas``, cryptography and PyNaCl (python-pkcs11 lazily, in ``hsm`` only);
never the network (STYLE.md 7.3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skillspas.keys.did_key import did_key_document, did_key_for, resolve_did_key
    from skillspas.keys.history import KeyHistory, KeyRecord
    from skillspas.keys.hsm import Pkcs11Signer
    from skillspas.keys.keyfile import Keystore, Pkcs11Token, load
    from skillspas.keys.keypair import KeyPair, PublicKey, generate
    from skillspas.keys.resolver import (
        ChainResolver,
        DidKeyResolver,
        KeyResolver,
        PinnedKeys,
        StaticResolver,
        VerificationMethod,
    )
    from skillspas.keys.signer import LocalSigner, Signer
    from skillspas.keys.trust_list import TrustList, TrustListEntry

# Each public name and its module, imported on first use: ``skillspas verify`` needs a resolver, not the
# keystore, key history, key files or HSM signers.
_HOMES = {
    "did_key_document": "did_key", "did_key_for": "did_key", "resolve_did_key": "did_key",
    "KeyHistory": "history", "KeyRecord": "history",
    "Pkcs11Signer": "hsm",
    "Keystore": "keyfile", "Pkcs11Token": "keyfile", "load": "keyfile",
    "KeyPair": "keypair", "PublicKey": "keypair", "generate": "keypair",
    "ChainResolver": "resolver", "DidKeyResolver": "resolver", "KeyResolver": "resolver", "PinnedKeys": "resolver",
    "StaticResolver": "resolver", "VerificationMethod": "resolver",
    "LocalSigner": "signer", "Signer": "signer",
    "TrustList": "trust_list", "TrustListEntry": "trust_list",
}

__all__ = [
    "KeyPair",
    "PublicKey",
    "Signer",
    "LocalSigner",
    "VerificationMethod",
    "KeyResolver",
    "DidKeyResolver",
    "StaticResolver",
    "ChainResolver",
    "PinnedKeys",
    "generate",
    "load",
    "did_key_for",
    "resolve_did_key",
    "did_key_document",
    "Keystore",
    "Pkcs11Token",
    "Pkcs11Signer",
    "KeyHistory",
    "KeyRecord",
    "TrustList",
    "TrustListEntry",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use (then kept here)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'skillspas.keys' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"skillspas.keys.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
