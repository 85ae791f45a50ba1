"""``skillspas demo``: the whole job once, offline, on an embedded SQLite database in a temp folder.

1. an issuer service store (SQLite) with four organisations: a ROC, an EVC provider, a training
   provider and a leerbedrijf, each with its did:web key; a trust anchor signs the trust list;
2. one credential of each type issued through the service (with a status entry); the
   praktijkverklaring co-signed by the leerbedrijf; one diploma revoked;
3. the worker's passport: QR codes (PNG), a PDF and a presentation;
4. the employer's side: a bundle (trust list, DID documents, status lists), then every QR image read
   back and verified offline, and a verified-skills summary of the passport.

Institutions and learners are fictional; codes (crebo, kerntaken) and ESCO skills are real.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import typer

from skillspas.issuer.credentials import build
from skillspas.issuer.sign import sign
from skillspas.keys import LocalSigner, StaticResolver, generate
from skillspas.keys.trust_list import TrustList, TrustListEntry
from skillspas.verifier import Verifier

__all__ = ["run_demo", "sample_credential", "DEMO_ROWS"]

# Real ESCO v1.1.1 skills (URI, English and Dutch preferred labels).
SAMPLE_SKILLS = (
    ("http://data.europa.eu/esco/skill/24f980ba-b44f-4739-b563-205104c3190d", "basisondersteuning aan patiënten bieden"),
    ("http://data.europa.eu/esco/skill/d3b74d50-7fc9-4051-9335-58d129a4a064", "fundamentele tekenen van patiënten controleren"),
    ("http://data.europa.eu/esco/skill/7a63f944-6948-4ae4-9c1f-d08e492535c9", "persoonsgerichte zorg toepassen"),
    ("http://data.europa.eu/esco/skill/0450eaee-1a00-4622-8f4e-5356fce816d2", "hygiëne in de gezondheidszorg"),
)


def sample_credential(issuer: str, name: str = "ROC Voorbeeldstad (fictief)") -> dict[str, Any]:
    """An unsigned OB 3.0 credential for a fictional learner, with real ESCO alignments, from issuer
    ``issuer`` called ``name`` (the service issues only under the organisation's own name)."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6f1c9a52-3c1e-4d7a-9f0e-2b7c1d5e8a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": name},
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

# (organisation, role, did:web host, the credential types the trust list lets it issue)
ORGANISATIONS = (
    ("ROC Voorbeeldstad (fictief)", "mbo", "roc-voorbeeldstad.example",
     ("MboDiploma", "MboCertificaat", "Praktijkverklaring")),
    ("EVC-Centrum Kompas (fictief)", "evc", "evc-kompas.example", ("Ervaringscertificaat",)),
    ("Bouwbedrijf Steenrood (fictief)", "training", "steenrood.example", ("MicroCredential",)),
    ("Bistro De Gracht (fictief)", "employer", "bistro-de-gracht.example", ("Praktijkverklaring",)),
)
ISSUED_BY = {"MboDiploma": 0, "MboCertificaat": 0, "Praktijkverklaring": 0, "Ervaringscertificaat": 1,
             "MicroCredential": 2}


_SKILLS_SHOWN = 12


def _say(nl: str, en: str) -> None:
    typer.echo(f"{nl}  /  {en}")


def run_demo(out: Path | None = None) -> int:
    """Run the demo; return the exit code (0 when every verdict is what it should be)."""
    from skillspas.issuer.bundle_build import build_bundle
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.orgs import create_organisation
    from skillspas.issuer.settings import Settings
    from skillspas.issuer.store import open_store
    from skillspas.issuer.trust_list import sign_trust_list
    from skillspas.verifier.bundle import Bundle
    from skillspas.verifier.qr import decode_payload, read_qr_image
    from skillspas.verifier.summary import summarize_skills
    from skillspas.wallet_export.passport import build_passport

    folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="skillspas-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=folder / "issuer", database_url=f"sqlite:///{folder / 'issuer.db'}",
                        public_url="https://issuer.roc-voorbeeldstad.example")
    store = open_store(settings.database)
    try:
        issuer = Issuer(store, settings)
        created = [create_organisation(store, settings, name, role=role, did_web=host)
                   for name, role, host, _ in ORGANISATIONS]
        orgs = [issuer.orgs.get(c.id) for c in created]
        _say(f"1. uitgever-database (SQLite): {folder / 'issuer.db'}", "issuer database")
        for org in orgs:
            typer.echo(f"   {org.name}: {org.did}")

        anchor = LocalSigner(generate("ed25519"))  # e.g. the body that recognises schools and EVC providers
        trust_list = sign_trust_list(TrustList(issuer=anchor.controller, name="Erkende uitgevers (demo)", entries=tuple(
            TrustListEntry(did=org.did, name=org.name, credential_types=types,
                           keys=tuple(m["publicKeyMultibase"] for m in org.did_document["verificationMethod"]))
            for org, (_, _, _, types) in zip(orgs, ORGANISATIONS)
        )), anchor)
        _say(f"2. vertrouwenslijst (met de sleutels van elke uitgever) ondertekend door {anchor.controller[:32]}…",
             "trust list (pinning each issuer's keys) signed by the anchor")

        credentials: dict[str, dict[str, Any]] = {}
        for kind, row in DEMO_ROWS.items():
            org = orgs[ISSUED_BY[kind]]
            extra = {"cosigner": orgs[3].did} if kind == "Praktijkverklaring" else {}
            issued = issuer.issue(org, build(kind, row, issuer=org.did, **extra))
            credential = issued.credential
            if extra:  # the leerbedrijf adds its own proof: a proof set of two
                credential = sign(credential, orgs[3].signer, append=True,
                                  resolver=StaticResolver({org.did: org.did_document}))
            credentials[kind] = credential
        revoked = issuer.issue(orgs[0], build("MboDiploma", {**DEMO_ROWS["MboDiploma"], "learner_name": "Bram Ingetrokken"},
                                                     issuer=orgs[0].did)).credential
        issuer.change_status(orgs[0], revoked["id"], "revoke")
        _say(f"3. {len(credentials) + 1} bewijsstukken uitgegeven, 1 diploma ingetrokken",
             f"{len(credentials) + 1} credentials issued, 1 diploma revoked")

        passport = build_passport(list(credentials.values()) + [revoked])
        images = passport.to_qr_images(folder / "qr")
        passport.to_pdf(folder / "paspoort.pdf")
        (folder / "presentatie.json").write_text(json.dumps(passport.to_presentation(), indent=2, ensure_ascii=False),
                                                 "utf-8")
        _say(f"4. paspoort: {len(images)} QR-codes in {folder / 'qr'}, PDF {folder / 'paspoort.pdf'}",
             "passport: QR codes, PDF and presentation")

        served = build_bundle(issuer)
        bundle = Bundle.create(trust_list=trust_list, did_documents=served.did_documents.values(),
                               status_lists=served.status_lists.values())
        bundle.to_file(folder / "bundle.json")
    finally:
        store.dispose()

    verifier = Verifier(bundle=Bundle.from_file(folder / "bundle.json"), trust_anchors=[anchor.controller])
    _say("5. werkgever controleert offline (alleen de bundel, geen netwerk):",
         "employer verifies offline (bundle only, no network):")
    expected = [True] * len(credentials) + [False]
    outcomes = []
    for image, should_pass in zip(images, expected):
        result = verifier.verify(decode_payload(read_qr_image(image), verifier.limits))
        summary = result.summary
        if summary is not None:
            signers = " + ".join(s.removeprefix("did:web:") for s in summary.signers)
            label = f"{summary.name} — {summary.issuer_name} ({signers})"
        else:
            code = result.first_error.code.value if result.first_error else "?"
            label = f"{result.message('nl')} [{code}]"
        mark = "GELDIG" if result.verified else "NIET GELDIG"
        typer.echo(f"   {'✓' if result.verified else '✗'} {image.name}: {mark} — {label}")
        outcomes.append(result.verified == should_pass)

    vp = verifier.verify(passport.to_presentation())
    skills = summarize_skills(vp)
    shown = skills.skills[:_SKILLS_SHOWN]
    _say(f"6. bewezen vaardigheden in het paspoort: {len(skills.skills)}, de eerste {len(shown)}:",
         f"verified skills in the passport: {len(skills.skills)}, the first {len(shown)}:")
    for skill in shown:
        typer.echo(f"   - {skill.label('nl')}  <{skill.uri}>  ({', '.join(skill.kinds)})")
    ok = all(outcomes)
    _say(f"Klaar: {'alles zoals verwacht' if ok else 'NIET alles zoals verwacht'} — bestanden in {folder}",
         f"done: {'all as expected' if ok else 'NOT as expected'}")
    return 0 if ok else 1
