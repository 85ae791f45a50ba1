"""The worker's side: a passport of chosen credentials, shared as a presentation, QR codes, PDF, OB 3.0.

Usage::

    from skillspas.wallet_export import build_passport

    passport = build_passport([diploma, evc])
    vp = passport.to_presentation(holder=signer, challenge="c-123", domain="werkgever.example")
    passport.to_pdf("paspoort.pdf")              # A4, Dutch; one QR code per credential

Imports ``schemas``, ``keys`` and ``verifier`` only (segno and fpdf2 for drawing).
"""

from skillspas.wallet_export.passport import Passport, build_passport
from skillspas.wallet_export.presentation import build_presentation
from skillspas.wallet_export.qr import QRCapacityError, QRImage, credential_qr, write_qr_set
from skillspas.wallet_export.store import PassportStore, StoredCredential

__all__ = [
    "build_presentation",
    "build_passport",
    "Passport",
    "PassportStore",
    "StoredCredential",
    "QRImage",
    "QRCapacityError",
    "credential_qr",
    "write_qr_set",
]
