"""The trust list: who may issue which credential type, verified with the same pipeline (threat 8)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from trustworld import NOW, UTC, WebIssuer, new_did_key_credential, sign_as, ts
from skillspas.keys import LocalSigner, generate
from skillspas.keys.trust_list import TrustList, TrustListEntry
from skillspas.issuer.trust_list import sign_trust_list
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import AllOf, AnyOf, Bundle, TrustedIssuers, TrustListPolicy, Verifier
from skillspas.verifier.trust import load_trust_list




def _code(result) -> ErrorCode:
    assert not result.verified
    return result.first_error.code


def test_issuer_on_the_list_for_the_type_is_trusted_and_named_by_the_list(world, bundle):
    result = world.verify(world.credential(world.roc, "MboDiploma"), bundle)
    assert result.verified, result.first_error
    assert result.summary.issuer_name == "ROC Voorbeeldstad"  # not "Naam die de uitgever zelf claimt"
    assert [c.check for c in result.checks if c.ok][-3:] == ["trust", "validity", "status"]


def test_issuer_listed_only_for_micro_credentials_cannot_issue_a_valid_mbo_diploma(world, bundle):
    diploma = world.credential(world.bakery, "MboDiploma")
    result = world.verify(diploma, bundle)
    assert _code(result) is ErrorCode.UNTRUSTED_ISSUER
    assert result.exit_code == 1
    assert [p.ok for p in result.proofs] == [True]  # the signature itself holds
    assert world.verify(world.credential(world.bakery, "MicroCredential"), bundle).verified


def test_an_issuer_listed_for_other_types_is_refused_in_the_words_a_person_uses_not_json_ld_type_names(world, bundle):
    problem = world.verify(world.credential(world.bakery, "MboDiploma"), bundle).first_error
    assert problem.code is ErrorCode.UNTRUSTED_ISSUER
    assert "alleen voor microcredential, niet voor mbo-diploma" in problem.text("nl"), problem.text("nl")
    assert "for micro-credential only, not for MBO diploma" in problem.text("en"), problem.text("en")
    assert "MboDiploma" not in problem.text("nl") + problem.text("en")


@pytest.mark.parametrize(
    ("who", "kind", "trusted"),
    [
        pytest.param("evc", "Ervaringscertificaat", True, id="an EVC provider issues an ervaringscertificaat"),
        pytest.param("roc", "Ervaringscertificaat", False, id="a ROC may not issue an ervaringscertificaat"),
        pytest.param("evc", "MboDiploma", False, id="an EVC provider may not issue an mbo diploma"),
        pytest.param("roc", "MboCertificaat", True, id="a ROC issues an mbo certificaat"),
        pytest.param("bakery", "Praktijkverklaring", False, id="an employer alone may not issue a praktijkverklaring"),
    ],
)
def test_credential_types_per_issuer(world, bundle, who, kind, trusted):
    result = world.verify(world.credential(getattr(world, who), kind), bundle)
    assert result.verified is trusted
    if not trusted:
        assert result.first_error.code is ErrorCode.UNTRUSTED_ISSUER


def test_issuer_not_on_the_list_is_untrusted_unless_named_on_the_command_line(world):
    other = WebIssuer.new("did:web:onbekend.example", "Onbekend")
    documents = [*world.documents(), other.document()]
    unsigned = {k: v for k, v in world.credential(world.roc).items() if k != "proof"}
    unsigned["issuer"] = {"id": other.did, "type": ["Profile"], "name": "Onbekend"}
    signed = sign_as(unsigned, other.signer(), documents, created=NOW - dt.timedelta(days=1))
    bundle = world.bundle(did_documents=documents)
    assert _code(world.verify(signed, bundle)) is ErrorCode.UNTRUSTED_ISSUER
    assert world.verify(signed, bundle, trusted_issuers=[other.did]).verified  # list OR --trust-issuer


def test_recognition_period_is_checked_when_the_issuer_signed(world):
    ended = dt.datetime(2025, 12, 31, tzinfo=UTC)
    trust_list = world.trust_list(entries=(
        TrustListEntry(world.roc.did, world.roc.name, ("MboDiploma",), valid_until=ended),
    ))
    bundle = world.bundle(trust_list=world.signed_trust_list(trust_list))
    before = world.credential(world.roc, created=ended - dt.timedelta(days=30))
    after = world.credential(world.roc, created=ended + dt.timedelta(days=30))
    assert world.verify(before, bundle).verified
    assert _code(world.verify(after, bundle)) is ErrorCode.UNTRUSTED_ISSUER


def test_tampered_trust_list_is_rejected(world):
    signed = world.signed_trust_list()
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["trustedIssuer"][2]["credentialType"].append("MboDiploma")
    with pytest.raises(SkillspasError) as info:
        load_trust_list(tampered, Verifier(contexts=None).verified_credential)
    assert info.value.code is ErrorCode.INVALID_SIGNATURE
    bundle = world.bundle(trust_list=tampered)
    verifier = Verifier(bundle=bundle)
    assert isinstance(verifier.policy, TrustListPolicy)
    assert verifier.policy.problem.code is ErrorCode.INVALID_SIGNATURE
    # Every issuer is now untrusted, even the ones the genuine list names.
    assert _code(verifier.verify(world.credential(world.bakery, "MboDiploma"), now=NOW)) is ErrorCode.UNTRUSTED_ISSUER
    assert _code(verifier.verify(world.credential(world.roc), now=NOW)) is ErrorCode.UNTRUSTED_ISSUER


def test_trust_list_resigned_by_another_key_fails_against_a_pinned_anchor(world):
    impostor = LocalSigner(generate("ed25519"))
    forged = sign_trust_list(world.trust_list(issuer=impostor.controller), impostor)
    bundle = world.bundle(trust_list=forged)
    credential = world.credential(world.roc)
    pinned = Verifier(bundle=bundle, trust_anchors=[world.anchor.controller])
    assert pinned.policy.problem.code is ErrorCode.UNTRUSTED_ISSUER
    assert _code(pinned.verify(credential, now=NOW)) is ErrorCode.UNTRUSTED_ISSUER
    genuine = world.bundle()
    assert Verifier(bundle=genuine, trust_anchors=[world.anchor.controller]).verify(credential, now=NOW).verified


@pytest.mark.parametrize(
    ("valid_from", "valid_until"),
    [
        pytest.param(NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1), id="expired list"),
        pytest.param(NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=400), id="list not valid yet"),
    ],
)
def test_trust_list_outside_its_validity_is_refused(world, valid_from, valid_until):
    trust_list = world.trust_list(valid_from=valid_from, valid_until=valid_until)
    bundle = world.bundle(trust_list=world.signed_trust_list(trust_list))
    result = world.verify(world.credential(world.roc), bundle)
    assert _code(result) is ErrorCode.UNTRUSTED_ISSUER
    with pytest.raises(SkillspasError) as info:
        load_trust_list(bundle.trust_list, Verifier().verified_credential, now=NOW)
    assert info.value.code in (ErrorCode.EXPIRED, ErrorCode.NOT_YET_VALID)


def test_trust_list_with_a_status_entry_is_refused(world):
    unsigned = world.trust_list().to_credential()
    unsigned["credentialStatus"] = {
        "id": "https://x.example/s#1", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "1", "statusListCredential": "https://x.example/s",
    }
    from skillspas.issuer import sign

    signed = sign(unsigned, world.anchor)
    with pytest.raises(SkillspasError) as info:
        load_trust_list(signed, Verifier().verified_credential)
    assert info.value.code is ErrorCode.SCHEMA_INVALID


def test_trust_list_round_trips_through_its_credential(world):
    trust_list = world.trust_list()
    again = TrustList.from_credential(world.signed_trust_list(trust_list))
    assert again == trust_list
    assert again.entry(world.bakery.did).credential_types == ("MicroCredential",)
    assert again.entry("did:web:nobody.example") is None


@pytest.mark.parametrize(
    ("change", "path"),
    [
        pytest.param(lambda c: c["credentialSubject"].update(type="Other"), "/credentialSubject", id="wrong subject type"),
        pytest.param(lambda c: c["credentialSubject"]["trustedIssuer"][0].update(validFrom="gisteren"),
                     "/credentialSubject/trustedIssuer/0/validFrom", id="bad date"),
        pytest.param(lambda c: c["credentialSubject"]["trustedIssuer"][1].update(credentialType=[]),
                     "/credentialSubject/trustedIssuer/1", id="no types"),
        pytest.param(lambda c: c["credentialSubject"]["trustedIssuer"].append(
            copy.deepcopy(c["credentialSubject"]["trustedIssuer"][0])), "/credentialSubject/trustedIssuer",
            id="one DID twice"),
        pytest.param(lambda c: c.update(type=["VerifiableCredential"]), "/type", id="not a trust list"),
    ],
)
def test_malformed_trust_list_is_schema_invalid_with_its_path(world, change, path):
    credential = world.trust_list().to_credential()
    change(credential)
    with pytest.raises(SkillspasError) as info:
        TrustList.from_credential(credential)
    assert info.value.code is ErrorCode.SCHEMA_INVALID
    assert info.value.path == path


@pytest.mark.parametrize(
    ("allowed", "types", "ok"),
    [
        pytest.param(("MicroCredential",), ["VerifiableCredential", "OpenBadgeCredential", "MicroCredential"], True,
                     id="the listed type"),
        pytest.param(("MicroCredential",), ["VerifiableCredential", "OpenBadgeCredential", "MboDiploma"], False,
                     id="another type"),
        pytest.param(("MicroCredential",), ["VerifiableCredential", "MicroCredential", "MboDiploma"], False,
                     id="a listed and an unlisted type"),
        pytest.param(("MicroCredential",), ["VerifiableCredential", "OpenBadgeCredential"], False,
                     id="only the envelope type"),
        pytest.param(("OpenBadgeCredential",), ["VerifiableCredential", "OpenBadgeCredential"], True,
                     id="the envelope type when listed"),
        pytest.param(("OpenBadgeCredential",), ["VerifiableCredential", "OpenBadgeCredential", "MboDiploma"], False,
                     id="the envelope type does not cover a specific type"),
        pytest.param(("MboDiploma",), ["VerifiableCredential"], False, id="a bare credential"),
    ],
)
def test_entry_allows_exactly_its_types(allowed, types, ok):
    assert TrustListEntry("did:web:x.example", "X", allowed).allows(types) is ok


def test_policies_combine():
    trusted, other = TrustedIssuers(["did:key:a"]), TrustedIssuers(["did:key:b"])
    assert AnyOf(trusted, other).check("did:key:b", ["VerifiableCredential"], NOW) is None
    for policy in (AnyOf(), AllOf(), AllOf(trusted, other)):
        with pytest.raises(SkillspasError) as info:
            policy.check("did:key:a", ["VerifiableCredential"], NOW)
        assert info.value.code is ErrorCode.UNTRUSTED_ISSUER


def test_without_bundle_or_trust_issuer_a_valid_signature_is_untrusted():
    credential, signer = new_did_key_credential()
    result = Verifier().verify(credential)
    assert _code(result) is ErrorCode.UNTRUSTED_ISSUER
    assert Verifier(trusted_issuers=[signer.controller]).verify(credential).verified


def test_trust_list_dates_are_written_as_datetime_stamps(world):
    credential = world.trust_list().to_credential()
    assert credential["validFrom"] == ts(NOW - dt.timedelta(days=30))
    assert credential["credentialSubject"]["trustedIssuer"][0]["validFrom"] == "2020-01-01T00:00:00Z"
    assert isinstance(Bundle.create(trust_list=credential).trust_list, dict)
