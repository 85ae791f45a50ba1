"""The passport store keeps credentials byte-for-byte, refuses what does not verify, and finds them by reference."""

from __future__ import annotations

import copy
import json

import pytest

from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier import Verifier
from skillspas.wallet_export import PassportStore


def _bytes(credential) -> bytes:
    return (json.dumps(credential, indent=3, ensure_ascii=False) + "\n").encode("utf-8")


def test_added_credential_is_kept_byte_for_byte_and_verifies(tmp_path, diplomas, issuer):
    store = PassportStore(tmp_path / "passport")
    data = _bytes(diplomas[8])
    entry = store.add(data)
    assert entry.path.read_bytes() == data
    assert store.entries()[0].data == data
    assert Verifier(trusted_issuers=[issuer.controller]).verify(store.entries()[0].data).verified


def test_adding_the_same_credential_twice_keeps_one_copy(tmp_path, diplomas):
    store = PassportStore(tmp_path)
    first = store.add(_bytes(diplomas[1]))
    second = store.add(_bytes(diplomas[1]))
    assert first.digest == second.digest and len(store.entries()) == 1


def test_entries_come_back_in_the_order_they_were_added(tmp_path, diplomas):
    store = PassportStore(tmp_path)
    added = [store.add(_bytes(diplomas[n])).digest for n in (5, 2, 9)]
    assert [e.digest for e in store.entries()] == added


def test_credentials_added_within_one_tick_of_the_file_systems_clock_are_listed_in_the_order_added(tmp_path, diplomas):
    store = PassportStore(tmp_path)
    added = [store.add(_bytes(diplomas[n]), check=False).digest for n in range(20, 0, -1)]  # ~50 us each
    assert [e.digest for e in store.entries()] == added


def test_get_and_remove_by_a_reference_prefix(tmp_path, diplomas):
    store = PassportStore(tmp_path)
    entry = store.add(_bytes(diplomas[3]))
    store.add(_bytes(diplomas[4]))
    assert store.get(entry.ref).digest == entry.digest
    assert store.get(entry.digest[:6].upper()).digest == entry.digest
    removed = store.remove(entry.ref)
    assert removed.digest == entry.digest and not removed.path.exists()
    assert len(store.entries()) == 1


@pytest.mark.parametrize("ref", ["", "abc", "zzzzzz", "0000000000"], ids=["empty", "too short", "not hex", "unknown"])
def test_unknown_or_bad_reference_is_an_invalid_option(tmp_path, diplomas, ref):
    store = PassportStore(tmp_path)
    store.add(_bytes(diplomas[2]))
    with pytest.raises(SkillspasError) as caught:
        store.get(ref)
    assert caught.value.code is ErrorCode.INVALID_OPTION


def test_tampered_credential_is_refused(tmp_path, diplomas):
    tampered = copy.deepcopy(diplomas[8])
    tampered["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = "fly a plane"
    store = PassportStore(tmp_path)
    with pytest.raises(SkillspasError) as caught:
        store.add(_bytes(tampered))
    assert caught.value.code is ErrorCode.INVALID_SIGNATURE
    assert store.entries() == []


def test_unchecked_add_keeps_what_it_is_given(tmp_path, diplomas):
    tampered = copy.deepcopy(diplomas[8])
    tampered["name"] = "Anders"
    assert PassportStore(tmp_path).add(_bytes(tampered), check=False).document["name"] == "Anders"


@pytest.mark.parametrize(
    "data, code",
    [
        pytest.param(b"{not json", ErrorCode.MALFORMED_JSON, id="malformed"),
        pytest.param(b'{"a": 1, "a": 2}', ErrorCode.MALFORMED_JSON, id="duplicate keys"),
        pytest.param(b"[1, 2]", ErrorCode.SCHEMA_INVALID, id="array"),
        pytest.param(b'{"type": ["VerifiablePresentation"]}', ErrorCode.SCHEMA_INVALID, id="a presentation"),
        pytest.param(b'{"x": "' + b"y" * (2 * 1024 * 1024) + b'"}', ErrorCode.TOO_LARGE, id="2 MiB"),
    ],
)
def test_what_is_not_a_credential_is_refused(tmp_path, data, code):
    with pytest.raises(SkillspasError) as caught:
        PassportStore(tmp_path).add(data)
    assert caught.value.code is code


def test_empty_or_missing_folder_lists_nothing(tmp_path):
    assert PassportStore(tmp_path / "nowhere").entries() == []


def test_add_needs_bytes(tmp_path, diplomas):
    with pytest.raises(TypeError):
        PassportStore(tmp_path).add(diplomas[1])  # type: ignore[arg-type]


def test_the_passport_folder_and_its_files_are_readable_by_the_owner_only(tmp_path, diplomas):
    import os

    old = os.umask(0o022)  # the usual umask, which leaves new files world-readable
    try:
        (tmp_path / "open").mkdir(mode=0o755)
        for folder in (tmp_path / "new" / "passport", tmp_path / "open"):
            entry = PassportStore(folder).add(_bytes(diplomas[2]))
            assert oct(folder.stat().st_mode & 0o777) == "0o700"
            assert oct(entry.path.stat().st_mode & 0o777) == "0o600"
    finally:
        os.umask(old)


def test_the_bundle_a_passport_keeps_is_the_owners_only_as_its_credentials_are(tmp_path):
    import os

    from skillspas.verifier import Bundle

    old = os.umask(0o022)
    try:
        kept = PassportStore(tmp_path / "passport").keep_bundle(Bundle.create())
    finally:
        os.umask(old)
    assert oct(kept.stat().st_mode & 0o777) == "0o600"


def test_a_reference_that_fits_two_credentials_is_named_in_the_refusal_in_both_languages(tmp_path, diplomas):
    store = PassportStore(tmp_path)
    entry = store.add(_bytes(diplomas[2]))
    twin = tmp_path / (entry.digest[:60] + "ffff.json")  # another stored file whose name starts the same
    twin.write_bytes(entry.data)
    with pytest.raises(SkillspasError) as caught:
        store.get(entry.digest[:6])
    error = caught.value
    assert error.code is ErrorCode.INVALID_OPTION
    for text in (error.text("en"), error.text("nl")):
        assert f"'{entry.digest[:6]}'" in text and "function" not in text


def _cosigned(credential, signer):
    """``credential`` with one more proof (a proof set), as a co-signer adds it after the worker claimed it."""
    import datetime as dt

    from skillspas.issuer import sign

    later = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)  # another proof than the first, though by the same key
    return sign(copy.deepcopy(credential), signer, append=True, created=later)


def test_a_co_signed_version_replaces_the_stored_version_with_fewer_proofs(tmp_path, diplomas, issuer):
    assert isinstance(diplomas[3].get("id"), str)
    store = PassportStore(tmp_path)
    first = store.add(_bytes(diplomas[3]))
    cosigned = store.add(_bytes(_cosigned(diplomas[3], issuer)))
    assert cosigned.replaced == (first.ref,) and not first.path.exists()
    assert [e.digest for e in store.entries()] == [cosigned.digest]


def test_a_version_with_fewer_proofs_is_not_added_next_to_a_fuller_one(tmp_path, diplomas, issuer):
    store = PassportStore(tmp_path)
    cosigned = store.add(_bytes(_cosigned(diplomas[4], issuer)))
    again = store.add(_bytes(diplomas[4]))
    assert again.digest == cosigned.digest and [e.digest for e in store.entries()] == [cosigned.digest]


def test_the_same_credential_written_otherwise_is_kept_once_and_other_credentials_stay(tmp_path, diplomas):
    store = PassportStore(tmp_path)
    other = store.add(_bytes(diplomas[6]))
    first = store.add(_bytes(diplomas[5]))
    compact = json.dumps(diplomas[5], separators=(",", ":")).encode("utf-8")
    assert store.add(compact).digest == first.digest
    assert [e.digest for e in store.entries()] == [other.digest, first.digest]


def test_a_damaged_stored_file_can_be_removed_by_its_reference_and_the_refusal_says_how(tmp_path, diplomas):
    store = PassportStore(tmp_path)
    kept = store.add(_bytes(diplomas[2]))
    damaged = tmp_path / ("ab" * 32 + ".json")
    damaged.write_text("{broken")
    with pytest.raises(SkillspasError) as caught:
        store.entries()
    assert "`skillspas passport remove abababab" in caught.value.text("nl")
    assert store.get(kept.ref).digest == kept.digest  # the other credentials are still found by reference
    assert store.remove("abab").digest == "ab" * 32 and not damaged.exists()
    assert [e.digest for e in store.entries()] == [kept.digest]
