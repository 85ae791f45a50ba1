"""Bitstring Status List from the bundle (threat 10): bits, issuer, proof, bounds, freshness."""

from __future__ import annotations

import copy
import datetime as dt
import gzip

import pytest

from trustworld import NOW, STATUS_URL, World, sign_as
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.verifier import Verifier
from skillspas.verifier.status import (
    MIN_STATUS_LIST_BITS,
    BitstringStatusSource,
    NoStatusSource,
    bit_at,
    decode_bitstring,
    encode_bitstring,
    set_bit,
)




# Bitstring Status List v1.0 REC, example 5 (shared/standards/examples/bitstring-status-list/rec/
# ex05-a-status-list-verifiable-credential.json): an all-zero list of the minimum size.
W3C_EXAMPLE_ENCODED_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _code(result) -> ErrorCode:
    assert not result.verified
    return result.first_error.code


def test_decodes_the_w3c_example_list():
    bits = decode_bitstring(W3C_EXAMPLE_ENCODED_LIST, max_bytes=Limits().max_status_list_bytes)
    assert len(bits) * 8 == MIN_STATUS_LIST_BITS == 131_072
    assert not any(bits)


@pytest.mark.parametrize(("index", "byte", "value"), [(0, 0, 0x80), (7, 0, 0x01), (8, 1, 0x80), (94567, 11820, 0x01)])
def test_bits_are_numbered_most_significant_first(index, byte, value):
    bits = bytearray(MIN_STATUS_LIST_BITS // 8)
    set_bit(bits, index)
    assert bits[byte] == value and sum(bits) == value
    assert bit_at(bytes(bits), index) and not bit_at(bytes(bits), index ^ 1)
    assert decode_bitstring(encode_bitstring(bytes(bits)), max_bytes=len(bits)) == bits


def test_revoked_credential_reports_revoked_and_its_neighbour_verifies(world):
    bundle = world.bundle(status_lists=[world.status_list(revoked=(42,))])
    revoked = world.credential(world.roc, status_index=42)
    assert _code(world.verify(revoked, bundle)) is ErrorCode.REVOKED
    assert world.verify(revoked, bundle).summary is None
    assert world.verify(world.credential(world.roc, status_index=43), bundle).verified


def test_suspended_credential_reports_suspended(world):
    suspension = world.status_list(url=STATUS_URL + "-suspension", purpose="suspension", revoked=(9,))
    bundle = world.bundle(status_lists=[world.status_list(), suspension])
    assert _code(world.verify(world.credential(world.roc, status_index=9, purpose="suspension"), bundle)) is ErrorCode.SUSPENDED


def test_stale_status_list_is_a_warning_not_a_failure(world):
    stale = world.bundle(status_lists=[world.status_list(valid_from=NOW - dt.timedelta(days=8))])
    result = world.verify(world.credential(world.roc, status_index=3), stale)
    assert result.verified and result.exit_code == 0
    assert [w.code for w in result.warnings] == [ErrorCode.STATUS_UNAVAILABLE]
    assert result.to_json()["warnings"][0]["code"] == "status_unavailable"
    relaxed = world.verify(world.credential(world.roc, status_index=3), stale, status_freshness=dt.timedelta(days=30))
    assert relaxed.verified and relaxed.warnings == ()


def test_stale_list_still_reports_a_revocation(world):
    stale = world.bundle(status_lists=[world.status_list(revoked=(3,), valid_from=NOW - dt.timedelta(days=30))])
    assert _code(world.verify(world.credential(world.roc, status_index=3), stale)) is ErrorCode.REVOKED


def test_list_dated_in_the_future_is_a_warning(world):
    bundle = world.bundle(status_lists=[world.status_list(valid_from=NOW + dt.timedelta(days=3))])
    result = world.verify(world.credential(world.roc, status_index=3), bundle)
    assert result.verified and [w.code for w in result.warnings] == [ErrorCode.STATUS_UNAVAILABLE]


def test_list_ttl_shorter_than_the_freshness_limit_counts(world):
    bundle = world.bundle(status_lists=[world.status_list(valid_from=NOW - dt.timedelta(hours=3), ttl=3_600_000)])
    result = world.verify(world.credential(world.roc, status_index=3), bundle)
    assert result.verified and [w.code for w in result.warnings] == [ErrorCode.STATUS_UNAVAILABLE]


def _broken_bundles(world: World):
    genuine = world.status_list()
    tampered = copy.deepcopy(genuine)
    tampered["credentialSubject"]["encodedList"] = encode_bitstring(bytes(MIN_STATUS_LIST_BITS // 8 - 1) + b"\x01")
    short = world.status_list(encodedList=encode_bitstring(bytes(MIN_STATUS_LIST_BITS // 8 - 1)))
    bomb = world.status_list(encodedList="u" + __import__("base64").urlsafe_b64encode(
        gzip.compress(bytes(Limits().max_status_list_bytes + 1), mtime=0)).decode().rstrip("="))
    not_gzip = world.status_list(encodedList="u" + "A" * 40)
    return {
        "no list in the bundle": world.bundle(status_lists=[]),
        "list issued by another issuer": world.bundle(status_lists=[world.status_list(signer_of=world.bakery)]),
        "list changed after signing": world.bundle(status_lists=[tampered]),
        "list shorter than 131,072 entries": world.bundle(status_lists=[short]),
        "list inflating past the limit": world.bundle(status_lists=[bomb]),
        "list that is not gzip": world.bundle(status_lists=[not_gzip]),
        "list of another purpose": world.bundle(status_lists=[world.status_list(purpose="suspension")]),
    }


@pytest.fixture(scope="module")
def broken(world):
    return _broken_bundles(world)


@pytest.mark.parametrize(
    "case",
    [
        "no list in the bundle", "list issued by another issuer", "list changed after signing",
        "list shorter than 131,072 entries", "list inflating past the limit", "list that is not gzip",
        "list of another purpose",
    ],
)
def test_missing_or_broken_list_fails_closed(world, broken, case):
    result = world.verify(world.credential(world.roc, status_index=3), broken[case])
    assert _code(result) is ErrorCode.STATUS_UNAVAILABLE
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("entry_change", "path_end"),
    [
        pytest.param({"statusListIndex": str(MIN_STATUS_LIST_BITS)}, "statusListIndex", id="index past the end"),
        pytest.param({"statusListIndex": "-1"}, "statusListIndex", id="negative index"),
        pytest.param({"statusPurpose": "refresh"}, "statusPurpose", id="unsupported purpose"),
        pytest.param({"statusSize": 2}, "statusSize", id="multi-bit status"),
    ],
)
def test_unusable_status_entry_fails_closed(world, bundle, entry_change, path_end):
    credential = world.credential(world.roc, status_index=3)
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    unsigned["credentialStatus"] = {**unsigned["credentialStatus"], **entry_change}
    signed = sign_as(unsigned, world.roc.signer(), world.documents(), created=NOW - dt.timedelta(days=1))
    result = world.verify(signed, bundle)
    assert _code(result) is ErrorCode.STATUS_UNAVAILABLE
    assert result.first_error.path.endswith(path_end)


def test_credential_with_status_and_no_bundle_fails_closed(world):
    credential = world.credential(world.roc, status_index=3)
    with pytest.raises(SkillspasError) as info:
        NoStatusSource().check(credential, NOW)
    assert info.value.code is ErrorCode.STATUS_UNAVAILABLE


def test_list_is_verified_once_per_verifier(world, bundle):
    calls = []
    verifier = Verifier(bundle=bundle)
    original = verifier.status._verify_list
    verifier.status._verify_list = lambda doc, issuer: calls.append(issuer) or original(doc, issuer)
    for index in (1, 2, 3):
        assert verifier.verify(world.credential(world.roc, status_index=index), now=NOW).verified
    assert calls == [world.roc.did]


def test_a_valid_list_of_the_same_issuer_under_another_id_is_refused_for_the_entrys_url(world, bundle):
    # The issuer's list at STATUS_URL has bit 42 set; its clean list at another URL is offered in its place.
    revoked = world.credential(world.roc, status_index=42)
    verify_list = Verifier(bundle=bundle).verified_status_list
    genuine = BitstringStatusSource({STATUS_URL: world.status_list(revoked=(42,))}, verify_list)
    assert _code(world.verify(revoked, bundle, status=genuine)) is ErrorCode.REVOKED
    swapped = BitstringStatusSource({STATUS_URL: world.status_list(url=STATUS_URL + "-2")}, verify_list)
    result = world.verify(revoked, bundle, status=swapped)
    assert _code(result) is ErrorCode.STATUS_UNAVAILABLE
    assert "with that id" in result.first_error.message
