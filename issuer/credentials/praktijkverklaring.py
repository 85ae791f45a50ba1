"""``Praktijkverklaring``: the werkprocessen a student performs in practice, by the school and the leerbedrijf.

Usage::

    credential = build_praktijkverklaring(
        {"issuer_name": "ROC Voorbeeldstad", "learner_name": "Dennis Fictief", "crebo": "25180",
         "werkprocessen": "B1-K1-W2; B1-K1-W4", "leerbedrijf_name": "Bistro De Gracht",
         "period_start": "2024-09-01", "period_end": "2025-06-30", "date": "2025-06-30",
         "skills": ["http://data.europa.eu/esco/skill/f3934441-4bff-4076-9945-e6c51a01c467"]},
        issuer="did:web:roc.example", cosigner="did:web:bistro.example",
    )
    signed = sign(credential, school)                       # the school's proof
    signed = sign(signed, leerbedrijf, append=True)         # the leerbedrijf's proof: a proof set

The school is the issuer (the praktijkverklaring is part of its mbo-verklaring); the leerbedrijf,
named as ``coSigner``, signs too: a verifier accepts it only when both proofs hold. No grades:
the praktijkopleider judges which werkprocessen the student masters, nothing more.
"""

from __future__ import annotations

from typing import Any, Mapping

from skillspas.issuer.credentials._achievement import (
    Context, Row, achievement, alignments, check_register, envelope, field_error, finish, not_in_register,
    kwalificatie_node, werkprocessen,
)
from skillspas.schemas.catalogue import CATALOGUE
from skillspas.schemas.kwalificaties import Kwalificaties
from skillspas.schemas.vocab import SkillsVocabulary

__all__ = ["build_praktijkverklaring"]


def build_praktijkverklaring(
    row: Mapping[str, Any],
    *,
    issuer: str | None = None,
    cosigner: str | None = None,
    vocabulary: SkillsVocabulary | None = None,
    register: Kwalificaties | None = None,
    allow_unregistered: bool = False,
) -> dict[str, Any]:
    """An unsigned, schema-valid ``Praktijkverklaring`` naming the leerbedrijf as ``coSigner``."""
    context = Context.default(vocabulary, register, allow_unregistered)
    data = Row(row)
    leerbedrijf_did = data.text("leerbedrijf_did") or cosigner
    if leerbedrijf_did is None:
        raise data.missing("leerbedrijf_did")
    if cosigner is not None and leerbedrijf_did != cosigner:
        raise field_error(
            "leerbedrijf_did",
            nl=f"De DID van het leerbedrijf ({leerbedrijf_did}) is niet die van de medeondertekenaar ({cosigner}).",
            en=f"The leerbedrijf's DID ({leerbedrijf_did}) is not the co-signer's ({cosigner}).",
        )
    kwalificatie, known = kwalificatie_node(data, context)
    leerbedrijf: dict[str, Any] = {"id": leerbedrijf_did, "type": ["Leerbedrijf"], "name": data.text("leerbedrijf_name", required=True)}
    if data.text("leerbedrijf_kvk"):
        leerbedrijf["kvkNummer"] = data.text("leerbedrijf_kvk")
    name, crebo = kwalificatie["name"], kwalificatie["crebo"]
    subject = {
        "werkprocessen": werkprocessen(data, known),
        "leerbedrijf": leerbedrijf,
        "period": {"type": ["Period"], "startDate": data.date("period_start", required=True),
                   "endDate": data.date("period_end", required=True)},
        "achievement": not_in_register(achievement(
            "praktijkverklaring", crebo,
            achievement_type="ext:Praktijkverklaring",
            name=f"Praktijkverklaring {name}",
            description=f"Werkprocessen uit kwalificatie {name} ({crebo}) die de deelnemer in de praktijk van een "
            "erkend leerbedrijf uitvoert, naar het oordeel van de praktijkopleider.",
            criteria="Het leerbedrijf verklaart, naar het oordeel van de praktijkopleider, dat de deelnemer deze "
            "werkprocessen in de praktijk beheerst; de school geeft de verklaring uit als deel van de mbo-verklaring. "
            "Zonder cijfers.",
            skills=alignments(data.items("skills"), context, CATALOGUE["Praktijkverklaring"].evidence),
            extra={"kwalificatie": kwalificatie},
        ), context),
    }
    credential = envelope(
        "Praktijkverklaring", data, issuer=issuer, name=f"Praktijkverklaring {name}", subject=subject,
        extra={"coSigner": leerbedrijf_did},
    )
    finish(credential)
    check_register(kwalificatie, known, "/credentialSubject/achievement/kwalificatie")
    return credential
