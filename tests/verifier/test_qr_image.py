"""Reading QR codes from images (zxing-cpp): screenshots and photos decode; anything else is a coded error."""

from __future__ import annotations

import io
import random
import struct
import time
import zlib

import pytest
from PIL import Image, ImageFilter

from helpers import signed_credential
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier.qr import decode_payload, encode_payload, read_qr_image, read_qr_images
from skillspas.wallet_export.qr import credential_qr, qr_for_text


@pytest.fixture(scope="module")
def signed():
    credential, _ = signed_credential()
    return credential


def _code(image) -> ErrorCode:
    with pytest.raises(SkillspasError) as caught:
        read_qr_image(image)
    return caught.value.code


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def test_png_screenshot_gives_back_the_qr_text(signed, tmp_path):
    code = credential_qr(signed)
    path = code.save(tmp_path / "qr.png")
    assert read_qr_image(path) == code.text == encode_payload(signed)
    assert read_qr_image(path.read_bytes()) == code.text
    assert read_qr_image(str(path)) == code.text


def test_photo_like_jpeg_decodes(signed):
    """Scaled down, rotated, blurred, on a grey background, saved as a lossy JPEG."""
    code = credential_qr(signed)
    picture = Image.open(io.BytesIO(code.png(scale=6))).convert("L")
    canvas = Image.new("L", (picture.width + 400, picture.height + 300), 170)
    canvas.paste(picture, (180, 120))
    canvas = canvas.rotate(7, resample=Image.Resampling.BICUBIC, fillcolor=170).filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    canvas.convert("RGB").save(out, format="JPEG", quality=70)
    assert decode_payload(read_qr_image(out.getvalue())) == decode_payload(code.text)


def test_several_codes_in_one_image_are_all_read(signed):
    first = credential_qr(signed)
    second = qr_for_text("SP1:BB8")
    a = Image.open(io.BytesIO(first.png(scale=4))).convert("L")
    b = Image.open(io.BytesIO(second.png(scale=4))).convert("L")
    sheet = Image.new("L", (a.width + b.width + 40, max(a.height, b.height)), 255)
    sheet.paste(a, (0, 0))
    sheet.paste(b, (a.width + 40, 0))
    assert read_qr_images(_png(sheet)) == [first.text, "SP1:BB8"]  # left to right


def test_a_foreign_qr_code_is_read_but_is_no_payload():
    text = read_qr_image(qr_for_text("HTTPS://EXAMPLE.ORG/").png())
    assert text == "HTTPS://EXAMPLE.ORG/"
    with pytest.raises(SkillspasError) as caught:
        decode_payload(text)
    assert caught.value.code is ErrorCode.QR_UNREADABLE


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(random.Random(1).randbytes(5000), id="random bytes"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(300), id="PNG signature then noise"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 100, id="truncated JPEG"),
        pytest.param(b"", id="empty"),
        pytest.param(b"SP1:BB8", id="text, not an image"),
    ],
)
def test_what_is_not_an_image_is_unreadable(data):
    started = time.perf_counter()
    assert _code(data) is ErrorCode.QR_UNREADABLE
    assert time.perf_counter() - started < 1.0


def test_truncated_png_is_unreadable(signed):
    data = credential_qr(signed).png()
    assert _code(data[: len(data) // 2]) is ErrorCode.QR_UNREADABLE


def test_image_without_a_qr_code_is_unreadable():
    assert _code(_png(Image.new("L", (400, 300), 255))) is ErrorCode.QR_UNREADABLE


def test_missing_file_is_unreadable(tmp_path):
    assert _code(tmp_path / "nope.png") is ErrorCode.QR_UNREADABLE


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels (a decompression bomb's header)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("width, height", [(100_000, 100_000), (8_000, 6_000)])
def test_image_with_too_many_pixels_is_refused_before_decoding(width, height):
    started = time.perf_counter()
    assert _code(_png_header_only(width, height)) is ErrorCode.QR_TOO_LARGE
    assert time.perf_counter() - started < 0.5


def _gif(*extensions: bytes, frame: tuple[int, int, int, int] = (0, 0, 16, 16)) -> bytes:
    """A 16 x 16 GIF (screen and global colour table) with ``extensions`` before its one image, whose descriptor
    claims ``frame`` (left, top, width, height)."""
    out = io.BytesIO()
    Image.new("L", (16, 16), "white").save(out, format="GIF")
    data = out.getvalue()
    at = data.index(b"\x2c\x00\x00\x00\x00\x10\x00\x10\x00")
    return data[:at] + b"".join(extensions) + b"\x2c" + struct.pack("<4H", *frame) + data[at + 9:]


def _comment(size: int) -> bytes:
    """A GIF comment extension of ``size`` one-byte data sub-blocks."""
    return b"\x21\xfe" + b"\x01x" * size + b"\x00"


@pytest.mark.parametrize("frame", [(0, 0, 65_535, 65_535), (65_000, 65_000, 16, 16), (0, 0, 65_535, 700)],
                         ids=["a frame of 65535 x 65535", "a small frame far outside the screen", "a wide frame"])
def test_a_gif_whose_first_frame_is_larger_than_its_small_screen_is_refused_before_decoding(frame):
    from skillspas.verifier.qr.image import check_image_pixels  # the phone page's check: no Pillow there

    for gif in (_gif(frame=frame), _gif(_comment(3), b"\x21\xf9\x04\x00\x00\x00\x00\x00", frame=frame)):
        with pytest.raises(SkillspasError) as refused:
            check_image_pixels(gif)
        assert refused.value.code is ErrorCode.QR_TOO_LARGE
        assert _code(gif) is ErrorCode.QR_TOO_LARGE


def test_a_gif_that_hides_its_first_frame_behind_thousands_of_blocks_is_refused_and_a_plain_one_is_read():
    from skillspas.verifier.qr.image import check_image_pixels

    with pytest.raises(SkillspasError) as refused:
        check_image_pixels(_gif(_comment(5000), frame=(0, 0, 65_535, 65_535)))
    assert refused.value.code is ErrorCode.QR_UNREADABLE
    check_image_pixels(_gif(_comment(200)))  # a comment of a photo's size: walked past, the frame is small
    whole = _gif(_comment(3))
    for end in range(len(whole)):  # cut anywhere: never read past the data, never more than the screen and frame
        check_image_pixels(whole[:end])


def _qr_frame(text: str) -> Image.Image:
    return Image.open(io.BytesIO(qr_for_text(text).png(scale=4))).convert("L")


def _animated_gif(*frames: Image.Image) -> bytes:
    """A GIF of ``frames`` (an animation when there are several), as Pillow writes it."""
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=len(frames) > 1, append_images=list(frames[1:]), duration=500, loop=0)
    return out.getvalue()


def _refusal(data: bytes) -> SkillspasError:
    """The phone page's check (no Pillow there) refuses ``data``; the laptop's read the same way."""
    from skillspas.verifier.qr.image import check_image_pixels

    with pytest.raises(SkillspasError) as refused:
        check_image_pixels(data)
    assert _code(data) is refused.value.code
    return refused.value


def test_a_still_gif_of_a_qr_code_is_read(signed):
    text = credential_qr(signed).text
    assert read_qr_image(_animated_gif(_qr_frame(text))) == text


def test_an_animated_gif_whose_later_frame_shows_another_qr_code_is_refused_whichever_frame_a_reader_takes(signed):
    """Pillow reads the first frame, a browser plays them all: a second frame could show a code nobody checked."""
    first, other = credential_qr(signed).text, qr_for_text("SP1:BB8").text
    gif = _animated_gif(_qr_frame(first), _qr_frame(other))
    assert Image.open(io.BytesIO(gif)).n_frames == 2
    refused = _refusal(gif)
    assert refused.code is ErrorCode.QR_UNREADABLE and "animation" in refused.text("en") and "animatie" in refused.text("nl")
    # Of three frames the walk stops at the second: the refusal needs no more of the file.
    assert _refusal(_animated_gif(_qr_frame(first), _qr_frame(first).rotate(90), _qr_frame(other))).code is \
        ErrorCode.QR_UNREADABLE


def test_a_second_frame_behind_a_byte_that_starts_no_block_is_still_found():
    """Pillow steps over a byte that starts no GIF block to find the next frame; so does the check."""
    still = _animated_gif(Image.new("L", (16, 16), "white"))
    frame = still[still.index(b"\x2c\x00\x00\x00\x00\x10\x00\x10\x00"):-1]  # descriptor, colour table, image data
    assert _refusal(still[:-1] + b"\x00\x07" + frame + b"\x3b").code is ErrorCode.QR_UNREADABLE
    behind = _gif(frame=(0, 0, 65_535, 65_535))  # and before the first: its size is the one Pillow allocates
    at = behind.index(b"\x2c\x00\x00\x00\x00\xff\xff\xff\xff")
    assert _refusal(behind[:at] + b"\x07" + behind[at:]).code is ErrorCode.QR_TOO_LARGE


def test_a_gif_whose_walk_is_drawn_out_with_tiny_blocks_after_its_frame_is_refused_in_bounded_time():
    from skillspas.verifier.qr.image import MAX_IMAGE_BYTES

    still = _animated_gif(Image.new("L", (16, 16), "white"))
    for tail in (_comment(MAX_IMAGE_BYTES // 4), b"\x07" * (MAX_IMAGE_BYTES // 2)):  # 8 M steps, 16 M bytes: no frame
        started = time.perf_counter()
        assert _refusal(still[:-1] + tail + b"\x3b").code is ErrorCode.QR_UNREADABLE
        assert time.perf_counter() - started < 1.0
    from skillspas.verifier.qr.image import check_image_pixels

    check_image_pixels(still[:-1] + _comment(200) + b"\x3b")  # a comment after the frame: walked past, no refusal


def test_oversized_image_file_is_refused(tmp_path):
    path = tmp_path / "big.png"
    path.write_bytes(b"\x00" * (33 * 1024 * 1024))
    assert _code(path) is ErrorCode.QR_TOO_LARGE


def test_read_needs_a_path_or_bytes():
    with pytest.raises(TypeError):
        read_qr_image(12345)  # type: ignore[arg-type]


def _photo(text: str, width: int, *, angle: float) -> bytes:
    """The QR code of ``text`` photographed badly: ``width`` pixels wide (quiet zone included), on a grey
    background, rotated by ``angle`` degrees, in perspective (top edge 10% wider), blurred, JPEG quality 70."""
    code = Image.open(io.BytesIO(qr_for_text(text).png(scale=4, border=4))).convert("L")
    code = code.resize((width, width), Image.Resampling.BILINEAR)
    canvas = Image.new("L", (width + width // 2, width + width // 2), 170)
    canvas.paste(code, (width // 4, width // 4))
    canvas = canvas.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=170)
    w, h = canvas.size
    d = w // 20
    canvas = canvas.transform((w, h), Image.Transform.QUAD, (-d, 0, 0, h, w, h, w + d, 0), Image.Resampling.BICUBIC,
                              fillcolor=170)
    out = io.BytesIO()
    canvas.filter(ImageFilter.GaussianBlur(1.0)).convert("RGB").save(out, format="JPEG", quality=70)
    return out.getvalue()


def _real_diploma() -> dict:
    """The example mbo-diploma with its official CompetentNL links (32 alignments), signed."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "credentials"))
    from credential_cases import EXAMPLES, issue, new_signer

    row = json.loads((EXAMPLES / "mbo-diploma" / "eerste-monteur-fenna-steekproef.json").read_text("utf-8"))
    return issue("mbo-diploma", row, new_signer(), new_signer())


# Smallest photo (QR width with its quiet zone) that reads, measured once per credential: SP1 -> SP2 -> SP3
# -> SP4. helpers.signed_credential: 250 -> 220 -> 210 -> 210 px (QR 18-M -> 15-M -> 14-M -> 13-M); the real
# mbo-diploma: 400 -> 270 -> 250 -> 220 px (32-M -> 19-M -> 17-M -> 15-M; SP3 and SP4 at angles 3, -5, 0, 7
# in one run). The test sizes keep a margin of about 30 px over the SP4 figures.
@pytest.mark.parametrize("which, width", [("sample", 240), ("real diploma", 250)])
@pytest.mark.parametrize("angle", [3, -5])
def test_a_bad_photo_reads_at_a_smaller_size_than_format_sp1_needs(signed, which, width, angle):
    credential = signed if which == "sample" else _real_diploma()
    text = encode_payload(credential)
    assert text.startswith("SP4:")
    assert read_qr_image(_photo(text, width, angle=angle)) == text
    assert qr_for_text(text).version < qr_for_text(encode_payload(credential, dictionary=None)).version


def test_the_error_correction_level_never_drops_silently():
    from skillspas.wallet_export.qr import QRCapacityError

    text = "SP1:" + "A" * 3400  # fits version 40 at L (4296), not at M (3391)
    with pytest.raises(QRCapacityError):
        qr_for_text(text)
    assert qr_for_text(text, lower=True).error == "L"


def test_verify_refuses_an_animated_gif_with_qr_unreadable_in_dutch(signed, tmp_path):
    from typer.testing import CliRunner

    from skillspas.issuer.cli import app

    path = tmp_path / "animatie.gif"
    path.write_bytes(_animated_gif(_qr_frame(credential_qr(signed).text), _qr_frame("SP1:BB8")))
    result = CliRunner().invoke(app, ["verify", "--qr", str(path)])
    assert result.exit_code == 2 and "[qr_unreadable]" in result.stderr and "animatie" in result.stderr, result.output
