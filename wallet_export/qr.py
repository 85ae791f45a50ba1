"""QR images of signed credentials: one self-contained QR code per credential (format SP1).

Usage::

    from skillspas.wallet_export.qr import credential_qr, write_qr_set

    code = credential_qr(signed)                 # QRImage: text, version, modules, png()
    paths = write_qr_set([a, b, c], "out/")      # out/qr-01-of-03.png ... (numbered set)

The payload codec is ``skillspas.verifier.qr`` (encode and decode live together there); this
module only draws it: alphanumeric mode, error correction M (L only when M cannot hold it).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import segno

from skillspas.verifier.qr import PREFIX, encode_payload

__all__ = ["QRImage", "QRCapacityError", "credential_qr", "qr_for_text", "write_qr_set", "qr_file_names"]


class QRCapacityError(ValueError):
    """The credential does not fit in one QR code (share it as a file instead)."""


@dataclass(frozen=True)
class QRImage:
    """One QR code: its text, version, size in modules, error-correction level."""

    text: str
    version: int
    modules: int
    error: str
    code: segno.QRCode

    @property
    def payload_chars(self) -> int:
        """Characters after the ``SP1:`` prefix (Base45)."""
        return len(self.text) - len(PREFIX)

    def png(self, *, scale: int = 8, border: int = 4) -> bytes:
        """The QR code as a 1-bit PNG with ``scale`` pixels per module and a ``border``-module quiet zone."""
        out = io.BytesIO()
        self.code.save(out, kind="png", scale=scale, border=border)
        return out.getvalue()

    def save(self, path: str | os.PathLike[str], *, scale: int = 8, border: int = 4) -> Path:
        """Write the PNG to ``path``."""
        target = Path(path)
        target.write_bytes(self.png(scale=scale, border=border))
        return target


def qr_for_text(text: str, *, error: str = "m") -> QRImage:
    """The smallest QR code for ``text`` in alphanumeric mode at level ``error`` (falls back to L)."""
    levels = [error.upper()] + (["L"] if error.upper() != "L" else [])
    for level in levels:
        try:
            code = segno.make_qr(text, error=level, mode="alphanumeric", boost_error=False)
        except segno.DataOverflowError:
            continue
        return QRImage(text, int(code.version), int(code.symbol_size(border=0)[0]), level, code)
    raise QRCapacityError(f"{len(text)} characters do not fit in one QR code; share the credential as a file")


def credential_qr(credential: dict[str, Any] | str | bytes, *, error: str = "m") -> QRImage:
    """The QR code that carries the whole signed ``credential`` (SP1 payload)."""
    return qr_for_text(encode_payload(credential), error=error)


def qr_file_names(count: int) -> list[str]:
    """File names of a numbered set of ``count`` QR codes: ``qr-01-of-20.png`` ..."""
    width = max(2, len(str(count)))
    return [f"qr-{i:0{width}d}-of-{count:0{width}d}.png" for i in range(1, count + 1)]


def write_qr_set(
    credentials: Iterable[dict[str, Any]] | Sequence[dict[str, Any]],
    folder: str | os.PathLike[str],
    *,
    scale: int = 8,
) -> list[Path]:
    """Write one PNG per credential into ``folder`` (a numbered set, each code self-contained)."""
    items = list(credentials)
    images = [credential_qr(credential) for credential in items]
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    return [image.save(root / name, scale=scale) for image, name in zip(images, qr_file_names(len(items)))]
