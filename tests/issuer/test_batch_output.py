"""What a batch writes is byte for byte what the one-credential path signs for the same row: the batch's
own shortcuts (checks made once per row, in worker order) change no byte of any file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from skillspas.issuer.batch import issue_rows, read_csv, validate_rows
from skillspas.issuer.credentials import KINDS
from skillspas.issuer.issuing import Issuer, canonical_text
from skillspas.issuer.org_signing import sign_as
from skillspas.issuer.orgs import create_organisation
from skillspas.issuer.preflight import preflight
from skillspas.issuer.settings import Settings
from skillspas.issuer.store import open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_ROLE = {"mbo-diploma": "mbo", "mbo-certificaat": "mbo", "praktijkverklaring": "mbo", "ervaringscertificaat": "evc",
         "microcredential": "training"}


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch-output")
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'skillspas.db'}",
                        key_passphrase="test-only passphrase (never a real one)", public_url="https://issuer.example",
                        batch_workers=1)
    store = open_store(settings.database)
    yield Issuer(store, settings)
    store.dispose()


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_batch_file_is_the_bytes_the_single_credential_path_signs_for_its_row(issuer, kind, tmp_path):
    created = create_organisation(issuer.store, issuer.settings, f"Bytes {kind}", role=_ROLE[kind],
                                  did_web=f"bytes-{kind}.example")
    org = issuer.orgs.get(created.id)
    plan = validate_rows(issuer, org, kind, read_csv(EXAMPLES / kind / f"{kind}.csv"))
    unsigned = {row.line: row.credential for row in plan}  # as built (a learner's identity hash is salted)
    manifest = issue_rows(issuer, org, plan, out=tmp_path)
    assert manifest.issued == len(plan) > 0
    for entry in manifest.entries:
        written = (tmp_path / entry["file"]).read_bytes()
        signed = json.loads(written)
        checked = preflight(unsigned[entry["line"]], org.did, org_name=org.name)  # what `issue` and the service do
        status = signed["credentialStatus"]
        same = sign_as(org.signer, checked.with_status(status if isinstance(status, list) else [status], signed["id"]),
                       created=dt.datetime.fromisoformat(signed["proof"]["created"].replace("Z", "+00:00")))
        assert written == (canonical_text(same) + "\n").encode("utf-8"), entry["rowKey"]
