"""One organisation's broken signing key (file deleted, corrupt, other passphrase; an HSM it cannot
use) stops only that organisation's signing: the service starts, serves everyone else, and answers
that organisation with a coded 503 that names no file; the server log says why, once."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

import pytest

from hostilekit import make_service
from skillspas.issuer.demo import sample_credential
from skillspas.keys import generate
from skillspas.keys.keyfile import load, save


def _reencrypt(key_file: Path, passphrase: str) -> None:
    signer = load(key_file, passphrase)
    save(signer.keypair, key_file, passphrase="een ander wachtwoord", controller=signer.controller,
         verification_method=signer.verification_method, overwrite=True)


def _another_key(key_file: Path, passphrase: str) -> None:
    """Another valid key file under the same name, id and controller (a restore of the wrong backup)."""
    signer = load(key_file, passphrase)
    save(generate("ed25519"), key_file, passphrase=passphrase, controller=signer.controller,
         verification_method=signer.verification_method, overwrite=True)


BREAKS: dict[str, Callable[[Path, str], None]] = {
    "deleted": lambda key_file, _: key_file.unlink(),
    "corrupt": lambda key_file, _: key_file.write_bytes(b'{"type": "Multikey", "id": '),
    "encrypted with another passphrase": _reencrypt,
    "another key in its place": _another_key,
}


def _credential(org) -> dict:
    document = sample_credential(org.did, org.name)  # the service issues only under the organisation's own name
    del document["id"]
    return document


@pytest.mark.parametrize("damage", list(BREAKS))
def test_one_organisations_broken_key_file_stops_only_that_organisations_signing(tmp_path, caplog, damage):
    broken: list[Path] = []

    def prepare(settings, roc):
        [key_file] = Path(settings.keys).glob(f"{roc.id}-*.json")
        BREAKS[damage](key_file, settings.key_passphrase)
        broken.append(key_file)

    caplog.set_level(logging.WARNING)
    service = make_service(tmp_path, prepare=prepare)
    with service.client as client:
        other = client.post("/credentials/issue", json={"credential": _credential(service.bistro)},
                            headers=service.auth(service.bistro))
        assert other.status_code == 201, other.text
        for _ in range(2):
            refused = client.post("/credentials/issue", json={"credential": _credential(service.roc)},
                                  headers=service.auth())
            assert refused.status_code == 503, refused.text
            assert refused.json()["code"] == "signer_failed"
            assert broken[0].name not in refused.text and service.roc.id not in refused.text
        batch = client.post("/credentials/batch", headers=service.auth(), json={"type": "mbo-diploma", "rows": [
            {"row_key": "k-1", "learner_name": "Anouk Testdata", "crebo": "25180", "leerweg": "BBL", "date": "2025-07-01"}]})
        assert batch.status_code == 503 and batch.json()["code"] == "signer_failed", batch.text
        document = client.get(f"/orgs/{service.roc.id}/did.json")
        assert document.status_code == 200 and document.json()["id"] == service.roc.did
        assert client.get("/bundle").status_code == 200
    told = [r for r in caplog.records if broken[0].name in r.getMessage()]
    assert len(told) == 1, [r.getMessage() for r in caplog.records]
