"""Every skillspas credential type survives the QR round trip: PNG -> zxing-cpp -> offline verification.

One changed character in the QR text is always an error or ``invalid_signature``, never a pass.
The credentials are built by the issuer's own builders from the example rows in ``examples/``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from helpers import new_signer
from skillspas.issuer import sign
from skillspas.issuer.credentials import BUILDERS, build, type_name
from skillspas.schemas.errors import SkillspasError
from skillspas.verifier import Verifier
from skillspas.verifier.qr import decode_payload, read_qr_image
from skillspas.wallet_export import credential_qr
from skillspas.wallet_export.qr import qr_for_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROWS = sorted(EXAMPLES.glob("*/*.json"))
# The rows benchmarks/qr.py measures (kwalificaties without automatic CompetentNL links).
EIGHT_SKILL_ROWS = {
    "MboDiploma": "mbo-diploma/verzorgende-ig-bram-voorbeeld.json",
    "MboCertificaat": "mbo-certificaat/individuele-zorg-bram-voorbeeld.json",
    "Ervaringscertificaat": "ervaringscertificaat/verzorgende-ig-fenna-steekproef.json",
    "Praktijkverklaring": "praktijkverklaring/kok-dennis-fictief-bistro-de-gracht.json",
    "MicroCredential": "microcredential/programmeren-zij-instromers-noordveld.json",
}
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


@pytest.fixture(scope="module")
def signers():
    return new_signer(), new_signer()  # the school / issuer, and a leerbedrijf that co-signs


@pytest.fixture(scope="module")
def verifier(signers):
    school, leerbedrijf = signers
    return Verifier(trusted_issuers=[school.controller, leerbedrijf.controller])


def _issue(path: Path, signers, **changes) -> dict:
    school, leerbedrijf = signers
    kind = type_name(path.parent.name)
    row = {**json.loads(path.read_text("utf-8")), **changes}
    if kind == "Praktijkverklaring":
        row.pop("leerbedrijf_did", None)
        signed = sign(build(kind, row, issuer=school.controller, cosigner=leerbedrijf.controller), school)
        return sign(signed, leerbedrijf, append=True)
    return sign(build(kind, row, issuer=school.controller), school)


def test_every_type_has_example_rows():
    assert {type_name(p.parent.name) for p in ROWS} == set(BUILDERS)


@pytest.mark.parametrize("path", ROWS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_qr_png_decodes_and_verifies_offline_and_one_changed_character_never_passes(path, signers, verifier, tmp_path):
    credential = _issue(path, signers)
    code = credential_qr(credential)
    png = code.save(tmp_path / "qr.png")
    data = decode_payload(read_qr_image(png))
    assert json.loads(data) == credential
    result = verifier.verify(data)
    assert result.verified, result.to_json()
    assert type_name(path.parent.name) in result.summary.types
    if type_name(path.parent.name) == "Praktijkverklaring":
        assert len(result.summary.signers) == 2

    rng = random.Random(path.name)
    text = code.text
    for position in rng.sample(range(len("SP1:"), len(text)), 60):
        changed = text[:position] + rng.choice([c for c in ALPHABET if c != text[position]]) + text[position + 1:]
        try:
            outcome = verifier.verify(decode_payload(changed))
        except SkillspasError as exc:
            assert exc.code.exit_code == 2
            continue
        assert not outcome.verified and outcome.first_error.code.value == "invalid_signature"

    position = len(text) // 2
    changed = text[:position] + ("7" if text[position] != "7" else "8") + text[position + 1:]
    with pytest.raises(SkillspasError):
        decode_payload(read_qr_image(qr_for_text(changed).png()))


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_an_8_skill_credential_of_each_type_fits_version_26_at_level_m(kind, signers):
    """Eight real ESCO skills; the 8-skill mbo diploma reaches version 24 (benchmarks/qr.py)."""
    from benchmarks.qr import esco_uris

    uris = esco_uris(8)
    path = EXAMPLES / EIGHT_SKILL_ROWS[kind]
    code = credential_qr(_issue(path, signers, skills=uris))
    assert code.error == "M"
    assert code.version <= (25 if kind == "MboDiploma" else 26)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_20_skill_credential_of_each_type_fits_version_22_at_level_m(kind, signers):
    """Issue 18's target: twenty real ESCO skills, learning outcomes and all, in one code of version 22 or less."""
    from benchmarks.qr import esco_uris

    code = credential_qr(_issue(EXAMPLES / EIGHT_SKILL_ROWS[kind], signers, skills=esco_uris(20)))
    assert code.error == "M" and code.version <= 22
