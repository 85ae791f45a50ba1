"""The public surface of ``skillspas.wallet_export`` is declared and pinned."""

from __future__ import annotations

import skillspas.wallet_export as wallet_export
import skillspas.verifier.qr as qr


def test_wallet_export_public_names_are_pinned():
    assert sorted(wallet_export.__all__) == sorted([
        "build_presentation", "build_passport", "Passport", "PassportStore", "StoredCredential",
        "QRImage", "QRCapacityError", "credential_qr", "write_qr_set",
    ])
    assert all(hasattr(wallet_export, name) for name in wallet_export.__all__)


def test_qr_codec_public_names_exist():
    assert {"encode_payload", "decode_payload", "read_qr_image", "read_qr_images", "PREFIX"} <= set(qr.__all__)
    assert all(hasattr(qr, name) for name in qr.__all__)
