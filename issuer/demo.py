"""``skillspas demo``: the main job as far as it exists.

Now: generate an issuer key, sign a sample Open Badges 3.0 credential whose skills are real ESCO
skills, verify it offline, show that a one-character change is caught, print the verdicts.
(The institution and learner are fictional; see tests/data and the domain notes.)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import typer

from skillspas.issuer.credentials import build
from skillspas.issuer.sign import sign
from skillspas.keys import LocalSigner, generate
from skillspas.keys.keyfile import save
from skillspas.verifier import Verifier

__all__ = ["run_demo", "sample_credential", "issue_each_type", "DEMO_ROWS"]

# Real ESCO v1.1.1 skills (URI, English and Dutch preferred labels).
SAMPLE_SKILLS = (
    ("http://data.europa.eu/esco/skill/24f980ba-b44f-4739-b563-205104c3190d", "basisondersteuning aan patiënten bieden"),
    ("http://data.europa.eu/esco/skill/d3b74d50-7fc9-4051-9335-58d129a4a064", "fundamentele tekenen van patiënten controleren"),
    ("http://data.europa.eu/esco/skill/7a63f944-6948-4ae4-9c1f-d08e492535c9", "persoonsgerichte zorg toepassen"),
    ("http://data.europa.eu/esco/skill/0450eaee-1a00-4622-8f4e-5356fce816d2", "hygiëne in de gezondheidszorg"),
)


def sample_credential(issuer: str) -> dict[str, Any]:
    """An unsigned OB 3.0 credential for a fictional learner, with real ESCO alignments."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "ROC Voorbeeldstad (fictief)"},
        "validFrom": "2026-07-01T00:00:00Z",
        "name": "Praktijkverklaring zorg (voorbeeld)",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": "Anouk Testdata (fictief)",
            "achievement": {
                "id": "urn:uuid:0b2b3c7e-6d55-4a8e-9d6f-5c2c8e0f7a31",
                "type": ["Achievement"],
                "name": "Basiszorg in de praktijk",
                "description": "Verleent basiszorg aan cliënten onder begeleiding.",
                "criteria": {"narrative": "Beoordeeld door de praktijkopleider van het leerbedrijf."},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetType": "ext:ESCOAlignment",
                        "targetFramework": "ESCO",
                        "targetName": label,
                        "targetUrl": url,
                    }
                    for url, label in SAMPLE_SKILLS
                ],
            },
        },
    }


def run_demo(out: Path | None = None) -> int:
    """Run the demo; return the exit code (0 when every step behaved as it should)."""
    folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="skillspas-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    key_path = folder / "issuer-key.json"
    pair = generate("ed25519")
    save(pair, key_path)
    signer = LocalSigner(pair)
    typer.echo(f"1. sleutel gemaakt / key generated: {signer.controller}  ({key_path})")

    signed = sign(sample_credential(signer.controller), signer)
    cred_path = folder / "credential.json"
    cred_path.write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8")
    typer.echo(f"2. ondertekend / signed: {cred_path}")

    verifier = Verifier(trusted_issuers=[signer.controller])
    result = verifier.verify(cred_path.read_bytes())
    typer.echo(f"3. controle / verification: {'GELDIG / VALID' if result else 'NIET GELDIG / NOT VALID'}"
               f" — {result.message('nl')}")
    if result.summary:
        for skill in result.summary.skills:
            typer.echo(f"     - {skill.name}  <{skill.url}>")

    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["name"] = "Anouk Testdata (fictief)!"
    bad = verifier.verify(tampered)
    code = bad.first_error.code.value if bad.first_error else "?"
    typer.echo(f"4. gewijzigde kopie / tampered copy: {'GELDIG?!' if bad else 'NIET GELDIG'} [{code}] — {bad.message('nl')}")
    each_ok = issue_each_type(signer, folder)
    return 0 if result.verified and not bad.verified and each_ok else 1


_ESCO = "http://data.europa.eu/esco/skill/"
# One row per credential type, as a school's or employer's system would export it (see examples/).
DEMO_ROWS: dict[str, dict[str, Any]] = {
    "MboDiploma": {
        "issuer_name": "ROC Voorbeeldstad (fictief)", "examencommissie": "Examencommissie Horeca & Techniek",
        "learner_name": "Anouk Testdata", "crebo": "25180", "leerweg": "BBL", "date": "2025-07-01",
    },
    "MboCertificaat": {
        "issuer_name": "ROC Voorbeeldstad (fictief)", "learner_name": "Bram Voorbeeld", "crebo": "25656",
        "certificaat_code": "C0053", "date": "2025-02-14", "skills": [_ESCO + "24f980ba-b44f-4739-b563-205104c3190d"],
    },
    "Ervaringscertificaat": {
        "issuer_name": "EVC-Centrum Kompas (fictief)", "recognition_id": "FICTIEF-EVC-0001",
        "learner_name": "Chantal Proefpersoon", "crebo": "25786", "werkprocessen": ["B1-K1-W1", "B1-K1-W3"],
        "assessment_date": "2025-05-20", "assessment_method": ["portfolio", "criteriumgericht interview"],
        "date": "2025-05-20", "skills": [_ESCO + "13e1c0a2-b90d-46f4-be51-11730360b38d"],
    },
    "Praktijkverklaring": {
        "issuer_name": "ROC Voorbeeldstad (fictief)", "learner_name": "Dennis Fictief", "crebo": "25180",
        "werkprocessen": ["B1-K1-W2", "B1-K1-W4"], "leerbedrijf_name": "Bistro De Gracht (fictief)",
        "period_start": "2024-09-01", "period_end": "2025-06-30", "date": "2025-06-30",
        "skills": [_ESCO + "4b15a965-9bb4-42f1-8e44-1024aeb0b08c"],
    },
    "MicroCredential": {
        "issuer_name": "Bouwbedrijf Steenrood (fictief)", "learner_name": "Esra Demodata",
        "title": "Veilig werken op hoogte", "description": "Eendaagse training valgevaar en valbeveiliging.",
        "hours": 8, "assessment_method": ["praktijkopdracht"], "participation": "onsite",
        "quality_assurance": "Interne kwaliteitszorg (fictief voorbeeld).", "date": "2025-10-03",
        "skills": [_ESCO + "fafbb75f-ec35-4cc2-996a-20c85ef6c266"],
    },
}


def issue_each_type(issuer: LocalSigner, folder: Path) -> bool:
    """Issue, sign and verify one credential of each type (the praktijkverklaring co-signed); True if all verify."""
    leerbedrijf = LocalSigner(generate("ed25519"))
    verifier = Verifier(trusted_issuers=[issuer.controller])
    typer.echo("5. één bewijsstuk per soort / one credential of each type:")
    ok = True
    for name, row in DEMO_ROWS.items():
        cosigner = {"cosigner": leerbedrijf.controller} if name == "Praktijkverklaring" else {}
        signed = sign(build(name, row, issuer=issuer.controller, **cosigner), issuer)
        if cosigner:
            signed = sign(signed, leerbedrijf, append=True)
        (folder / f"{name}.json").write_text(json.dumps(signed, indent=2, ensure_ascii=False) + "\n", "utf-8")
        result = verifier.verify(signed)
        ok = ok and result.verified
        signers = len(result.summary.signers) if result.summary else 0
        typer.echo(f"   {'✓' if result else '✗'} {name}: {signed['name']} — {signers} ondertekenaar(s) / signer(s), "
                   f"{len(signed['credentialSubject']['achievement']['alignment'])} vaardigheden / skills")
    return ok
