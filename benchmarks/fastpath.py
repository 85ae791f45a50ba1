"""Median sign and verify times: the fast JSON-LD path against the pyld path and raw Ed25519.

    .venv/bin/python benchmarks/fastpath.py [--n 300] [--json]

For an Open Badges 3.0 credential with 8 and with 40 real ESCO skills (`benchmarks/credentials.py`)
and for a holder-signed presentation of 20 such 8-skill credentials, it measures after warm-up:
- `skillspas.issuer.sign` (including the issuer's self-verification) and
  `skillspas.verifier.verify` (full pipeline, trusted issuer), with the fast path (the default);
- the same with the fast path switched off (`DocumentProcessor(fast=False)`: every document
  through pyld, the reference);
- raw Ed25519 verify of the 64-byte hashData (pyca/cryptography): the floor.
Times are wall-clock medians in milliseconds; ratios say how many times faster the fast path is
than pyld, and how many raw Ed25519 verifications one fast verification costs. Not a test.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import credentials  # noqa: E402  (benchmarks/credentials.py, next to this file)
from proofs import median_ms  # noqa: E402  (one timing helper for every benchmark)

from skillspas.issuer import sign  # noqa: E402
from skillspas.keys import LocalSigner, generate  # noqa: E402
from skillspas.schemas.jsonld.processor import DocumentProcessor  # noqa: E402
from skillspas.verifier import verify  # noqa: E402
from skillspas.verifier.suites import proof_config  # noqa: E402
from skillspas.verifier.suites._data_integrity import hash_data  # noqa: E402
from skillspas.wallet_export import build_presentation  # noqa: E402

from skillspas.issuer.preflight import verifier_for  # noqa: E402  (the signer's verifiers, cached per context set)


@contextmanager
def pyld_path() -> Iterator[None]:
    """Every DocumentProcessor built meanwhile has its fast path off (pyld for every document)."""
    original_init = DocumentProcessor.__init__

    def init(self: DocumentProcessor, *args: Any, **kwargs: Any) -> None:
        kwargs["fast"] = False
        original_init(self, *args, **kwargs)

    DocumentProcessor.__init__ = init  # type: ignore[method-assign]
    verifier_for.cache_clear()
    try:
        yield
    finally:
        DocumentProcessor.__init__ = original_init  # type: ignore[method-assign]
        verifier_for.cache_clear()


def _copies(document: dict[str, Any], count: int) -> Callable[[], dict[str, Any]]:
    """Fresh deep copies made before timing, so the copy is not part of a signature's time."""
    pool = [copy.deepcopy(document) for _ in range(count)]
    return pool.pop


def measure(n: int) -> dict[str, Any]:
    """All figures, as a dict."""
    issuer = LocalSigner(generate("ed25519"))
    holder = LocalSigner(generate("ed25519"))
    trusted = [issuer.controller]
    warmup = max(10, n // 5)
    rows: dict[str, Any] = {}
    for skills in (8, 40):
        unsigned = credentials.ob3_credential(skills, issuer.controller)
        signed = sign(copy.deepcopy(unsigned), issuer)
        assert verify(signed, trusted_issuers=trusted).verified
        data = _hash_data(signed)
        signature = issuer.sign(data)
        row: dict[str, Any] = {}
        for label, context in (("fast", None), ("pyld", pyld_path)):
            with context() if context else _nothing():
                result = verify(signed, trusted_issuers=trusted)
                assert result.verified, result.errors
                fresh = _copies(unsigned, n + warmup)
                row[f"sign_{label}_ms"] = median_ms(lambda: sign(fresh(), issuer), n, warmup)
                row[f"verify_{label}_ms"] = median_ms(lambda: verify(signed, trusted_issuers=trusted), n, warmup)
        row["ed25519_verify_ms"] = median_ms(lambda: issuer.public_key.verify(signature, data), n * 4, warmup)
        rows[f"credential_{skills}_skills"] = row
    batch = []
    for index in range(20):
        document = credentials.ob3_credential(8, issuer.controller)
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
        document["credentialSubject"]["id"] = holder.controller  # the holder shows her own credentials
        batch.append(sign(document, issuer))
    vp = build_presentation(batch, holder=holder, challenge="c-1", domain="werkgever.example")
    row = {}
    rounds = max(20, n // 10)
    for label, context in (("fast", None), ("pyld", pyld_path)):
        with context() if context else _nothing():
            result = verify(vp, trusted_issuers=trusted, challenge="c-1", domain="werkgever.example")
            assert result.verified, result.errors
            row[f"verify_{label}_ms"] = median_ms(
                lambda: verify(vp, trusted_issuers=trusted, challenge="c-1", domain="werkgever.example"),
                rounds, max(3, rounds // 5),
            )
    row["ed25519_verify_ms"] = 21 * rows["credential_8_skills"]["ed25519_verify_ms"]
    rows["presentation_20_credentials"] = row
    return rows


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _hash_data(signed: dict[str, Any]) -> bytes:
    """The 64 bytes an eddsa-rdfc-2022 proof signs (what raw Ed25519 verifies)."""
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    return hash_data(DocumentProcessor(), unsecured, proof_config(signed["proof"], signed["@context"]), "sha256")


def report(rows: dict[str, Any]) -> str:
    """The figures as a table with ratios."""
    lines = [f"{'':30s} {'fast ms':>9s} {'pyld ms':>9s} {'pyld/fast':>9s} {'ed25519 ms':>10s} {'fast/ed25519':>12s}"]
    for name, row in rows.items():
        for op in ("sign", "verify"):
            if f"{op}_fast_ms" not in row:
                continue
            fast, slow, ed = row[f"{op}_fast_ms"], row[f"{op}_pyld_ms"], row["ed25519_verify_ms"]
            lines.append(f"{name + ' ' + op:30s} {fast:9.3f} {slow:9.3f} {slow / fast:8.1f}x {ed:10.3f} {fast / ed:11.1f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=300, help="timed runs per figure (default 300)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    rows = measure(args.n)
    print(json.dumps(rows, indent=2) if args.json else report(rows))


if __name__ == "__main__":
    main()
