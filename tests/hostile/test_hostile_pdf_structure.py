"""A passport PDF is refused within bounded time when it holds or declares more objects or dictionaries than a passport
has (``verifier.pdf.MAX_OBJECTS``, ``MAX_DICTIONARIES``), counted before pypdf parses it: pypdf bounds neither, and a
20 KiB cross-reference stream declaring 2 million entries took 16 s, a million objects without a table 36 s,
dictionaries nested 200,000 deep 3 s (the page answered resource_limit at its deadline and its thread worked on). An
image only an absent program decodes (JBIG2) is pdf_unreadable, not an internal error, and pypdf's warnings on a hostile
file (16,000 lines) no longer reach the terminal."""

from __future__ import annotations

import time
import zlib

import pytest

from hostilekit import assert_coded_refusal, run_cli
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier.pdf import read_pdf_qr_texts

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def _page(resources: bytes = b"<< >>") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s >>" % resources


def _pdf(objects: list[bytes], *, xref: bool = True, tail: bytes | None = None) -> bytes:
    """A PDF of ``objects`` (numbered from 1), with a cross-reference table unless told, or ``tail`` in its place."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    if tail is not None:
        return bytes(out + tail.replace(b"START", b"%d" % start))
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


def _xref_stream_declaring(entries: int) -> bytes:
    """20 KiB: a cross-reference stream whose 2 million (compressed) entries all point at the catalog."""
    rows = zlib.compress((b"\x01" + (9).to_bytes(4, "big") + b"\x00\x00") * entries)
    tail = (b"4 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [1 %d] /Root 1 0 R /Filter /FlateDecode /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\nstartxref\nSTART\n%%%%EOF\n") % (entries + 1, entries, len(rows), rows)
    return _pdf([CATALOG, PAGES, _page()], tail=tail)


HOSTILE = {
    "a cross-reference stream declaring 2 million entries": lambda: _xref_stream_declaring(2_000_000),
    "100,000 objects without a cross-reference table": lambda: _pdf(
        [CATALOG, PAGES, _page()] + [b"<< /A %d >>" % n for n in range(100_000)], xref=False),
    "dictionaries nested 200,000 deep": lambda: _pdf(
        [CATALOG, PAGES, _page(b"<< /X " + b"<< /A " * 200_000 + b">> " * 200_000 + b">>")]),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_pdf_with_more_objects_or_dictionaries_than_a_passport_is_refused_at_once(case):
    data = HOSTILE[case]()
    started = time.monotonic()
    with pytest.raises(SkillspasError) as refused:
        read_pdf_qr_texts(data)
    assert refused.value.code is ErrorCode.RESOURCE_LIMIT, refused.value
    assert time.monotonic() - started < 1.0


def test_a_pdf_image_only_an_absent_program_decodes_is_pdf_unreadable_not_an_internal_error(tmp_path, monkeypatch):
    import pypdf._configuration

    monkeypatch.setattr(pypdf._configuration, "_determine_jbig2dec_binary", lambda: None)  # as where jbig2dec is absent
    image = b"<< /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode " \
            b"/Length 10 >>\nstream\n" + b"\0" * 10 + b"\nendstream"
    path = tmp_path / "paspoort.pdf"
    path.write_bytes(_pdf([CATALOG, PAGES, _page(b"<< /XObject << /I 4 0 R >> >>"), image]))
    run = run_cli("verify", str(path))
    assert_coded_refusal(run, codes={"pdf_unreadable"})
    assert "een vorm die skillspas niet kan lezen" in run.stderr


def test_pypdfs_warnings_on_a_hostile_pdf_do_not_reach_the_terminal(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "paspoort.pdf"
    path.write_bytes(_pdf([CATALOG, PAGES, _page(b"<< /X " + b"<< /A " * 2_000 + b">> " * 2_000 + b">>")], xref=False))
    done = subprocess.run([sys.executable, "-c", "from skillspas.issuer.cli import main; main()", "verify", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "[qr_unreadable]" in done.stderr, done.stderr[-500:]
    assert done.stderr.count("\n") == 2, done.stderr[:500]  # the refusal in Dutch and English, nothing of pypdf's


def test_a_passport_pdf_is_far_inside_the_bounds(tmp_path):
    from skillspas.issuer import sign
    from skillspas.issuer.demo import sample_credential
    from skillspas.keys import LocalSigner, generate
    from skillspas.verifier.pdf import MAX_DICTIONARIES, MAX_OBJECTS, _check_structure
    from skillspas.wallet_export.pdf import render_pdf

    signer = LocalSigner(generate("ed25519"))
    data = render_pdf([sign(sample_credential(signer.controller), signer)] * 12, max_version=5)  # 48 QR codes
    _check_structure(data)
    assert data.count(b" obj") * 10 < MAX_OBJECTS and data.count(b"<<") * 10 < MAX_DICTIONARIES
    assert read_pdf_qr_texts(data)
