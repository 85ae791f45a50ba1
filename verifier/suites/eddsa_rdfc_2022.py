"""eddsa-rdfc-2022 (W3C Data Integrity EdDSA Cryptosuites v1.0 §3.3): Ed25519 over RDFC-1.0, SHA-256."""

from skillspas.verifier.suites._data_integrity import RdfcSuite

__all__ = ["EDDSA_RDFC_2022"]

EDDSA_RDFC_2022 = RdfcSuite(name="eddsa-rdfc-2022", hashes={"Ed25519": "sha256"})
