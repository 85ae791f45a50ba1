"""Interop with the reference JS stack (Digital Bazaar's @digitalbazaar/vc and cryptosuites), both ways.

The JS side is `tests/interop/interop.mjs`, with the npm packages pinned by `package-lock.json`
in this folder; the fixture below runs `npm ci` when `node_modules/` is missing. Without node or
npm these tests FAIL (interop is a release requirement, never silently skipped).

Everything is offline on both sides: the JS document loader knows only the context folders it is
given (`contexts.map.json`) and did:key; any other URL throws.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.interop

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VECTORS = ROOT / "tests" / "data" / "vectors"
TEST_CONTEXTS = ROOT / "tests" / "data" / "contexts"
INTEROP = HERE / "interop.mjs"

W3C_VECTORS = {
    "eddsa-rdfc-2022": VECTORS / "vc-di-eddsa" / "eddsa-rdfc-2022" / "signedDataInt.json",
    "ecdsa-rdfc-2019-p256": VECTORS / "vc-di-ecdsa" / "ecdsa-rdfc-2019-p256" / "signedECDSAP256.json",
    "ecdsa-rdfc-2019-p384": VECTORS / "vc-di-ecdsa" / "ecdsa-rdfc-2019-p384" / "signedECDSAP384.json",
}
# (skillspas / interop.mjs key type, cryptosuite)
SUITES = [("ed25519", "eddsa-rdfc-2022"), ("p256", "ecdsa-rdfc-2019")]
SUITE_IDS = [suite for _, suite in SUITES]


def _load_benchmark_credentials() -> Any:
    spec = importlib.util.spec_from_file_location("_skillspas_bench_credentials", ROOT / "benchmarks" / "credentials.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


credentials = _load_benchmark_credentials()


# ---------------------------------------------------------------------------- JS side


class JS:
    """Runs interop.mjs with node; every call is offline and bounded in time."""

    def __init__(self, node: str, contexts: list[Path]) -> None:
        self.node = node
        self.contexts = contexts

    def run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.node, str(INTEROP), *map(str, args)],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def _context_args(self, contexts: list[Path] | None) -> list[str]:
        args: list[str] = []
        for folder in self.contexts if contexts is None else contexts:
            args += ["--contexts", str(folder)]
        return args

    def verify(self, path: Path, *, purpose: str = "credential", contexts: list[Path] | None = None) -> dict[str, Any]:
        proc = self.run("verify", *self._context_args(contexts), "--purpose", purpose, path)
        assert proc.returncode in (0, 1), f"interop.mjs verify crashed (exit {proc.returncode}):\n{proc.stderr}"
        result = json.loads(proc.stdout)
        assert (proc.returncode == 0) == result["verified"], (proc.returncode, result)
        return result

    def sign(self, path: Path, key_file: Path, suite: str) -> dict[str, Any]:
        proc = self.run("sign", "--key", key_file, "--suite", suite, *self._context_args(None), path)
        assert proc.returncode == 0, f"interop.mjs sign failed (exit {proc.returncode}):\n{proc.stderr}"
        return json.loads(proc.stdout)

    def genkey(self, key_type: str, out: Path) -> dict[str, Any]:
        proc = self.run("genkey", "--type", key_type, "--out", out)
        assert proc.returncode == 0, f"interop.mjs genkey failed (exit {proc.returncode}):\n{proc.stderr}"
        return json.loads(out.read_text(encoding="utf-8"))


def ensure_node_modules() -> str:
    """Return the path of `node`; run `npm ci` in tests/interop when node_modules is missing. Fails, never skips."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(
            "interop tests need Node.js (>= 18) and npm on PATH to run the reference JS stack "
            f"(node: {node or 'missing'}, npm: {npm or 'missing'}); install them, e.g. `apt-get install nodejs npm`",
            pytrace=False,
        )
    if not (HERE / "node_modules" / "@digitalbazaar" / "vc" / "package.json").exists():
        proc = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True, timeout=900
        )
        if proc.returncode != 0:
            pytest.fail(
                f"`npm ci` in {HERE} failed (exit {proc.returncode}); the pinned JS stack could not be installed:\n"
                f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}",
                pytrace=False,
            )
    return node


@pytest.fixture(scope="module")
def product_contexts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled product contexts the JS side may load, as a folder with contexts.map.json."""
    return credentials.write_contexts_folder(tmp_path_factory.mktemp("product-contexts"))


@pytest.fixture(scope="module")
def js(product_contexts: Path) -> JS:
    return JS(ensure_node_modules(), [product_contexts, TEST_CONTEXTS])


def write_json(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def issuer_id(credential: dict[str, Any]) -> str:
    issuer = credential["issuer"]
    return issuer if isinstance(issuer, str) else issuer["id"]


# ------------------------------------------------------------- (a) JS and the W3C vectors


@pytest.mark.parametrize("name", list(W3C_VECTORS))
def test_js_verifies_w3c_signed_vector_at_proof_level(js: JS, name: str) -> None:
    result = js.verify(W3C_VECTORS[name], purpose="assertion")
    assert result == {"verified": True, "error": None}


@pytest.mark.parametrize("name", list(W3C_VECTORS))
def test_js_default_credential_purpose_rejects_w3c_vector_whose_issuer_is_not_the_key_controller(
    js: JS, name: str
) -> None:
    # @digitalbazaar/vc's default CredentialIssuancePurpose binds the issuer to the verification
    # method's controller; the vectors' issuer (https://vc.example/issuers/5678) does not control
    # the did:key that signed them, as skillspas' key_not_authorized says too.
    result = js.verify(W3C_VECTORS[name], purpose="credential")
    assert result["verified"] is False
    assert "issuer must match the verification method controller" in result["error"]


@pytest.mark.parametrize("name", list(W3C_VECTORS))
@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d["credentialSubject"].__setitem__("alumniOf", "The School of Fakes"), id="subject"),
        pytest.param(lambda d: d.__setitem__("validFrom", "2023-01-02T00:00:00Z"), id="validFrom"),
        pytest.param(lambda d: d["proof"].__setitem__("created", "2023-02-24T23:36:39Z"), id="proof-created"),
    ],
)
def test_js_rejects_w3c_vector_with_one_value_changed(js: JS, tmp_path: Path, name: str, tamper: Any) -> None:
    document = json.loads(W3C_VECTORS[name].read_text(encoding="utf-8"))
    tamper(document)
    result = js.verify(write_json(tmp_path / "tampered.json", document), purpose="assertion")
    assert result["verified"] is False
    assert "Invalid signature" in result["error"]


def test_js_document_loader_refuses_contexts_it_was_not_given(js: JS, product_contexts: Path) -> None:
    # without the test-contexts folder, the examples/v2 context is unknown: an error, not a fetch
    result = js.verify(W3C_VECTORS["eddsa-rdfc-2022"], purpose="assertion", contexts=[product_contexts])
    assert result["verified"] is False
    assert 'unknown URL "https://www.w3.org/ns/credentials/examples/v2"' in result["error"]


def test_benchmark_credentials_define_every_term() -> None:
    for n in (0, 8, 40):
        credential = credentials.ob3_credential(n, "did:example:issuer")
        assert credentials.undefined_terms(credential) == []
    broken = credentials.ob3_credential(1, "did:example:issuer")
    broken["credentialSubject"]["achievement"]["alignment"][0]["targetColour"] = "blue"
    assert credentials.undefined_terms(broken) == [
        "$[0].https://www.w3.org/2018/credentials#credentialSubject[0]"
        ".https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement[0]"
        ".https://purl.imsglobal.org/spec/vc/ob/vocab.html#alignment[0].targetColour"
    ]


# ------------------------------------------------------------------- skillspas contexts export


def test_js_loads_the_contexts_skillspas_exports(js: JS, tmp_path: Path) -> None:
    exported = tmp_path / "exported"
    skillspas = Path(sys.executable).with_name("skillspas")
    command = [str(skillspas)] if skillspas.exists() else [sys.executable, "-m", "skillspas.issuer.cli"]
    proc = subprocess.run(
        [*command, "contexts", "export", str(exported)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert proc.returncode == 0, f"`skillspas contexts export` failed ({proc.returncode}):\n{proc.stderr}"
    mapping = json.loads((exported / "contexts.map.json").read_text(encoding="utf-8"))
    for url in credentials.CONTEXT_FILES:
        assert url in mapping, url
    result = js.verify(W3C_VECTORS["eddsa-rdfc-2022"], purpose="assertion", contexts=[exported, TEST_CONTEXTS])
    assert result == {"verified": True, "error": None}


# ----------------------------------------------------------------- (b) skillspas -> JS


def skillspas_key(tmp_path: Path, key_type: str) -> tuple[Any, dict[str, Any], Path]:
    """Generate a skillspas key, save it as a key file; return (signer, key file JSON, path)."""
    from skillspas.keys import generate, load
    from skillspas.keys.keyfile import save

    path = tmp_path / f"skillspas-{key_type}.json"
    save(generate(key_type), path)
    return load(path), json.loads(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(("key_type", "suite"), SUITES, ids=SUITE_IDS)
@pytest.mark.parametrize("n_skills", [8, 40])
def test_credential_signed_by_skillspas_verifies_in_js(
    js: JS, tmp_path: Path, key_type: str, suite: str, n_skills: int
) -> None:
    from skillspas.issuer import sign

    signer, key_file, _ = skillspas_key(tmp_path, key_type)
    credential = credentials.ob3_credential(n_skills, key_file["controller"])
    signed = sign(copy.deepcopy(credential), signer, suite=suite)
    assert signed["proof"]["cryptosuite"] == suite
    assert signed["proof"]["verificationMethod"] == key_file["id"]

    # the default CredentialIssuancePurpose: proof valid AND issuer == key controller
    result = js.verify(write_json(tmp_path / "signed.json", signed))
    assert result == {"verified": True, "error": None}


@pytest.mark.parametrize(("key_type", "suite"), SUITES, ids=SUITE_IDS)
@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d.__setitem__("name", "Mbo-diploma Arts"), id="name"),
        pytest.param(
            lambda d: d["credentialSubject"]["achievement"]["alignment"][3].__setitem__("targetName", "fly a plane"),
            id="skill",
        ),
    ],
)
def test_tampered_skillspas_credential_fails_in_js(
    js: JS, tmp_path: Path, key_type: str, suite: str, tamper: Any
) -> None:
    from skillspas.issuer import sign

    signer, key_file, _ = skillspas_key(tmp_path, key_type)
    signed = sign(credentials.ob3_credential(8, key_file["controller"]), signer, suite=suite)
    tamper(signed)
    result = js.verify(write_json(tmp_path / "tampered.json", signed))
    assert result["verified"] is False
    assert "Invalid signature" in result["error"]


# ----------------------------------------------------------------- (c) JS -> skillspas


@pytest.mark.parametrize(("key_type", "suite"), SUITES, ids=SUITE_IDS)
@pytest.mark.parametrize("n_skills", [8, 40])
def test_credential_signed_by_js_verifies_in_skillspas(
    js: JS, tmp_path: Path, key_type: str, suite: str, n_skills: int
) -> None:
    from skillspas.verifier import verify

    key_file = js.genkey(key_type, tmp_path / "js-key.json")
    controller = key_file["controller"]
    unsigned = write_json(tmp_path / "unsigned.json", credentials.ob3_credential(n_skills, controller))
    signed = js.sign(unsigned, tmp_path / "js-key.json", suite)
    assert signed["proof"]["cryptosuite"] == suite

    result = verify(signed, trusted_issuers=[controller])
    assert result.errors == ()
    assert result.verified is True


@pytest.mark.parametrize(("key_type", "suite"), SUITES, ids=SUITE_IDS)
@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d.__setitem__("name", "Mbo-diploma Arts"), id="name"),
        pytest.param(
            lambda d: d["credentialSubject"]["achievement"]["alignment"][3].__setitem__("targetName", "fly a plane"),
            id="skill",
        ),
    ],
)
def test_tampered_js_credential_fails_in_skillspas_with_invalid_signature(
    js: JS, tmp_path: Path, key_type: str, suite: str, tamper: Any
) -> None:
    from skillspas.verifier import verify

    key_file = js.genkey(key_type, tmp_path / "js-key.json")
    controller = key_file["controller"]
    unsigned = write_json(tmp_path / "unsigned.json", credentials.ob3_credential(8, controller))
    signed = js.sign(unsigned, tmp_path / "js-key.json", suite)
    tamper(signed)

    result = verify(signed, trusted_issuers=[controller])
    assert result.verified is False
    assert result.errors, result
    assert result.errors[0].code == "invalid_signature", result.errors


# ----------------------------------------------------------------- key files, both ways


@pytest.mark.parametrize(("key_type", "suite"), SUITES, ids=SUITE_IDS)
def test_key_file_written_by_skillspas_signs_in_js_and_verifies_in_skillspas(
    js: JS, tmp_path: Path, key_type: str, suite: str
) -> None:
    from skillspas.verifier import verify

    _, key_file, path = skillspas_key(tmp_path, key_type)
    unsigned = write_json(tmp_path / "unsigned.json", credentials.ob3_credential(8, key_file["controller"]))
    signed = js.sign(unsigned, path, suite)
    assert signed["proof"]["verificationMethod"] == key_file["id"]
    result = verify(signed, trusted_issuers=[key_file["controller"]])
    assert result.verified is True, result.errors


@pytest.mark.parametrize(("key_type", "suite"), SUITES, ids=SUITE_IDS)
def test_key_file_written_by_js_loads_and_signs_in_skillspas(js: JS, tmp_path: Path, key_type: str, suite: str) -> None:
    from skillspas.issuer import sign
    from skillspas.keys import load

    path = tmp_path / "js-key.json"
    key_file = js.genkey(key_type, path)
    os.chmod(path, 0o600)
    signed = sign(credentials.ob3_credential(8, key_file["controller"]), load(path), suite=suite)
    assert signed["proof"]["verificationMethod"] == key_file["id"]
    result = js.verify(write_json(tmp_path / "signed.json", signed))
    assert result == {"verified": True, "error": None}


def _softhsm_module() -> Any:
    """tests/keys/softhsm.py, loaded by path (a bare ``keys`` import would find the product folder)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("skillspas_test_softhsm", HERE.parent / "keys" / "softhsm.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_credential_signed_in_softhsm2_verifies_in_js(js: JS, tmp_path: Path, kind: str) -> None:
    """A key that never leaves the HSM (SoftHSM2 over PKCS#11) signs; the JS reference stack verifies."""
    softhsm = _softhsm_module()
    token = softhsm.init_token(tmp_path / "softhsm")
    path = softhsm.write_hsm_signed_credential(tmp_path / f"hsm-{kind}.json", token, kind=kind, key_label=f"js-{kind}")
    assert js.verify(path)["verified"] is True
    document = json.loads(path.read_text("utf-8"))
    document["credentialSubject"]["name"] = "Iemand Anders"
    assert js.verify(write_json(tmp_path / f"hsm-{kind}-tampered.json", document))["verified"] is False
