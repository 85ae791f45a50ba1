"""How big is a credential as a QR code? Prints, per credential type and skill count (8 and 20 ESCO skills):
plain JSON bytes; the payload bytes, text length and QR version at error-correction level M of format SP1
(before: CBOR + term dictionary + compact ids + DEFLATE + CRC) and of what ``encode_payload`` writes now
(SP2: SP1 plus the shared vocabulary dictionary, or SP1 when that gains nothing); the modules of the new
code; the version zlib(JSON) + Base45 would need; and encode/decode times.

Run: ``.venv/bin/python benchmarks/qr.py`` (signs with a fresh did:key; real ESCO skills).
Targets (issue 18, level M): an 8-skill diploma <= version 15; the real mbo-diploma with its official
CompetentNL links <= 20; a 20-skill credential of any type <= 22; never a silent drop to level L
(``>40`` below means: does not fit one code at M, refused, never drawn at L). ``set@20`` is what
``passport export --qr/--pdf`` draws with its default ``--qr-version 20``: one code, or the versions of the
parts of a numbered set (``SPP:``) that the verifier joins.
"""

from __future__ import annotations

import copy
import json
import sys
import time
import zlib
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from credentials import esco_alignment, esco_skills, ob3_credential  # noqa: E402
from skillspas.issuer import sign  # noqa: E402
from skillspas.issuer.demo import sample_credential  # noqa: E402
from skillspas.keys import LocalSigner, Signer, generate  # noqa: E402
from skillspas.verifier import Verifier  # noqa: E402
from skillspas.verifier.qr import (  # noqa: E402
    PREFIX,
    b45encode,
    decode_payload,
    encode_payload,
    frame_bytes,
)
from skillspas.wallet_export.qr import DEFAULT_MAX_VERSION, QRCapacityError, credential_qr_set, qr_for_text  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _with_skills(credential: dict[str, Any], n_skills: int) -> dict[str, Any]:
    """``credential`` with its achievement's alignment replaced by ``n_skills`` real ESCO skills."""
    credential = copy.deepcopy(credential)
    subject = credential["credentialSubject"]
    subject = subject[0] if isinstance(subject, list) else subject
    subject["achievement"]["alignment"] = [esco_alignment(uri, label) for uri, label in esco_skills()[:n_skills]]
    return credential


def esco_uris(n_skills: int) -> list[str]:
    """``n_skills`` ESCO skill URIs with Dutch labels, in a fixed order: those the bundled kwalificaties use,
    the essential skills of their ESCO occupations, and ESCO's transversal skills."""
    from skillspas.schemas.kwalificaties import Kwalificaties
    from skillspas.schemas.vocab import SkillsVocabulary

    vocabulary = SkillsVocabulary.bundled()
    used = {u for k in Kwalificaties.bundled().all() for u in k.esco_skills}
    for k in Kwalificaties.bundled().all():
        if k.esco_occupation:
            used |= {s.uri for s, essential in vocabulary.index.skills_of(k.esco_occupation) if essential}
    used |= {s.uri for s in vocabulary if s.reuse_level == "transversal"}
    uris = sorted(u for u in used if "nl" in vocabulary.get(u).labels)
    if n_skills > len(uris):
        raise ValueError(f"the bundled vocabulary has only {len(uris)} ESCO skills")
    return uris[:n_skills]


def typed_credential(
    type_name: str, n_skills: int, issuer: Signer, cosigner: Signer, *, example: str | None = None
) -> dict[str, Any]:
    """A signed credential of ``type_name`` built from an example row in ``examples/``, with ``n_skills`` ESCO skills.

    A praktijkverklaring is signed by ``issuer`` (the school) and ``cosigner`` (the leerbedrijf).
    """
    from skillspas.issuer.credentials import build

    row = json.loads((EXAMPLES / (example or EXAMPLE_ROWS[type_name])).read_text("utf-8"))
    row["skills"] = esco_uris(n_skills)
    options: dict[str, Any] = {"issuer": issuer.controller}
    if type_name == "Praktijkverklaring":
        row.pop("leerbedrijf_did", None)
        options["cosigner"] = cosigner.controller
    signed = sign(build(type_name, row, **options), issuer)
    return sign(signed, cosigner, append=True) if type_name == "Praktijkverklaring" else signed


EXAMPLE_ROWS = {
    "MboDiploma": "mbo-diploma/verzorgende-ig-bram-voorbeeld.json",
    "MboCertificaat": "mbo-certificaat/individuele-zorg-bram-voorbeeld.json",
    "Ervaringscertificaat": "ervaringscertificaat/verzorgende-ig-fenna-steekproef.json",
    "Praktijkverklaring": "praktijkverklaring/kok-dennis-fictief-bistro-de-gracht.json",
    "MicroCredential": "microcredential/programmeren-zij-instromers-noordveld.json",
}
"""The example row each type is built from (the issuer adds CompetentNL links a kwalificatie has)."""
TYPES = tuple(EXAMPLE_ROWS)
"""The five skillspas credential types (issue "Credential types")."""


def builders(cosigner: Signer) -> dict[str, Callable[[int, Signer], dict[str, Any]]]:
    """Signed credentials per type: the five skillspas types, and two plain OB 3.0 samples for comparison."""
    found: dict[str, Callable[[int, Signer], dict[str, Any]]] = {
        name: (lambda n, issuer, name=name: typed_credential(name, n, issuer, cosigner)) for name in TYPES
    }
    found["MboDiploma + CompetentNL links"] = lambda n, issuer: typed_credential(
        "MboDiploma", n, issuer, cosigner, example="mbo-diploma/eerste-monteur-fenna-steekproef.json")
    found["OB 3.0 diploma (credentials.py)"] = lambda n, issuer: sign(ob3_credential(n, issuer.controller), issuer)
    found["OB 3.0 sample (demo.py)"] = lambda n, issuer: sign(_with_skills(sample_credential(issuer.controller), n), issuer)
    return found


def _version(text: str) -> str:
    try:
        return str(qr_for_text(text).version)
    except QRCapacityError:
        return ">40"


def main() -> None:
    """Print the table."""
    signer, cosigner = LocalSigner(generate("ed25519")), LocalSigner(generate("ed25519"))
    verifier = Verifier(trusted_issuers=[signer.controller, cosigner.controller])
    header = (f"{'type':32} {'skills':>6} {'align':>5} {'JSON B':>7} {'SP1 B':>6} {'SP1 ch':>6} {'SP1@M':>6} "
              f"{'new B':>6} {'new ch':>6} {'new@M':>6} {'fmt':>4} {'modules':>8} {'zlib+b45':>9} {'enc ms':>7} {'dec ms':>7} {f'set@{DEFAULT_MAX_VERSION}':>12}")
    print(header)
    print("-" * len(header))
    cases = [(name, build, n) for name, build in builders(cosigner).items() for n in (8, 20)]
    cases.append(("MicroCredential", builders(cosigner)["MicroCredential"], 52))
    for name, build, n_skills in cases:
        signed = build(n_skills, signer)
        alignments = len(signed["credentialSubject"]["achievement"].get("alignment", []))
        plain = json.dumps(signed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        before = encode_payload(signed, dictionary=None)
        encode_payload(signed)  # the dictionary is loaded once, outside the timing
        started = time.perf_counter()
        text = encode_payload(signed)
        encoded = time.perf_counter()
        data = decode_payload(text)
        decoded = time.perf_counter()
        assert json.loads(data) == signed and verifier.verify(data).verified, "round trip failed"
        assert decode_payload(before) == data
        payload = len(frame_bytes(text))
        old_payload = len(frame_bytes(before))
        version = _version(text)
        modules = f"{17 + 4 * int(version):4d}x{17 + 4 * int(version):<3d}" if version != ">40" else "-"
        baseline = _version(PREFIX + b45encode(zlib.compress(plain, 9)))
        parts = credential_qr_set(signed, max_version=DEFAULT_MAX_VERSION)
        assert decode_payload("\n".join(p.text for p in reversed(parts))) == data
        split = "+".join(f"{p.version}" for p in parts) + "-M" + (f" ({len(parts)})" if len(parts) > 1 else "")
        print(f"{name:32} {n_skills:6d} {alignments:5d} {len(plain):7d} {old_payload:6d} {len(before):6d} "
              f"{_version(before):>4}-M {payload:6d} {len(text):6d} {version:>4}-M {text[:3]:>4} {modules:>8} {baseline:>9} "
              f"{1e3 * (encoded - started):7.2f} {1e3 * (decoded - encoded):7.2f} {split:>12}")


if __name__ == "__main__":
    main()
