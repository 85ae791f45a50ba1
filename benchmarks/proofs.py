"""Median sign and verify times: skillspas against the reference JS stack, in the same run.

    .venv/bin/python benchmarks/proofs.py [--n 40] [--suite eddsa-rdfc-2022] [--json] [--batch]

For an Open Badges 3.0 `OpenBadgeCredential` with 8 and with 40 real ESCO skills
(`benchmarks/credentials.py`), it measures, after warm-up:
- skillspas: `skillspas.issuer.sign` and `skillspas.verifier.verify` (full pipeline, trusted issuer);
- the JS reference (@digitalbazaar/vc 7 with the Data Integrity cryptosuites, pinned in
  tests/interop/package-lock.json) through `tests/interop/interop.mjs bench`, with the same key;
- raw Ed25519 / P-256 sign and verify of 64 bytes (pyca/cryptography) as the floor, and skillspas's
  own raw Ed25519 operations (keys/keypair.py: signing by pyca/cryptography, verifying by libsodium
  through PyNaCl);
- a presentation of 20 of the 8-skill credentials (no holder proof: each credential verified), in both;
- with ``--batch``: ``benchmarks/batch.py`` for 10,000 diplomas on SQLite (issue 8's ≤ 20 s target).
Times are wall-clock medians in milliseconds; "JS/skillspas" > 1 means skillspas is faster.
Installs the JS stack with `npm ci` when tests/interop/node_modules is missing. Not a test:
prints figures only.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INTEROP = ROOT / "tests" / "interop"
sys.path.insert(0, str(HERE))

import credentials  # noqa: E402  (benchmarks/credentials.py, next to this file)

SKILL_COUNTS = (8, 40)
SUITES = {"eddsa-rdfc-2022": "ed25519", "ecdsa-rdfc-2019": "p256"}


def ensure_js() -> str:
    """Return the path of node, installing the pinned JS stack with `npm ci` if needed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        sys.exit("benchmarks/proofs.py: Node.js and npm are needed for the JS reference figures (not on PATH)")
    if not (INTEROP / "node_modules" / "@digitalbazaar" / "vc" / "package.json").exists():
        print("installing the JS reference stack (npm ci in tests/interop) ...", file=sys.stderr)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=INTEROP, check=True, stdout=sys.stderr)
    return node


def median_ms(fn: Callable[[], Any], n: int, warmup: int) -> float:
    """Median wall time of `fn()` in milliseconds over `n` runs, after `warmup` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(n):
        start = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(times)


def bench_skillspas(credential: dict[str, Any], signer: Any, controller: str, suite: str, n: int) -> dict[str, Any]:
    from skillspas.issuer import sign
    from skillspas.verifier import verify

    signed = sign(copy.deepcopy(credential), signer, suite=suite)
    result = verify(signed, trusted_issuers=[controller])
    if not result.verified:
        raise SystemExit(f"skillspas did not verify its own {suite} credential: {result.errors}")
    presentation = presentation_of(credential, signer, suite)
    if not verify(presentation, trusted_issuers=[controller]).verified:
        raise SystemExit("skillspas did not verify its own presentation")
    warmup = max(3, n // 4)
    return {
        "sign_ms_median": median_ms(lambda: sign(copy.deepcopy(credential), signer, suite=suite), n, warmup),
        "verify_ms_median": median_ms(lambda: verify(signed, trusted_issuers=[controller]), n, warmup),
        "presentation_verify_ms_median": median_ms(
            lambda: verify(presentation, trusted_issuers=[controller]), max(3, n // 8), 2),
        "signed": signed,
    }


PRESENTED = 20


def presentation_of(credential: dict[str, Any], signer: Any, suite: str) -> dict[str, Any]:
    """A presentation (no holder proof) of ``PRESENTED`` credentials like ``credential``, each with its own id and
    signed: each is verified (copies of one credential would be checked once: ``schemas.vc.repeated``)."""
    from skillspas.issuer import sign

    signed = [sign({**copy.deepcopy(credential), "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}"}, signer, suite=suite)
              for i in range(PRESENTED)]
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
            "verifiableCredential": signed}


def bench_js(
    node: str, contexts: Path, key_path: Path, credential_path: Path, suite: str, n: int
) -> dict[str, Any]:
    proc = subprocess.run(
        [
            node, str(INTEROP / "interop.mjs"), "bench", "--contexts", str(contexts), "--key", str(key_path),
            "--suite", suite, "--n", str(n), "--presentation", str(PRESENTED), str(credential_path),
        ],
        cwd=INTEROP, capture_output=True, text=True, timeout=1800,
    )
    if proc.returncode != 0:
        raise SystemExit(f"interop.mjs bench failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def bench_raw(key_type: str, n: int) -> list[tuple[str, dict[str, float]]]:
    """Raw signature sign/verify of 64 bytes (the size of the two concatenated hashes): pyca/cryptography,
    and for Ed25519 also skillspas's own raw operations (keys/keypair.py: ``KeyPair.sign`` signs with
    pyca/cryptography, ``PublicKey.verify`` verifies with libsodium through PyNaCl)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    from skillspas.keys import generate

    data = os.urandom(64)
    n = max(n, 200)
    if key_type == "ed25519":
        ed_key = ed25519.Ed25519PrivateKey.generate()
        ed_pub, ed_sig = ed_key.public_key(), ed_key.sign(data)
        ours = generate("ed25519")
        our_pub, our_sig = ours.public_key, ours.sign(data)
        return [
            (f"raw {key_type} (cryptography)", {
                "sign_ms_median": median_ms(lambda: ed_key.sign(data), n, 20),
                "verify_ms_median": median_ms(lambda: ed_pub.verify(ed_sig, data), n, 20),
            }),
            (f"raw {key_type} (skillspas: sign pyca, verify libsodium)", {
                "sign_ms_median": median_ms(lambda: ours.sign(data), n, 20),
                "verify_ms_median": median_ms(lambda: our_pub.verify(our_sig, data), n, 20),
            }),
        ]
    ec_key = ec.generate_private_key(ec.SECP256R1())
    algorithm = ec.ECDSA(hashes.SHA256())
    ec_pub, ec_sig = ec_key.public_key(), ec_key.sign(data, algorithm)
    return [(f"raw {key_type} (cryptography)", {
        "sign_ms_median": median_ms(lambda: ec_key.sign(data, algorithm), n, 20),
        "verify_ms_median": median_ms(lambda: ec_pub.verify(ec_sig, data, algorithm), n, 20),
    })]


def run(n: int, suites: list[str]) -> list[dict[str, Any]]:
    from skillspas.keys import generate, load
    from skillspas.keys.keyfile import save

    node = ensure_js()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="skillspas-bench-") as tmp:
        work = Path(tmp)
        contexts = credentials.write_contexts_folder(work / "contexts")
        for suite in suites:
            key_type = SUITES[suite]
            key_path = work / f"{key_type}.json"
            save(generate(key_type), key_path)
            signer = load(key_path)
            controller = json.loads(key_path.read_text(encoding="utf-8"))["controller"]
            for label, raw in bench_raw(key_type, n):
                rows.append({"suite": suite, "what": label, "skills": None, "skillspas": raw, "js": None})
            for n_skills in SKILL_COUNTS:
                credential = credentials.ob3_credential(n_skills, controller)
                undefined = credentials.undefined_terms(credential)
                if undefined:
                    raise SystemExit(f"benchmark credential has undefined terms: {undefined}")
                credential_path = work / f"ob3-{n_skills}.json"
                credential_path.write_text(json.dumps(credential), encoding="utf-8")
                ours = bench_skillspas(credential, signer, controller, suite, n)
                theirs = bench_js(node, contexts, key_path, credential_path, suite, n)
                signed = ours.pop("signed")
                rows.append({
                    "suite": suite, "what": "OB 3.0 credential", "skills": n_skills,
                    "bytes": len(json.dumps(signed)), "skillspas": ours, "js": theirs,
                })
    return rows


def ratio(js: float, ours: float) -> float:
    return js / ours if ours else float("inf")


def print_table(rows: list[dict[str, Any]], n: int) -> None:
    print(f"median wall time per operation, ms (n={n} after warm-up); python {sys.version.split()[0]}", end="")
    node_version = next((r["js"]["node"] for r in rows if r["js"]), None)
    print(f", node {node_version}" if node_version else "")
    labels = [r["what"] if r["skills"] is None else f"OB 3.0, {r['skills']} skills" for r in rows]
    width = max([22, *map(len, labels)])
    header = f"{'suite':16} {'credential':{width}} {'skillspas sign':>14} {'verify':>8} {'JS sign':>9} {'verify':>8}"
    header += f" {'JS/skillspas sign':>18} {'verify':>7}"
    print(header)
    print("-" * len(header))
    for r, label in zip(rows, labels):
        ours = r["skillspas"]
        line = f"{r['suite']:16} {label:{width}} {ours['sign_ms_median']:14.3f} {ours['verify_ms_median']:8.3f}"
        if r["js"]:
            js = r["js"]
            line += f" {js['sign_ms_median']:9.3f} {js['verify_ms_median']:8.3f}"
            line += f" {ratio(js['sign_ms_median'], ours['sign_ms_median']):17.2f}x"
            line += f" {ratio(js['verify_ms_median'], ours['verify_ms_median']):6.2f}x"
        print(line)
    print("JS/skillspas > 1: skillspas is faster. skillspas verify = full pipeline (parse, contexts, "
          "strict expansion, key, proof, trust, validity).")
    print()
    print(f"presentation of {PRESENTED} credentials of 8 skills (each verified), median ms:")
    for r in rows:
        if r["skills"] == 8 and r["js"] and r["js"].get("presentation_verify_ms_median"):
            ours, js = r["skillspas"]["presentation_verify_ms_median"], r["js"]["presentation_verify_ms_median"]
            print(f"  {r['suite']:16} skillspas {ours:8.2f}   JS {js:8.2f}   JS/skillspas {ratio(js, ours):5.2f}x")


def print_targets(rows: list[dict[str, Any]], batch_seconds: float | None) -> None:
    """Issue 8's goals against this run's figures."""
    eddsa = {r["skills"]: r for r in rows if r["suite"] == "eddsa-rdfc-2022" and r["skills"]}
    checks = []
    if 8 in eddsa:
        ours, js = eddsa[8]["skillspas"], eddsa[8]["js"]
        checks.append((f"verify, 8 skills ≤ 0.8 ms and ≥ 10x JS: {ours['verify_ms_median']:.3f} ms, "
                       f"{ratio(js['verify_ms_median'], ours['verify_ms_median']):.1f}x",
                       ours["verify_ms_median"] <= 0.8 and js["verify_ms_median"] >= 10 * ours["verify_ms_median"]))
        checks.append((f"sign, 8 skills ≤ 0.8 ms (incl. the issuer's own verification): {ours['sign_ms_median']:.3f} ms, "
                       f"{ratio(js['sign_ms_median'], ours['sign_ms_median']):.1f}x JS", ours["sign_ms_median"] <= 0.8))
        vp = ours["presentation_verify_ms_median"]
        checks.append((f"presentation of {PRESENTED} credentials ≤ 50 ms: {vp:.1f} ms", vp <= 50))
    if 40 in eddsa:
        verify40 = eddsa[40]["skillspas"]["verify_ms_median"]
        checks.append((f"verify, 40 skills ≤ 3 ms: {verify40:.3f} ms", verify40 <= 3))
    if batch_seconds is not None:
        checks.append((f"batch of 10,000 diplomas (SQLite, storage included) ≤ 20 s: {batch_seconds:.1f} s",
                       batch_seconds <= 20))
    print()
    print("issue 8 targets:")
    for text, met in checks:
        print(f"  [{'met' if met else 'NOT met'}] {text}")


def run_batch() -> float:
    """Run benchmarks/batch.py for 10,000 rows on SQLite; its total seconds (it prints its own figures)."""
    proc = subprocess.run([sys.executable, str(HERE / "batch.py"), "--rows", "10000", "--backends", "sqlite", "--json"],
                          capture_output=True, text=True, timeout=1800, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"benchmarks/batch.py failed:\n{proc.stderr}")
    figures = json.loads(proc.stdout)
    return float(figures[0]["total_s"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="timed runs per operation (default 40)")
    parser.add_argument("--suite", action="append", choices=sorted(SUITES), help="repeatable; default: both")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--batch", action="store_true", help="also time a batch of 10,000 diplomas (about 30 s)")
    args = parser.parse_args(argv)
    suites = args.suite or list(SUITES)
    rows = run(args.n, suites)
    batch_seconds = run_batch() if args.batch else None
    if args.json:
        print(json.dumps({"rows": rows, "batch_10000_s": batch_seconds}, indent=2))
    else:
        print_table(rows, args.n)
        print_targets(rows, batch_seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
