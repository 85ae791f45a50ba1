"""How format SP4's frozen specimens were made (not a benchmark; run once, when SP4 was published).

    .venv/bin/python benchmarks/qr_specimens.py > verifier/qr/specimens.py

Builds one credential of each skillspas type, and one plain Open Badges 3.0 diploma, from rows whose
every name is a placeholder ("Naam", "Instelling", "Leerbedrijf"; kwalificaties that no example row or
benchmark uses), signs them with a throwaway key and writes their SP3 CBOR, base64, into a module.
SP4's preset DEFLATE dictionary ends with those bytes, so the structure that every credential of a
type shares (its keys and types, the issuer's fixed sentences) travels as a few back-references.
The output is frozen once published: running this again gives other keys, signatures and salts,
so the committed ``SP4_SPECIMENS`` (pinned by ``SP4_DIGEST``) is never replaced by a new run.
"""

from __future__ import annotations

import base64
import hashlib
import textwrap
from typing import Any

from skillspas.issuer import sign
from skillspas.issuer.credentials import build
from skillspas.keys import LocalSigner, generate
from skillspas.verifier.qr.cbor import to_cbor
from skillspas.verifier.qr.vocab import bundled_dictionary

_ESCO = "http://data.europa.eu/esco/skill/"
_SKILLS = [_ESCO + "f3934441-4bff-4076-9945-e6c51a01c467", _ESCO + "4b15a965-9bb4-42f1-8e44-1024aeb0b08c"]
_DAY = "2030-01-01"
_SCHOOL = {"issuer_name": "Instelling", "brin": "00AA", "learner_name": "Naam", "date": _DAY, "skills": _SKILLS}
ROWS: dict[str, dict[str, Any]] = {
    "MboDiploma": {**_SCHOOL, "examencommissie": "Examencommissie", "learner_email": "naam@example.org",
                   "crebo": "25774", "leerweg": "BOL"},
    "MboCertificaat": {**_SCHOOL, "examencommissie": "Examencommissie", "learner_did": "did:example:naam",
                       "crebo": "25695", "niveau": 4, "certificaat_code": "C0141"},
    "Ervaringscertificaat": {
        "issuer_name": "Instelling", "recognition_id": "X", "learner_name": "Naam", "learner_did": "did:example:naam",
        "crebo": "25786", "werkprocessen": ["B1-K1-W1"], "assessment_date": _DAY, "assessment_method": ["x"],
        "route": "arbeidsmarkt", "career_goal": "x", "counts_toward": ["25786"], "date": _DAY, "skills": _SKILLS},
    "Praktijkverklaring": {**_SCHOOL, "learner_did": "did:example:naam", "crebo": "25786",
                           "werkprocessen": ["B1-K1-W1"], "leerbedrijf_name": "Leerbedrijf",
                           "period_start": _DAY, "period_end": _DAY},
    "MicroCredential": {**_SCHOOL, "learner_email": "naam@example.org", "title": "x", "description": "x",
                        "learning_outcomes": ["x"], "hours": 1, "eqf": 4, "nlqf": 4, "assessment_method": ["x"],
                        "participation": "online", "quality_assurance": "x", "counts_toward": ["25786/B1-K1"]},
}
"""One placeholder row per skillspas type."""


def open_badge(issuer: str) -> dict[str, Any]:
    """A plain Open Badges 3.0 diploma (no skillspas context) with placeholder values."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Instelling"},
        "validFrom": f"{_DAY}T00:00:00Z",
        "name": "Naam",
        "credentialSubject": {
            "id": "did:example:naam",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.org/naam", "type": ["Achievement"], "achievementType": "Diploma",
                "name": "Naam", "description": "Beschrijving", "criteria": {"narrative": "Criteria"},
                "alignment": [{"type": ["Alignment"], "targetType": "ext:ESCOAlignment", "targetName": "x",
                               "targetUrl": _ESCO + "x", "targetFramework": "ESCO"}],
            },
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Naam"}],
        },
    }


def specimens() -> bytes:
    """The SP3 CBOR of the plain OB 3.0 diploma, then of one credential of each type (the most likely matches last)."""
    school, company = LocalSigner(generate("ed25519")), LocalSigner(generate("ed25519"))
    vocab = bundled_dictionary()
    parts = [to_cbor(sign(open_badge(school.controller), school), vocab, sp3=True)]
    for kind, row in ROWS.items():
        options = {"issuer": school.controller}
        if kind == "Praktijkverklaring":
            options["cosigner"] = company.controller
        signed = sign(build(kind, row, **options), school)
        if kind == "Praktijkverklaring":
            signed = sign(signed, company, append=True)
        parts.append(to_cbor(signed, vocab, sp3=True))
    return b"".join(parts)


def main() -> None:
    """Print the module ``verifier/qr/specimens.py``."""
    data = specimens()
    lines = "\n".join(f'    "{line}"' for line in textwrap.wrap(base64.b64encode(data).decode("ascii"), 100))
    print(f'''"""Format SP4's frozen specimens: one credential of each skillspas type and a plain Open Badges 3.0 diploma,
as SP3 CBOR ({len(data)} bytes), made once by ``benchmarks/qr_specimens.py`` from rows of placeholder names.

SP4's preset DEFLATE dictionary ends with them, so what every credential of a type shares (keys, types,
the issuer's fixed sentences) travels as back-references. Frozen like ``SP1_TERMS``: a QR code printed
today must decode in ten years; ``SP4_DIGEST`` is pinned by a test.
"""

from __future__ import annotations

import base64
from typing import Final

__all__ = ["SP4_SPECIMENS", "SP4_DIGEST"]

SP4_SPECIMENS: Final = base64.b64decode(
{lines}
)
"""The specimens' SP3 CBOR, one after another."""

SP4_DIGEST: Final = "{hashlib.sha256(data).hexdigest()}"
"""SHA-256 of ``SP4_SPECIMENS``; pinned by a test, never changed."""''')


if __name__ == "__main__":
    main()
