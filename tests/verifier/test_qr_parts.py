"""A numbered set of QR codes: a payload split into parts (SPP:i/k/SET:) is joined back in any order, or refused."""

from __future__ import annotations

import itertools
import json

import pytest

from helpers import new_signer
from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.limits import Limits
from skillspas.verifier import Verifier
from skillspas.verifier.qr import (MAX_PARTS, decode_payload, encode_payload, join_parts, join_sets, read_qr_image,
                                   split_payload)
from skillspas.wallet_export.qr import credential_qr_set, write_qr_set

SIGNER = new_signer()
SIGNED = sign(sample_credential(SIGNER.controller), SIGNER)
TEXT = encode_payload(SIGNED)
OTHER = sign({**sample_credential(SIGNER.controller), "id": "urn:uuid:0e8b9a3c-1f7d-4c2e-9b6a-5d4f3e2c1b0a"}, SIGNER)


def _code(texts: list[str]) -> ErrorCode:
    with pytest.raises(SkillspasError) as caught:
        decode_payload("\n".join(texts))
    return caught.value.code


def test_the_parts_of_a_set_join_back_into_the_payload_in_any_order():
    parts = split_payload(TEXT, 3)
    assert all(part.startswith("SPP:") for part in parts) and len({p.split(":")[1] for p in parts}) == 3
    for order in itertools.permutations(parts):
        assert join_parts(order) == TEXT
        assert json.loads(decode_payload("\n".join(order))) == SIGNED


def test_the_same_part_read_twice_is_read_once():
    parts = split_payload(TEXT, 2)
    assert join_parts([parts[0], parts[1], parts[0]]) == TEXT


@pytest.mark.parametrize("missing", [0, 1, 2])
def test_a_missing_part_is_qr_incomplete(missing):
    parts = split_payload(TEXT, 3)
    assert _code(parts[:missing] + parts[missing + 1:]) is ErrorCode.QR_INCOMPLETE


def test_parts_of_two_sets_are_refused_as_a_mixed_set():
    other = encode_payload(OTHER)
    assert _code([split_payload(TEXT, 2)[0], split_payload(other, 2)[1]]) is ErrorCode.QR_MIXED_SET
    assert _code([split_payload(TEXT, 2)[0], split_payload(TEXT, 3)[1]]) is ErrorCode.QR_MIXED_SET  # another split


def test_parts_of_two_prints_of_one_credential_are_named_so_not_two_sets_with_one_id():
    with pytest.raises(SkillspasError) as caught:
        join_parts([split_payload(TEXT, 2)[0], split_payload(TEXT, 3)[1]])
    assert "another print of the same credential (3 codes, not 2)" in caught.value.message


def test_a_set_whose_pieces_were_swapped_for_others_does_not_join_into_its_set_id():
    first, second = split_payload(TEXT, 2)
    forged = second[:second.index(":", 4) + 1] + second[second.index(":", 4) + 1:][::-1]  # same header, other piece
    assert _code([first, forged]) is ErrorCode.QR_MIXED_SET


def test_two_different_codes_claiming_one_part_are_refused():
    first, second = split_payload(TEXT, 2)
    assert _code([first, first[:-1] + ("A" if first[-1] != "A" else "B"), second]) is ErrorCode.QR_DUPLICATE_PART


@pytest.mark.parametrize(
    "header, code",
    [
        pytest.param("SPP:1/17/00000000:", ErrorCode.QR_TOO_LARGE, id="more parts than a set may have"),
        pytest.param("SPP:1/999999999/00000000:", ErrorCode.QR_UNREADABLE, id="absurd count"),
        pytest.param("SPP:3/2/00000000:", ErrorCode.QR_UNREADABLE, id="index beyond the count"),
        pytest.param("SPP:0/2/00000000:", ErrorCode.QR_UNREADABLE, id="part 0"),
        pytest.param("SPP:1/2/XYZ:", ErrorCode.QR_UNREADABLE, id="malformed set id"),
        pytest.param("SPP:", ErrorCode.QR_UNREADABLE, id="no header"),
    ],
)
def test_a_malformed_or_absurd_part_header_is_refused(header, code):
    assert _code([header + "SP1:ABC"]) is code


def test_thousands_of_parts_are_refused_before_they_are_read():
    part = split_payload(TEXT, 2)[0]
    assert _code([part] * 5000) is ErrorCode.QR_TOO_LARGE
    assert _code([part] * (MAX_PARTS * 2 + 1)) is ErrorCode.QR_TOO_LARGE


def test_a_credential_larger_than_the_chosen_version_becomes_the_fewest_parts_that_fit_it():
    single = credential_qr_set(SIGNED)
    assert len(single) == 1 and single[0].text == TEXT
    parts = credential_qr_set(SIGNED, max_version=single[0].version - 4)
    assert len(parts) >= 2 and all(p.version <= single[0].version - 4 and p.error == "M" for p in parts)
    assert join_parts(p.text for p in parts) == TEXT
    assert len(credential_qr_set(SIGNED, max_version=single[0].version)) == 1


def test_written_parts_are_numbered_and_read_back_from_their_images(tmp_path):
    paths = write_qr_set([SIGNED, OTHER], tmp_path, max_version=10)
    k = len(paths) // 2
    assert k >= 2 and [p.name for p in paths] == [
        f"qr-0{i}-of-02-open-badge-part-{j}-of-{k}.png" for i in (1, 2) for j in range(1, k + 1)]
    texts = [read_qr_image(p) for p in paths]
    joined = join_sets(texts)
    assert [json.loads(decode_payload(t)) for t in joined] == [SIGNED, OTHER]
    assert Verifier(trusted_issuers=[SIGNER.controller]).verify(decode_payload("\n".join(texts[k:][::-1]))).verified


def test_a_passport_pdf_with_a_credential_printed_as_parts_reads_back_as_that_credential():
    from skillspas.verifier.page.inputs import document_bytes
    from skillspas.verifier.pdf import read_pdf_qr_texts
    from skillspas.wallet_export.pdf import render_pdf

    pdf = render_pdf([SIGNED, OTHER], max_version=10)
    assert len(read_pdf_qr_texts(pdf)) > 2  # two sets of parts on the pages
    presentation = json.loads(document_bytes(pdf, limits=Limits(), max_image_bytes=len(pdf)))
    assert presentation["verifiableCredential"] == [SIGNED, OTHER]
