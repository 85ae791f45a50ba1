"""The keys package: its public names, and what it may import (STYLE.md 7.3)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import skillspas.keys

KEYS_DIR = Path(skillspas.keys.__file__).resolve().parent
HTTP_CLIENTS = {
    "requests",
    "httpx",
    "aiohttp",
    "urllib3",
    "urllib.request",
    "http.client",
    "socket",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            names.add(node.module or "")
    return names


def test_public_api_is_pinned() -> None:
    assert sorted(skillspas.keys.__all__) == sorted(
        [
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
    )
    for name in skillspas.keys.__all__:
        assert getattr(skillspas.keys, name) is not None


def test_keys_imports_only_schemas_and_allowed_libraries() -> None:
    files = sorted(KEYS_DIR.glob("*.py"))
    assert len(files) >= 9
    for path in files:
        allowed_third_party = (
            {"cryptography"}
            | ({"typer"} if path.name == "cli.py" else set())
            | ({"pkcs11"} if path.name == "hsm.py" else set())
            | ({"nacl"} if path.name == "keypair.py" else set())  # Ed25519 verification (libsodium)
        )
        for name in _imports(path):
            top = name.split(".")[0]
            assert name not in HTTP_CLIENTS, f"{path.name} imports {name}"
            if top == "skillspas":
                assert name.startswith(("skillspas.schemas", "skillspas.keys")), (
                    f"{path.name}: {name}"
                )
            else:
                assert (
                    top in sys.stdlib_module_names
                    or top in allowed_third_party
                    or top == "__future__"
                ), f"{path.name} imports {name}"


def test_python_pkcs11_is_imported_lazily_and_only_in_hsm() -> None:
    for path in sorted(KEYS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        top_level = {
            alias.name.split(".")[0]
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        }
        assert "pkcs11" not in top_level, f"{path.name} imports pkcs11 at module level"
        if path.name != "hsm.py":
            assert not any(n.split(".")[0] == "pkcs11" for n in _imports(path)), path.name
    code = "import sys, skillspas.keys, skillspas.keys.hsm, skillspas.keys.keyfile; print('pkcs11' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_keys_does_not_load_the_cli_or_upper_layers() -> None:
    code = (
        "import sys, skillspas.keys; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('typer', 'requests', 'httpx') "
        "or m.startswith(('skillspas.verifier', 'skillspas.issuer', 'skillspas.wallet_export'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
