"""Key material and custody: key pairs, Multikey, did:key / did:web, resolvers, signers, key files.

Usage::

    from skillspas.keys import generate, load, LocalSigner, ChainResolver, DidKeyResolver

    signer = LocalSigner(generate("ed25519"))            # or load("issuer.key.json")
    vm = DidKeyResolver().resolve(signer.verification_method)
    vm.public_key.verify(signer.sign(b"data"), b"data")

Imports only ``skillspas.schemas``, cryptography and base58; never the network (STYLE.md 7.3).
"""

from __future__ import annotations

from skillspas.keys.did_key import did_key_document, did_key_for, resolve_did_key
from skillspas.keys.keyfile import load
from skillspas.keys.keypair import KeyPair, PublicKey, generate
from skillspas.keys.resolver import (
    ChainResolver,
    DidKeyResolver,
    KeyResolver,
    StaticResolver,
    VerificationMethod,
)
from skillspas.keys.signer import LocalSigner, Signer

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
    "generate",
    "load",
    "did_key_for",
    "resolve_did_key",
    "did_key_document",
]
