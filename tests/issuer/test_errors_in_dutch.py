"""The refusals a school administrator, a worker or an HTTP integrator meets most (key files, keystores, key
options, a batch's CSV, API keys, claim offers, status changes) say what is wrong in Dutch too: their own Dutch
sentence, not only the code's general one (``schemas/messages.py``)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from skillspas.issuer.batch import read_csv
from skillspas.issuer.cli import build_app
from skillspas.issuer.demo import sample_credential
from skillspas.issuer.orgs import add_api_key
from skillspas.keys import generate
from skillspas.keys import keyfile
from skillspas.keys.keyfile import Keystore
from skillspas.schemas.errors import SkillspasError
from skillspas.schemas.messages import text

from helpers import service_in_process

BASE = "http://127.0.0.1:8000"


def _refused(call: Callable[[], Any]) -> SkillspasError:
    with pytest.raises(SkillspasError) as caught:
        call()
    return caught.value


def _not_a_key_file(folder: Path) -> Path:
    path = folder / "not-a-key.json"
    path.write_text('{"type": "Certificate"}', "utf-8")
    return path


def _readable_by_others(folder: Path) -> Path:
    path = folder / "open.key.json"
    keyfile.save(generate("ed25519"), path)
    path.chmod(0o644)
    return path


def _damaged_secret(folder: Path) -> Path:
    path = folder / "damaged.key.json"
    keyfile.save(generate("ed25519"), path)
    document = json.loads(path.read_text("utf-8"))
    document["publicKeyMultibase"] = keyfile.read_public(_readable_by_others(folder))["publicKeyMultibase"]
    path.write_text(json.dumps(document), "utf-8")
    path.chmod(0o600)
    return path


LIBRARY_REFUSALS = [
    pytest.param(lambda folder: keyfile.read_public(_not_a_key_file(folder)), "geen Multikey-document",
                 id="a JSON file that is no key file"),
    pytest.param(lambda folder: keyfile.load(_readable_by_others(folder)), "toegankelijk voor anderen",
                 id="a key file others can read"),
    pytest.param(lambda folder: keyfile.load(_damaged_secret(folder)), "hoort niet bij publicKeyMultibase",
                 id="a key file whose secret is not its public key's"),
    pytest.param(lambda folder: Keystore(folder / "nothing-here").history(), "geen sleutelopslag",
                 id="a keystore folder that holds no keystore"),
    pytest.param(lambda folder: read_csv(io.StringIO("row_key,naam\n1," + "x" * 200_000 + "\n")),
                 "van het CSV-bestand: een veld is te lang", id="a CSV field over csv's limit"),
]


@pytest.mark.parametrize("refuse, dutch", LIBRARY_REFUSALS)
def test_a_key_or_csv_refusal_has_its_own_dutch_sentence(refuse, dutch, tmp_path):
    error = _refused(lambda: refuse(tmp_path))
    assert dutch in error.text("nl") and error.text("nl") != text(error.code, "nl"), error.text("nl")


CLI_REFUSALS = [
    pytest.param(["keys", "generate"], "geef --out BESTAND", id="keys generate without a place for the key"),
    pytest.param(["keys", "generate", "--type", "rsa", "--out", "OUT/k.json"], "onbekend sleuteltype 'rsa'",
                 id="keys generate of an unknown key type"),
    pytest.param(["keys", "generate", "--keystore", "OUT/ks"], "--keystore heeft --did nodig",
                 id="a keystore without its DID"),
    pytest.param(["keys", "generate", "--out", "OUT/k.json", "--passphrase-env", "SKILLSPAS_TEST_UNSET"],
                 "de omgevingsvariabele SKILLSPAS_TEST_UNSET is niet gezet", id="a passphrase variable that is not set"),
    pytest.param(["keys", "export-public"], "geef een SLEUTELBESTAND of --keystore MAP",
                 id="keys export-public of nothing"),
    pytest.param(["keys", "generate", "--keystore", "FULL", "--did", "did:web:roc.example", "--passphrase-env", "KS_PASS"],
                 "een sleutelopslag begint in een nieuwe of lege map", id="a keystore in a folder that is not empty"),
]


@pytest.mark.parametrize("args, dutch", CLI_REFUSALS)
def test_a_keys_command_refusal_says_what_is_wrong_in_dutch(args, dutch, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something.txt").write_text("x", "utf-8")
    argv = [arg.replace("OUT", str(tmp_path)).replace("FULL", str(tmp_path / "full")) for arg in args]
    env = {"KS_PASS": "een lange geheime zin", "SKILLSPAS_TEST_UNSET": ""}
    result = CliRunner().invoke(build_app(), argv, env=env)
    dutch_line = next((line for line in result.stderr.splitlines() if line.startswith("fout [")), "")
    assert result.exit_code == 2 and dutch in dutch_line, result.output


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Any]]:
    """The issuer service in this process (SQLite) with one ROC, and the ROC's organisation record."""
    with service_in_process(tmp_path_factory.mktemp("errors-in-dutch"), "ROC Voorbeeldstad", BASE) as pair:
        yield pair


def _dutch_of(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and body["messageNl"] != text(body["code"], "nl"), body
    return str(body["messageNl"])


def _unsigned() -> dict[str, Any]:
    return {k: v for k, v in sample_credential("did:web:placeholder").items() if k not in ("id", "issuer")}


def test_an_api_key_of_the_wrong_shape_is_refused_in_dutch_too(service):
    client, _ = service
    response = client.post("/credentials/issue", json={"credential": _unsigned()},
                           headers={"Authorization": "Bearer geen-sleutel"})
    assert "de API-sleutel ontbreekt of heeft niet de vorm" in _dutch_of(response, 401, "unauthorized")


def test_an_unknown_api_key_is_refused_in_dutch_too(service):
    client, _ = service
    unknown = "skp_" + "0" * 16 + "_" + "A" * 43
    response = client.post("/credentials/issue", json={"credential": _unsigned()},
                           headers={"Authorization": f"Bearer {unknown}"})
    assert "de API-sleutel is niet geldig" in _dutch_of(response, 401, "unauthorized")


def test_an_api_key_without_the_scope_is_refused_in_dutch_too(service):
    client, roc = service
    narrow = add_api_key(client.app.state.issuer.store, roc.id, ["audit:read"])  # type: ignore[attr-defined]
    response = client.post("/credentials/issue", json={"credential": _unsigned()},
                           headers={"Authorization": f"Bearer {narrow}"})
    assert "deze API-sleutel heeft de bevoegdheid (scope) 'credentials:issue' niet" in _dutch_of(response, 403, "forbidden")


def test_a_claim_with_no_presentation_is_refused_in_dutch_too(service):
    client, _ = service
    offered = client.post("/exchanges", json={"credential": {**_unsigned(), "credentialSubject": {"name": "Anouk"}}})
    assert offered.status_code == 201, offered.text
    path = str(offered.json()["exchangeUrl"])[len(BASE):]
    response = client.post(path, json={"verifiablePresentation": {"type": ["VerifiableCredential"]}})
    assert "een DID-Auth-presentatie heeft type VerifiablePresentation" in _dutch_of(response, 400, "schema_invalid")


def test_a_status_change_that_cannot_be_is_refused_in_dutch_too(service):
    client, _ = service
    issued = client.post("/credentials/issue", json={"credential": _unsigned()})
    assert issued.status_code == 201, issued.text
    credential_id = issued.json()["verifiableCredential"]["id"]
    assert client.post("/credentials/status", json={"credentialId": credential_id, "action": "revoke"}).status_code == 200
    response = client.post("/credentials/status", json={"credentialId": credential_id, "action": "reinstate"})
    dutch = _dutch_of(response, 400, "invalid_status_change")
    assert "een bewijsstuk dat ingetrokken is, kan niet weer geldig worden" in dutch
