"""Key files: a Multikey JSON document, written atomically with mode 0600, optionally encrypted.

Usage::

    save(generate("ed25519"), "issuer.key.json", passphrase="correct horse")
    signer = load("issuer.key.json", passphrase="correct horse")     # -> LocalSigner
    info = read_public("issuer.key.json")                             # no secret, no passphrase

Plain files hold ``secretKeyMultibase`` (the shape digitalbazaar's Multikey libraries import);
encrypted files hold ``encryptedPrivateKeyPem`` instead (PKCS#8, ``BestAvailableEncryption``).
The passphrase may come from ``SKILLSPAS_KEY_PASSPHRASE``. No error message carries key material.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from skillspas.keys._json import loads_strict
from skillspas.keys.keypair import KeyPair, PublicKey
from skillspas.keys.signer import LocalSigner
from skillspas.keys.verification_method import MULTIKEY
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for

__all__ = ["PASSPHRASE_ENV", "save", "load", "read_public"]

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
    """Write ``data`` atomically with mode 0600; FileExistsError unless ``overwrite``."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            # link() fails if ``path`` exists, so a key file is never silently replaced.
            os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


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
        pem = keypair.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(_passphrase_bytes(passphrase)),
        )
        document["encryptedPrivateKeyPem"] = pem.decode("ascii")
    data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
    _write_private(Path(path), data, overwrite=overwrite)
    return signer


def _invalid(path: Path, message: str) -> SkillspasError:
    """Build the ``invalid_key_file`` error."""
    return error_for(ErrorCode.INVALID_KEY_FILE, f"key file {str(path)!r}: {message}")


def _read(path: Path) -> tuple[dict[str, Any], int]:
    """Read and shape-check a key file; return its JSON object and its permission bits."""
    try:
        with path.open("rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise _invalid(path, "not a regular file")
            data = handle.read(_MAX_KEY_FILE_BYTES + 1)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise error_for(ErrorCode.KEY_NOT_FOUND, f"no key file at {str(path)!r}") from None
    except PermissionError:
        raise _invalid(path, "cannot be read (permission denied)") from None
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise _invalid(path, "too large to be a key file")
    try:
        document = loads_strict(data)
    except ValueError:
        raise _invalid(path, "not a strict UTF-8 JSON document") from None
    if not isinstance(document, dict) or document.get("type") != MULTIKEY:
        raise _invalid(path, 'not a Multikey document ("type": "Multikey")')
    for field in ("id", "controller", "publicKeyMultibase"):
        if not isinstance(document.get(field), str):
            raise _invalid(path, f"{field} must be a string")
    secrets = [f for f in ("secretKeyMultibase", "encryptedPrivateKeyPem") if f in document]
    if len(secrets) != 1 or not isinstance(document[secrets[0]], str):
        raise _invalid(path, "needs exactly one of secretKeyMultibase or encryptedPrivateKeyPem")
    return document, stat.S_IMODE(mode)


def _public_key(path: Path, document: dict[str, Any]) -> PublicKey:
    """Decode the file's publicKeyMultibase, as ``invalid_key_file`` on any defect."""
    try:
        return PublicKey.from_multibase(document["publicKeyMultibase"])
    except SkillspasError as exc:
        raise _invalid(path, f"publicKeyMultibase: {exc.message}") from None


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
        )
    if not pem.lstrip().startswith(_ENCRYPTED_PEM_HEADER):
        raise _invalid(path, "encryptedPrivateKeyPem is not an encrypted PKCS#8 PEM")
    secret = _passphrase_bytes(passphrase)
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), secret)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise error_for(
            ErrorCode.WRONG_PASSPHRASE,
            f"key file {str(path)!r} could not be decrypted: wrong passphrase or damaged key",
        ) from None
    if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise _invalid(path, "holds an unsupported key type")
    try:
        return KeyPair(key)
    except ValueError:
        raise _invalid(path, "holds an unsupported key type") from None


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
            raise error_for(
                ErrorCode.INSECURE_PERMISSIONS,
                f"key file {str(file)!r} is accessible by others (mode {mode:04o}); chmod 600 it",
            )
        try:
            keypair = KeyPair.from_secret_multibase(document["secretKeyMultibase"])
        except SkillspasError as exc:
            raise _invalid(file, exc.message) from None
    else:
        keypair = _decrypt(file, document["encryptedPrivateKeyPem"], passphrase)
    if keypair.public_key != public_key:
        raise _invalid(file, "the secret key does not belong to publicKeyMultibase")
    try:
        return LocalSigner(
            keypair, verification_method=document["id"], controller=document["controller"]
        )
    except ValueError as exc:
        raise _invalid(file, str(exc)) from None
