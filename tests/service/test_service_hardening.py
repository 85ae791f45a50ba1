"""Issue 13 (hardening), the service's side: each test reproduces an attack that was signed before the fix."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update

from skillspas.issuer.demo import sample_credential
from skillspas.issuer.issuing import Issuer
from skillspas.issuer.orgs import create_organisation
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store
from skillspas.issuer.store.issuance import Pending
from skillspas.issuer.store.models import IssuedCredential
from skillspas.keys import LocalSigner, generate
from skillspas.schemas.errors import ServiceRefused
from skillspas.verifier import Verifier
from skillspas.verifier.suites import suite_for_signing

from svc_live import PASSPHRASE, LiveService
from test_service_api import assert_refused, issue, unsigned
from test_service_batch import diploma_row

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

VC, OB = "VerifiableCredential", "OpenBadgeCredential"
SKILLSPAS = "https://w3id.org/skillspas/v1"
MBO_DIPLOMA = "https://w3id.org/skillspas/vocab#MboDiploma"
UNKNOWN_ESCO = "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000000"


def with_skillspas_context(**changes: Any) -> dict[str, Any]:
    return unsigned(**{"@context": [*unsigned()["@context"], SKILLSPAS], **changes})


# -- 1: roles are decided on the expanded types --------------------------------------------------

@pytest.mark.parametrize("credential", [
    pytest.param(lambda: unsigned(type=[VC, OB, MBO_DIPLOMA]), id="full IRI without the skillspas context"),
    pytest.param(lambda: with_skillspas_context(type=[VC, OB, MBO_DIPLOMA]), id="full IRI under the skillspas context"),
    pytest.param(lambda: unsigned(**{"@type": [MBO_DIPLOMA]}), id="@type beside type"),
    pytest.param(lambda: with_skillspas_context(**{"@type": "MboDiploma"}), id="the term in @type beside type"),
])
def test_a_role_restriction_cannot_be_bypassed_by_spelling_the_type_another_way(service, credential):
    response = service.post("/credentials/issue", {"credential": credential()}, org="training")
    assert_refused(response, 403, "type_not_allowed")


def test_a_skillspas_type_spelled_as_an_iri_is_refused_even_for_a_role_that_may_issue_it(service):
    # written as an IRI, the MboDiploma schema and the trust list's type check would not apply to it
    response = service.post("/credentials/issue", {"credential": with_skillspas_context(type=[VC, OB, MBO_DIPLOMA])})
    assert_refused(response, 400, "schema_invalid")


def test_the_services_verifier_refuses_a_skillspas_type_spelled_as_an_iri(service):
    # signed elsewhere: it would be an mbo-diploma that neither its schema nor a trust list's types check
    credential = _signed_elsewhere(**{"@context": ["https://www.w3.org/ns/credentials/v2", SKILLSPAS],
                                      "type": [VC, MBO_DIPLOMA]})
    response = service.post("/credentials/verify", {"verifiableCredential": credential, "options": {"checks": ["proof"]}},
                            org=None)
    assert response.status_code == 400, response.text
    assert response.json()["verified"] is False and response.json()["code"] == "schema_invalid"


# -- 2: the service allocates status entries itself -----------------------------------------------

def test_a_credential_status_taken_from_another_credential_is_refused(service):
    entry = issue(service)["credentialStatus"]
    response = service.post("/credentials/issue", {"credential": unsigned(credentialStatus=entry)})
    assert_refused(response, 400, "forbidden_field")


def test_a_credential_status_pointing_at_another_organisations_list_is_refused(service):
    entry = issue(service, org="evc")["credentialStatus"]
    response = service.post("/credentials/issue", {"credential": unsigned(credentialStatus=entry)})
    assert_refused(response, 400, "forbidden_field")


@pytest.mark.parametrize("options", [None, {"credentialStatus": False}])
def test_a_credential_status_pointing_at_any_url_is_refused(service, options):
    url = "https://lists.example/status/1"
    entry = {"id": f"{url}#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "7", "statusListCredential": url}
    body = {"credential": unsigned(credentialStatus=entry), **({"options": options} if options else {})}
    assert_refused(service.post("/credentials/issue", body), 400, "forbidden_field")


# -- 6: the issuer's name comes from the organisation record --------------------------------------

def test_another_organisations_name_as_issuer_name_is_refused(service):
    did = service.orgs["evc"].did
    credential = unsigned(issuer={"id": did, "type": ["Profile"], "name": "ROC Voorbeeldstad"})
    assert_refused(service.post("/credentials/issue", {"credential": credential}, org="evc"), 400, "issuer_mismatch")


def test_an_issuer_name_written_as_an_iri_is_checked_too(service):
    did = service.orgs["evc"].did
    credential = unsigned(issuer={"id": did, "type": ["Profile"], "https://schema.org/name": "ROC Voorbeeldstad"})
    response = service.post("/credentials/issue", {"credential": credential}, org="evc")
    assert response.status_code == 400, response.text
    assert response.json()["code"] in ("issuer_mismatch", "undefined_term", "schema_invalid")  # a key written as its IRI


def test_an_issuer_profile_without_a_name_gets_the_organisations_name(service):
    did = service.orgs["evc"].did
    credential = issue(service, unsigned(issuer={"id": did, "type": ["Profile"]}), org="evc")
    assert credential["issuer"] == {"id": did, "type": ["Profile"], "name": "EVC Centrum"}


def test_a_batch_row_cannot_name_another_organisation_as_issuer(service):
    rows = [diploma_row("name-1", issuer_name="EVC Centrum")]
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": rows})
    assert response.status_code == 400, response.text
    assert [(e["field"], e["code"]) for e in response.json()["rowErrors"]] == [("issuer_name", "issuer_mismatch")]


# -- 7a: one bound for ids in both stores ---------------------------------------------------------

LONG_ID = "https://ids.example/" + "a" * 1480


@pytest.mark.parametrize("credential", [
    pytest.param(lambda: unsigned(id=LONG_ID), id="credential id"),
    pytest.param(lambda: unsigned(type=[VC, OB, LONG_ID]), id="types"),
])
def test_an_id_longer_than_the_store_keeps_is_refused_before_the_store_on_both_backends(service, credential):
    assert_refused(service.post("/credentials/issue", {"credential": credential()}), 400, "too_large")


def test_a_batch_row_id_longer_than_the_store_keeps_is_refused(service):
    response = service.post("/credentials/batch", {"type": "mbo-diploma", "rows": [diploma_row("long-1", id=LONG_ID)]})
    assert response.status_code == 400, response.text
    assert [(e["field"], e["code"]) for e in response.json()["rowErrors"]] == [("id", "too_large")]


def test_a_status_change_or_cosign_with_a_long_id_is_a_coded_refusal(service):
    status = service.post("/credentials/status", {"credentialId": LONG_ID, "action": "revoke"})
    assert status.status_code == 400 and status.json()["code"] in ("too_large", "schema_invalid")
    credential = {**issue(service), "id": LONG_ID}
    cosign = service.post("/credentials/cosign", {"verifiableCredential": credential}, org="bistro")
    assert cosign.status_code == 400 and cosign.json()["code"] in ("too_large", "issuer_mismatch")


# -- 7b, 7e: dates that exist, in order -----------------------------------------------------------

@pytest.mark.parametrize("change", [
    pytest.param({"validFrom": "2025-02-30T00:00:00Z"}, id="validFrom"),
    pytest.param({"validUntil": "2031-04-31T00:00:00Z"}, id="validUntil"),
    pytest.param({"awardedDate": "2025-02-29T12:00:00Z"}, id="awardedDate (2025 is no leap year)"),
    pytest.param({"validFrom": "2026-07-01T00:00:00Z", "validUntil": "2026-06-30T23:59:59Z"}, id="validUntil before validFrom"),
])
def test_a_date_that_does_not_exist_or_a_window_that_ends_before_it_starts_is_refused(service, change):
    assert_refused(service.post("/credentials/issue", {"credential": unsigned(**change)}), 400, "schema_invalid")


def test_a_leap_day_is_a_date(service):
    assert issue(service, unsigned(validFrom="2028-02-29T00:00:00Z"))["validFrom"] == "2028-02-29T00:00:00Z"


def _signed_elsewhere(**fields: Any) -> dict[str, Any]:
    """A credential signed outside any issuer check (as someone else's software could)."""
    signer = LocalSigner(generate("ed25519"))
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": [VC], "issuer": signer.controller,
                "credentialSubject": {"id": "did:example:learner"}, **fields}
    options = {"created": "2026-01-01T00:00:00Z", "verificationMethod": signer.verification_method,
               "proofPurpose": "assertionMethod"}
    proof = suite_for_signing("eddsa-rdfc-2022").create_proof(document, signer, options, Verifier().processor)
    return {**document, "proof": proof}


@pytest.mark.parametrize("checks", [None, ["proof"]])
def test_the_verifier_refuses_a_malformed_window_whatever_checks_are_asked(service, checks):
    credential = _signed_elsewhere(validFrom="2026-07-01T00:00:00Z", validUntil="2026-06-30T00:00:00Z")
    body = {"verifiableCredential": credential, **({"options": {"checks": checks}} if checks else {})}
    response = service.post("/credentials/verify", body, org=None)
    assert response.status_code == 400, response.text
    assert response.json()["verified"] is False and response.json()["code"] == "schema_invalid"


# -- 7c: options.credentialStatus is a boolean or a status entry type ------------------------------

@pytest.mark.parametrize("value", ["no", 0, "false", None, {"type": "BitstringStatusListEntry", "statusPurpose": "x"},
                                   {"type": "StatusList2021Entry", "statusPurpose": "revocation"}])
def test_an_unclear_credential_status_option_is_refused_not_read_as_false(service, value):
    response = service.post("/credentials/issue", {"credential": unsigned(), "options": {"credentialStatus": value}})
    assert_refused(response, 400, "schema_invalid")


def test_the_vc_api_status_option_object_gives_an_entry_of_its_purpose(service):
    option = {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}
    credential = issue(service, options={"credentialStatus": option})
    assert credential["credentialStatus"]["statusPurpose"] == "suspension"


# -- 7d: a taken id tells nothing about who took it ------------------------------------------------

def test_a_taken_id_gets_the_same_refusal_whoever_holds_it(service):
    taken = issue(service)["id"]
    own = service.post("/credentials/issue", {"credential": unsigned(id=taken)})
    other = service.post("/credentials/issue", {"credential": unsigned(id=taken)}, org="bistro")
    assert_refused(own, 400, "duplicate_id")
    assert own.json() == assert_refused(other, 400, "duplicate_id")
    assert "issued" not in other.json()["message"]


# -- 13: one rule for skills on every path ---------------------------------------------------------

def _with_alignment(url: str, framework: str = "ESCO") -> dict[str, Any]:
    credential = unsigned()
    credential["credentialSubject"]["achievement"]["alignment"] = [{
        "type": ["Alignment"], "targetType": "ext:ESCOAlignment", "targetFramework": framework,
        "targetName": "verzonnen vaardigheid", "targetUrl": url}]
    return credential


@pytest.mark.parametrize("url, framework", [
    pytest.param(UNKNOWN_ESCO, "ESCO", id="an ESCO skill URI that does not exist"),
    pytest.param(UNKNOWN_ESCO, "Anders", id="the same under another framework name"),
    pytest.param("https://skills.example/42", "ESCO", id="a non-ESCO URL said to be ESCO"),
])
def test_an_alignment_to_an_esco_skill_that_does_not_exist_is_refused(service, url, framework):
    response = service.post("/credentials/issue", {"credential": _with_alignment(url, framework)})
    assert_refused(response, 400, "unknown_skill")


def test_a_url_issued_under_another_framework_is_still_refused_when_the_alignment_says_esco(service):
    issue(service, _with_alignment("https://skills.example/42", "Anders"))  # not ESCO: issued
    response = service.post("/credentials/issue", {"credential": _with_alignment("https://skills.example/42", "ESCO")})
    assert_refused(response, 400, "unknown_skill")


def test_an_achievement_that_was_issued_does_not_vouch_for_one_with_the_same_id_and_another_skill(service):
    passed = unsigned()
    issue(service, passed)
    changed = copy.deepcopy(passed)
    changed["credentialSubject"]["achievement"]["alignment"][-1]["targetUrl"] = UNKNOWN_ESCO
    assert changed["credentialSubject"]["achievement"]["id"] == passed["credentialSubject"]["achievement"]["id"]
    assert_refused(service.post("/credentials/issue", {"credential": changed}), 400, "unknown_skill")


def test_an_alignment_to_a_known_esco_skill_is_issued(service):
    known = unsigned()["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"]
    assert issue(service, _with_alignment(known))["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"] == known


# -- 8c: a crash between reserving and completing does not block the id for good -------------------

@pytest.fixture(scope="module")
def store_setup(database):
    url, folder = database
    settings = Settings(data_dir=folder, database_url=url, key_passphrase=PASSPHRASE, public_url="https://issuer.example")
    store = open_store(url)
    created = create_organisation(store, settings, "ROC Herstart", role="mbo", did_web="herstart.example")
    other = create_organisation(store, settings, "Opleider Herstart", role="training", did_web="opleider-herstart.example")
    issuer = Issuer(store, settings)
    yield store, issuer, issuer.orgs.get(created.id), issuer.orgs.get(other.id)
    store.dispose()


def _crash_after_reserving(store, issuer, org, credential_id: str, age: dt.timedelta) -> IssuedCredential:
    """What a killed ``issue`` leaves: a committed ``pending`` row, never completed."""
    [slot] = issuer.issuance(org).reserve([Pending(credential_id, None, [VC, OB], ("revocation",))])
    with store.transaction() as session:
        session.execute(update(IssuedCredential).where(IssuedCredential.credential_id == credential_id)
                        .values(updated_at=dt.datetime.now(dt.timezone.utc) - age, created_at=dt.datetime.now(dt.timezone.utc) - age))
    return IssuedCredential(status_seq=slot.seq, status_index=slot.index)


def _credential(org, credential_id: str) -> dict[str, Any]:
    return {**sample_credential(org.did, org.name), "id": credential_id}


def test_a_retry_after_a_crash_completes_the_pending_credential_with_its_reserved_index(store_setup):
    store, issuer, org, _ = store_setup
    cid = "urn:uuid:8c000000-0000-4000-8000-000000000001"
    left = _crash_after_reserving(store, issuer, org, cid, dt.timedelta(minutes=10))
    issued = issuer.issue(org, _credential(org, cid))
    assert issued.credential_id == cid
    assert int(issued.credential["credentialStatus"]["statusListIndex"]) == left.status_index  # never handed to another
    with store.transaction() as session:
        rows = session.scalars(select(IssuedCredential).where(IssuedCredential.credential_id == cid)).all()
        assert [(r.state, r.status_index) for r in rows] == [("active", left.status_index)]
    assert issuer.change_status(org, cid, "revoke").state == "revoked"


def test_a_pending_credential_still_being_signed_is_not_taken_over(store_setup):
    store, issuer, org, _ = store_setup
    cid = "urn:uuid:8c000000-0000-4000-8000-000000000002"
    _crash_after_reserving(store, issuer, org, cid, dt.timedelta(seconds=0))
    with pytest.raises(ServiceRefused) as refused:
        issuer.issue(org, _credential(org, cid))
    assert refused.value.code.value == "duplicate_id"


def test_another_organisation_cannot_take_over_a_pending_credential(store_setup):
    store, issuer, org, other = store_setup
    cid = "urn:uuid:8c000000-0000-4000-8000-000000000003"
    _crash_after_reserving(store, issuer, org, cid, dt.timedelta(minutes=10))
    with pytest.raises(ServiceRefused) as refused:
        issuer.issue(other, _credential(other, cid))
    assert refused.value.code.value == "duplicate_id"


def test_a_retry_that_wants_no_status_keeps_the_reserved_index_out_of_use(store_setup):
    store, issuer, org, _ = store_setup
    cid = "urn:uuid:8c000000-0000-4000-8000-000000000004"
    left = _crash_after_reserving(store, issuer, org, cid, dt.timedelta(minutes=10))
    issued = issuer.issue(org, _credential(org, cid), with_status=False)
    assert "credentialStatus" not in issued.credential
    with store.transaction() as session:
        row = session.scalar(select(IssuedCredential).where(IssuedCredential.credential_id == cid))
        assert (row.state, row.status_seq, row.status_index) == ("active", left.status_seq, left.status_index)
