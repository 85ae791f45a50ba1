"""A passport: the credentials a worker chose to show, in every form they can be shared.

Usage::

    passport = build_passport([diploma, evc, verklaring])
    vp = passport.to_presentation(holder=signer, challenge="c-123", domain="werkgever.example")
    passport.to_qr_images("qr/"); passport.to_pdf("paspoort.pdf"); passport.to_openbadges("ob/")

Each form carries the credentials exactly as they were signed, so each verifies offline:
the presentation (JSON, optionally holder-bound), one QR code per credential, a PDF with those
QR codes, and one Open Badges 3.0 JSON file per credential.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from skillspas.keys import Signer
from skillspas.schemas.vc import repeated
from skillspas.wallet_export.openbadges import write_openbadges
from skillspas.wallet_export.presentation import build_presentation
from skillspas.wallet_export.qr import write_qr_set
from skillspas.wallet_export.store import write_private
from skillspas.wallet_export.view import Lang

__all__ = ["Passport", "build_passport"]


@dataclass(frozen=True)
class Passport:
    """The credentials a worker shares (signed, unchanged)."""

    credentials: tuple[dict[str, Any], ...]
    left_out: tuple[dict[str, Any], ...] = ()
    """Copies of a credential chosen more than once (``schemas.vc.repeated``): each is in the passport once."""

    def to_presentation(
        self, *, holder: Signer | None = None, challenge: str | None = None, domain: str | None = None
    ) -> dict[str, Any]:
        """A VerifiablePresentation of the credentials; holder-bound when ``holder`` signs it."""
        return build_presentation(self.credentials, holder=holder, challenge=challenge, domain=domain)

    def to_json(
        self, *, holder: Signer | None = None, challenge: str | None = None, domain: str | None = None
    ) -> str:
        """The presentation as JSON text."""
        presentation = self.to_presentation(holder=holder, challenge=challenge, domain=domain)
        return json.dumps(presentation, indent=2, ensure_ascii=False) + "\n"

    def to_qr_images(self, folder: str | os.PathLike[str], *, max_version: int | None = None) -> list[Path]:
        """One PNG QR code per credential (a numbered set, each self-contained); a credential larger than version
        ``max_version`` as the numbered parts of its own set."""
        return write_qr_set(self.credentials, folder, max_version=max_version)

    def to_pdf(self, path: str | os.PathLike[str] | None = None, *, lang: Lang = "nl",
               bridge: dict[str, Any] | None = None, max_version: int | None = None) -> bytes:
        """The A4 PDF (Dutch by default), with a werk-naar-werk page when ``bridge`` (its JSON) is given."""
        from skillspas.wallet_export.pdf import render_pdf  # fpdf2 loads only when a PDF is made

        data = render_pdf(self.credentials, lang=lang, bridge=bridge, max_version=max_version)
        if path is not None:
            write_private(Path(path), data)
        return data

    def to_openbadges(self, folder: str | os.PathLike[str]) -> list[Path]:
        """One Open Badges 3.0 JSON file per credential."""
        return write_openbadges(self.credentials, folder)


def build_passport(credentials: Iterable[dict[str, Any]]) -> Passport:
    """A passport of ``credentials`` (signed credential dicts, kept as they are); a credential given more than once
    (the same id, proof and content: ``schemas.vc.repeated``) is in it once, its copies in ``left_out``."""
    items = list(credentials)
    if not all(isinstance(c, dict) for c in items):
        raise TypeError("credentials must be dicts (parsed signed credentials)")
    copies = repeated(items)
    return Passport(tuple(c for i, c in enumerate(items) if i not in copies), tuple(items[i] for i in sorted(copies)))
