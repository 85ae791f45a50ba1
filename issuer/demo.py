"""``skillspas demo``: one worker's story, offline, on an embedded SQLite database in a temp folder.

1. an issuer service store (SQLite) with four organisations: a ROC, an EVC provider, a training
   provider and a leerbedrijf, each with its did:web key; a trust anchor signs the trust list;
2. Anouk, a cook who is switching careers, makes her own holder key (a did:key, as ``skillspas passport
   init`` does); every credential below names her DID;
3. her credentials, one of each type, offered by the service as one-time claim offers (with a status entry) and
   claimed into her passport folder with her key (``skillspas passport claim``'s code, run against the service
   app in-process: no network): her Kok diploma, a certificate, an EVC result, two praktijkverklaringen (each
   co-signed by the leerbedrijf after the claim) and a micro-credential; a diploma issued to her by mistake is revoked;
4. her passport: QR codes (PNG), a PDF, and a presentation she signs with her key for the employer's challenge;
5. the employer's side: a bundle (trust list, DID documents, status lists), every QR image read back and
   verified offline, then the signed passport: one person, her holder proof, what each credential proves,
   the verified skills, and the werk-naar-werk bridge to "kok".

Institutions and learners are fictional; codes (crebo, kerntaken) and ESCO skills are real.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import typer

from skillspas.issuer.credentials import build
from skillspas.keys import LocalSigner, generate
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
WORKER = "Anouk Testdata"

DEMO_ROWS: dict[str, dict[str, Any]] = {
    "MboDiploma": {
        "issuer_name": "ROC Voorbeeldstad (fictief)", "examencommissie": "Examencommissie Horeca & Techniek",
        "learner_name": WORKER, "crebo": "25180", "leerweg": "BBL", "date": "2025-07-01",
    },
    "MboCertificaat": {
        "issuer_name": "ROC Voorbeeldstad (fictief)", "learner_name": WORKER, "crebo": "25656",
        "certificaat_code": "C0053", "date": "2026-02-14", "skills": [_ESCO + "24f980ba-b44f-4739-b563-205104c3190d"],
    },
    "Ervaringscertificaat": {
        "issuer_name": "EVC-Centrum Kompas (fictief)", "recognition_id": "FICTIEF-EVC-0001",
        "learner_name": WORKER, "crebo": "25786", "werkprocessen": ["B1-K1-W1", "B1-K1-W3"],
        "assessment_date": "2026-05-20", "assessment_method": ["portfolio", "criteriumgericht interview"],
        "date": "2026-05-20", "skills": [_ESCO + "13e1c0a2-b90d-46f4-be51-11730360b38d"],
    },
    "Praktijkverklaring": {
        "issuer_name": "ROC Voorbeeldstad (fictief)", "learner_name": WORKER, "crebo": "25180",
        "werkprocessen": ["B1-K1-W2", "B1-K1-W4"], "leerbedrijf_name": "Bistro De Gracht (fictief)",
        "period_start": "2024-09-01", "period_end": "2025-06-30", "date": "2025-06-30",
        "skills": [_ESCO + "4b15a965-9bb4-42f1-8e44-1024aeb0b08c"],
    },
    "MicroCredential": {
        "issuer_name": "Bouwbedrijf Steenrood (fictief)", "learner_name": WORKER,
        "title": "Veilig werken op hoogte", "description": "Eendaagse training valgevaar en valbeveiliging.",
        "learning_outcomes": ["Herkent valgevaar op de bouwplaats en neemt de juiste maatregelen.",
                              "Gebruikt steigers, ladders en persoonlijke valbeveiliging volgens de voorschriften."],
        "hours": 8, "assessment_method": ["praktijkopdracht"], "participation": "onsite",
        "quality_assurance": "Interne kwaliteitszorg (fictief voorbeeld).", "date": "2025-10-03",
        "skills": [_ESCO + "fafbb75f-ec35-4cc2-996a-20c85ef6c266"],
    },
}
SECOND_PRAKTIJK: dict[str, Any] = {  # her second work placement: two more werkprocessen of Kok
    **DEMO_ROWS["Praktijkverklaring"], "werkprocessen": ["B1-K1-W1", "B1-K1-W3"],
    "period_start": "2025-09-01", "period_end": "2026-01-31", "date": "2026-01-31",
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
    import warnings

    from skillspas.issuer.bundle_build import build_bundle
    from skillspas.issuer.exchanges import Exchanges
    from skillspas.issuer.service.app import create_app
    from skillspas.issuer.issuing import Issuer
    from skillspas.issuer.orgs import create_organisation
    from skillspas.issuer.settings import Settings
    from skillspas.issuer.store import open_store
    from skillspas.issuer.trust_list import sign_trust_list
    from skillspas.verifier.bridge import bridge
    from skillspas.verifier.bundle import Bundle
    from skillspas.verifier.page.texts import WORDS, counted, for_count, readable_dates
    from skillspas.verifier.qr import decode_payload, read_qr_image
    from skillspas.verifier.summary import summarize_skills
    from skillspas.wallet_export.claim import claim
    from skillspas.wallet_export.passport import build_passport
    from skillspas.wallet_export.qr import DEFAULT_MAX_VERSION
    from skillspas.wallet_export.store import PassportStore
    from skillspas.schemas.files import private_folder

    folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="skillspas-demo-"))
    private_folder(folder)  # an issuer's keys and learners' credentials, if only example ones
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
        _say(f"2. vertrouwenslijst (met de sleutels van elke uitgever) ondertekend door {anchor.controller}",
             "trust list (pinning each issuer's keys) signed by the anchor")

        wallet = PassportStore(folder / "paspoort-anouk")
        worker = wallet.init_holder_key()  # her own key (``passport init``): it never leaves her passport folder
        _say(f"3. {WORKER} (kok, zoekt ander werk) maakt haar eigen sleutel: {worker.controller[:32]}…",
             f"{WORKER} (a cook looking for other work) makes her own key")
        exchanges = Exchanges(issuer)
        with warnings.catch_warnings():  # starlette's test client warns about its own httpx dependency
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient

            service = TestClient(create_app(settings, store=store), base_url=settings.base_url)

        def offer_and_claim(kind: str, row: dict[str, Any]) -> dict[str, Any]:
            """The school offers the credential (no DID in it yet); Anouk claims it with her key."""
            org = orgs[ISSUED_BY[kind]]
            extra = {"cosigner": orgs[3].did} if kind == "Praktijkverklaring" else {}
            offer = exchanges.create(org, build(kind, row, issuer=org.did, **extra))
            credential = claim(wallet, offer.url, holder=worker, client=service)[0].document
            if extra:  # the leerbedrijf adds its own proof: a proof set of two, kept in her passport with the
                credential = issuer.cosign(orgs[3], credential)  # leerbedrijf's DID document (passport add --bundle)
                own = Bundle.create(did_documents=[build_bundle(issuer).did_documents[orgs[3].did]])
                merged = wallet.merged_bundle(own)
                wallet.add(json.dumps(credential, ensure_ascii=False).encode("utf-8"), bundle=merged)
                wallet.keep_bundle(merged)
            return credential

        credentials = [offer_and_claim(kind, row) for kind, row in DEMO_ROWS.items()]
        credentials.insert(4, offer_and_claim("Praktijkverklaring", SECOND_PRAKTIJK))
        mistake = issuer.issue(orgs[0], build("MboDiploma", {**DEMO_ROWS["MboDiploma"], "crebo": "25656", "leerweg": "BOL",
                                                             "learner_did": worker.controller}, issuer=orgs[0].did)).credential
        issuer.change_status(orgs[0], mistake["id"], "revoke")
        _say(f"4. {counted('n_credentials', len(credentials), 'nl')} aangeboden en door {WORKER} met haar sleutel "
             f"opgehaald (passport claim) in {wallet.folder}; een per vergissing uitgegeven diploma is ingetrokken",
             f"{counted('n_credentials', len(credentials), 'en')} offered and claimed with her key; a diploma issued by "
             "mistake is revoked")

        passport = build_passport(credentials)
        images = passport.to_qr_images(folder / "qr", max_version=DEFAULT_MAX_VERSION)  # as `passport export` draws
        passport.to_pdf(folder / "paspoort.pdf", max_version=DEFAULT_MAX_VERSION)
        challenge, domain = "sollicitatie-2026-12-06", "bistro-de-gracht.example"  # given by the employer
        presentation = passport.to_presentation(holder=worker, challenge=challenge, domain=domain)
        (folder / "presentatie.json").write_text(json.dumps(presentation, indent=2, ensure_ascii=False), "utf-8")
        (folder / "ingetrokken.json").write_text(json.dumps(mistake, indent=2, ensure_ascii=False), "utf-8")
        _say(f"5. haar paspoort: {len(images)} QR-codes in {folder / 'qr'}, PDF {folder / 'paspoort.pdf'}, "
             "presentatie ondertekend met haar sleutel", "her passport: QR codes, PDF, a presentation she signed")

        served = build_bundle(issuer)
        bundle = Bundle.create(trust_list=trust_list, did_documents=served.did_documents.values(),
                               status_lists=served.status_lists.values())
        bundle.to_file(folder / "bundle.json")
        (folder / "trust-anchor.txt").write_text(anchor.controller + "\n", "utf-8")  # the DID an employer pins
    finally:
        store.dispose()

    verifier = Verifier(bundle=Bundle.from_file(folder / "bundle.json"), trust_anchors=[anchor.controller])
    _say("6. de werkgever controleert offline (alleen de bundel, geen netwerk):",
         "the employer verifies offline (bundle only, no network):")
    outcomes = []
    for image in images:
        result = verifier.verify(decode_payload(read_qr_image(image), verifier.limits))
        typer.echo(f"   {'✓' if result.verified else '✗'} {image.name}: {_verdict(result)}")
        outcomes.append(result.verified)
    revoked = verifier.verify(mistake)
    typer.echo(f"   ✗ ingetrokken.json: {_verdict(revoked)}")
    outcomes.append(not revoked.verified)

    vp = verifier.verify(presentation, challenge=challenge, domain=domain)
    outcomes.append(vp.verified and vp.holder == worker.controller and len(vp.persons) == 1)
    _say("7. wat de werkgever ziet bij haar ondertekende paspoort:", "what the employer sees for her signed passport:")
    person = vp.persons[0] if vp.persons else None
    typer.echo(f"   {'GELDIG' if vp.verified else 'NIET GELDIG'} — één persoon: {', '.join(person.names) if person else '?'}; "
               f"{'de houder heeft het zelf ondertekend (uitdaging en domein kloppen)' if vp.holder else 'houder niet bewezen'}")
    for item in vp.credentials:
        summary = item.summary
        if summary is None:
            continue
        signers = " + ".join(s.removeprefix("did:web:") for s in summary.signers)
        typer.echo(f"   • {summary.name} — {summary.issuer_name} ({signers})")
        for fact in summary.facts[:3]:  # as the page writes them: dates too ("4 maart 2026")
            typer.echo(f"       {fact.label['nl']}: {readable_dates(fact.text['nl'].splitlines()[0], 'nl')}")
    skills = summarize_skills(vp)
    shown = skills.skills[:_SKILLS_SHOWN]
    _say(f"   bewezen vaardigheden: {len(skills.skills)}, de eerste {len(shown)}:",
         f"verified skills: {len(skills.skills)}, the first {len(shown)}:")
    for skill in shown:
        typer.echo(f"   - {skill.shown_label('nl')}  <{skill.uri}>  ({', '.join(skill.kinds)})")
    for step in skills.progress:
        typer.echo(f"   {step.sentence()['nl']}")
    kok = bridge(skills, occupation="kok").to_json()
    covered, total = kok["essential"]["covered"], kok["essential"]["total"]  # the page's sentence, "1 … is bewezen"
    said = WORDS["nl"][for_count("bridge_summary", covered)].format(
        c=covered, essential=counted("n_essential", total, "nl"), name=kok["target"]["shownLabel"]["nl"])
    typer.echo(f"   werk-naar-werk: {said.rstrip('.')} (ESCO, European Commission)")
    if kok["notComparedNote"]:  # the diploma's CompetentNL skills: an HR reader must not take the count for all she can
        typer.echo(f"   {kok['notComparedNote']['nl']}")
    for instead in kok["compareInstead"]:  # ... and the comparison that counts them, through the official link
        own = bridge(skills, crebo=instead["crebo"]).to_json()
        said = WORDS["nl"][for_count("bridge_summary", own["essential"]["covered"])].format(
            c=own["essential"]["covered"], essential=counted("n_essential", own["essential"]["total"], "nl"),
            name=f"kwalificatie {instead['name']} (crebo {instead['crebo']})")
        typer.echo(f"   werk-naar-werk: {said.rstrip('.')} (SBB/CompetentNL)")
    ok = all(outcomes)
    _say(f"Klaar: {'alles zoals verwacht' if ok else 'NIET alles zoals verwacht'} — bestanden in {folder}",
         f"done: {'all as expected' if ok else 'NOT as expected'}")
    _say("de controlepagina voor de werkgever (de vertrouwenslijst vastgezet op haar anker):",
         "the employer's verifier page (the trust list pinned to its anchor):")
    typer.echo(f"skillspas verifier --bundle {folder / 'bundle.json'} --trust-anchor {anchor.controller}")
    return 0 if ok else 1


def _verdict(result: Any) -> str:
    """One line for a person: valid with title, issuer (trust list) and signers, or why not."""
    summary = result.summary
    if result.verified and summary is not None:
        signers = " + ".join(s.removeprefix("did:web:") for s in summary.signers)
        return f"GELDIG — {summary.name} — {summary.issuer_name} ({signers})"
    code = result.first_error.code.value if result.first_error else "?"
    return f"NIET GELDIG — {result.message('nl')} [{code}]"
