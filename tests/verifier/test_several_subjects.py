"""A credential with several subjects, or a subject with several achievements, is read the same in any order.

JSON-LD signs a set: the order of a list of ``credentialSubject`` objects, or of ``achievement`` objects, is not
signed, so a holder may reorder them and the signature still holds. Reading "the first" made the page, the phone page,
``skillspas verify`` and ``passport show`` show whichever one came first: two verifiers could show two people, or
two titles and sets of skills, for one signature. Now such a credential names nobody (of several subjects) and no
achievement, counts no skill, and every display says so (``several_subjects`` / ``several_achievements``, orange).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from helpers import new_signer, signed_credential
from skillspas.issuer import sign
from skillspas.issuer.cli import app as cli_app
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner
from skillspas.verifier import Verifier
from skillspas.verifier.summary import summarize_skills
from skillspas.wallet_export import build_presentation
from skillspas.wallet_export.cli import passport_app
from skillspas.wallet_export.view import describe

SENTENCE = {
    "subjects": {"nl": "Dit bewijsstuk gaat over meerdere ontvangers (2)",
                 "en": "This credential is about several subjects (2)"},
    "achievements": {"nl": "Dit bewijsstuk noemt meerdere prestaties (2)",
                     "en": "This credential names several achievements (2)"},
}


def _several(of: str) -> tuple[dict[str, Any], dict[str, Any], LocalSigner]:
    """A credential with two subjects (Anouk's and Bram's, each with an achievement), or one subject with two
    achievements (and no name of its own, so that the title would be an achievement's), signed; and the same
    credential with the two in the other order: the same signed RDF."""
    signer = new_signer()
    credential = sample_credential(signer.controller)
    subject = credential["credentialSubject"]
    other = copy.deepcopy(subject)
    other["name"] = "Bram Voorbeeld (fictief)"
    other["achievement"].update(id="urn:uuid:3d1f0e52-9a4b-4c37-8f21-6a0e5b7c9d10", name="Iets heel anders",
                                alignment=other["achievement"]["alignment"][:1])
    if of == "subjects":
        credential["credentialSubject"] = [subject, other]
    else:
        subject["achievement"] = [subject["achievement"], other["achievement"]]
        del credential["name"]
    signed = sign(credential, signer)
    swapped = copy.deepcopy(signed)
    listed = swapped["credentialSubject"] if of == "subjects" else swapped["credentialSubject"]["achievement"]
    listed.reverse()
    return signed, swapped, signer


@pytest.fixture(params=["subjects", "achievements"])
def several(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any], dict[str, Any], LocalSigner]:
    return (request.param, *_several(request.param))


def test_a_credential_with_several_subjects_or_achievements_reads_the_same_in_either_order_and_proves_no_skill(several):
    of, signed, swapped, signer = several
    verifier = Verifier(trusted_issuers=[signer.controller])
    first, second = verifier.verify(signed), verifier.verify(swapped)
    assert first.verified and second.verified, (first.to_json()["errors"], second.to_json()["errors"])
    assert first.summary == second.summary  # not whichever came first
    summary = first.summary
    assert summary.several == (of, 2) and summary.skills == () and summary.facts == ()
    assert summary.subject_name == (None if of == "subjects" else "Anouk Testdata (fictief)")
    assert summary.name == (None if of == "achievements" else "Praktijkverklaring zorg (voorbeeld)")
    assert first.to_json()["summary"]["several"] == {"of": of, "count": 2}  # added; the other keys as they were
    assert verifier.verify(signed_credential(signer)[0]).to_json()["summary"]["several"] is None
    passport = verifier.verify(build_presentation([swapped]))
    assert summarize_skills(passport).skills == ()  # nothing of the ambiguous part is counted for anyone
    names = [p.names for p in passport.persons]
    assert names == ([()] if of == "subjects" else [("Anouk Testdata (fictief)",)]), names


def test_the_laptop_page_and_the_phone_page_warn_that_a_credential_has_several_subjects_or_achievements(several):
    from fastapi.testclient import TestClient

    from skillspas.verifier.browser.phone import check
    from skillspas.verifier.page import PageSettings, create_page_app

    of, signed, swapped, signer = several
    laptop = TestClient(create_page_app(PageSettings(trusted_issuers=(signer.controller,))), base_url="http://127.0.0.1:8765")
    options = json.dumps({"trusted_issuers": [signer.controller]})
    for document in (signed, swapped, build_presentation([swapped])):
        data = json.dumps(document).encode("utf-8")
        page = laptop.post("/api/verify", content=data).json()["view"]
        phone = json.loads(check(data, options))["view"]
        for view in (page, phone):  # both draw their cards from this view (static/cards.js)
            card = view["credentials"][0]
            assert view["verdict"] == card["verdict"] == "warning" and card["skills"] == [], card
            assert f"several_{of}" in [w["code"] for w in view["warnings"]] and card["warnings"][-1]["code"] == f"several_{of}"
            assert card["subjectName"] == (None if of == "subjects" else "Anouk Testdata (fictief)")
            assert card["title"] == (None if of == "achievements" else "Praktijkverklaring zorg (voorbeeld)")
            shown = json.dumps({k: v for k, v in view.items() if k != "collect"})  # collect: the file, kept for a passport
            assert "Bram" not in shown and "Iets heel anders" not in shown
            for lang in ("nl", "en"):
                assert card["warnings"][-1]["sentence"][lang].startswith(SENTENCE[of][lang]), card["warnings"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_skillspas_verify_and_passport_show_say_a_credential_has_several_subjects_or_achievements(several, tmp_path: Path,
                                                                                                   lang: str):
    of, signed, swapped, signer = several
    outputs = []
    for name, document in (("signed", signed), ("swapped", swapped)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document), "utf-8")
        checked = CliRunner().invoke(cli_app, ["verify", str(path), "--trust-issuer", signer.controller, "--lang", lang])
        assert checked.exit_code == 0, checked.output
        assert f"{'LET OP' if lang == 'nl' else 'WARNING'}: {SENTENCE[of][lang]}" in checked.stdout, checked.stdout
        assert checked.stdout.startswith("GELDIG, MET EEN WAARSCHUWING" if lang == "nl" else "VALID, WITH A WARNING")
        assert "Bram" not in checked.stdout and "Iets heel anders" not in checked.stdout
        shown = CliRunner().invoke(passport_app, ["show", str(path), "--lang", lang, "--dir", str(tmp_path / "p")])
        assert f"{'LET OP' if lang == 'nl' else 'WARNING'}: {SENTENCE[of][lang]}" in shown.stdout, shown.stdout
        assert "Bram" not in shown.stdout and "Iets heel anders" not in shown.stdout
        outputs.append(checked.stdout.split("\n", 2)[2])  # after the heading and the proof line: what it says
    assert outputs[0] == outputs[1]
    view = describe(swapped, lang)
    assert view.skills == () and view.several is not None and view.several.startswith(SENTENCE[of][lang])


def test_a_verified_summary_reads_the_credentials_one_subject_once(monkeypatch):
    """The summary's subject name, skills, title (here the achievement's: the credential has no name of its own) and
    ``several`` all come from one reading of the subject (``the_subject``), handed on, not read again for each."""
    from skillspas.schemas import vc
    from skillspas.verifier import pipeline

    signer = new_signer()
    credential = sample_credential(signer.controller)
    del credential["name"]
    signed = sign(credential, signer)
    reads: list[object] = []
    real = vc.the_subject

    def counted(document: Any) -> Any:
        reads.append(document)
        return real(document)

    monkeypatch.setattr(vc, "the_subject", counted)
    monkeypatch.setattr(pipeline, "the_subject", counted)
    summary = Verifier(trusted_issuers=[signer.controller]).verify(signed).summary
    assert summary is not None and len(reads) == 1, len(reads)
    achievement = credential["credentialSubject"]["achievement"]
    assert (summary.subject_name, summary.name, summary.several) == (
        credential["credentialSubject"]["name"], achievement["name"], None)
    assert [s.url for s in summary.skills] == [a["targetUrl"] for a in achievement["alignment"]]
