"""A sentence a person reads names a credential's type as a person does ("een mbo-diploma", "an MBO diploma"), from
the catalogue (``schemas/catalogue.py``), never by its JSON-LD type name (``MboDiploma``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillspas.issuer.cli import build_app
from skillspas.issuer.credentials import unread_warning
from skillspas.issuer.orgs import type_not_allowed
from skillspas.keys import generate
from skillspas.keys.keyfile import save
from skillspas.schemas.catalogue import CATALOGUE, kind_in_sentence
from skillspas.schemas.errors import ErrorCode

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_a_type_inside_a_sentence_is_its_word_in_lower_case_with_its_article_never_its_json_ld_name(name):
    word, one = kind_in_sentence([name]), kind_in_sentence([name], article=True)
    assert one["nl"] == f"een {word['nl']}" and one["en"] in (f"a {word['en']}", f"an {word['en']}")
    assert word["nl"] == word["nl"].lower() or "(EVC)" in word["nl"]
    assert name not in word["nl"] + word["en"]


def test_kind_in_sentence_names_another_badge_as_its_label_does():
    assert kind_in_sentence(["VerifiableCredential", "OpenBadgeCredential"]) == {"nl": "Open Badge", "en": "Open Badge"}


def test_the_unread_column_warning_says_een_mbo_diploma_and_an_mbo_diploma():
    nl, en = unread_warning({"klas": None}, "MboDiploma")
    assert nl.startswith("deze kolommen gebruikt een mbo-diploma niet") and "MboDiploma" not in nl, nl
    assert en.startswith("An MBO diploma does not use these columns") and "MboDiploma" not in en, en


def test_a_role_that_may_not_issue_a_type_is_refused_naming_the_type_in_words():
    refused = type_not_allowed("evc", "MboDiploma")
    assert refused.code is ErrorCode.TYPE_NOT_ALLOWED and refused.path == "/type"
    assert refused.text("nl") == "een organisatie met de rol 'evc' mag geen mbo-diploma uitgeven"
    assert refused.text("en") == "an organisation with role 'evc' may not issue an MBO diploma"
    cosign = type_not_allowed("training", "Praktijkverklaring", cosign=True)
    assert cosign.text("nl").endswith("mag geen praktijkverklaring medeondertekenen"), cosign.text("nl")


def test_skillspas_issue_says_which_kind_it_issued_in_words(tmp_path):
    key = tmp_path / "roc.json"
    save(generate("ed25519"), key)
    out = tmp_path / "diploma.json"
    result = CliRunner().invoke(build_app(), ["issue", "mbo-diploma", "--key", str(key), "--out", str(out), "--data",
                                              str(EXAMPLES / "mbo-diploma" / "kok-anouk-testdata.json")])
    assert result.exit_code == 0, result.output
    issued = json.loads(out.read_text())
    assert f"uitgegeven / issued: Mbo-diploma / MBO diploma {issued['id']} -> {out}" in result.stderr, result.stderr
    assert "MboDiploma" not in result.stderr
