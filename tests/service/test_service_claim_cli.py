"""``skillspas passport claim URL`` end to end against a live service: the worker's key, the exchange, the passport."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.orgs import rotate_signing_key
from skillspas.issuer.status_lists import status_entry, status_list_credential
from skillspas.issuer.store import open_store
from skillspas.keys import Signer
from skillspas.keys.keyfile import Keystore
from skillspas.schemas.errors import SkillspasError
from skillspas.verifier import Bundle, Verifier
from skillspas.wallet_export.claim import claim
from skillspas.wallet_export.cli import passport_app
from skillspas.wallet_export.store import PassportStore

from svc_live import LiveService, age_offer, start_service
from svc_postgres import free_port
from test_service_api import issue

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
runner = CliRunner()


def run(*args: str):
    result = runner.invoke(passport_app, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def offer_url(service: LiveService) -> str:
    credential = {k: v for k, v in sample_credential("did:web:placeholder").items() if k not in ("id", "issuer")}
    response = service.post("/exchanges", {"credential": credential})
    assert response.status_code == 201, response.text
    return response.json()["exchangeUrl"]


@pytest.fixture()
def passport(tmp_path) -> tuple[str, str]:
    folder = str(tmp_path / "passport")
    did = run("init", "--dir", folder).output.strip()
    return folder, did


def test_a_worker_claims_a_credential_into_the_passport_and_it_names_their_did(service, passport):
    folder, did = passport
    result = run("claim", offer_url(service), "--dir", folder)
    assert result.exit_code == 0, result.output
    entries = PassportStore(folder).entries()
    assert len(entries) == 1 and entries[0].document["credentialSubject"]["id"] == did
    assert entries[0].ref in result.output
    kept = PassportStore(folder)  # the issuer's bundle is kept: its did:web key checks the proof later too
    assert kept.bundle() is not None and kept.verifier().check_proofs(entries[0].data).first_error is None


def test_a_claim_into_a_passport_whose_bundle_lacks_the_issuer_is_checked_with_the_issuers_bundle(service, passport):
    # The offer is used once: a claim that then could not check the proof lost the credential for good.
    folder, did = passport
    other_school = Bundle.create(did_documents=[{"id": "did:web:other-school.example"}])
    PassportStore(folder).keep_bundle(other_school)
    result = run("claim", offer_url(service), "--dir", folder)
    assert result.exit_code == 0, result.output
    entries = PassportStore(folder).entries()
    assert len(entries) == 1 and entries[0].document["credentialSubject"]["id"] == did


def test_a_credential_claimed_with_the_issuers_bundle_into_a_passport_keeping_another_is_proof_checked_later_by_show(
        service, passport):
    folder, _ = passport
    PassportStore(folder).keep_bundle(Bundle.create(did_documents=[{"id": "did:web:other-school.example"}]))
    claimed = run("claim", offer_url(service), "--dir", folder)
    assert claimed.exit_code == 0, claimed.output
    [entry] = PassportStore(folder).entries()
    kept = PassportStore(folder).bundle()
    signer = entry.document["proof"]["verificationMethod"].split("#", 1)[0]
    # The worker's own stays and the signer's is added. The service's other organisations are not: their documents
    # are in its /bundle, but this claim does not speak for them.
    assert set(kept.did_documents) == {"did:web:other-school.example", signer}
    shown = run("show", entry.ref, "--dir", folder, "--lang", "en")
    assert shown.exit_code == 0 and "signature valid" in shown.output, shown.output


def test_a_claim_with_a_bundle_merges_it_into_the_passports_bundle_and_keeps_the_passports_trust_list(
        service, passport, tmp_path):
    folder, _ = passport
    authority = {"id": "urn:uuid:the-trust-authoritys-list"}
    PassportStore(folder).keep_bundle(Bundle.create(trust_list=authority,
                                                    did_documents=[{"id": "did:web:other-school.example"}]))
    schools = Bundle.from_json(service.client.get("/bundle").content).to_file(tmp_path / "school-bundle.json")
    claimed = run("claim", offer_url(service), "--dir", folder, "--bundle", str(schools))
    assert claimed.exit_code == 0, claimed.output
    kept = PassportStore(folder).bundle()
    assert kept.trust_list == authority and "did:web:other-school.example" in kept.did_documents
    assert set(Bundle.from_file(schools).did_documents) <= set(kept.did_documents)


def test_a_claimed_offer_cannot_be_claimed_again(service, passport, tmp_path):
    folder, _ = passport
    url = offer_url(service)
    assert run("claim", url, "--dir", folder).exit_code == 0
    other = str(tmp_path / "other")
    run("init", "--dir", other)
    replay = run("claim", url, "--dir", other)
    assert replay.exit_code == 2 and "[exchange_failed]" in replay.output and "offer_used" in replay.output
    assert PassportStore(other).entries() == []


def test_an_expired_offer_cannot_be_claimed(service, passport):
    folder, _ = passport
    url = offer_url(service)
    age_offer(service.settings.database, url, expired=True)
    refused = run("claim", url, "--dir", folder)
    assert refused.exit_code == 2 and "offer_expired" in refused.output


class _OtherChallenge(httpx.HTTPTransport):
    """Passes requests to the live service, but hands the wallet another challenge than the exchange's."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.content == b"{}":
            body = json.loads(response.read())
            body["verifiablePresentationRequest"]["challenge"] = "not-the-exchanges-challenge"
            return httpx.Response(response.status_code, json=body)
        return response


def test_a_did_auth_over_another_challenge_is_refused_and_nothing_is_stored(service, passport):
    folder, _ = passport
    store = PassportStore(folder)
    with httpx.Client(transport=_OtherChallenge(), timeout=30) as client, pytest.raises(SkillspasError) as refused:
        claim(store, offer_url(service), client=client)
    assert refused.value.code.value == "exchange_failed" and "challenge_mismatch" in refused.value.message
    assert store.entries() == []


def test_claim_needs_the_passport_key_first(service, tmp_path):
    refused = run("claim", offer_url(service), "--dir", str(tmp_path / "no-key"))
    assert refused.exit_code == 2 and "[key_not_found]" in refused.output


def _mock(handler: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def _exchange(answer: dict[str, Any], domain: str | None = None) -> Any:
    """An exchange asking for DID-Auth over its own host (as the issuer service does), or ``domain``, then answering."""
    def handler(request: httpx.Request) -> httpx.Response:
        if request.content == b"{}":
            asked = {"challenge": "c", "domain": domain or request.url.netloc.decode("ascii")}
            return httpx.Response(200, json={"verifiablePresentationRequest": asked})
        return httpx.Response(200, json=answer)
    return handler


@pytest.mark.parametrize("domain", ["bank.example", "roc.example.bank.example", "roc.example:8443"])
def test_a_wallet_asked_to_sign_for_another_domain_than_the_exchanges_host_refuses_and_signs_nothing(passport, domain):
    folder, _ = passport
    posted: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(request.content)
        return _exchange({"verifiablePresentation": {"verifiableCredential": []}}, domain)(request)

    with _mock(handler) as client, pytest.raises(SkillspasError) as refused:
        claim(PassportStore(folder), "https://roc.example/exchanges/x", client=client)
    assert refused.value.code.value == "domain_mismatch" and domain in refused.value.message
    assert "niets ondertekend" in refused.value.text("nl")
    assert posted == [b"{}"]  # no DID-Auth was sent: the offer is still open
    assert PassportStore(folder).entries() == []


def test_a_credential_about_someone_else_is_refused(passport):
    folder, _ = passport
    other = {"verifiablePresentation": {"verifiableCredential": [{"credentialSubject": {"id": "did:example:else"}}]}}
    with _mock(_exchange(other)) as client, pytest.raises(SkillspasError) as refused:
        claim(PassportStore(folder), "https://roc.example/exchanges/x", client=client)
    assert refused.value.code.value == "holder_mismatch"


@pytest.mark.parametrize("handler", [
    pytest.param(lambda r: httpx.Response(200, content=b"[" * 10 + b"x" * (2 * 1024 * 1024)), id="huge answer"),
    pytest.param(lambda r: httpx.Response(200, content=b"<html>"), id="not JSON"),
    pytest.param(lambda r: httpx.Response(200, json={"verifiablePresentationRequest": {"challenge": 5}}), id="no challenge"),
    pytest.param(lambda r: httpx.Response(302, headers={"location": "http://169.254.169.254/"}), id="redirect"),
    pytest.param(_exchange({"verifiablePresentation": {"verifiableCredential": []}}), id="no credential"),
])
def test_a_hostile_exchange_answer_is_a_coded_refusal(passport, handler):
    folder, _ = passport
    with _mock(handler) as client, pytest.raises(SkillspasError) as refused:
        claim(PassportStore(folder), "https://roc.example/exchanges/x", client=client)
    assert refused.value.code.value == "exchange_failed"
    assert PassportStore(folder).entries() == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "not a url", "https://", "ftp://roc.example/x",
                                 "http://[::1", "https://[::1]x/exchanges/1", "https://roc.example:99999/x"])
def test_claim_refuses_an_address_that_is_no_http_exchange(passport, url):
    folder, _ = passport
    refused = run("claim", url, "--dir", folder)
    assert refused.exit_code == 2 and "[exchange_failed]" in refused.output and "internal" not in refused.output


@pytest.mark.parametrize("url", ["https://roc.example/exchanges/x\n", "https://roc.example/ex\tchanges/x",
                                 "https://roc.example/ex changes/x"])
def test_an_address_with_whitespace_is_refused_before_anything_is_sent(passport, url):
    """An address cut and pasted with a line break or tab in it is said to be none, not fetched as another address
    (``urlsplit`` drops tabs and line breaks)."""
    folder, _ = passport
    sent: list[httpx.Request] = []
    with _mock(lambda r: sent.append(r) or httpx.Response(500)) as client, pytest.raises(SkillspasError) as refused:
        claim(PassportStore(folder), url, client=client)
    assert refused.value.code.value == "exchange_failed" and "is not an http(s) exchange address" in refused.value.message
    assert "geen http(s)-ophaaladres" in refused.value.text("nl") and sent == []


def test_a_refused_claim_says_why_in_dutch_too(passport, tmp_path):
    folder, _ = passport
    assert "geen http(s)-ophaaladres" in run("claim", "ftp://roc.example/x", "--dir", folder).output
    unreachable = run("claim", "http://127.0.0.1:1/exchanges/x", "--dir", folder).output
    assert "fout [exchange_failed]: http://127.0.0.1:1/exchanges/x is niet bereikbaar" in unreachable
    assert "skillspas passport init" in run("claim", "https://roc.example/x", "--dir", str(tmp_path / "no-key")).output.split("error [")[0]


@pytest.mark.parametrize("body", [
    pytest.param({"code": "offer_used", "message": "this offer has already been claimed"}, id="a code skillspas knows"),
    pytest.param({"code": "offer_used", "message": "this offer has already been claimed",
                  "messageNl": "Dit bewijsstuk is al opgehaald; een aanbod werkt maar één keer. Vraag de uitgever om een "
                               "nieuw aanbod."}, id="the issuer's own Dutch message"),
])
def test_an_issuers_refusal_is_said_in_dutch_under_a_dutch_error_not_in_its_english_words(passport, body):
    folder, _ = passport
    with _mock(lambda r: httpx.Response(409, json=body)) as client, pytest.raises(SkillspasError) as refused:
        claim(PassportStore(folder), "https://roc.example/exchanges/x", client=client)
    dutch = refused.value.text("nl")
    assert "offer_used" in dutch and "een aanbod werkt maar één keer" in dutch and "claimed" not in dutch, dutch
    assert "this offer has already been claimed" in refused.value.message


def test_an_unreachable_exchange_tells_the_worker_what_to_check(passport):
    folder, _ = passport
    unreachable = run("claim", "http://127.0.0.1:1/exchanges/x", "--dir", folder).output
    assert "controleer het adres en je internetverbinding" in unreachable


# -- after the offer is used: what it answered is kept, never lost ------------------------------------------------

def _answered(credential: dict[str, Any], bundle: Bundle | None = None) -> Any:
    """An exchange answering ``credential``, and ``bundle`` (else an empty one) at ``/bundle``."""
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/bundle":
            return httpx.Response(200, json=(bundle or Bundle.create()).to_json())
        return _exchange({"verifiablePresentation": {"verifiableCredential": [credential]}})(request)
    return handler


def _signed_for(did: str) -> dict[str, Any]:
    """A credential naming ``did``, signed by a did:key school (its proof checks without a bundle)."""
    from helpers import new_signer
    from skillspas.issuer import sign

    school = new_signer()
    return sign(sample_credential(school.controller) | {"credentialSubject": {
        **sample_credential(school.controller)["credentialSubject"], "id": did}}, school)


def test_a_claimed_credential_that_fails_its_check_after_the_offer_was_used_is_kept_in_quarantine(passport):
    folder, did = passport
    tampered = _signed_for(did)
    tampered["name"] = "Een ander diploma"  # no longer what the school signed: invalid_signature
    store = PassportStore(folder)
    with _mock(_answered(tampered)) as client, pytest.raises(SkillspasError) as refused:
        claim(store, "https://roc.example/exchanges/x", client=client)
    kept = list((store.folder / "quarantine").iterdir())
    assert refused.value.code.value == "invalid_signature" and store.entries() == []
    assert len(kept) == 1 and json.loads(kept[0].read_bytes()) == tampered
    assert kept[0].stat().st_mode & 0o777 == 0o600 and kept[0].parent.stat().st_mode & 0o777 == 0o700
    assert str(kept[0]) in refused.value.message and str(kept[0]) in refused.value.text("nl")
    assert "not added" in refused.value.message and "niet aan je paspoort toegevoegd" in refused.value.text("nl")


def test_the_command_a_quarantine_refusal_gives_to_add_the_credential_adds_it_to_this_passport_not_the_default(passport):
    folder, did = passport
    store = PassportStore(folder)
    tampered = _signed_for(did) | {"name": "Een ander diploma"}
    with _mock(_answered(tampered)) as client, pytest.raises(SkillspasError) as refused:
        claim(store, "https://roc.example/exchanges/x", client=client)
    [kept] = store.quarantine_folder.iterdir()
    for text in (refused.value.message, refused.value.text("nl")):
        assert f"skillspas passport add {kept} --passport {store.folder} --bundle BUND" in text


def test_a_claimed_credential_whose_issuers_bundle_cannot_be_fetched_is_kept_in_quarantine_and_can_be_shown(passport):
    folder, did = passport
    credential = _signed_for(did)
    credential["proof"]["verificationMethod"] = "did:web:roc.example#key-1"  # a did:web school: its /bundle is needed
    store = PassportStore(folder)

    def no_bundle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/bundle":
            return httpx.Response(503, json={"code": "unavailable"})
        return _answered(credential)(request)

    with _mock(no_bundle) as client, pytest.raises(SkillspasError) as refused:
        claim(store, "https://roc.example/exchanges/x", client=client)
    assert refused.value.code.value == "exchange_failed" and "quarantine" in refused.value.message
    [kept] = (store.folder / "quarantine").iterdir()
    shown = run("show", str(kept), "--dir", folder)  # it can be looked at where it is
    assert "Traceback" not in shown.output and shown.exit_code in (0, 1)


def test_a_quarantined_credential_added_later_leaves_the_quarantine(passport):
    folder, did = passport
    store = PassportStore(folder)
    kept = store.quarantine(json.dumps(_signed_for(did), ensure_ascii=False).encode("utf-8"))
    assert kept.parent == store.folder / "quarantine"
    added = run("add", str(kept), "--dir", folder)
    assert added.exit_code == 0, added.output
    assert len(store.entries()) == 1 and not kept.exists()


def test_an_issuers_bundle_never_adds_or_replaces_the_did_document_of_a_did_that_did_not_sign_the_claim(
        passport, tmp_path):
    folder, did = passport
    store = PassportStore(folder)
    store.keep_bundle(Bundle.create(did_documents=[{"id": "did:web:other-school.example", "n": 1}]))
    evc = _keystore(tmp_path, EVC)
    theirs = Bundle.create(did_documents=[evc.did_document(), {"id": "did:web:other-school.example", "n": 2},
                                          {"id": "did:web:planted.example", "n": 1}])
    with _mock(_answered(_school_signed(did, evc), theirs)) as client:
        [entry] = claim(store, "https://evc.example/exchanges/x", client=client)
    assert store.entries() == [entry] and not store.quarantine_folder.exists()
    assert dict(store.bundle().did_documents) == {"did:web:other-school.example": {"id": "did:web:other-school.example",
                                                                                  "n": 1}, EVC: evc.did_document()}


def test_an_issuers_bundle_brings_only_the_status_lists_of_the_issuer_that_signed_the_claim_and_that_it_names(
        passport, tmp_path):
    # A hostile service could otherwise plant a list under a URL another issuer's credentials will name.
    folder, did = passport
    store = PassportStore(folder)
    roc, evc = _keystore(tmp_path, ROC), _keystore(tmp_path, EVC)
    named, unnamed = "https://evc.example/status/1", "https://evc.example/status/2"
    evc_lists = [sign(status_list_credential(url, issuer=EVC), evc.signer(_PASS)) for url in (named, unnamed)]
    planted = sign(status_list_credential("https://roc.example/status/9", issuer=EVC), evc.signer(_PASS))
    theirs = Bundle.create(did_documents=[evc.did_document(), roc.did_document()],
                           status_lists=[*evc_lists, planted, _roc_list(roc.signer(_PASS), days_ago=1)])
    credential = _school_signed(did, evc, status=status_entry(named, 3))
    with _mock(_answered(credential, theirs)) as client:
        [entry] = claim(store, "https://evc.example/exchanges/x", client=client)
    assert store.entries() == [entry]
    assert dict(store.bundle().status_lists) == {named: evc_lists[0]} and set(store.bundle().did_documents) == {EVC}


def test_a_trust_list_in_an_issuers_bundle_is_never_kept_in_the_passport(passport):
    folder, did = passport
    store = PassportStore(folder)
    theirs = Bundle.create(trust_list={"id": "urn:uuid:a-schools-own-trust-list"})
    with _mock(_answered(_signed_for(did), theirs)) as client:
        claim(store, "https://roc.example/exchanges/x", client=client)
    assert len(store.entries()) == 1 and store.bundle() is not None and store.bundle().trust_list is None


def test_a_passport_bundle_that_cannot_be_read_refuses_the_claim_before_the_offer_is_used(passport):
    folder, _ = passport
    (PassportStore(folder).bundle_path).write_text("{")
    posted: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(request.content)
        return _answered({})(request)

    with _mock(handler) as client, pytest.raises(SkillspasError) as refused:
        claim(PassportStore(folder), "https://roc.example/exchanges/x", client=client)
    assert refused.value.code.value == "malformed_json"
    assert all(body == b"{}" for body in posted)  # no DID-Auth was sent: the offer is still open


# -- status lists change and keys rotate: a worker's later claims from the same school --------------------------

ROC, EVC = "did:web:roc.example", "did:web:evc.example"
ROC_LIST = "https://issuer.roc.example/status/1"
_PASS = "test-only passphrase (never a real one)"
_NOW = dt.datetime.now(dt.timezone.utc)


def _keystore(tmp_path, did: str) -> Keystore:
    """A school's keystore with its first key (``keys generate --keystore``); ``rotate`` is ``keys rotate``."""
    return Keystore.create(tmp_path / did.rsplit(":", 1)[1], did, passphrase=_PASS)


def _school_signed(did: str, keys: Keystore, *, status: dict[str, Any] | None = None) -> dict[str, Any]:
    """A credential naming ``did``, signed with the school's current did:web key (with ``status`` as its
    ``credentialStatus``, if given)."""
    signer = keys.signer(_PASS)
    credential = sample_credential(signer.controller) | {"id": f"urn:uuid:{uuid.uuid4()}"}
    if status is not None:
        credential["credentialStatus"] = status
    credential["credentialSubject"] = {**credential["credentialSubject"], "id": did}
    return sign(credential, signer)


def _roc_list(key: Signer, *revoked: int, days_ago: float) -> dict[str, Any]:
    """roc's status list as signed ``days_ago`` with ``key`` (its current one: a merge takes it only if it verifies)."""
    unsigned = status_list_credential(ROC_LIST, issuer=ROC, revoked=revoked, valid_from=_NOW - dt.timedelta(days=days_ago))
    return sign(unsigned, key)


def test_a_claim_from_another_school_of_the_service_leaves_the_first_schools_list_as_the_passport_kept_it(
        passport, tmp_path):
    # The other school's /bundle does not speak for the first: a claim there refreshes that school's lists only.
    folder, did = passport
    store = PassportStore(folder)
    roc, evc = _keystore(tmp_path, ROC), _keystore(tmp_path, EVC)
    key = roc.signer(_PASS)
    mine = _roc_list(key, days_ago=2)
    store.keep_bundle(Bundle.create(did_documents=[roc.did_document()], status_lists=[mine]))  # from a claim at roc
    newer = _roc_list(key, 7, days_ago=1)  # roc revoked someone's credential since: its list is re-signed
    theirs = Bundle.create(did_documents=[evc.did_document()], status_lists=[newer])
    with _mock(_answered(_school_signed(did, evc), theirs)) as client:
        [entry] = claim(store, "https://issuer.roc.example/exchanges/x", client=client)
    assert not store.quarantine_folder.exists() and store.entries() == [entry]
    assert store.bundle().status_lists[ROC_LIST] == mine and EVC in store.bundle().did_documents


def test_a_hostile_schools_bundle_with_a_newer_badly_signed_list_under_another_schools_id_never_reaches_the_passport(
        passport, tmp_path):
    # Taken, it would make every credential of roc in the passport fail closed (status_unavailable).
    folder, did = passport
    store = PassportStore(folder)
    roc, evc = _keystore(tmp_path, ROC), _keystore(tmp_path, EVC)
    key = roc.signer(_PASS)
    mine = _roc_list(key, days_ago=2)
    store.keep_bundle(Bundle.create(did_documents=[roc.did_document()], status_lists=[mine]))
    forged = _roc_list(key, days_ago=0.5)
    forged["credentialSubject"]["encodedList"] = _roc_list(key, *range(64), days_ago=1)["credentialSubject"][
        "encodedList"]  # every credential at the start of roc's list revoked, and the proof no longer holds
    theirs = Bundle.create(did_documents=[evc.did_document()], status_lists=[forged])
    with _mock(_answered(_school_signed(did, evc), theirs)) as client:
        [entry] = claim(store, "https://evc.example/exchanges/x", client=client)  # it is left out, not refused
    assert store.entries() == [entry] and dict(store.bundle().status_lists) == {ROC_LIST: mine}


def test_a_claim_signed_with_a_key_the_school_rotated_in_since_the_passport_kept_its_document_is_added(passport, tmp_path):
    folder, did = passport
    store = PassportStore(folder)
    roc = _keystore(tmp_path, ROC)
    store.keep_bundle(Bundle.create(did_documents=[roc.did_document()],
                                    status_lists=[_roc_list(roc.signer(_PASS), days_ago=2)]))
    roc.rotate(passphrase=_PASS)  # keys rotate: key-2 signs from now on, key-1 stays in the document
    credential = _school_signed(did, roc)
    assert credential["proof"]["verificationMethod"] == f"{ROC}#key-2"
    theirs = Bundle.create(did_documents=[roc.did_document()], status_lists=[_roc_list(roc.signer(_PASS), days_ago=1)])
    with _mock(_answered(credential, theirs)) as client:
        [entry] = claim(store, "https://roc.example/exchanges/x", client=client)
    assert not store.quarantine_folder.exists()
    assert store.bundle().did_documents[ROC] == roc.did_document() and store.bundle().status_lists == theirs.status_lists
    shown = run("show", entry.ref, "--dir", folder, "--lang", "en")
    assert shown.exit_code == 0 and "signature valid" in shown.output, shown.output


def test_a_key_the_school_dropped_from_its_did_document_stops_verifying_in_the_passport_after_a_claim_there(
        passport, tmp_path):
    folder, did = passport
    store = PassportStore(folder)
    roc = _keystore(tmp_path, ROC)
    store.keep_bundle(Bundle.create(did_documents=[roc.did_document()]))
    earlier = store.add(json.dumps(_school_signed(did, roc)).encode())  # signed with key-1
    roc.rotate(passphrase=_PASS)
    dropped = roc.did_document()
    dropped["verificationMethod"] = [m for m in dropped["verificationMethod"] if not m["id"].endswith("#key-1")]
    dropped["assertionMethod"] = [m for m in dropped["assertionMethod"] if not m.endswith("#key-1")]
    with _mock(_answered(_school_signed(did, roc), Bundle.create(did_documents=[dropped]))) as client:
        claim(store, "https://roc.example/exchanges/x", client=client)
    assert store.bundle().did_documents[ROC] == dropped
    assert run("show", earlier.ref, "--dir", folder).exit_code == 1


def test_an_older_bundle_the_worker_names_does_not_bring_back_a_key_the_school_dropped(passport, tmp_path):
    folder, did = passport
    store = PassportStore(folder)
    roc = _keystore(tmp_path, ROC)
    older = Bundle.create(did_documents=[roc.did_document()]).to_file(tmp_path / "roc-bundle-of-last-year.json")
    signed_with_key_1 = tmp_path / "diploma.json"
    signed_with_key_1.write_text(json.dumps(_school_signed(did, roc)))
    roc.rotate(passphrase=_PASS)
    dropped = roc.did_document()  # key-1 was compromised: roc published its document without it
    dropped["verificationMethod"] = [m for m in dropped["verificationMethod"] if not m["id"].endswith("#key-1")]
    dropped["assertionMethod"] = [m for m in dropped["assertionMethod"] if not m.endswith("#key-1")]
    store.keep_bundle(Bundle.create(did_documents=[dropped]))  # from a claim at roc since
    added = run("add", str(signed_with_key_1), "--dir", folder, "--bundle", str(older), "--lang", "en")
    assert added.exit_code == 1 and store.entries() == [], added.output
    assert "warning [did_document_kept]" in added.stderr and ROC in added.stderr
    assert store.bundle().did_documents[ROC] == dropped
    chosen = run("add", str(signed_with_key_1), "--dir", folder, "--bundle", str(older), "--replace-did-documents")
    assert chosen.exit_code == 0 and len(store.entries()) == 1, chosen.output  # the worker's explicit choice


def test_a_claim_the_passports_bundle_can_check_refreshes_the_schools_status_lists_and_only_those(passport, tmp_path):
    folder, did = passport
    store = PassportStore(folder)
    roc, evc = _keystore(tmp_path, ROC), _keystore(tmp_path, EVC)
    key = roc.signer(_PASS)
    store.keep_bundle(Bundle.create(did_documents=[roc.did_document()], status_lists=[_roc_list(key, days_ago=2)]))
    newer = _roc_list(key, 7, days_ago=1)  # roc revoked a credential since the passport kept its list
    evc_list = sign(status_list_credential("https://evc.example/status/1", issuer=EVC), evc.signer(_PASS))
    theirs = Bundle.create(did_documents=[roc.did_document(), evc.did_document()], status_lists=[newer, evc_list])
    notes: list = []
    with _mock(_answered(_school_signed(did, roc), theirs)) as client:
        [entry] = claim(store, "https://roc.example/exchanges/x", client=client, notes=notes)
    kept = store.bundle()
    assert store.entries() == [entry] and notes == []
    assert dict(kept.status_lists) == {ROC_LIST: newer} and set(kept.did_documents) == {ROC}


def _bundle_answer(credential: dict[str, Any], answer: httpx.Response) -> Any:
    """An exchange answering ``credential``, whose ``/bundle`` answers ``answer``."""
    def handler(request: httpx.Request) -> httpx.Response:
        return answer if request.url.path == "/bundle" else _answered(credential)(request)
    return handler


@pytest.mark.parametrize("answer, code", [
    pytest.param(lambda key: httpx.Response(503, json={"code": "unavailable"}), "exchange_failed", id="unreachable"),
    pytest.param(lambda key: httpx.Response(200, json=Bundle.create(status_lists=[
        {**_roc_list(key, days_ago=0.5), "credentialSubject": _roc_list(key, 9, days_ago=1)["credentialSubject"]}
    ]).to_json()), "status_list_refused", id="a newer list whose proof does not hold"),
])
def test_a_claim_the_passports_bundle_can_check_is_added_though_the_schools_lists_cannot_be_refreshed(
        passport, tmp_path, answer, code):
    folder, did = passport
    store = PassportStore(folder)
    roc = _keystore(tmp_path, ROC)
    key = roc.signer(_PASS)
    mine = _roc_list(key, days_ago=2)
    store.keep_bundle(Bundle.create(did_documents=[roc.did_document()], status_lists=[mine]))
    notes: list = []
    with _mock(_bundle_answer(_school_signed(did, roc), answer(key))) as client:
        [entry] = claim(store, "https://roc.example/exchanges/x", client=client, notes=notes)
    assert store.entries() == [entry] and not store.quarantine_folder.exists()
    assert dict(store.bundle().status_lists) == {ROC_LIST: mine}
    assert [note.code.value for note in notes] == [code]
    assert "not refreshed" in notes[0].text("en") and "niet bijgewerkt" in notes[0].text("nl")


@pytest.fixture(scope="module")
def own_service(tmp_path_factory) -> Any:
    """A service of this module's own (SQLite), whose school rotates its key: the shared one must not."""
    folder = tmp_path_factory.mktemp("rotating-service")
    live = start_service(folder, f"sqlite:///{folder / 'skillspas.db'}", free_port())
    try:
        yield live
    finally:
        live.stop()


def test_a_worker_claims_again_after_the_school_revoked_another_credential_and_rotated_its_key(own_service, passport):
    folder, _ = passport
    assert run("claim", offer_url(own_service), "--dir", folder).exit_code == 0
    revoked = own_service.post("/credentials/status", {"credentialId": issue(own_service)["id"], "action": "revoke"})
    assert revoked.status_code == 200, revoked.text  # roc's status list is re-signed
    store = open_store(own_service.settings.database)
    try:
        rotate_signing_key(store, own_service.settings, own_service.orgs["roc"].id)  # org rotate-key
    finally:
        store.dispose()
    again = run("claim", offer_url(own_service), "--dir", folder)
    assert again.exit_code == 0, again.output
    passport_store = PassportStore(folder)
    first, second = passport_store.entries()
    assert second.document["proof"]["verificationMethod"].endswith("#key-2")
    assert not passport_store.quarantine_folder.exists()
    for entry in (first, second):
        shown = run("show", entry.ref, "--dir", folder, "--lang", "en")
        assert shown.exit_code == 0 and "signature valid" in shown.output, shown.output


def test_a_second_claim_at_a_school_brings_its_revocation_of_the_first_credential_into_the_passport(
        own_service, passport):
    folder, _ = passport
    assert run("claim", offer_url(own_service), "--dir", folder).exit_code == 0
    [first] = PassportStore(folder).entries()
    revoked = own_service.post("/credentials/status", {"credentialId": first.document["id"], "action": "revoke"})
    assert revoked.status_code == 200, revoked.text
    again = run("claim", offer_url(own_service), "--dir", folder)  # the passport's bundle checks this one
    assert again.exit_code == 0 and "let op" not in again.output, again.output
    with pytest.raises(SkillspasError) as status:
        Verifier(bundle=PassportStore(folder).bundle()).status.check(first.document, dt.datetime.now(dt.timezone.utc))
    assert status.value.code.value == "revoked"


def test_a_claim_with_a_bundle_whose_did_document_differs_from_the_passports_keeps_the_passports_and_says_so(
        own_service, passport, tmp_path):
    folder, _ = passport
    assert run("claim", offer_url(own_service), "--dir", folder).exit_code == 0  # the school's documents, as it has them
    documents = dict(PassportStore(folder).bundle().did_documents)
    school = next(iter(documents))
    other = {**documents[school], "alsoKnownAs": ["https://example.org/an-older-copy"]}
    named = Bundle.create(did_documents=[other]).to_file(tmp_path / "named.json")
    again = run("claim", offer_url(own_service), "--dir", folder, "--bundle", str(named))
    assert again.exit_code == 0, again.output
    assert f"let op [did_document_kept]: het DID-document van '{school}'" in again.stderr
    assert f"warning [did_document_kept]: the bundle's DID document of '{school}'" in again.stderr
    assert PassportStore(folder).bundle().did_documents[school] == documents[school]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_passport_list_tells_the_worker_how_many_credentials_wait_in_quarantine_and_how_to_show_and_add_them(
        passport, lang):
    folder, did = passport
    store = PassportStore(folder)
    assert "quaranta" not in run("list", "--dir", folder, "--lang", lang).output
    counted = {"nl": "{} bewijsstuk in quarantaine", "en": "{} credential in quarantine"}[lang]
    first = store.quarantine(json.dumps(_signed_for(did)).encode())
    one = run("list", "--dir", folder, "--lang", lang)
    assert one.exit_code == 0 and f"passport show {first}" in one.output
    assert f"passport add {first} --passport {folder}" in one.output and counted.format(1) in one.output
    store.quarantine(json.dumps(_signed_for(did)).encode())
    two = run("list", "--dir", folder, "--lang", lang, "--json")
    assert json.loads(two.stdout) == []  # the note is on stderr: the JSON stays the list
    assert ("2 bewijsstukken in quarantaine" if lang == "nl" else "2 credentials in quarantine") in two.stderr
    assert f"passport add {store.quarantine_folder}/*.json --passport {folder}" in two.stderr
    assert run("add", str(first), "--dir", folder).exit_code == 0  # it leaves the quarantine
    assert counted.format(1) in run("list", "--dir", folder, "--lang", lang).output


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_passport_show_of_the_whole_passport_tells_what_waits_in_quarantine_in_the_sentence_passport_list_gives(
        passport, lang):
    folder, did = passport
    store = PassportStore(folder)
    assert run("add", *_saved(store, _signed_for(did)), "--dir", folder).exit_code == 0
    whole = run("show", "--dir", folder, "--lang", lang)
    assert whole.exit_code == 0 and "quarant" not in whole.output, whole.output
    first = store.quarantine(json.dumps(_signed_for(did)).encode())
    shown, listed = run("show", "--dir", folder, "--lang", lang), run("list", "--dir", folder, "--lang", lang)
    note = next(line for line in listed.output.splitlines() if "quarant" in line)
    assert shown.exit_code == 0 and note in shown.output.splitlines(), shown.output
    assert f"passport show {first}" in note and ("Vaardigheden" if lang == "nl" else "Skills") in shown.output
    assert "quarant" not in run("show", str(first), "--dir", folder, "--lang", lang).output  # one credential: not about it
    store.remove(store.entries()[0].ref)  # only the quarantine left: said, not "the passport is empty"
    alone = run("show", "--dir", folder, "--lang", lang)
    assert alone.exit_code == 0 and note in alone.output.splitlines(), alone.output


def _saved(store: PassportStore, credential: dict[str, Any]) -> list[str]:
    path = store.folder.parent / f"{uuid.uuid4()}.json"
    path.write_text(json.dumps(credential), encoding="utf-8")
    return [str(path)]
