"""Routes per resource: credentials (issue, status, batch), verification, DID documents, status lists, audit."""

from skillspas.issuer.service.routes import audit, credentials, dids, status_lists, verify

__all__ = ["audit", "credentials", "dids", "status_lists", "verify"]
