"""The issuer service (FastAPI, VC-API shaped): ``create_app(settings)``; run it with ``skillspas serve``."""

from skillspas.issuer.service.app import create_app

__all__ = ["create_app"]
