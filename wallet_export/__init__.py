"""The worker's side: presentations of chosen credentials (later: QR, PDF, Open Badges export)."""

from skillspas.wallet_export.presentation import build_presentation

__all__ = ["build_presentation"]
