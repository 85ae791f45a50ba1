"""issuer.preflight: one gate before a signature; sign() takes its CheckedCredential without checking it again."""

from __future__ import annotations

import copy
import sys

import pytest

from skillspas.issuer.credentials import build
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.issuing import Issuer
from skillspas.issuer.orgs import create_organisation
from skillspas.issuer.preflight import preflight
from skillspas.issuer.settings import Settings
from skillspas.issuer.sign import sign
from skillspas.issuer.store import open_store
from skillspas.keys import LocalSigner, generate
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import checks

DIPLOMA_ROW = {"learner_name": "Anouk Testdata", "crebo": "25180", "leerweg": "BOL", "date": "2025-07-01",
               "issuer_name": "ROC Voorbeeldstad"}


def _count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count calls of ``verifier.checks.<name>`` from every skillspas module that holds it."""
    original = getattr(checks, name)
    calls = [0]

    def counted(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("skillspas.") and getattr(module, name, None) is original:
            monkeypatch.setattr(module, name, counted)
    return calls


def test_the_service_checks_a_credential_once_before_it_signs_it_and_verifies_it_once_after(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path, public_url="https://issuer.example", key_passphrase="test only")
    store = open_store(settings.database)
    try:
        created = create_organisation(store, settings, "ROC Voorbeeldstad", role="mbo", did_web="roc.example")
        issuer = Issuer(store, settings)
        org = issuer.orgs.get(created.id)
        unsigned = {k: v for k, v in sample_credential(org.did, org.name).items() if k != "id"}
        issuer.issue(org, unsigned)  # warm: the first issue also signs the organisation's status lists
        shapes, contexts = _count_calls(monkeypatch, "check_credential_shape"), _count_calls(monkeypatch, "check_contexts")
        issued = issuer.issue(org, unsigned)
    finally:
        store.dispose()
    assert issued.credential["proof"]["proofPurpose"] == "assertionMethod"
    assert shapes[0] == 2  # preflight, and the self-check of the signed credential
    assert contexts[0] == 3  # the role's expansion (before anything else is read), preflight, the self-check


def test_a_checked_credential_cannot_be_changed_after_its_checks():
    signer = LocalSigner(generate("ed25519"))
    checked = preflight(sample_credential(signer.controller), signer.controller)
    checked.document["credentialSubject"]["name"] = "Iemand Anders"
    signed = sign(checked, signer)
    assert signed["credentialSubject"]["name"] == sample_credential(signer.controller)["credentialSubject"]["name"]


def test_a_credential_checked_for_one_key_is_not_signed_with_another():
    school, other = LocalSigner(generate("ed25519")), LocalSigner(generate("ed25519"))
    checked = preflight(sample_credential(school.controller), school.controller)
    with pytest.raises(SkillspasError) as caught:
        sign(checked, other)
    assert caught.value.code is ErrorCode.ISSUER_MISMATCH


def test_status_entries_added_after_the_checks_are_verified_with_the_signed_credential():
    signer = LocalSigner(generate("ed25519"))
    checked = preflight(build("mbo-diploma", DIPLOMA_ROW, issuer=signer.controller), signer.controller)
    url = "https://issuer.example/status/o/1/"
    entries = [{"id": f"{url}{purpose}#7", "type": "BitstringStatusListEntry", "statusPurpose": purpose,
                "statusListIndex": "7", "statusListCredential": url + purpose} for purpose in ("revocation", "suspension")]
    assert sign(checked.with_status(entries[:1]), signer)["credentialStatus"]["statusListIndex"] == "7"
    with pytest.raises(SkillspasError) as caught:  # Open Badges 3.0 allows one credentialStatus object
        sign(checked.with_status(entries), signer)
    assert caught.value.code is ErrorCode.SCHEMA_INVALID and caught.value.path == "/credentialStatus"


def test_nothing_a_caller_keeps_or_gets_changes_what_a_checked_credential_signs():
    signer = LocalSigner(generate("ed25519"))
    credential = build("mbo-diploma", DIPLOMA_ROW, issuer=signer.controller)
    subject = copy.deepcopy(credential["credentialSubject"])
    checked = preflight(credential, signer.controller)
    credential["credentialSubject"]["achievement"]["name"] = "Iets Anders"  # the caller's dict, after the checks
    first = sign(checked, signer)
    first["credentialSubject"]["achievement"]["name"] = "Iets Anders"  # what the caller got
    url = "https://issuer.example/status/o/1/"
    entries = [{"id": f"{url}revocation#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": "7", "statusListCredential": url + "revocation"}]
    with_entry = checked.with_status(entries)
    entries[0]["statusListIndex"] = "8"  # the caller's entries, after they were added
    second, third = sign(with_entry, signer), sign(checked, signer)
    assert second["credentialSubject"] == third["credentialSubject"] == subject
    assert second["credentialStatus"]["statusListIndex"] == "7" and "credentialStatus" not in third
    own = copy.deepcopy(third)
    del own["proof"]
    kept = copy.deepcopy(own)
    sign(own, signer)["credentialSubject"]["achievement"]["name"] = "Iets Anders"  # a dict signed without preflight
    assert own == kept
