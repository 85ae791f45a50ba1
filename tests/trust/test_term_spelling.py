"""A property written another way for JSON-LD keeps its signature: ``credentialStatus`` as its IRI, ``validUntil``
as its IRI with a typed value, a subject's ``id`` as ``@id``, a status moved into ``@nest``. Each expands to the
same RDF, so the proof still holds, but the checks that read the JSON (status, validity, the holder's subject id)
would not see it: a revoked, expired or someone else's credential would pass. Each is refused (``schema_invalid``)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from trustworld import NOW, STATUS_URL, ts
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import Verifier
from skillspas.wallet_export import build_presentation

CRED = "https://www.w3.org/2018/credentials#"
DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def _renamed(document: dict[str, Any], key: str, new: str, value: Any = None) -> dict[str, Any]:
    """``document`` with ``key`` written as ``new`` (its value, or ``value``), in the same place."""
    return {new if k == key else k: (v if k != key or value is None else value) for k, v in document.items()}


def _refused(result, path: str) -> None:
    assert not result.verified
    assert result.first_error.code is ErrorCode.SCHEMA_INVALID, result.to_json()["errors"]
    assert result.first_error.path == path


def test_a_revoked_credential_with_its_status_written_as_an_iri_is_refused_not_valid(world):
    bundle = world.bundle(status_lists=[world.status_list(revoked=(42,))])
    revoked = world.credential(world.roc, status_index=42)
    assert world.verify(revoked, bundle).first_error.code is ErrorCode.REVOKED
    hidden = _renamed(revoked, "credentialStatus", CRED + "credentialStatus")
    _refused(world.verify(hidden, bundle), "/https:~1~1www.w3.org~12018~1credentials#credentialStatus")


def test_a_revoked_credential_with_its_status_moved_under_nest_is_refused_not_valid(world):
    bundle = world.bundle(status_lists=[world.status_list(revoked=(42,))])
    revoked = world.credential(world.roc, status_index=42)
    nested = _renamed(revoked, "credentialStatus", "@nest", {"credentialStatus": revoked["credentialStatus"]})
    _refused(world.verify(nested, bundle), "/@nest")


@pytest.mark.parametrize("key, now", [("validUntil", NOW + dt.timedelta(days=60)), ("validFrom", NOW - dt.timedelta(days=20))])
def test_a_credential_outside_its_validity_with_the_date_written_as_an_iri_is_refused_not_valid(world, key, now):
    credential = world.credential(world.roc, validUntil=ts(NOW + dt.timedelta(days=30)))
    assert world.verify(credential, now=now).first_error.code in (ErrorCode.EXPIRED, ErrorCode.NOT_YET_VALID)
    typed = {"@value": credential[key], "@type": DATE_TIME}  # the term's type, so the same RDF
    _refused(world.verify(_renamed(credential, key, CRED + key, typed), now=now), f"/https:~1~1www.w3.org~12018~1credentials#{key}")


def test_someone_elses_credential_with_its_subject_id_written_as_at_id_is_refused_not_a_warning(world):
    anouk, eve = LocalSigner(generate("ed25519")), LocalSigner(generate("ed25519"))
    credential = world.credential(world.roc)
    subject = {"id": anouk.controller, **credential["credentialSubject"]}
    credential = world.credential(world.roc, credentialSubject=subject)
    verifier = Verifier(bundle=world.bundle(), trust_anchors=[world.anchor.controller])
    shown = build_presentation([credential], holder=eve, challenge="c-1")
    assert verifier.verify(shown, challenge="c-1", now=NOW).first_error.code is ErrorCode.HOLDER_MISMATCH
    unbound = copy.deepcopy(credential)
    unbound["credentialSubject"] = _renamed(subject, "id", "@id")
    _refused(verifier.verify(build_presentation([unbound], holder=eve, challenge="c-1"), challenge="c-1", now=NOW),
             "/verifiableCredential/0/credentialSubject/@id")


def test_an_id_beside_its_at_id_is_still_refused_by_json_ld_as_colliding_keywords(world):
    credential = world.credential(world.roc)
    credential["credentialSubject"] = {"id": "did:example:a", "@id": "did:example:b", **credential["credentialSubject"]}
    result = world.verify(credential)
    assert result.first_error.code is ErrorCode.SCHEMA_INVALID and "colliding keywords" in result.first_error.message


def test_the_issuer_refuses_to_sign_a_status_written_as_an_iri():
    signer = LocalSigner(generate("ed25519"))
    unsigned = sample_credential(signer.controller)
    unsigned[CRED + "credentialStatus"] = {"id": STATUS_URL + "#7", "type": "BitstringStatusListEntry",
                                           "statusPurpose": "revocation", "statusListIndex": "7",
                                           "statusListCredential": STATUS_URL}
    with pytest.raises(SkillspasError) as refused:
        sign(unsigned, signer)
    assert refused.value.code is ErrorCode.SCHEMA_INVALID
    assert "term" in refused.value.text("en") and "term" in refused.value.text("nl")
