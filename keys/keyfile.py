"""Key files: a Multikey JSON document, written atomically with mode 0600, optionally encrypted.

Usage::

    save(generate("ed25519"), "issuer.key.json", passphrase="correct horse")
    signer = load("issuer.key.json", passphrase="correct horse")     # -> LocalSigner
    info = read_public("issuer.key.json")                             # no secret, no passphrase

    store = Keystore.create("keystore/", "did:web:roc.example", passphrase=pw)   # 0700 folder
    store.rotate(passphrase=pw)          # key-2 signs from now on; key-1 stays in the DID document
    store.revoke("key-1", compromised_at=when)
    signer = store.signer(passphrase=pw)  # the current key (a file, or an HSM key by pkcs11: URI)

Plain files hold ``secretKeyMultibase`` (the shape digitalbazaar's Multikey libraries import);
encrypted files hold ``encryptedPrivateKeyPem`` instead: PKCS#8 with PBES2, scrypt (N=2^17, r=8)
and AES-256-CBC. A keystore keeps only encrypted keys, plus ``history.json`` (public data).
The passphrase may come from ``SKILLSPAS_KEY_PASSPHRASE``. No error message carries key material.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from skillspas.keys._pkcs8 import encrypt_pkcs8
from skillspas.keys.did_web import check_did_web_spelling
from skillspas.keys.history import KeyHistory, KeyRecord
from skillspas.keys.keypair import KeyPair, PublicKey, generate
from skillspas.keys.signer import LocalSigner, SealedSigner, Signer
from skillspas.keys.verification_method import MULTIKEY
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for, file_error, localized_error, shown
from skillspas.schemas.files import private_folder, write_atomic
from skillspas.schemas.jsonio import open_input, parse_json

__all__ = ["PASSPHRASE_ENV", "save", "load", "read_public", "Keystore", "Pkcs11Token"]

PASSPHRASE_ENV: Final = "SKILLSPAS_KEY_PASSPHRASE"
_MAX_KEY_FILE_BYTES: Final = 64 * 1024
_ENCRYPTED_PEM_HEADER: Final = "-----BEGIN ENCRYPTED PRIVATE KEY-----"


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    """Return the passphrase as bytes; ValueError if empty."""
    value = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    if not isinstance(value, bytes):
        raise TypeError("passphrase must be str or bytes")
    if not value:
        raise ValueError("passphrase must not be empty")
    return value


def _write_private(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` with mode 0600, durably; FileExistsError unless ``overwrite``."""
    write_atomic(path, data, durable=True, overwrite=overwrite)


def save(
    keypair: KeyPair,
    path: str | os.PathLike[str],
    *,
    passphrase: str | bytes | None = None,
    controller: str | None = None,
    verification_method: str | None = None,
    overwrite: bool = False,
) -> LocalSigner:
    """Write ``keypair`` as a Multikey key file (0600, atomic); return its ``LocalSigner``."""
    signer = LocalSigner(keypair, verification_method=verification_method, controller=controller)
    document: dict[str, Any] = {
        "type": MULTIKEY,
        "id": signer.verification_method,
        "controller": signer.controller,
        "publicKeyMultibase": keypair.public_key.multibase,
    }
    if passphrase is None:
        document["secretKeyMultibase"] = keypair.export_secret_key_multibase()
    else:
        pem = encrypt_pkcs8(keypair.private_key, _passphrase_bytes(passphrase))
        document["encryptedPrivateKeyPem"] = pem.decode("ascii")
    data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
    _write_private(Path(path), data, overwrite=overwrite)
    return signer


def _invalid(path: Path, en: str, nl: str) -> SkillspasError:
    """Build the ``invalid_key_file`` error: what is wrong with the file at ``path``, in English and Dutch."""
    return localized_error(ErrorCode.INVALID_KEY_FILE, en=f"key file {str(path)!r}: {en}",
                           nl=f"sleutelbestand {str(path)!r}: {nl}")


_UNSUPPORTED_NL: Final = "bevat een soort sleutel die skillspas niet ondersteunt"


def _read(path: Path) -> tuple[dict[str, Any], int]:
    """Read and shape-check a key file; return its JSON object and its permission bits."""
    try:
        with open_input(path) as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise _invalid(path, "not a regular file", "geen gewoon bestand")
            data = handle.read(_MAX_KEY_FILE_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise error_for(ErrorCode.KEY_NOT_FOUND, f"no key file at {str(path)!r}",
                        nl=f"er is geen sleutelbestand {str(path)!r}") from None
    except PermissionError:
        raise _invalid(path, "cannot be read (permission denied)", "niet te lezen (geen toestemming)") from None
    except OSError as exc:  # a name too long, a disk error: what any command says of a file it cannot read
        raise file_error(exc, path, "read") from None
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise _invalid(path, "too large to be a key file", "te groot voor een sleutelbestand")
    try:
        document = parse_json(data)
    except SkillspasError:
        raise _invalid(path, "not a strict UTF-8 JSON document", "geen strikt UTF-8 JSON-document") from None
    if not isinstance(document, dict) or document.get("type") != MULTIKEY:
        raise _invalid(path, 'not a Multikey document ("type": "Multikey")', 'geen Multikey-document ("type": "Multikey")')
    for name in ("id", "controller", "publicKeyMultibase"):
        if not isinstance(document.get(name), str):
            raise _invalid(path, f"{name} must be a string", f"{name} hoort tekst te zijn")
    secrets = [f for f in ("secretKeyMultibase", "encryptedPrivateKeyPem") if f in document]
    if len(secrets) != 1 or not isinstance(document[secrets[0]], str):
        raise _invalid(path, "needs exactly one of secretKeyMultibase or encryptedPrivateKeyPem",
                       "hoort precies één van secretKeyMultibase of encryptedPrivateKeyPem te hebben")
    return document, stat.S_IMODE(mode)


def _public_key(path: Path, document: dict[str, Any]) -> PublicKey:
    """Decode the file's publicKeyMultibase, as ``invalid_key_file`` on any defect."""
    try:
        return PublicKey.from_multibase(document["publicKeyMultibase"])
    except SkillspasError as exc:
        raise _invalid(path, f"publicKeyMultibase: {exc.message}", f"publicKeyMultibase: {exc.text('nl')}") from None


def read_public(path: str | os.PathLike[str]) -> dict[str, str]:
    """Return a key file's public part: id, controller, type, algorithm, publicKeyMultibase."""
    file = Path(path)
    document, _ = _read(file)
    public_key = _public_key(file, document)
    return {
        "id": document["id"],
        "controller": document["controller"],
        "type": MULTIKEY,
        "algorithm": public_key.kind,
        "publicKeyMultibase": public_key.multibase,
    }


def _decrypt(path: Path, pem: str, passphrase: str | bytes | None) -> KeyPair:
    """Decrypt an encrypted PKCS#8 PEM into a ``KeyPair``."""
    if passphrase is None:
        passphrase = os.environ.get(PASSPHRASE_ENV) or None
    if passphrase is None:
        raise error_for(
            ErrorCode.WRONG_PASSPHRASE,
            f"key file {str(path)!r} is encrypted; give a passphrase or set {PASSPHRASE_ENV}",
            nl=f"sleutelbestand {str(path)!r} is versleuteld en er is geen wachtwoord gegeven; geef het, of zet {PASSPHRASE_ENV}",
        )
    if not pem.lstrip().startswith(_ENCRYPTED_PEM_HEADER):
        raise _invalid(path, "encryptedPrivateKeyPem is not an encrypted PKCS#8 PEM",
                       "encryptedPrivateKeyPem is geen versleutelde PKCS#8-PEM")
    secret = _passphrase_bytes(passphrase)
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), secret)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise error_for(
            ErrorCode.WRONG_PASSPHRASE,
            f"key file {str(path)!r} could not be decrypted: wrong passphrase or damaged key",
            nl=f"sleutelbestand {str(path)!r} kon niet worden ontsleuteld: verkeerd wachtwoord of beschadigde sleutel",
        ) from None
    if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise _invalid(path, "holds an unsupported key type", _UNSUPPORTED_NL)
    try:
        return KeyPair(key)
    except ValueError:
        raise _invalid(path, "holds an unsupported key type", _UNSUPPORTED_NL) from None


def load(
    path: str | os.PathLike[str],
    passphrase: str | bytes | None = None,
    *,
    check_permissions: bool = True,
) -> LocalSigner:
    """Load a key file into a ``LocalSigner``; the passphrase may come from the environment."""
    file = Path(path)
    document, mode = _read(file)
    public_key = _public_key(file, document)
    if "secretKeyMultibase" in document:
        # An unencrypted secret readable by others is refused, as OpenSSH does.
        if check_permissions and os.name == "posix" and mode & 0o077:
            raise localized_error(
                ErrorCode.INSECURE_PERMISSIONS,
                en=f"key file {str(file)!r} is accessible by others (mode {mode:04o}); chmod 600 it",
                nl=f"sleutelbestand {str(file)!r} is toegankelijk voor anderen (modus {mode:04o}); zet het op chmod 600",
            )
        try:
            keypair = KeyPair.from_secret_multibase(document["secretKeyMultibase"])
        except SkillspasError as exc:
            raise _invalid(file, exc.message, exc.text("nl")) from None
    else:
        keypair = _decrypt(file, document["encryptedPrivateKeyPem"], passphrase)
    if keypair.public_key != public_key:
        raise _invalid(file, "the secret key does not belong to publicKeyMultibase",
                       "de geheime sleutel hoort niet bij publicKeyMultibase")
    try:
        return LocalSigner(
            keypair, verification_method=document["id"], controller=document["controller"]
        )
    except ValueError as exc:
        raise _invalid(file, str(exc), "id en controller passen niet bij de sleutel of bij elkaar (controller#fragment)") from None


HISTORY_FILE: Final = "history.json"


@dataclass(frozen=True)
class Pkcs11Token:
    """Where HSM keys live: a PKCS#11 module, a token label and its PIN (never shown)."""

    module: str
    label: str
    pin: str = field(repr=False)


def _now(now: dt.datetime | None) -> dt.datetime:
    """``now`` or the current UTC time."""
    return now or dt.datetime.now(dt.timezone.utc)


class Keystore:
    """A folder (mode 0700) with one did:web issuer's key history and its encrypted key files (0600)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Open the keystore at ``path`` (read lazily)."""
        self.path = Path(path)

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        did: str,
        *,
        kind: str = "ed25519",
        passphrase: str | bytes | None = None,
        token: Pkcs11Token | None = None,
        now: dt.datetime | None = None,
    ) -> Keystore:
        """Make a new keystore for ``did`` with its first key (``did#key-1``), in a file or on a token."""
        try:  # before anything is written
            check_did_web_spelling(did)
        except SkillspasError as exc:
            given = shown(did, quoted=True)
            raise localized_error(ErrorCode.INVALID_OPTION, en=f"a keystore is for a did:web DID; {given} is not one "
                                  f"({exc.message})", nl=f"een sleutelopslag is voor een did:web-DID; {given} is dat "
                                  f"niet ({exc.text('nl')})") from None
        folder = Path(path)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise FileExistsError(f"{str(folder)!r} exists and is not an empty folder")
        private_folder(folder)  # and any folder above it that it makes
        folder.chmod(0o700)
        store = cls(folder)
        key_id = f"{did}#key-1"
        public_key, location = store._new_key(key_id, kind, passphrase, token)
        store._write_history(KeyHistory.start(did, public_key, location, now=_now(now)))
        return store

    def history(self) -> KeyHistory:
        """The key history (``history.json``); ``key_not_found`` when there is no keystore here."""
        file = self.path / HISTORY_FILE
        try:
            with open_input(file) as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise _invalid(file, "not a regular file", "geen gewoon bestand")
                data = handle.read(_MAX_KEY_FILE_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError):
            raise localized_error(ErrorCode.KEY_NOT_FOUND, en=f"no keystore at {str(self.path)!r}",
                                  nl=f"er is geen sleutelopslag in {str(self.path)!r}") from None
        except IsADirectoryError:  # raised by the open of a folder's descriptor, which names no file
            raise _invalid(file, "not a regular file", "geen gewoon bestand") from None
        except OSError as exc:  # as ``_read`` says it of a key file
            raise file_error(exc, file, "read") from None
        if len(data) > _MAX_KEY_FILE_BYTES:
            raise _invalid(file, "too large to be a key history", "te groot voor een sleutelgeschiedenis")
        try:
            document = parse_json(data)
        except SkillspasError:
            raise _invalid(file, "not a strict UTF-8 JSON document", "geen strikt UTF-8 JSON-document") from None
        return KeyHistory.from_json(document)

    def did_document(self) -> dict[str, Any]:
        """The DID document to publish at ``/.well-known/did.json``."""
        return self.history().did_document()

    def signer(
        self, passphrase: str | bytes | None = None, *, token: Pkcs11Token | None = None
    ) -> Signer:
        """A signer for the current key (file key decrypted, sealed; or on its HSM token). It only signs."""
        history = self.history()
        record = history.current
        if record is None:
            raise localized_error(ErrorCode.KEY_NOT_FOUND, en="every key is revoked or retired; rotate to a new key",
                                  nl="elke sleutel is ingetrokken of buiten gebruik; maak een nieuwe (keys rotate)")
        if record.location.startswith("pkcs11:"):
            return self._token_signer(record, token)
        signer = load(self._key_file(record.location), passphrase)
        if signer.public_key != record.public_key or signer.verification_method != record.id:
            raise _invalid(self.path / record.location, "does not hold the key the history names",
                           "bevat niet de sleutel die de sleutelgeschiedenis noemt")
        return SealedSigner(signer)

    def rotate(
        self,
        *,
        kind: str = "ed25519",
        passphrase: str | bytes | None = None,
        token: Pkcs11Token | None = None,
        now: dt.datetime | None = None,
    ) -> KeyRecord:
        """Make a new current key; the old one is retired and stays in the DID document."""
        history = self.history()
        key_id = history.next_id()
        public_key, location = self._new_key(key_id, kind, passphrase, token)
        history = history.rotate(public_key, location, now=_now(now))
        self._write_history(history)
        return history.get(key_id)

    def revoke(
        self, key_id: str, *, compromised_at: dt.datetime, now: dt.datetime | None = None
    ) -> KeyRecord:
        """Mark a key compromised from ``compromised_at``; its later signatures fail (``key_revoked``)."""
        history = self.history().revoke(key_id, compromised_at=compromised_at, now=_now(now))
        self._write_history(history)
        return history.get(key_id)

    def _new_key(
        self, key_id: str, kind: str, passphrase: str | bytes | None, token: Pkcs11Token | None
    ) -> tuple[PublicKey, str]:
        """Create the private key for ``key_id``: an encrypted file, or a key pair on the token."""
        if token is not None:
            from skillspas.keys.hsm import Pkcs11Signer

            with Pkcs11Signer.generate(
                module=token.module, token_label=token.label, key_label=key_id, pin=token.pin,
                kind=kind, verification_method=key_id,
            ) as signer:
                return signer.public_key, signer.uri
        if passphrase is None:
            passphrase = os.environ.get(PASSPHRASE_ENV) or None
        if passphrase is None:
            raise ValueError(f"keystore keys are encrypted: give a passphrase or set {PASSPHRASE_ENV}")
        keypair = generate("ed25519" if kind == "auto" else kind)
        name = key_id.rsplit("#", 1)[1] + ".key.json"
        save(keypair, self._key_file(name), passphrase=passphrase, verification_method=key_id)
        return keypair.public_key, name

    def _token_signer(self, record: KeyRecord, token: Pkcs11Token | None) -> Signer:
        """Log in to the token that holds ``record``'s key."""
        from skillspas.keys.hsm import Pkcs11Signer, parse_pkcs11_uri

        if token is None:
            raise localized_error(ErrorCode.KEY_NOT_FOUND, en=f"{record.id} is on a PKCS#11 token: give the module and PIN",
                                  nl=f"{record.id} staat op een PKCS#11-token: geef de module en de pincode")
        token_label, key_label = parse_pkcs11_uri(record.location)
        signer = Pkcs11Signer(
            module=token.module, token_label=token_label, key_label=key_label, pin=token.pin,
            verification_method=record.id,
        )
        if signer.public_key != record.public_key:
            signer.close()
            raise localized_error(ErrorCode.INVALID_KEY_FILE, en=f"the token key {record.location} is not {record.id}",
                                  nl=f"de sleutel op het token ({record.location}) is niet {record.id}")
        return signer

    def _key_file(self, name: str) -> Path:
        """The path of a key file inside the keystore; ValueError for names that would leave it."""
        if "/" in name or "\\" in name or name.startswith("."):
            raise _invalid(self.path / HISTORY_FILE, f"key location {name!r} is not a file in the keystore",
                           f"sleutellocatie {name!r} is geen bestand in de sleutelopslag")
        return self.path / name

    def _write_history(self, history: KeyHistory) -> None:
        """Write ``history.json`` atomically."""
        data = (json.dumps(history.to_json(), indent=2) + "\n").encode("utf-8")
        _write_private(self.path / HISTORY_FILE, data, overwrite=True)

    def __repr__(self) -> str:
        return f"Keystore({str(self.path)!r})"
