"""The offline bundle: one file or a folder, checked when built; the verifier takes keys, trust, status from it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from trustworld import NOW, STATUS_URL, TYPES_CONTEXT, TYPES_CONTEXT_DIR, WebIssuer, World, sign_as, ts
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import Bundle, Verifier




def test_bundle_round_trips_as_one_file_and_as_a_folder(world, bundle, tmp_path):
    for path, folder in ((tmp_path / "bundle.json", False), (tmp_path / "bundle-folder", True)):
        bundle.to_file(path, folder=folder)
        again = Bundle.from_file(path)
        assert again.created_at == bundle.created_at
        assert again.trust_list == bundle.trust_list
        assert dict(again.did_documents) == dict(bundle.did_documents)
        assert dict(again.status_lists) == dict(bundle.status_lists)
        assert dict(again.contexts) == dict(bundle.contexts)
        assert Verifier(bundle=again).verify(world.credential(world.roc, status_index=1), now=NOW).verified
    assert (tmp_path / "bundle-folder" / "dids" / "roc.example" / ".well-known" / "did.json").is_file()


def test_did_web_keys_come_from_the_bundle_only(world, bundle):
    credential = world.credential(world.roc)
    result = Verifier(contexts=TYPES_CONTEXT_DIR, trusted_issuers=[world.roc.did]).verify(credential, now=NOW)
    assert result.first_error.code is ErrorCode.UNRESOLVABLE_KEY
    assert Verifier(bundle=bundle).verify(credential, now=NOW).verified


def test_contexts_come_from_the_bundle(world, bundle):
    assert TYPES_CONTEXT in bundle.contexts
    credential = world.credential(world.roc)
    without = world.bundle(contexts=None)
    assert Verifier(bundle=without).verify(credential, now=NOW).first_error.code is ErrorCode.UNKNOWN_CONTEXT


def test_bundle_cannot_change_a_context_skillspas_bundles():
    changed = json.dumps({"@context": {"name": "http://example.org/not-the-name"}}).encode()
    bundle = Bundle.create(contexts={"https://www.w3.org/ns/credentials/v2": changed})
    with pytest.raises(SkillspasError) as info:
        Verifier(bundle=bundle)
    assert info.value.code is ErrorCode.UNKNOWN_CONTEXT


def _one_file(bundle: Bundle) -> dict:
    return json.loads(json.dumps(bundle.to_json()))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        pytest.param(lambda b: b.update(version=2), "/version", id="unknown version"),
        pytest.param(lambda b: b.update(type="Other"), "/type", id="not a bundle"),
        pytest.param(lambda b: b.update(createdAt="2026-06-15"), "/createdAt", id="date without time zone"),
        pytest.param(lambda b: b["didDocuments"].append({"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}),
                     "/didDocuments", id="a did:key document (would override the key itself)"),
        pytest.param(lambda b: b["didDocuments"].append(dict(b["didDocuments"][0])), None, id="two documents for one DID"),
        pytest.param(lambda b: b.update(contexts={"https://x.example/c": {"@context": {}}}), "/contexts",
                     id="a context that is not its exact text"),
    ],
)
def test_malformed_bundle_is_refused_when_read(bundle, change, path):
    data = _one_file(bundle)
    change(data)
    with pytest.raises(SkillspasError) as info:
        Bundle.from_json(json.dumps(data))
    assert info.value.code is ErrorCode.SCHEMA_INVALID
    assert info.value.code.exit_code == 2
    assert info.value.path == path


def test_bundle_json_is_parsed_strictly(bundle):
    text = json.dumps(_one_file(bundle))
    duplicated = text.replace('"version": 1', '"version": 1, "version": 1', 1)
    with pytest.raises(SkillspasError) as info:
        Bundle.from_json(duplicated)
    assert info.value.code is ErrorCode.MALFORMED_JSON


def test_bundle_repr_holds_no_documents(bundle):
    assert "encodedList" not in repr(bundle) and "trust_list=True" in repr(bundle)


def test_an_issuers_bundle_merged_in_adds_its_documents_counts_identical_ones_once_and_never_brings_its_trust_list(
        world):
    school = {"id": "did:web:school.example", "verificationMethod": []}
    other = {"id": "did:web:other.example"}
    status = world.status_list()  # roc's: it verifies by roc's DID document, which the bundle merged in brings
    kept = Bundle.create(trust_list={"id": "urn:uuid:kept-list"}, did_documents=[school], contexts={"urn:x": b'{"@context": {}}'})
    issuers = Bundle.create(trust_list={"id": "urn:uuid:the-issuers-own"}, did_documents=[dict(school), other,
                                                                                          world.roc.document()],
                            status_lists=[status], contexts={"urn:x": b'{"@context": {}}'})
    merged = kept.merged(issuers)
    assert merged.trust_list == {"id": "urn:uuid:kept-list"}
    assert dict(merged.did_documents) == {school["id"]: school, other["id"]: other, world.roc.did: world.roc.document()}
    assert dict(merged.status_lists) == {status["id"]: status} and dict(merged.contexts) == {"urn:x": b'{"@context": {}}'}
    assert Bundle.create().merged(issuers).trust_list is None


@pytest.mark.parametrize("part", ["did_documents", "status_lists", "contexts"])
def test_an_issuers_bundle_with_another_document_under_an_id_the_bundle_holds_is_refused_when_merged(part):
    ids = {"did_documents": "did:web:school.example", "status_lists": "https://school.example/status/1",
           "contexts": "urn:x"}
    key = ids[part]
    if part == "contexts":
        mine, theirs = Bundle.create(contexts={key: b"{}"}), Bundle.create(contexts={key: b'{"@context": {}}'})
    else:
        mine, theirs = Bundle.create(**{part: [{"id": key, "n": 1}]}), Bundle.create(**{part: [{"id": key, "n": 2}]})
    with pytest.raises(SkillspasError) as refused:
        mine.merged(theirs)
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and key in refused.value.message
    assert key in refused.value.text("nl")


# -- status lists change over time, an issuer's keys too: what a merge keeps ------------------------------------

def _merged_list(world, kept: dict, given: dict, **policy) -> dict:
    """The list a bundle holding ``kept`` (and the world's DID documents) holds under its id once ``given`` is merged in."""
    mine = Bundle.create(did_documents=world.documents(), status_lists=[kept])
    return mine.merged(Bundle.create(status_lists=[given]), **policy).status_lists[STATUS_URL]


def _roc_signed(world, document: dict, created: dt.datetime = NOW - dt.timedelta(days=1)) -> dict:
    """``document`` (a status list as roc would sign it, changed) signed with roc's key."""
    return sign_as({k: v for k, v in document.items() if k != "proof"}, world.roc.signer(), world.documents(),
                   created=created)


def test_of_two_status_lists_of_one_issuer_with_one_id_the_newer_is_kept_in_whichever_order_they_come(world):
    older = world.status_list(valid_from=NOW - dt.timedelta(days=3))
    newer = world.status_list(revoked=(5,), valid_from=NOW - dt.timedelta(days=1))  # a revocation re-signed it
    assert _merged_list(world, older, newer) == newer and _merged_list(world, newer, older) == newer
    assert Bundle.create(status_lists=[newer, older]).status_lists[STATUS_URL] == newer  # bundle create --status-list
    vc11 = {k: v for k, v in older.items() if k != "validFrom"} | {"issuanceDate": ts(NOW - dt.timedelta(days=5))}
    assert _merged_list(world, newer, vc11) == newer and _merged_list(world, vc11, newer) == newer


def test_two_status_lists_with_one_id_of_one_date_or_undated_are_refused_unless_the_bundle_merged_in_is_fresh(world):
    mine = world.status_list(valid_from=NOW - dt.timedelta(days=1))
    same_day = world.status_list(revoked=(5,), valid_from=NOW - dt.timedelta(days=1))
    undated = _roc_signed(world, {k: v for k, v in same_day.items() if k != "validFrom"})
    for theirs in (same_day, undated):
        with pytest.raises(SkillspasError) as refused:
            _merged_list(world, mine, theirs)
        assert refused.value.code is ErrorCode.SCHEMA_INVALID and STATUS_URL in refused.value.message
        assert "newer" in refused.value.message and "nieuwere statuslijst" in refused.value.text("nl")
        assert _merged_list(world, mine, theirs, fresh=True) == theirs  # a claim's fetch or a bundle the worker names
        assert _merged_list(world, mine, theirs, fresh={"did:web:somebody.example"}) == theirs


@pytest.mark.parametrize("fresh", [False, True])
def test_a_document_that_is_no_status_list_under_a_kept_status_lists_id_is_refused_even_when_newer(world, fresh):
    mine = world.status_list(valid_from=NOW - dt.timedelta(days=3))
    with pytest.raises(SkillspasError) as refused:
        _merged_list(world, mine, {**mine, "type": ["VerifiableCredential"], "validFrom": ts(NOW)}, fresh=fresh)
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and STATUS_URL in refused.value.message


def _tampered(document: dict) -> dict:
    """``document`` with its list changed after signing (every position set: every credential of it revoked)."""
    from skillspas.verifier.status import encode_bitstring

    subject = {**document["credentialSubject"], "encodedList": encode_bitstring(b"\xff" * (131_072 // 8))}
    return {**document, "credentialSubject": subject}


def _hostile_lists(world) -> list:
    """Newer lists under roc's status-list id that are not roc's, each with the code that says why."""
    newer = NOW - dt.timedelta(hours=1)
    stranger = WebIssuer.new("did:web:roc.example", "not roc")  # roc's DID, another key: #key-1 that roc never had
    unsigned = {k: v for k, v in world.status_list(valid_from=newer).items() if k != "proof"}
    return [
        pytest.param(_tampered(world.status_list(valid_from=newer)), "invalid_signature",
                     id="roc's list changed after signing"),
        pytest.param(sign_as(unsigned, world.evc.signer(), world.documents(), created=newer), "key_not_authorized",
                     id="naming roc as its issuer, signed with evc's key"),
        pytest.param(sign_as(unsigned, stranger.signer(), [stranger.document()], created=newer), "invalid_signature",
                     id="signed with a key roc's DID document does not hold"),
        pytest.param(world.status_list(world.evc, valid_from=newer), "did:web:evc.example",
                     id="evc's own genuine list under roc's id"),
        pytest.param(unsigned, "invalid_proof", id="without a proof"),
    ]


@pytest.mark.parametrize("fresh", [False, True])
def test_a_newer_status_list_that_is_not_the_kept_lists_issuers_is_not_taken_and_nothing_is_merged(world, fresh):
    # A hostile issuer service puts a newer list under another issuer's status-list id into a worker's passport:
    # every credential of that issuer would then fail closed (status_unavailable). The merge refuses it instead.
    mine = Bundle.create(did_documents=world.documents(), status_lists=[world.status_list()], contexts=TYPES_CONTEXT_DIR)
    credential = world.credential(world.roc, status_index=1)
    for case in _hostile_lists(world):
        hostile, why = case.values
        theirs = Bundle.create(did_documents=[{"id": "did:web:hostile.example"}], status_lists=[hostile])
        with pytest.raises(SkillspasError) as refused:
            mine.merged(theirs, fresh=fresh)
        assert refused.value.code is ErrorCode.STATUS_LIST_REFUSED, case.id
        assert refused.value.code.exit_code == 2 and refused.value.path == "/statusLists"
        for text in (refused.value.message, refused.value.text("nl")):
            assert STATUS_URL in text and why in text, (case.id, text)
        assert "nothing was merged" in refused.value.message and "niets samengevoegd" in refused.value.text("nl")
    assert Verifier(bundle=mine).status.check(credential, NOW) == []  # roc's credential: its own list, not revoked


def test_a_status_list_added_in_a_merge_must_verify_as_its_own_issuers_and_one_that_does_is_taken(world):
    mine = Bundle.create(did_documents=world.documents())
    with pytest.raises(SkillspasError) as refused:
        mine.merged(Bundle.create(status_lists=[_tampered(world.status_list())]))
    assert refused.value.code is ErrorCode.STATUS_LIST_REFUSED and STATUS_URL in refused.value.message
    assert "invalid_signature" in refused.value.message
    genuine = world.status_list()
    assert mine.merged(Bundle.create(status_lists=[genuine])).status_lists[STATUS_URL] == genuine
    with pytest.raises(SkillspasError) as unknown:  # no DID document of roc at all: its key cannot be found
        Bundle.create().merged(Bundle.create(status_lists=[genuine]))
    assert unknown.value.code is ErrorCode.STATUS_LIST_REFUSED and "unresolvable_key" in unknown.value.message


def test_an_older_status_list_that_is_not_taken_need_not_verify(world):
    kept = world.status_list(valid_from=NOW - dt.timedelta(hours=1))
    stale = _tampered(world.status_list(valid_from=NOW - dt.timedelta(days=9)))  # an old bundle's, broken: left out
    assert _merged_list(world, kept, stale) == kept


def test_a_status_list_is_checked_with_the_did_documents_of_the_merged_bundle_so_one_signed_with_a_key_rotated_in_is_taken():
    rotating = World()
    kept = Bundle.create(did_documents=rotating.documents(), status_lists=[rotating.status_list()])
    key_2 = rotating.roc.rotate(NOW - dt.timedelta(hours=2))  # keys rotate: key-2 signs the lists from now on
    newer = rotating.status_list(revoked=(3,), valid_from=NOW - dt.timedelta(hours=1))
    assert newer["proof"]["verificationMethod"] == key_2
    theirs = Bundle.create(did_documents=[rotating.roc.document()], status_lists=[newer])
    with pytest.raises(SkillspasError) as refused:  # the document that names key-2 is not taken: nor is the list
        kept.merged(theirs)
    assert refused.value.code is ErrorCode.SCHEMA_INVALID and rotating.roc.did in refused.value.message
    assert kept.merged(theirs, fresh={rotating.roc.did}).status_lists[STATUS_URL] == newer  # roc's own /bundle


def test_a_status_list_of_a_did_key_issuer_verifies_by_its_key_without_any_did_document():
    from skillspas.issuer import sign
    from skillspas.issuer.status_lists import status_list_credential
    from helpers import new_signer

    school = new_signer()
    url = "https://school.example/status/1"
    older, newer = (sign(status_list_credential(url, issuer=school.controller, valid_from=NOW - dt.timedelta(days=d)),
                         school) for d in (2, 1))
    assert Bundle.create(status_lists=[older]).merged(Bundle.create(status_lists=[newer])).status_lists[url] == newer
    other = new_signer()  # another school signs a newer list and names this one as its issuer
    forged = sign(status_list_credential(url, issuer=other.controller, valid_from=NOW), other)
    with pytest.raises(SkillspasError) as refused:
        Bundle.create(status_lists=[older]).merged(Bundle.create(status_lists=[{**forged, "issuer": school.controller}]))
    assert refused.value.code is ErrorCode.STATUS_LIST_REFUSED and url in refused.value.message


def test_a_fresh_bundle_replaces_the_did_documents_of_the_dids_it_speaks_for_and_only_of_those():
    roc, evc = "did:web:roc.example", "did:web:evc.example"
    kept = Bundle.create(did_documents=[{"id": roc, "n": 1}, {"id": evc, "n": 1}])
    theirs = Bundle.create(did_documents=[{"id": roc, "n": 2}, {"id": evc, "n": 2}])
    for policy, named in (({}, roc), ({"fresh": {roc}}, evc)):  # bundle create --bundle; a claim from roc's service
        with pytest.raises(SkillspasError) as refused:
            kept.merged(theirs, **policy)
        assert refused.value.code is ErrorCode.SCHEMA_INVALID and named in refused.value.message
    own = kept.merged(Bundle.create(did_documents=[{"id": roc, "n": 2}, {"id": evc, "n": 1}]), fresh={roc})
    assert dict(own.did_documents) == {roc: {"id": roc, "n": 2}, evc: {"id": evc, "n": 1}}
    assert dict(kept.merged(theirs, fresh=True).did_documents) == {roc: {"id": roc, "n": 2}, evc: {"id": evc, "n": 2}}


def test_a_bundle_merged_in_that_keeps_this_bundles_documents_leaves_out_each_that_differs_and_says_which():
    roc, new = "did:web:roc.example", "did:web:new.example"
    kept = Bundle.create(did_documents=[{"id": roc, "n": 2}])
    theirs = Bundle.create(did_documents=[{"id": roc, "n": 1}, {"id": new}])  # a bundle the worker names
    merged = kept.merged(theirs, fresh=frozenset(), keep_own_documents=True)
    assert dict(merged.did_documents) == {roc: {"id": roc, "n": 2}, new: {"id": new}}
    assert kept.differing_documents(theirs) == [roc] and merged.differing_documents(theirs) == [roc]
    assert kept.merged(theirs, fresh={roc}, keep_own_documents=True).did_documents[roc] == {"id": roc, "n": 1}


def test_a_key_the_issuer_dropped_from_its_did_document_stops_verifying_once_its_fresh_document_is_merged_in(world):
    credential = world.credential(world.roc)
    kept = world.bundle()
    assert Verifier(bundle=kept).verify(credential, now=NOW).verified
    dropped = {**world.roc.document(), "verificationMethod": [], "assertionMethod": []}
    merged = kept.merged(Bundle.create(did_documents=[dropped]), fresh={world.roc.did})
    assert merged.did_documents[world.roc.did] == dropped and merged.trust_list == kept.trust_list
    assert Verifier(bundle=merged).verify(credential, now=NOW).first_error is not None
