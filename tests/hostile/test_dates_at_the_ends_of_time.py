"""A signed date at the ends of time (XML Schema allows any year and any offset up to ±14:00) is shown as it is
written, never an internal error: ``0001-01-01T00:00:00+01:00`` and ``9999-12-31T23:59:59-01:00`` have no day in UTC
that Python can hold (``astimezone`` raised OverflowError in every view that writes a date for people)."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from hostilekit import assert_coded_refusal, run_cli
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate
from skillspas.verifier import Verifier
from skillspas.verifier.page.texts import human_date
from skillspas.verifier.suites import suite_for_signing

EDGES = {"validFrom before year 1 in UTC": {"validFrom": "0001-01-01T00:00:00+01:00"},
         "validFrom after 9999 in UTC (not yet valid)": {"validFrom": "9999-12-31T23:59:59-01:00"},
         "validUntil before year 1 in UTC (expired)": {"validFrom": "0001-01-01T00:00:00+02:00",
                                                       "validUntil": "0001-01-01T00:00:00+01:00"},
         "awardedDate after 9999 in UTC": {"awardedDate": "9999-12-31T23:59:59-01:00"}}


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_date_without_a_day_in_utc_is_shown_as_it_is_written(value):
    assert human_date(value, "nl") == value and human_date(value, "en") == value


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Path]]:
    """Each edge, signed by a did:key issuer as a careless issuer's tool would sign it (no checks of its own)."""
    folder = tmp_path_factory.mktemp("ends-of-time")
    signer = LocalSigner(generate("ed25519"))
    files = {}
    for number, (case, changes) in enumerate(EDGES.items()):
        unsecured: dict[str, Any] = {**copy.deepcopy(sample_credential(signer.controller)), **changes}
        options = {"created": "2026-01-01T00:00:00Z", "verificationMethod": signer.verification_method,
                   "proofPurpose": "assertionMethod"}
        proof = suite_for_signing("eddsa-rdfc-2022").create_proof(unsecured, signer, options, Verifier().processor)
        files[case] = folder / f"edge-{number}.json"
        files[case].write_text(json.dumps({**unsecured, "proof": proof}), "utf-8")
    return signer.controller, files


@pytest.mark.parametrize("case", list(EDGES))
def test_the_verifier_page_answers_a_date_at_the_ends_of_time_with_a_verdict_not_a_500(signed, case):
    from fastapi.testclient import TestClient

    from skillspas.verifier.page import PageSettings, create_page_app

    issuer, files = signed
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = TestClient(create_page_app(PageSettings(trusted_issuers=(issuer,))), base_url="http://127.0.0.1:8765",
                            raise_server_exceptions=False)
    response = client.post("/api/verify?kind=text", content=files[case].read_bytes())
    assert response.status_code == 200, response.text[:500]
    assert response.headers["skillspas-exit-code"] in ("0", "1")


@pytest.mark.parametrize("case", list(EDGES))
@pytest.mark.parametrize("command", ["passport show", "passport add", "passport export --pdf"])
def test_the_passport_commands_show_a_date_at_the_ends_of_time_without_an_internal_error(signed, case, command, tmp_path):
    _, files = signed
    argv = {"passport show": ["passport", "show", str(files[case])],
            "passport add": ["passport", "add", str(files[case]), "--passport", str(tmp_path / "passport")],
            "passport export --pdf": ["passport", "export", str(files[case]), "--pdf", str(tmp_path / "p.pdf"),
                                      "--passport", str(tmp_path / "passport")]}[command]
    run = run_cli(*argv)
    if run.exit_code != 0:  # not valid (untrusted, expired, not yet valid) is said with its code, never an internal error
        assert_coded_refusal(run, exit_codes=(1,))
    assert run.exception is None and "Traceback" not in run.stdout + run.stderr
