"""Data Integrity cryptosuites: each creates AND verifies, sharing byte-exact transform/hash code."""

from __future__ import annotations

from skillspas.schemas.errors import ErrorCode, localized_error
from skillspas.verifier.suites._data_integrity import RdfcSuite, proof_config
from skillspas.verifier.suites.ecdsa_rdfc_2019 import ECDSA_RDFC_2019
from skillspas.verifier.suites.eddsa_rdfc_2022 import EDDSA_RDFC_2022

__all__ = ["RdfcSuite", "SUITES", "get_suite", "suite_for_signing", "proof_config"]

SUITES: dict[str, RdfcSuite] = {s.name: s for s in (EDDSA_RDFC_2022, ECDSA_RDFC_2019)}


def get_suite(name: object) -> RdfcSuite:
    """The suite named in a proof, or ``unsupported_cryptosuite``."""
    suite = SUITES.get(name) if isinstance(name, str) else None
    if suite is None:
        raise localized_error(ErrorCode.UNSUPPORTED_CRYPTOSUITE, en=f"cryptosuite {name!r} is not supported",
                              nl=f"de ondertekenmethode {name!r} wordt niet ondersteund", path="/proof/cryptosuite")
    return suite


def suite_for_signing(name: str) -> RdfcSuite:
    """The suite to sign with; an unknown name is a programmer error (``ValueError``)."""
    if name not in SUITES:
        raise ValueError(f"unknown cryptosuite {name!r}; choose one of {sorted(SUITES)}")
    return SUITES[name]
