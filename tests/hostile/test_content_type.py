"""A JSON route reads its body as JSON (strictly) whatever the Content-Type says, as curl's README lines
send it; a body that is not JSON is told exactly what to send, in English and Dutch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skillspas.issuer.demo import sample_credential

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def _body(org) -> str:
    document = sample_credential(org.did, org.name)
    del document["id"]
    return json.dumps({"credential": document})


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain; charset=utf-8"],
                         ids=["no content type", "curl -d's form type", "text/plain"])
def test_a_json_body_is_issued_whatever_content_type_came_with_it(service, content_type):
    headers = {**service.auth(), **({"Content-Type": content_type} if content_type else {})}
    response = service.client.post("/credentials/issue", content=_body(service.roc), headers=headers)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"], ids=["no content type", "form type"])
def test_a_json_body_with_duplicate_keys_is_refused_whatever_content_type_came_with_it(service, content_type):
    headers = {**service.auth(), **({"Content-Type": content_type} if content_type else {})}
    response = service.client.post("/credentials/verify", content='{"verifiableCredential": {}, "verifiableCredential": {}}',
                                   headers=headers)
    assert response.status_code == 400 and response.json()["code"] == "malformed_json", response.text


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_a_body_that_is_not_json_is_told_to_send_json(service, content_type):
    headers = {**service.auth(), **({"Content-Type": content_type} if content_type else {})}
    response = service.client.post("/credentials/issue", content="credential=diploma", headers=headers)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["code"] == "malformed_json"
    assert "Content-Type: application/json" in answer["message"] and "Content-Type: application/json" in answer["messageNl"]
    assert "bewijsstuk" not in answer["messageNl"].lower()


def test_the_readme_curl_lines_send_json_with_its_content_type():
    posts = [line for line in README.splitlines() if line.startswith("curl") and " -d " in line]
    assert posts, "the README shows how to call the service with curl"
    for line in posts:
        assert re.search(r"-H ['\"]Content-Type: application/json['\"]", line), line


def test_a_request_of_the_wrong_shape_is_told_so_in_dutch_too_not_that_a_credential_is_wrong(service):
    response = service.client.post("/credentials/issue", json={"credentiaal": {}}, headers=service.auth())
    assert response.status_code == 400 and response.json()["code"] == "schema_invalid"
    assert "verzoek" in response.json()["messageNl"] and "bewijsstuk" not in response.json()["messageNl"].lower()
