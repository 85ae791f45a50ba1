"""SoftHSM2 for tests: installed if missing (Debian ``softhsm2``), one token in a temporary SOFTHSM2_CONF.

Usage (also from other test folders, or by hand to produce a file for the JS interop check)::

    token = init_token(tmp_dir)                                   # sets SOFTHSM2_CONF for this process
    path = write_hsm_signed_credential(tmp_dir / "hsm-credential.json", token)
    python tests/keys/softhsm.py OUT.json [ed25519|p256]          # the same from the command line

The credential's issuer is the token key's did:key, so any verifier resolves it offline.
SOFTHSM2_CONF must be set before the PKCS#11 module is first loaded in a process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MODULE_PATHS", "SoftHsmToken", "ensure_softhsm", "init_token", "write_hsm_signed_credential"]

MODULE_PATHS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)


@dataclass(frozen=True)
class SoftHsmToken:
    """An initialised SoftHSM2 token."""

    module: str
    label: str
    pin: str = field(repr=False)
    conf: Path


def _module() -> str | None:
    return next((p for p in MODULE_PATHS if Path(p).is_file()), None)


def ensure_softhsm() -> str:
    """The SoftHSM2 PKCS#11 module path; installs Debian's softhsm2 with apt-get when it is missing."""
    module = _module()
    if module is None or shutil.which("softhsm2-util") is None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "softhsm2"], check=True, env=env, capture_output=True)
        module = _module()
    if module is None:
        raise RuntimeError("softhsm2 is not installed and could not be installed")
    return module


_STORE: list[Path] = []  # the one token store of this process (the module reads its config once)
_TOKENS: dict[str, SoftHsmToken] = {}


def init_token(folder: Path, *, label: str = "skillspas-test", pin: str = "246810", so_pin: str = "13579113") -> SoftHsmToken:
    """Create a token store in ``folder`` (the first call per process), point SOFTHSM2_CONF at it, add a token.

    The PKCS#11 module reads SOFTHSM2_CONF once per process, so later calls put their tokens in the
    first call's store, and a label already initialised in this process returns that token.
    """
    if label in _TOKENS:
        return _TOKENS[label]
    module = ensure_softhsm()
    if not _STORE:
        _STORE.append(Path(folder))
    folder = _STORE[0]
    (folder / "tokens").mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
        "slots.removable = false\n",
        "utf-8",
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", so_pin],
        check=True, capture_output=True, env=os.environ.copy(),
    )
    _TOKENS[label] = SoftHsmToken(module, label, pin, conf)
    return _TOKENS[label]


def write_hsm_signed_credential(path: Path, token: SoftHsmToken, *, kind: str = "auto", key_label: str = "interop") -> Path:
    """Generate a key on the token, sign the demo credential with it (issuer: its did:key), write it."""
    from skillspas.issuer import sign
    from skillspas.issuer.demo import sample_credential
    from skillspas.keys.hsm import Pkcs11Signer

    with Pkcs11Signer.generate(module=token.module, token_label=token.label, key_label=key_label,
                               pin=token.pin, kind=kind) as signer:
        suite = "eddsa-rdfc-2022" if signer.algorithm == "Ed25519" else "ecdsa-rdfc-2019"
        signed = sign(sample_credential(signer.controller), signer, suite=suite)
    path = Path(path)
    path.write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("hsm-credential.json")
    kind = sys.argv[2] if len(sys.argv) > 2 else "auto"
    token = init_token(Path(tempfile.mkdtemp(prefix="skillspas-softhsm-")))
    print(write_hsm_signed_credential(out, token, kind=kind))
