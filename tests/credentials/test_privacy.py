"""No BSN or other national identification number is ever issued; e-mail addresses only hashed."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credential_cases import KINDS, build_row, example, new_signer
from skillspas.issuer import privacy
from skillspas.issuer.privacy import check_no_national_id, hash_identity, identity_objects, passes_elfproef
from skillspas.schemas.errors import ErrorCode, IssuanceRefused, SkillspasError

BSN = "111222333"  # the elfproef-valid number used in Dutch test documentation; not a real person's
ONDERWIJSNUMMER = "100000004"  # weighted sum 9 - 4 = 5 modulo 11


def test_elfproef_accepts_bsn_and_onderwijsnummer_patterns_only():
    assert passes_elfproef(BSN)
    assert passes_elfproef(ONDERWIJSNUMMER)
    assert not passes_elfproef("111222334")
    assert not passes_elfproef("000000000")
    assert not passes_elfproef("12345678")


@pytest.mark.parametrize(
    "row",
    [
        pytest.param({"bsn": "x"}, id="a field named bsn, even empty of digits"),
        pytest.param({"BSN": BSN}, id="BSN in capitals"),
        pytest.param({"learnerBsn": "1"}, id="camelCase learnerBsn"),
        pytest.param({"student_bsn": "1"}, id="snake_case student_bsn"),
        pytest.param({"Burgerservicenummer": "1"}, id="burgerservicenummer"),
        pytest.param({"onderwijs-nummer": "1"}, id="onderwijs-nummer"),
        pytest.param({"sofinummer": "1"}, id="sofinummer"),
        pytest.param({"nationalIdentityNumber": "1"}, id="OB 3.0 / ELM national id"),
        pytest.param({"identifier": [{"identityType": "nationalIdentityNumber"}]}, id="IdentityObject national id"),
        pytest.param({"opmerking": f"BSN {BSN} bekend"}, id="a BSN inside free text"),
        pytest.param({"nummer": int(BSN)}, id="a BSN as a JSON number"),
        pytest.param({"nummer": "1112.22.333"}, id="a BSN written with dots"),
        pytest.param({"lijst": [{"diep": ["a", "111 222 333"]}]}, id="a BSN deep in a list"),
        pytest.param({"notitie": ONDERWIJSNUMMER}, id="an onderwijsnummer"),
    ],
)
def test_national_id_anywhere_is_forbidden_field(row):
    with pytest.raises(IssuanceRefused) as caught:
        check_no_national_id(row)
    assert caught.value.code is ErrorCode.FORBIDDEN_FIELD
    assert "BSN" in caught.value.text("nl") and "BSN" in caught.value.text("en")


@pytest.mark.parametrize(
    "row",
    [
        pytest.param({"nummer": "111222334"}, id="9 digits failing the elfproef"),
        pytest.param({"id": "urn:uuid:0b1d7c2e-0000-4000-8000-111222333000"}, id="digits inside a UUID"),
        pytest.param({"telefoon": "0612345678"}, id="a 10-digit phone number"),
        pytest.param({"kvk": "12345678"}, id="an 8-digit KvK number"),
        pytest.param({"did": "did:key:z6Mk111222333abc"}, id="digits inside a DID"),
        pytest.param({"jobsnapshot": "x"}, id="a field name merely containing the letters bsn"),
    ],
)
def test_ordinary_numbers_and_names_are_not_mistaken_for_a_bsn(row):
    check_no_national_id(row)


@pytest.mark.parametrize("kind", KINDS)
def test_every_builder_refuses_a_bsn_in_the_row(kind):
    row = example(kind)
    row["bsn"] = BSN
    with pytest.raises(SkillspasError) as caught:
        build_row(kind, row, new_signer())
    assert caught.value.code is ErrorCode.FORBIDDEN_FIELD
    assert caught.value.path == "/bsn"


def test_email_is_only_in_the_credential_as_a_salted_sha256_hash():
    objects = identity_objects("Bram Voorbeeld", email=" Bram.Voorbeeld@Example.org ", salt="zout")
    assert objects[0] == {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Bram Voorbeeld"}
    expected = "sha256$" + hashlib.sha256(b"bram.voorbeeld@example.orgzout").hexdigest()
    assert objects[1] == {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                          "identityHash": expected, "salt": "zout"}
    assert hash_identity("a", "b") == "sha256$" + hashlib.sha256(b"ab").hexdigest()


def test_built_credential_carries_no_plain_email_and_a_fresh_salt_each_time():
    row = example("mbo-diploma", 2)
    assert "@" in row["learner_email"]
    first = build_row("mbo-diploma", row, new_signer())
    second = build_row("mbo-diploma", row, new_signer())
    assert row["learner_email"] not in str(first)
    salts = [c["credentialSubject"]["identifier"][1]["salt"] for c in (first, second)]
    assert salts[0] != salts[1]


@pytest.mark.parametrize("email", [
    pytest.param("geen-email", id="a word where the address should be"),
    pytest.param("Anouk Testdata", id="the learner's name"),
    pytest.param("anouk@example", id="a domain without a dot"),
    pytest.param("anouk@@example.org", id="two at signs"),
    pytest.param("anouk@example.org; bram@example.org", id="two addresses in one cell"),
    pytest.param("Anouk <anouk@example.org>", id="a name with the address in angle brackets"),
])
@pytest.mark.parametrize("kind", KINDS)
def test_a_learner_email_that_is_not_an_e_mail_address_is_refused_naming_the_field(kind, email):
    with pytest.raises(SkillspasError) as caught:
        build_row(kind, {**example(kind, 1), "learner_email": email}, new_signer())
    assert caught.value.code is ErrorCode.SCHEMA_INVALID and caught.value.path == "/learner_email"
    assert "'learner_email'" in caught.value.text("nl") and "'learner_email'" in caught.value.text("en")
    assert caught.value.text("nl") != caught.value.text("en")


@pytest.mark.parametrize("email", ["", "   ", None], ids=["an empty value", "only spaces", "null"])
def test_an_empty_learner_email_still_means_no_e_mail_address(email):
    built = build_row("mbo-diploma", {**example("mbo-diploma", 2), "learner_email": email}, new_signer())
    assert [i["identityType"] for i in built["credentialSubject"]["identifier"]] == ["name"]


# -- the fast paths agree with the exact walk --------------------------------------------------------

_PLAIN_NUMBER = re.compile(  # the obvious form of privacy._NUMBER: a look-behind at every position
    r"(?<![0-9A-Za-z])(?:[0-9]{9}|[0-9]{4}[. -][0-9]{2}[. -][0-9]{3}|[0-9]{3}[. -][0-9]{3}[. -][0-9]{3})(?![0-9A-Za-z])"
)


@given(st.text(alphabet="0123456789" * 3 + ".- aZ_/\né", max_size=40))
@settings(max_examples=3000, deadline=None)
def test_number_pattern_finds_exactly_what_the_plain_pattern_finds(text):
    found = [(m.start(), m.group()) for m in privacy._NUMBER.finditer(text)]
    assert found == [(m.start(), m.group()) for m in _PLAIN_NUMBER.finditer(text)]


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(alphabet="0123456789 .-aBn３", max_size=14),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["naam", "bsn", "nummer", "identityType", "opmerking", "x", f"urn:x:{BSN}"]), inner, max_size=3),
    max_leaves=12,
) | st.just({"identityType": "nationalIdentityNumber"}))
@settings(max_examples=1500, deadline=None)
def test_quick_check_never_passes_what_the_exact_walk_refuses(value):
    try:
        privacy._check_with_paths(value, "")
    except SkillspasError:
        with privacy.remembering_passed_values():  # the second time with what the first remembered
            assert privacy._suspect(value) and privacy._suspect(value)


def test_a_string_seen_to_pass_as_a_value_is_still_checked_as_a_field_name():
    with privacy.remembering_passed_values():
        check_no_national_id({"opmerking": "bsn"})  # passes: a value is not a field name
        with pytest.raises(SkillspasError) as refused:
            check_no_national_id({"bsn": "opmerking"})
    assert refused.value.code is ErrorCode.FORBIDDEN_FIELD and refused.value.path == "/bsn"


def test_strings_seen_to_pass_do_not_hide_a_bsn_written_next_to_them():
    with privacy.remembering_passed_values():
        check_no_national_id({"a": "nummer", "b": "111 222"})
        with pytest.raises(SkillspasError) as refused:
            check_no_national_id({"a": "nummer", "b": "111 222", "c": [BSN]})
    assert refused.value.path == "/c/0"


def test_a_learners_name_and_e_mail_address_are_forgotten_when_the_batch_ends():
    row = {"learner_name": "Anouk Testdata", "learner_email": "anouk@example.org"}
    with privacy.remembering_passed_values():
        check_no_national_id(row)
        assert "anouk@example.org" in privacy._PASSED_TEXTS  # remembered within the batch
    check_no_national_id(row)  # and not outside one
    assert not {"Anouk Testdata", "anouk@example.org"} & privacy._PASSED_TEXTS


_OTHER_DIGITS = {"fullwidth": 0xFF10, "Arabic-Indic": 0x0660}


@pytest.mark.parametrize("where", ["a field name (an IRI)", "fullwidth", "Arabic-Indic", "a number with a fraction"])
def test_a_bsn_is_refused_in_a_field_name_in_the_digits_of_another_script_and_as_a_decimal_number(where):
    from skillspas.issuer.demo import sample_credential
    from skillspas.issuer.sign import sign

    signer = new_signer()
    credential = sample_credential(signer.controller)
    subject = credential["credentialSubject"]
    if where == "a field name (an IRI)":
        subject[f"urn:nummer:{BSN}"] = "x"
    elif where == "a number with a fraction":
        subject["urn:nummer:leerling"] = float(BSN)
    else:
        subject["name"] = "Anouk " + "".join(chr(_OTHER_DIGITS[where] + int(d)) for d in BSN)
    with privacy.remembering_passed_values():
        for _ in range(2):  # and again, with what the first check remembered
            with pytest.raises(SkillspasError) as refused:
                sign(credential, signer)
            assert refused.value.code is ErrorCode.FORBIDDEN_FIELD
