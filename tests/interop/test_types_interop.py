"""The five skillspas credential types verify in the JS reference stack, with contexts from ``skillspas contexts export``.

One credential per type (the first example row of each), issued and signed by skillspas with a
did:key, is verified by ``interop.mjs`` (Digital Bazaar's @digitalbazaar/vc, pinned in this
folder; see README.md). The JS document loader knows only the folder that
``skillspas contexts export`` wrote, so the skillspas context itself is exercised. Like
test_interop.py, these tests fail (never skip) without node and npm.

The praktijkverklaring carries two proofs (school and leerbedrijf). @digitalbazaar/vc's default
CredentialIssuancePurpose ties *every* proof's key to the issuer, which a co-signer is not; so the
proof set is checked at proof level (AssertionProofPurpose), and each proof on its own too, since
jsonld-signatures counts a proof set as verified when *any* proof verifies (skillspas: every one).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.interop

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
INTEROP = HERE / "interop.mjs"
EXAMPLES = ROOT / "examples"
KINDS = ["mbo-diploma", "mbo-certificaat", "ervaringscertificaat", "microcredential"]


def _node() -> str:
    """node, with the pinned JS stack installed by ``npm ci`` when missing (as in test_interop.py)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail(f"interop tests need Node.js (>= 18) and npm on PATH (node: {node}, npm: {npm})", pytrace=False)
    if not (HERE / "node_modules" / "@digitalbazaar" / "vc" / "package.json").exists():
        proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            pytest.fail(f"`npm ci` in {HERE} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}", pytrace=False)
    return node


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contexts as ``skillspas contexts export`` writes them (the skillspas context among them)."""
    folder = tmp_path_factory.mktemp("exported") / "contexts"
    skillspas = Path(sys.executable).with_name("skillspas")
    command = [str(skillspas)] if skillspas.exists() else [sys.executable, "-c", "from skillspas.issuer.cli import main; main()"]
    proc = subprocess.run([*command, "contexts", "export", str(folder)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "https://w3id.org/skillspas/v1" in json.loads((folder / "contexts.map.json").read_text("utf-8"))
    return folder


@pytest.fixture(scope="module")
def js_verify(exported: Path, tmp_path_factory: pytest.TempPathFactory):
    node = _node()
    folder = tmp_path_factory.mktemp("js")

    def verify(document: dict[str, Any], purpose: str = "credential") -> dict[str, Any]:
        path = folder / "in.json"
        path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        proc = subprocess.run(
            [node, str(INTEROP), "verify", "--contexts", str(exported), "--purpose", purpose, str(path)],
            cwd=HERE, capture_output=True, text=True, timeout=120,
        )
        assert proc.returncode in (0, 1), f"interop.mjs crashed ({proc.returncode}):\n{proc.stderr}"
        return json.loads(proc.stdout)

    return verify


@pytest.fixture(scope="module")
def signers():
    from skillspas.keys import LocalSigner, generate

    return LocalSigner(generate("ed25519")), LocalSigner(generate("ed25519"))


def _issue(kind: str, signers) -> dict[str, Any]:
    from skillspas.issuer import sign
    from skillspas.issuer.credentials import build

    school, leerbedrijf = signers
    row = json.loads(sorted((EXAMPLES / kind).glob("*.json"))[0].read_text("utf-8"))
    if kind == "praktijkverklaring":
        unsigned = build(kind, row, issuer=school.controller, cosigner=leerbedrijf.controller)
        return sign(sign(unsigned, school), leerbedrijf, append=True)
    return sign(build(kind, row, issuer=school.controller), school)


@pytest.mark.parametrize("kind", KINDS)
def test_skillspas_credential_of_each_type_verifies_in_js(kind, js_verify, signers):
    signed = _issue(kind, signers)
    assert js_verify(signed) == {"verified": True, "error": None}


@pytest.mark.parametrize("kind", KINDS)
def test_js_rejects_the_credential_after_one_skill_is_changed(kind, js_verify, signers):
    signed = _issue(kind, signers)
    signed["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = "een vliegtuig besturen"
    result = js_verify(signed)
    assert result["verified"] is False and "Invalid signature" in result["error"]


def test_praktijkverklaring_proof_set_verifies_in_js_and_each_proof_on_its_own(js_verify, signers):
    signed = _issue("praktijkverklaring", signers)
    assert len(signed["proof"]) == 2
    assert js_verify(signed, purpose="assertion") == {"verified": True, "error": None}
    for proof in signed["proof"]:
        assert js_verify({**signed, "proof": proof}, purpose="assertion") == {"verified": True, "error": None}
    # the school's proof alone is the issuer's: JS's default issuance purpose accepts it too
    assert js_verify({**signed, "proof": signed["proof"][0]}) == {"verified": True, "error": None}


def test_js_rejects_the_praktijkverklaring_after_one_werkproces_is_changed(js_verify, signers):
    signed = _issue("praktijkverklaring", signers)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["werkprocessen"][0]["code"] = "B1-K1-W3"
    assert js_verify(tampered, purpose="assertion")["verified"] is False
    for proof in tampered["proof"]:
        assert js_verify({**tampered, "proof": proof}, purpose="assertion")["verified"] is False
