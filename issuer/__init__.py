"""The issuing side: signing, and the root of the ``skillspas`` command."""

from skillspas.issuer.sign import sign

__all__ = ["sign"]
