"""What the W3C suites ask of ``skillspas serve``: HTTPS, extra contexts, did:key issuers, P-384, proof chains.

One live service (SQLite), started as a deployment without a proxy would run it:
``serve --contexts tests/data/contexts --ssl-certfile CERT --ssl-keyfile KEY`` with a self-signed
certificate made here; the client trusts exactly that certificate. The vectors are the specs' own
(tests/data/vectors/vc-di-ecdsa, vc-di-eddsa/proof-set-chain; see their SOURCE_COMMIT).
"""

from __future__ import annotations

import copy
import datetime as dt
import ipaddress
import ssl
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from helpers import TEST_CONTEXTS, VECTORS, load_json
from svc_live import LiveService, run_cli, start_service
from svc_postgres import free_port
from skillspas.issuer.settings import Settings
from skillspas.keys import KeyPair, LocalSigner
from skillspas.keys.did_key import did_key_for, verification_method_id
from skillspas.issuer import sign
from skillspas.verifier import verify

ECDSA = VECTORS / "vc-di-ecdsa"
CHAIN = VECTORS / "vc-di-eddsa" / "proof-set-chain"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A P-256 certificate for 127.0.0.1 and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "skillspas test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_file.chmod(0o600)
    return cert_file, key_file


@pytest.fixture(scope="module")
def live() -> Iterator[LiveService]:
    folder = Path(tempfile.mkdtemp(prefix="skillspas-conformance-"))
    tls = _self_signed(folder)
    service = start_service(folder, f"sqlite:///{folder / 'skillspas.db'}", free_port(),
                            serve_args=("--contexts", str(TEST_CONTEXTS)), tls=tls, did_key_orgs=True)
    try:
        yield service
    finally:
        service.stop()


# -- TLS -----------------------------------------------------------------------------------------

def test_the_service_answers_over_https_with_its_certificate(live):
    assert live.base_url.startswith("https://")
    assert live.client.get("/openapi.json").status_code == 200
    with pytest.raises(httpx.ConnectError):  # a client that does not trust this certificate refuses it
        httpx.get(live.base_url + "/openapi.json", verify=ssl.create_default_context(), timeout=10)


def test_urls_the_service_writes_are_https(live):
    issued = live.post("/credentials/issue", {"credential": _example_credential()}, org="cursus")
    assert issued.status_code == 201, issued.text
    status = issued.json()["verifiableCredential"]["credentialStatus"]
    entries = status if isinstance(status, list) else [status]
    assert all(e["statusListCredential"].startswith(live.base_url + "/") for e in entries)


def test_half_a_tls_configuration_is_a_usage_error(tmp_path):
    cert, _ = _self_signed(tmp_path)
    result = run_cli("serve", "--data-dir", str(tmp_path), "--ssl-certfile", str(cert), timeout=60)
    assert result.returncode == 2 and "--ssl-keyfile" in result.stderr


# -- extra contexts (serve --contexts / SKILLSPAS_CONTEXTS) --------------------------------------

def _example_credential() -> dict:
    """VC Data Model 2.0 REC example 22 (a simple credential), issuer left for the service to fill in."""
    document = load_json(Path(__file__).parents[1] / "data/examples/vc-data-model-2.0/rec/ex22-a-simple-credential.json")
    del document["issuer"]
    document["id"] = f"urn:uuid:{uuid.uuid4()}"  # each issuance its own id
    return document


def test_the_service_issues_and_verifies_with_its_extra_contexts(live):
    credential = _example_credential()
    assert EXAMPLES_V2 in credential["@context"]  # not bundled: only the --contexts folder has it
    issued = live.post("/credentials/issue", {"credential": credential}, org="roc")
    assert issued.status_code == 201, issued.text
    verified = live.post("/credentials/verify", {"verifiableCredential": issued.json()["verifiableCredential"]}, org=None)
    assert verified.status_code == 200, verified.text


def test_contexts_come_from_the_environment_too(tmp_path):
    assert Settings.from_env({"SKILLSPAS_CONTEXTS": str(TEST_CONTEXTS)}).contexts == TEST_CONTEXTS
    result = run_cli("serve", "--data-dir", str(tmp_path), "--public-url", "https://issuer.example",
                     env={"SKILLSPAS_CONTEXTS": str(tmp_path / "missing")}, timeout=60)
    assert result.returncode == 2 and "unknown_context" in result.stderr  # refused at start, not at the first request


def test_a_credential_with_an_inline_context_issues_and_verifies_over_http(live):
    credential = _example_credential()
    credential["@context"] = [credential["@context"][0], {"nickname": "https://example.org/nickname"}]
    credential["credentialSubject"]["nickname"] = "Jay"
    issued = live.post("/credentials/issue", {"credential": credential}, org="roc")
    assert issued.status_code == 201, issued.text
    verified = live.post("/credentials/verify", {"verifiableCredential": issued.json()["verifiableCredential"]}, org=None)
    assert verified.status_code == 200, verified.text


# -- did:key organisations -----------------------------------------------------------------------

@pytest.mark.parametrize("name, prefix", [("cursus", "did:key:z6Mk"), ("cursus-p256", "did:key:zDn")])
def test_a_did_key_organisation_issues_and_its_credential_verifies(live, name, prefix):
    org = live.orgs[name]
    assert org.did.startswith(prefix) and org.verification_method == verification_method_id(org.did)
    issued = live.post("/credentials/issue", {"credential": _example_credential()}, org=name)
    assert issued.status_code == 201, issued.text
    credential = issued.json()["verifiableCredential"]
    assert credential["issuer"] == org.did and credential["proof"]["verificationMethod"] == org.verification_method
    verified = live.post("/credentials/verify", {"verifiableCredential": credential}, org=None)
    assert verified.status_code == 200, verified.text
    assert "trust" in {c["check"] for c in verified.json()["checks"]}
    document = live.client.get(f"/orgs/{org.id}/did.json")
    assert document.status_code == 200 and document.json()["id"] == org.did
    assert document.json()["assertionMethod"] == [org.verification_method]


def test_a_did_key_organisation_verifies_offline_with_the_services_bundle(live, tmp_path):
    issued = live.post("/credentials/issue", {"credential": _example_credential()}, org="cursus")
    credential = issued.json()["verifiableCredential"]
    from skillspas.issuer.bundle_build import build_bundle
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.store import open_store

    store = open_store(live.settings.database)
    try:
        bundle = build_bundle(Issuer(store, live.settings.replace(contexts=TEST_CONTEXTS)))
    finally:
        store.dispose()
    assert live.orgs["cursus"].did not in bundle.did_documents  # did:key is decoded, never carried
    assert EXAMPLES_V2 in bundle.contexts
    result = verify(credential, bundle=bundle, trusted_issuers=[live.orgs["cursus"].did])
    assert result.verified, result.to_json()
    assert {c.check for c in result.checks} >= {"status"}


# -- P-384 and proof chains over HTTP ------------------------------------------------------------

def _verify_http(live: LiveService, document: dict) -> httpx.Response:
    return live.post("/credentials/verify", {"verifiableCredential": document, "options": {"checks": ["proof"]}}, org=None)


def test_the_p384_vector_verifies_over_http(live):
    response = _verify_http(live, load_json(ECDSA / "ecdsa-rdfc-2019-p384/signedECDSAP384.json"))
    body = response.json()
    assert [p["verified"] for p in body["proofs"]] == [True]
    # the vector's issuer (https://vc.example/issuers/5678) does not control its did:key: only that is refused
    assert response.status_code == 422 and [e["code"] for e in body["errors"]] == ["key_not_authorized"]


def test_a_credential_signed_with_the_p384_vector_key_verifies_over_http(live):
    keys = load_json(ECDSA / "p384KeyPair.json")
    pair = KeyPair.from_multibase(keys["publicKeyMultibase"], keys["secretKeyMultibase"])
    did = did_key_for(pair.public_key)
    signer = LocalSigner(pair, verification_method=verification_method_id(did), controller=did)
    unsigned = load_json(ECDSA / "unsigned.json")
    unsigned["issuer"] = did
    signed = sign(unsigned, signer, suite="ecdsa-rdfc-2019", contexts=str(TEST_CONTEXTS))
    response = _verify_http(live, signed)
    assert response.status_code == 200, response.text
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "Example Fake University"
    assert _verify_http(live, tampered).json()["errors"][0]["code"] == "invalid_signature"


def test_the_proof_chain_vectors_verify_every_proof_over_http(live):
    for name in ("signedProofChain1.json", "signedProofChain2.json", "signedProofSet2.json"):
        body = _verify_http(live, load_json(CHAIN / name)).json()
        assert body["proofs"] and all(p["verified"] for p in body["proofs"]), (name, body)
        assert [e["code"] for e in body["errors"]] == ["key_not_authorized"]  # the vectors' issuer binding


def test_a_dangling_previous_proof_is_refused_over_http(live):
    chain = load_json(CHAIN / "signedProofChain2.json")
    chain["proof"][3]["previousProof"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    response = _verify_http(live, chain)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid_proof"
    assert response.json()["errors"][0]["path"] == "/proof/3/previousProof"


def test_a_previous_proof_naming_another_existing_proof_is_refused_over_http(live):
    chain = load_json(CHAIN / "signedProofChain2.json")
    chain["proof"][3]["previousProof"] = chain["proof"][0]["id"]  # exists, but is not what this proof signed
    body = _verify_http(live, chain).json()
    assert body["errors"][0]["code"] == "invalid_signature"
    assert [p["verified"] for p in body["proofs"]] == [True, True, True, False]


def test_org_create_did_key_on_the_command_line(tmp_path):
    import json

    made = run_cli("org", "create", "Cursus BV", "--role", "training", "--did-key", "--key-type", "p256",
                   "--data-dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    assert created["did"].startswith("did:key:zDn") and created["verificationMethod"] == verification_method_id(created["did"])
    both = run_cli("org", "create", "X", "--role", "training", "--did-key", "--did-web", "x.example", "--data-dir", str(tmp_path))
    neither = run_cli("org", "create", "Y", "--role", "training", "--data-dir", str(tmp_path))
    assert both.returncode == 2 and neither.returncode == 2 and "did:key" in neither.stderr
    rotated = run_cli("org", "rotate-key", "Cursus BV", "--data-dir", str(tmp_path))
    assert rotated.returncode == 2 and "cannot rotate" in rotated.stderr
