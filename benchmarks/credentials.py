"""Open Badges 3.0 credentials with real ESCO skills, for benchmarks and interop tests.

`ob3_credential(n_skills, issuer)` builds an unsigned `OpenBadgeCredential` (VC Data Model 2.0
+ OB 3.0 context 3.0.3) for an mbo diploma whose `Achievement` carries `n_skills` ESCO
`alignment` entries shaped like SURF edubadges' OB 3.0 export
(`targetType: "ext:ESCOAlignment"`). The skills are real rows of the official ESCO v1.1.1
download, kept in `benchmarks/data/esco-skills-sample.csv`.

`undefined_terms(document)` expands a document with pyld, offline, with a sentinel `@vocab`
appended to its context, and returns the JSON paths of every property or type that no
context defines (those JSON-LD would silently drop).
"""

from __future__ import annotations

import csv
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ESCO_SAMPLE = Path(__file__).resolve().parent / "data" / "esco-skills-sample.csv"
BUNDLED_CONTEXTS = ROOT / "schemas" / "data" / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

#: context URL -> file in schemas/data/contexts (what `skillspas contexts export` writes)
CONTEXT_FILES = {
    VC_V2: "credentials-v2.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    OB_V3P0: "ob-v3p0-context-3.0.3.json",
}

_SENTINEL = "urn:x-skillspas-undefined-term:"
_NAMESPACE = uuid.UUID("6f1c3e0a-52d5-4c1e-9a51-0d1f6b1f3a11")


@cache
def esco_skills() -> tuple[tuple[str, str], ...]:
    """Return the (conceptUri, preferredLabel) pairs of the bundled ESCO sample, in file order."""
    with ESCO_SAMPLE.open(encoding="utf-8", newline="") as f:
        return tuple((row["conceptUri"], row["preferredLabel"]) for row in csv.DictReader(f))


def esco_alignment(concept_uri: str, label: str) -> dict[str, Any]:
    """Return one OB 3.0 `Alignment` for an ESCO skill, as SURF edubadges writes it."""
    return {
        "type": ["Alignment"],
        "targetType": "ext:ESCOAlignment",
        "targetName": label,
        "targetFramework": "ESCO",
        "targetUrl": concept_uri,
    }


def ob3_credential(n_skills: int, issuer: str, *, issuer_profile: bool = True) -> dict[str, Any]:
    """Return an unsigned OB 3.0 `OpenBadgeCredential` (an mbo diploma) with `n_skills` ESCO alignments.

    `issuer` is the issuer's DID or URL. OB 3.0 wants the issuer as a `Profile` object; pass
    `issuer_profile=False` to write the bare identifier instead.
    """
    skills = esco_skills()
    if not 0 <= n_skills <= len(skills):
        raise ValueError(f"n_skills must be between 0 and {len(skills)} (real ESCO rows only)")
    issuer_value: str | dict[str, Any]
    if issuer_profile:
        issuer_value = {
            "id": issuer,
            "type": ["Profile"],
            "name": "ROC Voorbeeldstad (fictief) - Examencommissie ICT",
        }
    else:
        issuer_value = issuer
    achievement: dict[str, Any] = {
        "id": "https://example.org/kwalificaties/25998",
        "type": ["Achievement"],
        "achievementType": "Diploma",
        "name": "Software developer",
        "humanCode": "25998",
        "description": "mbo-diploma niveau 4, kwalificatie Software developer (crebo 25998)",
        "criteria": {
            "narrative": (
                "Behaald volgens het kwalificatiedossier Software development, kwalificatie "
                "Software developer (25998): alle kerntaken en werkprocessen met een voldoende "
                "afgesloten, inclusief de beroepspraktijkvorming bij een erkend leerbedrijf."
            )
        },
        "fieldOfStudy": "ICT en creatieve industrie",
    }
    if n_skills:
        achievement["alignment"] = [esco_alignment(uri, label) for uri, label in skills[:n_skills]]
    return {
        "@context": [VC_V2, OB_V3P0],
        "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{issuer}/{n_skills}')}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_value,
        "validFrom": "2025-07-01T00:00:00Z",
        "name": "Mbo-diploma Software developer",
        "credentialSubject": {
            "id": "did:example:learner-01",
            "type": ["AchievementSubject"],
            "achievement": achievement,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": "Anouk Testdata",
                }
            ],
        },
    }


def write_contexts_folder(directory: Path) -> Path:
    """Write the five bundled contexts the benchmarks need, plus `contexts.map.json`, into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in CONTEXT_FILES.values():
        (directory / name).write_bytes((BUNDLED_CONTEXTS / name).read_bytes())
    (directory / "contexts.map.json").write_text(json.dumps(CONTEXT_FILES, indent=2) + "\n", encoding="utf-8")
    return directory


@cache
def _context_document(url: str) -> dict[str, Any]:
    name = CONTEXT_FILES.get(url)
    if name is None:
        raise LookupError(f"unknown context URL (offline, bundled only): {url}")
    return json.loads((BUNDLED_CONTEXTS / name).read_text(encoding="utf-8"))


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"contextUrl": None, "documentUrl": url, "document": _context_document(url)}


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """Return the JSON-LD paths of terms in `document` that no context defines (empty when all expand)."""
    from pyld import jsonld

    doc = dict(document)
    doc.pop("proof", None)
    context = doc.get("@context", [])
    context = list(context) if isinstance(context, list) else [context]
    doc["@context"] = [*context, {"@vocab": _SENTINEL}]
    expanded = jsonld.expand(doc, {"documentLoader": _offline_loader})
    found: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")
        elif isinstance(node, dict):
            for key, value in node.items():
                if key.startswith(_SENTINEL):
                    found.append(f"{path}.{key[len(_SENTINEL):]}")
                if key == "@type":
                    for t in value if isinstance(value, list) else [value]:
                        if isinstance(t, str) and t.startswith(_SENTINEL):
                            found.append(f"{path}.@type={t[len(_SENTINEL):]}")
                walk(value, f"{path}.{key}")

    walk(expanded, "$")
    return found


if __name__ == "__main__":
    for n in (8, 40):
        cred = ob3_credential(n, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")
        print(n, "skills:", len(json.dumps(cred)), "bytes, undefined terms:", undefined_terms(cred) or "none")
