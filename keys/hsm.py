"""PKCS#11 (HSM) signing: the private key never leaves the token. python-pkcs11 is imported here only.

Usage::

    signer = Pkcs11Signer.generate(module="/usr/lib/softhsm/libsofthsm2.so", token_label="roc",
                                   key_label="roc-key-2", pin=pin)      # Ed25519 if the token can
    signer = Pkcs11Signer(module=..., token_label="roc", key_label="roc-key-2", pin=pin,
                          verification_method="did:web:roc.example#key-2")
    proof_value = signer.sign(data)                                      # raw Ed25519 or r||s

Ed25519 uses CKM_EDDSA (PKCS#11 3.0, SoftHSM2 >= 2.5); tokens without it get P-256 keys and
CKM_ECDSA over a SHA-256 digest, which is what ecdsa-rdfc-2019 needs (raw r||s, as PKCS#11 returns it).
Key locations are RFC 7512 URIs (``pkcs11:token=roc;object=roc-key-2``); PINs are never stored or shown.
PKCS#11 logs in per application, not per session: signers of one token in one process share a
logged-in session (reference-counted), which is closed, and so logged out, when the last one closes.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import urllib.parse
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric import ec

from skillspas.keys.did_key import did_key_for, verification_method_id
from skillspas.keys.keypair import PublicKey
from skillspas.keys.signer import PublicFacts
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for

__all__ = ["Pkcs11Signer", "pkcs11_uri", "parse_pkcs11_uri", "token_supports_ed25519"]

_ED25519_OID: Final = bytes.fromhex("06032b6570")
_ED25519_NAME: Final = bytes.fromhex("130c") + b"edwards25519"
_P256_OID: Final = bytes.fromhex("06082a8648ce3d030107")
_URI_SAFE: Final = "-._~"
_LOCK: Final = threading.Lock()
_SESSIONS: dict[tuple[str, str], list[Any]] = {}  # (module, token label) -> [session, users]
_MODULE_LOCKS: dict[str, threading.RLock] = {}  # module path -> one PKCS#11 call at a time


def _module_lock(module: str) -> threading.RLock:
    """The lock held around every call into a PKCS#11 module: python-pkcs11 initialises modules
    without OS locking (C_Initialize(NULL)), which promises the module one thread at a time
    (measured: SoftHSM2 crashed when threads opened signers, of one or two tokens, while others
    signed). Taken before ``_LOCK``, never while holding it."""
    with _LOCK:
        return _MODULE_LOCKS.setdefault(module, threading.RLock())


def pkcs11_uri(token_label: str, key_label: str) -> str:
    """The RFC 7512 URI of a key: ``pkcs11:token=<label>;object=<label>`` (percent-encoded)."""
    quote = functools.partial(urllib.parse.quote, safe=_URI_SAFE)
    return f"pkcs11:token={quote(token_label)};object={quote(key_label)}"


def parse_pkcs11_uri(uri: str) -> tuple[str, str]:
    """Return (token label, key label) of a ``pkcs11:`` URI; ValueError if either is missing."""
    if not isinstance(uri, str) or not uri.startswith("pkcs11:"):
        raise ValueError("not a pkcs11: URI")
    path = uri[len("pkcs11:"):].split("?", 1)[0]
    fields = dict(part.split("=", 1) for part in path.split(";") if "=" in part)
    if "token" not in fields or "object" not in fields:
        raise ValueError("a pkcs11: URI needs token= and object=")
    return urllib.parse.unquote(fields["token"]), urllib.parse.unquote(fields["object"])


def _labelled(key_label: str) -> SkillspasError:
    """``key_exists``: the token already holds a key by the label a new key would get."""
    return error_for(ErrorCode.KEY_EXISTS, f"the token already has a key labelled {key_label!r}",
                     nl=f"het token heeft al een sleutel met het label {key_label!r}; een sleutel op het token "
                        "wordt niet vervangen")


def _pkcs11() -> Any:
    """Import python-pkcs11 on first use (an optional dependency: ``pip install skillspas[hsm]``)."""
    try:
        import pkcs11
    except ImportError:
        raise error_for(
            ErrorCode.SIGNER_FAILED, "python-pkcs11 is not installed (pip install 'skillspas[hsm]')",
            nl="python-pkcs11 is niet geïnstalleerd (pip install 'skillspas[hsm]')",
        ) from None
    return pkcs11


@functools.cache
def _library(module: str) -> Any:
    """Load a PKCS#11 module once per process (C_Initialize may run only once)."""
    try:
        return _pkcs11().lib(module)
    except (OSError, RuntimeError) as exc:
        raise error_for(ErrorCode.KEY_NOT_FOUND, f"cannot load PKCS#11 module {module!r}: {exc}",
                        nl=f"de PKCS#11-module {module!r} is niet te laden: {exc}") from None


def _token(module: str, token_label: str) -> Any:
    """The one token labelled ``token_label``; ``key_not_found`` when there is none or more than one."""
    pkcs11 = _pkcs11()
    try:
        return _library(module).get_token(token_label=token_label)
    except (pkcs11.exceptions.NoSuchToken, pkcs11.exceptions.MultipleTokensReturned):
        raise error_for(ErrorCode.KEY_NOT_FOUND, f"no single PKCS#11 token labelled {token_label!r}",
                        nl=f"er is niet precies één PKCS#11-token met het label {token_label!r} (is het "
                           "geïnitialiseerd, en is dit de goede module?)") from None


def _open(module: str, token_label: str, pin: str, *, rw: bool = False) -> Any:
    """Log in to the token labelled ``token_label``; coded errors for a missing token or wrong PIN."""
    pkcs11 = _pkcs11()
    token = _token(module, token_label)
    try:
        return token.open(rw=rw, user_pin=pin)
    except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinInvalid, pkcs11.exceptions.PinLenRange):
        raise error_for(ErrorCode.WRONG_PASSPHRASE, f"the PIN for token {token_label!r} is wrong",
                        nl=f"de pincode voor token {token_label!r} is onjuist") from None
    except pkcs11.exceptions.PKCS11Error as exc:
        raise error_for(ErrorCode.SIGNER_FAILED, f"cannot open token {token_label!r}: {type(exc).__name__}",
                        nl=f"token {token_label!r} is niet te openen: {type(exc).__name__}") from None


def _acquire(module: str, token_label: str, pin: str) -> Any:
    """The shared logged-in session of a token (logging in on first use)."""
    with _module_lock(module), _LOCK:
        entry = _SESSIONS.get((module, token_label))
        if entry is None:
            entry = _SESSIONS[(module, token_label)] = [_open(module, token_label, pin), 0]
        entry[1] += 1
        return entry[0]


def _release(module: str, token_label: str) -> None:
    """Drop one user of the shared session; the last one closes it (and so logs out)."""
    with _module_lock(module), _LOCK:
        entry = _SESSIONS.get((module, token_label))
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] <= 0:
            del _SESSIONS[(module, token_label)]
            try:
                entry[0].close()
            except _pkcs11().exceptions.PKCS11Error:
                pass


def _open_for_writing(module: str, token_label: str, pin: str) -> Any:
    """A read-write session: logged in itself, or riding on the shared login when there is one."""
    with _LOCK:
        if (module, token_label) in _SESSIONS:
            return _token(module, token_label).open(rw=True)
    return _open(module, token_label, pin, rw=True)


def token_supports_ed25519(module: str, token_label: str) -> bool:
    """Whether the token offers Ed25519 key generation and CKM_EDDSA signing."""
    pkcs11 = _pkcs11()
    with _module_lock(module):
        mechanisms = _token(module, token_label).slot.get_mechanisms()
    return {pkcs11.Mechanism.EDDSA, pkcs11.Mechanism.EC_EDWARDS_KEY_PAIR_GEN} <= set(mechanisms)


def _octet_string(value: bytes) -> bytes:
    """Unwrap a DER OCTET STRING (how CKA_EC_POINT is usually encoded); raw points pass through."""
    if len(value) >= 2 and value[0] == 0x04 and value[1] < 0x80 and value[1] == len(value) - 2:
        return value[2:]
    return value


def _public_key(public: Any, pkcs11: Any) -> PublicKey:
    """Read a token public key object into a ``PublicKey`` (Ed25519 or P-256)."""
    attribute = pkcs11.Attribute
    params = bytes(public[attribute.EC_PARAMS])
    point = bytes(public[attribute.EC_POINT])
    if public.key_type == pkcs11.KeyType.EC_EDWARDS and params in (_ED25519_OID, _ED25519_NAME):
        return PublicKey.from_bytes("Ed25519", _octet_string(point))
    if public.key_type == pkcs11.KeyType.EC and params == _P256_OID:
        raw = _octet_string(point)
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        return PublicKey(key)
    raise error_for(ErrorCode.SIGNER_FAILED, "the token key is neither Ed25519 nor P-256",
                    nl="de sleutel op het token is geen Ed25519- of P-256-sleutel")


class Pkcs11Signer(PublicFacts):
    """A ``Signer`` whose private key stays in a PKCS#11 token; defaults to the key's did:key."""

    def __init__(
        self,
        *,
        module: str,
        token_label: str,
        key_label: str,
        pin: str,
        verification_method: str | None = None,
        controller: str | None = None,
    ) -> None:
        """Log in and find the key pair labelled ``key_label``; the PIN is used once, not kept."""
        pkcs11 = _pkcs11()
        self._token = (module, token_label)
        self._lock = _module_lock(module)
        with self._lock:
            self._session = _acquire(module, token_label, pin)
            object_class = pkcs11.ObjectClass
            try:
                self._private = self._session.get_key(object_class=object_class.PRIVATE_KEY, label=key_label)
                public = self._session.get_key(object_class=object_class.PUBLIC_KEY, label=key_label)
            except (pkcs11.exceptions.NoSuchKey, pkcs11.exceptions.MultipleObjectsReturned):
                self.close()
                raise error_for(
                    ErrorCode.KEY_NOT_FOUND, f"no single key pair labelled {key_label!r} on token {token_label!r}",
                    nl=f"er is niet precies één sleutelpaar met het label {key_label!r} op token {token_label!r}",
                ) from None
            self._public_key = _public_key(public, pkcs11)
        self._mechanism = pkcs11.Mechanism.EDDSA if self._public_key.kind == "Ed25519" else pkcs11.Mechanism.ECDSA
        self._uri = pkcs11_uri(token_label, key_label)
        own_did = did_key_for(self._public_key)
        self._verification_method = verification_method or verification_method_id(own_did)
        vm_did, _, fragment = self._verification_method.partition("#")
        self._controller = controller or vm_did
        if not vm_did.startswith("did:") or not fragment or self._controller != vm_did:
            self.close()
            raise ValueError("verification_method must be controller#fragment")
        if vm_did.startswith("did:key:") and vm_did != own_did:
            self.close()
            raise ValueError("the did:key verification method is not this token key's")

    @classmethod
    def generate(
        cls,
        *,
        module: str,
        token_label: str,
        key_label: str,
        pin: str,
        kind: str = "auto",
        verification_method: str | None = None,
        controller: str | None = None,
    ) -> Pkcs11Signer:
        """Generate a non-extractable key pair on the token: Ed25519 where supported ("auto"), else P-256."""
        pkcs11 = _pkcs11()
        if kind not in ("auto", "ed25519", "p256"):
            raise ValueError("kind must be auto, ed25519 or p256")
        if kind == "auto":
            kind = "ed25519" if token_supports_ed25519(module, token_label) else "p256"
        attribute = pkcs11.Attribute
        with _module_lock(module), _open_for_writing(module, token_label, pin) as session:
            # Read to its end, so the token's search is closed (get_key leaves it open when it finds two objects,
            # a key pair, and it fails later, when the session is gone).
            if list(session.get_objects({attribute.LABEL: key_label})):
                raise _labelled(key_label)
            key_type = pkcs11.KeyType.EC_EDWARDS if kind == "ed25519" else pkcs11.KeyType.EC
            params = session.create_domain_parameters(
                key_type, {attribute.EC_PARAMS: _ED25519_OID if kind == "ed25519" else _P256_OID}, local=True
            )
            mechanism = pkcs11.Mechanism.EC_EDWARDS_KEY_PAIR_GEN if kind == "ed25519" else None
            try:
                params.generate_keypair(
                    mechanism=mechanism, store=True, label=key_label,
                    private_template={attribute.SENSITIVE: True, attribute.EXTRACTABLE: False},
                )
            except pkcs11.exceptions.PKCS11Error as exc:
                raise error_for(ErrorCode.SIGNER_FAILED, f"the token could not generate a {kind} key: {type(exc).__name__}",
                                nl=f"het token kon geen {kind}-sleutel maken: {type(exc).__name__}") from None
        return cls(
            module=module, token_label=token_label, key_label=key_label, pin=pin,
            verification_method=verification_method, controller=controller,
        )

    @property
    def uri(self) -> str:
        """The RFC 7512 URI of the key (token and key labels, no PIN)."""
        return self._uri

    def sign(self, data: bytes) -> bytes:
        """Sign on the token: CKM_EDDSA over ``data``, or CKM_ECDSA over SHA-256(``data``) as raw r||s.

        Thread-safe: calls into the module are serialised (``_module_lock``); a service signs from
        several threads."""
        pkcs11 = _pkcs11()
        message = data if self._public_key.kind == "Ed25519" else hashlib.sha256(data).digest()
        with self._lock:
            if self._session is None:
                raise error_for(ErrorCode.SIGNER_FAILED, "the signer is closed", nl="de ondertekenaar is al gesloten")
            try:
                return bytes(self._private.sign(message, mechanism=self._mechanism))
            except pkcs11.exceptions.PKCS11Error as exc:
                raise error_for(ErrorCode.SIGNER_FAILED, f"the token refused to sign: {type(exc).__name__}",
                                nl=f"het token weigerde te ondertekenen: {type(exc).__name__}") from None

    def close(self) -> None:
        """Stop using the token (the last signer of a token closes its session and logs out)."""
        with self._lock:
            if self._session is not None:
                self._session = None
                _release(*self._token)

    def __enter__(self) -> Pkcs11Signer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Pkcs11Signer(uri={self._uri!r}, verification_method={self._verification_method!r}, algorithm={self.algorithm!r})"
