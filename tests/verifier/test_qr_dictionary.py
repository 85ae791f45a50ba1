"""QR formats SP2 and SP3: alignments and catalogue names travel by the shared vocabulary dictionary, losslessly."""

from __future__ import annotations

import copy
import json
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import VECTORS, new_signer
from skillspas.issuer import sign
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.vocab_index import dictionary_entries, dictionary_version
from skillspas.verifier import Verifier
from skillspas.verifier import qr
from skillspas.verifier.qr.cbor import _head as cbor_head, to_cbor
from skillspas.verifier.qr import (
    PREFIX_SP2,
    PREFIX_SP3,
    PREFIX_SP4,
    PREFIXES,
    VocabDictionary,
    b45encode,
    decode_payload,
    digits_encode,
    encode_payload,
    frame_bytes,
    qr_bits,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "credentials"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from credential_cases import example_paths, issue  # noqa: E402
from credentials import ob3_credential  # noqa: E402

# The bundled dictionary's version follows the vocabulary data: a change here means QR codes made before
# are refused as qr_unknown_dictionary by verifiers that only have the new data. Change it knowingly.
PINNED_VERSION = "16b73735"

SCHOOL, LEERBEDRIJF = new_signer(), new_signer()
ENTRIES = dictionary_entries()
BUNDLED = qr.bundled_dictionary()


def _alignment(uri: str, label: str, framework: str = "ESCO") -> dict:
    return {"type": ["Alignment"], "targetType": f"ext:{framework}Alignment", "targetFramework": framework,
            "targetName": label, "targetUrl": uri}


def _signed_examples() -> list[dict]:
    found = []
    for path in example_paths():
        kind = path.parent.name
        found.append(issue(kind, json.loads(path.read_text("utf-8")), SCHOOL, LEERBEDRIJF))
    return found


EXAMPLES = _signed_examples()


def _code(text: str, **options) -> ErrorCode:
    with pytest.raises(SkillspasError) as caught:
        decode_payload(text, **options)
    return caught.value.code


def _frame(prefix: str, body: bytes) -> str:
    framed = body + zlib.crc32(body).to_bytes(4, "big")
    return prefix + (digits_encode(framed) if prefix == PREFIX_SP4 else b45encode(framed))


def _unframe(text: str) -> bytes:
    """The flags, dictionary version and body of a payload text (its CRC-32 dropped)."""
    return frame_bytes(text)[:-4]


# -- the dictionary -----------------------------------------------------------------------------


def test_the_dictionary_is_every_concept_of_the_bundled_index_sorted_by_uri():
    uris = [entry[0] for entry in ENTRIES]
    assert uris == sorted(set(uris)) and len(uris) > 17_000
    assert {entry[1] for entry in ENTRIES} == {"skill", "occupation", "competentnl"}
    assert BUNDLED.entries == ENTRIES and BUNDLED.number(uris[1234]) == 1234


def test_the_dictionary_version_is_derived_from_the_vocabulary_data_and_pinned():
    assert dictionary_version().hex() == BUNDLED.version.hex() == PINNED_VERSION


# -- lossless, with and without dictionary hits ---------------------------------------------------


@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[f"{p.parent.name}/{p.stem}" for p in example_paths()])
def test_every_example_credential_comes_back_byte_exact_and_verifies(index):
    signed = EXAMPLES[index]
    text = encode_payload(signed)
    assert text.startswith(PREFIX_SP4)
    data = decode_payload(text)
    assert data == json.dumps(signed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert Verifier(trusted_issuers=[SCHOOL.controller, LEERBEDRIJF.controller]).verify(data).verified
    older = [encode_payload(signed, formats=(prefix,), dictionary=None if prefix == PREFIXES[0] else BUNDLED)
             for prefix in PREFIXES[:3]]
    assert [decode_payload(t) for t in older] == [data] * 3  # SP1, SP2 and SP3 of the same credential
    assert qr_bits(text) < min(qr_bits(t) for t in older)


def test_every_example_alignment_travels_as_a_dictionary_number():
    for signed in EXAMPLES:
        for alignment in signed["credentialSubject"]["achievement"].get("alignment", []):
            if alignment["targetName"] == alignment["targetName"].strip():  # the index keeps labels trimmed
                assert BUNDLED.alignment_code(alignment) is not None, alignment


def _vector_documents() -> list[Path]:
    return sorted(p for p in VECTORS.rglob("*.json")
                  if isinstance(json.loads(p.read_text("utf-8")), dict) and "@context" in json.loads(p.read_text("utf-8")))


@pytest.mark.parametrize("path", _vector_documents(), ids=lambda p: str(p.relative_to(VECTORS)))
def test_the_w3c_vectors_come_back_exactly(path):
    document = json.loads(path.read_text("utf-8"))
    decoded = json.loads(decode_payload(encode_payload(document)))
    assert decoded == document and list(decoded) == list(document)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda a: a.update(targetName=a["targetName"] + " "), id="label with a trailing space"),
        pytest.param(lambda a: a.update(targetName=a["targetName"].upper()), id="other label"),
        pytest.param(lambda a: a.update(targetType="ext:OtherAlignment"), id="other targetType"),
        pytest.param(lambda a: a.update(targetFramework="esco"), id="other framework"),
        pytest.param(lambda a: a.update(type="Alignment"), id="type as a string"),
        pytest.param(lambda a: a.update(targetCode="x"), id="an extra key"),
        pytest.param(lambda a: a.update(targetUrl=a["targetUrl"] + "/"), id="URI not in the dictionary"),
        pytest.param(lambda a: a.update(targetDescription=a.pop("targetName")), id="no targetName"),
    ],
)
def test_an_alignment_that_does_not_match_an_entry_exactly_travels_literally(change):
    uri, _, label_nl, _ = next(e for e in ENTRIES if e[1] == "skill" and e[2])
    alignment = _alignment(uri, label_nl)
    assert BUNDLED.alignment_code(alignment) is not None
    change(alignment)
    assert BUNDLED.alignment_code(alignment) is None
    document = {"alignment": [alignment, _alignment(uri, label_nl)]}
    decoded = json.loads(decode_payload(encode_payload(document)))
    assert decoded == document and [list(a) for a in decoded["alignment"]] == [list(a) for a in document["alignment"]]


_entry = st.sampled_from(ENTRIES)
_kinds = {"skill": "ESCO", "occupation": "ESCO", "competentnl": "CompetentNL"}


@st.composite
def _alignments(draw) -> dict:
    uri, kind, label_nl, label_en = draw(_entry)
    label = draw(st.sampled_from([x for x in (label_nl, label_en) if x] or [uri]) | st.text(max_size=12))
    node = _alignment(uri, label, _kinds[kind])
    keys = draw(st.permutations(list(node)))
    node = {key: node[key] for key in keys}
    if draw(st.booleans()):
        node[draw(st.sampled_from(["targetCode", "targetType", "id"]))] = draw(st.text(max_size=8))
    return node


_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=20) | _alignments(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(max_size=10) | st.sampled_from(["alignment", "name", "type"]), _values, max_size=5))
def test_any_json_with_or_without_dictionary_alignments_round_trips(document):
    text = encode_payload(document)
    decoded = json.loads(decode_payload(text))
    assert decoded == document
    assert json.dumps(decoded, ensure_ascii=False) == json.dumps(document, ensure_ascii=False)  # key order too


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 40), st.sampled_from(["ed25519", "p256"]))
def test_generated_signed_credentials_round_trip_and_verify(n_skills, kind):
    signer = SCHOOL if kind == "ed25519" else new_signer("p256")
    signed = sign(ob3_credential(n_skills, signer.controller), signer,
                  suite="eddsa-rdfc-2022" if kind == "ed25519" else "ecdsa-rdfc-2019")
    data = decode_payload(encode_payload(signed))
    assert json.loads(data) == signed
    assert Verifier(trusted_issuers=[signer.controller]).verify(data).verified


# -- across an index version change -------------------------------------------------------------


def _dictionary(version: bytes, entries, text: bytes = b"") -> VocabDictionary:
    return VocabDictionary(version, lambda: entries, lambda: text)


OLD = _dictionary(b"OLD1", ENTRIES[1:], b"Verzorgende-IG (25656)")
NEW = _dictionary(b"NEW2", ENTRIES, b"Kok (25180)\nVerzorgende-IG (25656)")  # one entry more: numbers shift


@pytest.mark.parametrize("prefix", [PREFIX_SP2, PREFIX_SP3, PREFIX_SP4])
def test_a_payload_decodes_with_the_dictionary_version_it_names_and_only_with_it(prefix):
    signed = EXAMPLES[0]
    old_text = encode_payload(signed, dictionary=OLD, formats=(prefix,))
    new_text = encode_payload(signed, dictionary=NEW, formats=(prefix,))
    assert old_text[:4] == new_text[:4] == prefix and old_text != new_text
    assert json.loads(decode_payload(old_text, dictionaries=[NEW, OLD])) == signed
    assert json.loads(decode_payload(new_text, dictionaries=[NEW, OLD])) == signed
    assert _code(old_text, dictionaries=[NEW]) is ErrorCode.QR_UNKNOWN_DICTIONARY
    assert _code(new_text, dictionaries=[OLD]) is ErrorCode.QR_UNKNOWN_DICTIONARY
    assert _code(new_text) is ErrorCode.QR_UNKNOWN_DICTIONARY  # the bundled one is neither
    assert _code(old_text, dictionaries=[]) is ErrorCode.QR_UNKNOWN_DICTIONARY


@pytest.mark.parametrize("prefix", [PREFIX_SP2, PREFIX_SP3, PREFIX_SP4])
def test_a_payload_under_a_changed_version_is_refused_not_misread(prefix):
    text = encode_payload(EXAMPLES[0], formats=(prefix,))
    body = _unframe(text)
    other = body[:1] + bytes(b ^ 0x5A for b in body[1:5]) + body[5:]
    with pytest.raises(SkillspasError) as caught:
        decode_payload(_frame(text[:4], other))
    assert caught.value.code is ErrorCode.QR_UNKNOWN_DICTIONARY
    assert other[1:5].hex() in caught.value.message


def test_sp1_payloads_made_before_keep_decoding_whatever_the_dictionary():
    signed = EXAMPLES[0]
    old = encode_payload(signed, dictionary=None)
    assert old.startswith("SP1:")
    for dictionaries in (None, [OLD], [NEW], []):
        assert json.loads(decode_payload(old, dictionaries=dictionaries)) == signed


def test_a_document_the_dictionary_cannot_shorten_is_still_written_as_sp1():
    document = {"a": "zzzz", "b": [1, 2, 3]}
    assert encode_payload(document).startswith("SP1:")


# -- hostile SP2 payloads -----------------------------------------------------------------------


def _sp2(cbor: bytes, dictionary: VocabDictionary = OLD) -> str:
    return _frame(PREFIX_SP2, b"\x00" + dictionary.version + cbor)


@pytest.mark.parametrize(
    "cbor",
    [
        pytest.param(b"\xa1\x01\xd0\x1a\x7f\xff\xff\xff", id="entry beyond the dictionary"),
        pytest.param(b"\xa1\x01\xd0\x41\x00", id="entry as bytes"),
        pytest.param(b"\xa1\x01\xd4\x00", id="tag 20 (no such key order)"),
        pytest.param(b"\xa1\x01\xd0\x19\x00\x10", id="non-shortest head"),
    ],
)
def test_malformed_dictionary_references_are_unreadable(cbor):
    assert _code(_sp2(cbor), dictionaries=[OLD]) is ErrorCode.QR_UNREADABLE


def test_a_dictionary_reference_is_no_part_of_sp1():
    assert _code(_frame("SP1:", b"\x00" + b"\xa1\x01\xd0\x00")) is ErrorCode.QR_UNREADABLE


def test_an_alignment_written_literally_where_the_dictionary_has_it_is_not_canonical():
    uri, _, label, _ = OLD.entries[0]
    literal = to_cbor({"a": _alignment(uri, label)})  # what SP1 writes
    assert _code(_sp2(literal), dictionaries=[OLD]) is ErrorCode.QR_UNREADABLE
    assert json.loads(decode_payload(_sp2(to_cbor({"a": _alignment(uri, label)}, OLD)), dictionaries=[OLD])) \
        == {"a": _alignment(uri, label)}


def test_a_dictionary_entry_without_the_asked_label_is_unreadable():
    uri, kind, _, _ = next(e for e in ENTRIES if e[1] == "competentnl" and not e[3])
    number = BUNDLED.number(uri)
    cbor = b"\xa1\x01" + cbor_head(6, 16) + cbor_head(0, number * 2 + 1)  # the English label it has not
    assert _code(_sp2(cbor, BUNDLED)) is ErrorCode.QR_UNREADABLE


def test_an_unknown_dictionary_is_refused_before_the_dictionary_is_loaded():
    loads = []
    lazy = VocabDictionary(b"LAZY", lambda: loads.append(1) or ENTRIES, bytes)
    assert _code(_sp2(b"\xa1\x01\x01"), dictionaries=[lazy]) is ErrorCode.QR_UNKNOWN_DICTIONARY
    assert loads == []


def test_the_decoded_alignments_are_fresh_objects():
    signed = EXAMPLES[0]
    first = json.loads(decode_payload(encode_payload(signed)))
    first["credentialSubject"]["achievement"]["alignment"][0]["targetName"] = "changed"
    assert json.loads(decode_payload(encode_payload(copy.deepcopy(signed)))) == signed


# -- format SP3: its term dictionary and runs of dictionary alignments ------------------------------

# SP3's term dictionary is a published format like SP1's: this digest must never change (a new one needs "SP4:").
SP3_DIGEST = "20b6c4322a2eeced37d6bcbc4db34a975db121f2970747ca3c59a70b3ea06981"


def test_the_sp3_term_dictionary_is_sp1s_followed_by_the_v2_terms_and_pinned():
    import hashlib

    from skillspas.verifier.qr.terms import SP1_TERMS, SP3_TERMS

    assert SP3_TERMS[:len(SP1_TERMS)] == SP1_TERMS and "https://w3id.org/skillspas/v2" in SP3_TERMS
    assert hashlib.sha256("\n".join(SP3_TERMS).encode("utf-8")).hexdigest() == SP3_DIGEST


def _sp3(cbor: bytes, dictionary: VocabDictionary = OLD) -> str:
    return _frame(PREFIX_SP3, b"\x00" + dictionary.version + cbor)


def _with_alignments(signed: dict, count: int) -> dict:
    document = copy.deepcopy(signed)
    document["credentialSubject"]["achievement"]["alignment"] = [
        _alignment(uri, label) for uri, kind, label, _ in ENTRIES[::401] if kind == "skill" and label][:count]
    return document


def test_a_run_of_dictionary_alignments_is_shorter_than_sp2_and_comes_back_byte_exact():
    document = _with_alignments(EXAMPLES[0], 20)
    text = encode_payload(document, formats=PREFIXES[:3])
    assert text.startswith(PREFIX_SP3)
    assert decode_payload(text) == json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    sp2 = _sp2(to_cbor(document, BUNDLED), BUNDLED)  # what SP2 wrote, uncompressed
    assert len(_sp3(to_cbor(document, BUNDLED, sp3=True), BUNDLED)) < len(sp2) - 20 * 3
    assert json.loads(decode_payload(sp2)) == document  # SP2 texts made before keep decoding


def test_alignments_out_of_entry_order_and_mixed_key_orders_still_come_back_exact():
    document = _with_alignments(EXAMPLES[0], 6)
    alignments = document["credentialSubject"]["achievement"]["alignment"]
    alignments.reverse()
    alignments[2] = {key: alignments[2][key] for key in reversed(list(alignments[2]))}  # no frozen order
    alignments[4] = dict(alignments[4], evidenceKind="exam")
    for text in (encode_payload(document), _sp3(to_cbor(document, BUNDLED, sp3=True), BUNDLED)):
        assert json.loads(decode_payload(text)) == document


@pytest.mark.parametrize(
    "cbor",
    [
        pytest.param(b"\xa1\x01\xd5\x40", id="empty run"),
        pytest.param(b"\xa1\x01\xd5\x42\x00\x02", id="a run of one"),
        pytest.param(b"\xa1\x01\xd5\x43\x00\x02\x80", id="broken varint"),
        pytest.param(b"\xa1\x01\xd5\x48\x00\x02" + b"\xff" * 6, id="varint too long"),
        pytest.param(b"\xa1\x01\xd5\x43\x00\x02\x05", id="negative entry"),
        pytest.param(b"\xa1\x01\xd5\x43\x07\x02\x02", id="unknown key order"),
        pytest.param(b"\xa1\x01\xd5\x44\x00\x02\xfe\x7f", id="entry beyond the dictionary"),
        pytest.param(b"\xa1\x01\xd5\x02", id="run as an integer"),
        pytest.param(b"\xa1\x01\xd5\x44\x00\x02\x82\x00", id="a number padded with a zero byte (not canonical)"),
    ],
)
def test_malformed_alignment_runs_are_unreadable(cbor):
    small = _dictionary(b"OLD1", ENTRIES[:1000])
    assert _code(_sp3(cbor, small), dictionaries=[small]) is ErrorCode.QR_UNREADABLE


def test_an_alignment_run_is_no_part_of_sp2():
    document = {"a": _with_alignments(EXAMPLES[0], 3)["credentialSubject"]["achievement"]["alignment"]}
    run = to_cbor(document, BUNDLED, sp3=True)
    assert b"\xd5" in run and json.loads(decode_payload(_sp3(run, BUNDLED))) == document
    assert _code(_sp2(run, BUNDLED)) is ErrorCode.QR_UNREADABLE
