"""The issuing side: signing, and the root of the ``skillspas`` command."""

from typing import Any

from skillspas.issuer.sign import sign

__all__ = ["sign", "Settings", "Issuer", "create_app"]


def __getattr__(name: str) -> Any:
    """``Issuer`` and ``create_app`` load SQLAlchemy and FastAPI only when asked for; ``Settings`` (the service's
    configuration) is not loaded by ``skillspas verify``."""
    if name == "Settings":
        from skillspas.issuer.settings import Settings

        return Settings
    if name == "Issuer":
        from skillspas.issuer.issuing import Issuer

        return Issuer
    if name == "create_app":
        from skillspas.issuer.service.app import create_app

        return create_app
    raise AttributeError(f"module 'skillspas.issuer' has no attribute {name!r}")
