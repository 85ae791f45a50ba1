"""ecdsa-rdfc-2019 (W3C Data Integrity ECDSA Cryptosuites v1.0 §3.3).

P-256 uses SHA-256 throughout; P-384 uses SHA-384 both for hashData and as RDFC-1.0's internal
hash ("for P-384 keys, SHA-2 with 384-bits of output MUST be used").
"""

from skillspas.verifier.suites._data_integrity import RdfcSuite

__all__ = ["ECDSA_RDFC_2019"]

ECDSA_RDFC_2019 = RdfcSuite(name="ecdsa-rdfc-2019", hashes={"P-256": "sha256", "P-384": "sha384"})
