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
