"""Co-signing over HTTP: the school issues a praktijkverklaring, the leerbedrijf (its coSigner) adds its proof."""

from __future__ import annotations

import json
from typing import Any

from skillspas.issuer.credentials import build
from skillspas.issuer.org_signing import sign_as
from skillspas.issuer.orgs import Organisations
from skillspas.issuer.store import open_store
from skillspas.verifier.bundle import Bundle

from svc_live import LiveService, run_cli
from test_service_api import assert_refused, issue
from test_service_status import change

ROW = {"issuer_name": "ROC Voorbeeldstad", "learner_name": "Dennis Fictief", "crebo": "25180",
       "werkprocessen": "B1-K1-W2; B1-K1-W4", "leerbedrijf_name": "Bistro De Gracht",
       "period_start": "2024-09-01", "period_end": "2025-06-30", "date": "2025-06-30",
       "skills": ["http://data.europa.eu/esco/skill/f3934441-4bff-4076-9945-e6c51a01c467"]}


def praktijkverklaring(service: LiveService, cosigner: str = "bistro", **body: Any) -> dict[str, Any]:
    """A praktijkverklaring issued by the school (roc) naming ``cosigner`` as coSigner, not yet co-signed."""
    unsigned = build("praktijkverklaring", ROW, issuer=service.orgs["roc"].did, cosigner=service.orgs[cosigner].did)
    del unsigned["id"]
    return issue(service, unsigned, **body)


def cosign(service: LiveService, credential: dict[str, Any], org: str = "bistro") -> Any:
    return service.post("/credentials/cosign", {"verifiableCredential": credential}, org=org)


def verify_at(service: LiveService, credential: dict[str, Any]) -> Any:
    return service.post("/credentials/verify", {"verifiableCredential": credential}, org=None)


def test_the_leerbedrijf_cosigns_and_both_proofs_verify(service):
    issued = praktijkverklaring(service)
    refused = verify_at(service, issued)  # the school's proof alone: the co-signer has not signed
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_proof", refused.text
    response = cosign(service, issued)
    assert response.status_code == 201, response.text
    cosigned = response.json()["verifiableCredential"]
    methods = [p["verificationMethod"] for p in cosigned["proof"]]
    assert methods == [service.orgs["roc"].verification_method, service.orgs["bistro"].verification_method]
    assert {k: v for k, v in cosigned.items() if k != "proof"} == {k: v for k, v in issued.items() if k != "proof"}
    verified = verify_at(service, cosigned)
    assert verified.status_code == 200, verified.text
    assert [p["verified"] for p in verified.json()["proofs"]] == [True, True]


def test_the_cosigned_credential_verifies_offline_with_a_fresh_bundle(service, tmp_path):
    cosigned = cosign(service, praktijkverklaring(service)).json()["verifiableCredential"]
    bundle = tmp_path / "bundle.json"
    bundle.write_text(service.client.get("/bundle").text)
    Bundle.from_file(bundle)
    path = tmp_path / "praktijkverklaring.json"
    path.write_text(json.dumps(cosigned))
    result = run_cli("verify", str(path), "--bundle", str(bundle), "--trust-issuer", service.orgs["roc"].did, "--json")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cosigning_is_audited_for_both_organisations(service):
    cosigned = cosign(service, praktijkverklaring(service)).json()["verifiableCredential"]
    for org, action in (("bistro", "credential.cosign"), ("roc", "credential.cosigned")):
        events = service.client.get("/audit", headers=service.auth(org)).json()["events"]
        found = [e for e in events if e["target"] == cosigned["id"] and e["action"] == action]
        assert len(found) == 1, events
        assert found[0]["detail"]["coSigner"] == service.orgs["bistro"].did


def test_only_the_named_cosigner_may_cosign(service):
    issued = praktijkverklaring(service)
    assert_refused(cosign(service, issued, org="evc"), 400, "issuer_mismatch")
    assert_refused(cosign(service, issued, org="roc"), 400, "issuer_mismatch")  # the issuer is not its own co-signer
    assert_refused(cosign(service, issued, org=None), 401, "unauthorized")


def test_a_cosigner_whose_role_may_not_issue_the_type_is_refused(service):
    issued = praktijkverklaring(service, cosigner="training")
    assert_refused(cosign(service, issued, org="training"), 403, "type_not_allowed")


def test_cosigning_twice_is_refused(service):
    cosigned = cosign(service, praktijkverklaring(service)).json()["verifiableCredential"]
    assert_refused(cosign(service, cosigned), 400, "duplicate_id")


def test_a_tampered_credential_is_not_cosigned(service):
    issued = praktijkverklaring(service)
    issued["credentialSubject"]["name"] = "Iemand Anders"
    assert_refused(cosign(service, issued), 422, "invalid_signature")


def test_a_credential_without_the_schools_proof_is_not_cosigned(service):
    issued = praktijkverklaring(service)
    del issued["proof"]
    assert_refused(cosign(service, issued), 422, "invalid_proof")


def test_a_revoked_credential_is_not_cosigned(service):
    issued = praktijkverklaring(service)
    change(service, issued, "revoke")
    assert_refused(cosign(service, issued), 422, "revoked")


def test_a_credential_the_school_signed_outside_this_service_is_not_cosigned(service):
    store = open_store(service.settings.database)
    try:
        school = Organisations(store, service.settings).get(service.orgs["roc"].id)
    finally:
        store.dispose()
    unsigned = build("praktijkverklaring", ROW, issuer=school.did, cosigner=service.orgs["bistro"].did)
    signed_elsewhere = sign_as(school.signer, unsigned)  # a valid proof, but never issued (stored) here
    assert_refused(cosign(service, signed_elsewhere), 404, "not_found")


def test_a_suspended_credential_is_not_cosigned_until_reinstated(service):
    issued = praktijkverklaring(service, options={"statusPurposes": ["suspension"]})
    change(service, issued, "suspend")
    assert_refused(cosign(service, issued), 422, "suspended")
    change(service, issued, "reinstate")
    assert cosign(service, issued).status_code == 201
