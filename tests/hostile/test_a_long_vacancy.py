"""A vacancy of 100 lines of common words (each a search of up to about 0.1 s) is compared within its own time
(``summary.VACANCY_BUDGET``), or refused in Dutch and English beside the verdict: it took the page's whole deadline
before, and a genuine credential was answered ``resource_limit`` ("cannot be checked") for the employer's own list."""

from __future__ import annotations

import json
import time
import urllib.parse
import warnings

import pytest

from skillspas.issuer import sign
from skillspas.issuer.demo import sample_credential
from skillspas.keys import LocalSigner, generate

COMMON = ["equipment", "manager", "machine", "operator", "systems", "production", "technician", "safety"]


@pytest.fixture(scope="module")
def page_and_credential():
    from fastapi.testclient import TestClient

    from skillspas.verifier.page import PageSettings, create_page_app

    signer = LocalSigner(generate("ed25519"))
    credential = json.dumps(sign(sample_credential(signer.controller), signer)).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = TestClient(create_page_app(PageSettings(trusted_issuers=(signer.controller,))),
                            base_url="http://127.0.0.1:8765", raise_server_exceptions=False)
    return client, credential


def test_a_vacancy_of_100_lines_of_common_words_leaves_the_verdict_of_a_genuine_credential(page_and_credential):
    client, credential = page_and_credential
    lines = [" ".join(COMMON[number % 8:] + COMMON[:number % 8]) + f" {number}" for number in range(100)]
    query = "&".join("vacancy=" + urllib.parse.quote(line) for line in lines)
    assert len(query) < 12_000  # what the page's own form sends at most (app.js MAX_VACANCY_CHARS)
    started = time.monotonic()
    answer = client.post("/api/verify?kind=text&" + query, content=credential)
    assert time.monotonic() - started < 1.8
    assert answer.status_code == 200 and answer.headers["skillspas-exit-code"] == "0", answer.text[:500]
    body = answer.json()
    assert body["verified"] and body["view"]["verdict"] == "valid"
    vacancy = body["view"]["vacancy"]
    if "error" in vacancy:  # compared as far as its time allowed, and said so in both languages
        assert vacancy["code"] == "resource_limit" and "vacature" in vacancy["error"]["nl"] and "vacancy" in vacancy["error"]["en"]
    else:
        assert vacancy["total"] == 100


def test_a_vacancy_longer_than_the_page_takes_is_refused_in_dutch_and_english_beside_the_verdict(page_and_credential):
    client, credential = page_and_credential
    query = "vacancy=" + urllib.parse.quote("\n".join(f"skill {number}" for number in range(101)))  # one field, 101 lines
    body = client.post("/api/verify?kind=text&" + query, content=credential).json()
    assert body["verified"]
    assert body["view"]["vacancy"]["code"] == "too_large" and "hoogstens 100" in body["view"]["vacancy"]["error"]["nl"]
