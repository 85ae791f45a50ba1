"""A command's refusal says what is wrong in Dutch too (the ``fout [code]:`` line), in its own sentence, not the
code's general one (``schemas/messages.py``), and exits 2 without a traceback: ``sign``, ``verify --now``, the
``keys`` commands (a keystore's DID, key type, dates, unknown keys, a damaged key history) and the service's
settings (``SKILLSPAS_*`` variables, ``--port``, ``--database-url``, a batch's type, an organisation's key type).
A ``ValueError`` no check foresaw says in Dutch that its English detail follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillspas.issuer.cli import build_app
from skillspas.issuer.demo import sample_credential
from skillspas.keys import generate, keyfile
from skillspas.keys.keyfile import Keystore
from skillspas.schemas.messages import text


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a key file and a JSON file that is no object."""
    folder = tmp_path_factory.mktemp("cli-refusals")
    keyfile.save(generate("ed25519"), folder / "key.json")
    (folder / "array.json").write_text("[1]", "utf-8")
    (folder / "other-issuer.json").write_text(json.dumps(sample_credential("did:web:other.example")), "utf-8")
    Keystore.create(folder / "ks", "did:web:roc.example", passphrase=PASSPHRASE)
    history = json.loads((folder / "ks" / "history.json").read_text("utf-8"))
    [key] = history["keys"]
    for name, damaged in {
        "not-a-history": {"format": "iets anders"},
        "twice-the-same-key": {**history, "keys": [key, key]},
        "no-created": {**history, "keys": [{k: v for k, v in key.items() if k != "created"}]},
        "created-gisteren": {**history, "keys": [{**key, "created": "gisteren"}]},
        "a-did-key": {**history, "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "keys": []},
    }.items():
        (folder / name).mkdir(mode=0o700)
        (folder / name / "history.json").write_text(json.dumps(damaged), "utf-8")
    return folder


PASSPHRASE = "een lange geheime zin"


REFUSALS = [
    pytest.param(["sign", "--key", "TMP/key.json", "--suite", "rsa-2048", "TMP/array.json"], "unsupported_cryptosuite",
                 "onbekende cryptosuite 'rsa-2048': kies eddsa-rdfc-2022 of ecdsa-rdfc-2019",
                 id="sign with an unknown cryptosuite"),
    pytest.param(["sign", "--key", "TMP/key.json", "TMP/array.json"], "schema_invalid", "een bewijsstuk is een JSON-object",
                 id="sign of a JSON array"),
    pytest.param(["sign", "--key", "TMP/key.json", "TMP/other-issuer.json"], "issuer_mismatch",
                 "het bewijsstuk noemt uitgever 'did:web:other.example', maar de sleutel is van 'did:key:",
                 id="sign of a credential naming another issuer"),
    pytest.param(["verify", "TMP/array.json", "--now", "2026"], "invalid_option", "'2026' is geen tijdstip (ISO 8601)",
                 id="verify --now of a year"),
    pytest.param(["verify", "TMP/array.json", "--now", "2026-12-01T00:00:00"], "invalid_option",
                 "heeft geen tijdzone: zet er Z (UTC) of een verschil zoals +01:00 achter",
                 id="verify --now without a time zone"),
    pytest.param(["verify", "TMP/array.json", "--now", "0001-01-01T00:00:00+01:00"], "invalid_option",
                 "ligt buiten de data die te controleren zijn", id="verify --now before the first instant in UTC"),
    pytest.param(["keys", "generate", "--keystore", "TMP/new-ks", "--did", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                  "--passphrase-env", "KS_PASS"], "invalid_option", "een sleutelopslag is voor een did:web-DID",
                 id="a keystore for a did:key"),
    pytest.param(["keys", "generate", "--keystore", "TMP/new-ks", "--did", "did:web:roc.example", "--type", "rsa",
                  "--passphrase-env", "KS_PASS"], "invalid_option", "onbekend sleuteltype 'rsa'; gebruik ed25519 of p256",
                 id="a keystore of an unknown key type"),
    pytest.param(["keys", "rotate", "--keystore", "TMP/ks", "--type", "rsa", "--passphrase-env", "KS_PASS"],
                 "invalid_option", "onbekend sleuteltype 'rsa'", id="a rotation to an unknown key type"),
    pytest.param(["keys", "generate", "--out", "TMP/bound.json", "--controller", "did:web:a.example", "--id",
                  "did:web:b.example#key-1"], "invalid_option", "--id en --controller passen niet bij de sleutel of bij elkaar",
                 id="a key whose --id is not of its --controller"),
    pytest.param(["keys", "revoke", "key-1", "--keystore", "TMP/ks", "--compromised-at", "2999-01-01"], "invalid_option",
                 "kan niet in de toekomst liggen", id="a compromise date in the future"),
    pytest.param(["keys", "revoke", "key-1", "--keystore", "TMP/ks", "--compromised-at", "gisteren"], "invalid_option",
                 "'gisteren' is geen datum (2026-03-01) of datum en tijd met tijdzone", id="a compromise date that is no date"),
    pytest.param(["keys", "revoke", "key-1", "--keystore", "TMP/ks", "--compromised-at", "0001-01-01T00:00:00+01:00"],
                 "invalid_option", "is geen datum (2026-03-01) of datum en tijd met tijdzone",
                 id="a compromise date before the first instant in UTC"),
    pytest.param(["keys", "revoke", "key-9", "--keystore", "TMP/ks", "--compromised-at", "2020-01-01"], "key_not_found",
                 "sleutel 'key-9' staat niet in de sleutelgeschiedenis van did:web:roc.example",
                 id="revoking a key the keystore does not have"),
    pytest.param(["keys", "list", "--keystore", "TMP/not-a-history"], "invalid_key_file",
                 'sleutelgeschiedenis: geen sleutelgeschiedenis ("format"', id="a history of another format"),
    pytest.param(["keys", "list", "--keystore", "TMP/twice-the-same-key"], "invalid_key_file",
                 "sleutelgeschiedenis: twee sleutels hebben dezelfde id", id="a history listing one key twice"),
    pytest.param(["keys", "list", "--keystore", "TMP/no-created"], "invalid_key_file",
                 "sleutelgeschiedenis: created (wanneer de sleutel is gemaakt) ontbreekt", id="a history key without created"),
    pytest.param(["keys", "list", "--keystore", "TMP/created-gisteren"], "invalid_key_file",
                 "sleutelgeschiedenis: created: 'gisteren' is geen datum en tijd met tijdzone",
                 id="a history key created at no date"),
    pytest.param(["keys", "list", "--keystore", "TMP/a-did-key"], "invalid_key_file",
                 "is geen did:web-DID (dit is geen did:web)", id="a history of a did:key"),
]


@pytest.mark.parametrize("args, code, dutch", REFUSALS)
def test_a_command_refusal_says_what_is_wrong_in_its_own_dutch_sentence(place, args, code, dutch):
    argv = [arg.replace("TMP", str(place)) for arg in args]
    result = CliRunner().invoke(build_app(), argv, env={"KS_PASS": PASSPHRASE, "SKILLSPAS_KEY_PASSPHRASE": ""})
    dutch_line = next((line for line in result.stderr.splitlines() if line.startswith(f"fout [{code}]: ")), "")
    assert result.exit_code == 2 and dutch in dutch_line, result.output
    assert text(code, "nl") not in dutch_line and "Traceback" not in result.output


SETTINGS_REFUSALS = [
    pytest.param({"SKILLSPAS_PORT": "achtduizend"}, ["org", "list", "--data-dir", "TMP/data"],
                 "port (SKILLSPAS_PORT) moet een geheel getal zijn", id="a port variable that is no number"),
    pytest.param({"SKILLSPAS_DEV": "misschien"}, ["org", "list", "--data-dir", "TMP/data"],
                 "SKILLSPAS_DEV) moet 1 of 0 zijn", id="a dev variable that is no yes or no"),
    pytest.param({"SKILLSPAS_STATUS_LIST_SIZE": "1024"}, ["org", "list", "--data-dir", "TMP/data"],
                 "moet een veelvoud van 8 zijn, en minstens 131072", id="a status list smaller than the spec's"),
    pytest.param({}, ["serve", "--port", "70000", "--dev", "--data-dir", "TMP/data"],
                 "port (SKILLSPAS_PORT) moet tussen 1 en 65535 liggen", id="a port above 65535"),
    pytest.param({}, ["org", "list", "--database-url", "mysql://u@localhost/db"],
                 "database 'mysql' wordt niet ondersteund: gebruik sqlite of postgresql", id="a database other than the two"),
    pytest.param({}, ["org", "list", "--database-url", "geen url"],
                 "'geen url' is geen database-URL", id="a database URL that is no URL"),
    pytest.param({}, ["batch", "diploma", "--csv", "TMP/array.json", "--org", "roc", "--dry-run", "--data-dir", "TMP/data"],
                 "onbekende soort bewijsstuk 'diploma'; kies uit mbo-diploma", id="a batch of an unknown type"),
    pytest.param({}, ["org", "list", "--database-url", "postgresql://school@localhost:vijf/skillspas"],
                 "'postgresql://school@localhost:vijf/skillspas' is geen database-URL", id="a database port that is no number"),
    pytest.param({}, ["org", "list", "--database-url", "sqlite://skillspas.db"],
                 "'sqlite://skillspas.db' is geen database-URL", id="a SQLite URL with two slashes, not three"),
    pytest.param({}, ["org", "list", "--database-url", "postgresql+geendriver://school@localhost/skillspas"],
                 "is geen database-URL", id="a database driver that is not installed"),
    pytest.param({}, ["org", "create", "ROC Sleuteltype", "--role", "mbo", "--did-web", "sleutel.example", "--key-type",
                      "rsa", "--data-dir", "TMP/data"],
                 "onbekend sleuteltype 'rsa'; gebruik ed25519 of p256", id="an organisation of an unknown key type"),
    pytest.param({}, ["org", "create", "ROC Hoofdletters", "--role", "mbo", "--did-web", "ROC.Example%3A8443/Diplomas",
                      "--data-dir", "TMP/data"],
                 "schrijf de host van een did:web-DID in kleine letters: 'did:web:roc.example%3A8443:Diplomas'",
                 id="an organisation whose did:web host is not in lowercase"),
]


@pytest.mark.parametrize("env, args, dutch", SETTINGS_REFUSALS)
def test_a_setting_the_service_cannot_run_with_is_refused_in_its_own_dutch_sentence(place, env, args, dutch):
    argv = [arg.replace("TMP", str(place)) for arg in args]
    result = CliRunner().invoke(build_app(), argv, env=env)
    dutch_line = next((line for line in result.stderr.splitlines() if line.startswith("fout [invalid_option]: ")), "")
    assert result.exit_code == 2 and dutch in dutch_line, result.output
    assert "Traceback" not in result.output


def test_a_database_url_that_is_no_url_is_refused_without_its_password():
    url = "postgresql://school:geheim-wachtwoord@localhost:vijf/skillspas"
    result = CliRunner().invoke(build_app(), ["org", "list", "--database-url", url])
    assert result.exit_code == 2 and "'postgresql://school:***@localhost:vijf/skillspas' is geen database-URL" in result.stderr
    assert "geheim-wachtwoord" not in result.output, result.output


def test_a_rotation_of_an_organisations_key_to_an_unknown_key_type_is_refused_in_its_own_dutch_sentence(tmp_path):
    env = {"SKILLSPAS_KEY_PASSPHRASE": PASSPHRASE}
    data = ["--data-dir", str(tmp_path / "data")]
    made = CliRunner().invoke(build_app(), ["org", "create", "ROC Wissel", "--role", "mbo", "--did-web", "wissel.example",
                                            *data], env=env)
    assert made.exit_code == 0, made.output
    result = CliRunner().invoke(build_app(), ["org", "rotate-key", "ROC Wissel", "--key-type", "p384", *data], env=env)
    assert result.exit_code == 2, result.output
    assert "fout [invalid_option]: onbekend sleuteltype 'p384'; gebruik ed25519 of p256" in result.stderr, result.output


@pytest.mark.parametrize("args, seam", [
    pytest.param(["org", "list", "--data-dir", "TMP/data"], "skillspas.issuer.orgs.Organisations.all",
                 id="a service command"),
    pytest.param(["keys", "list", "--keystore", "TMP/ks"], "skillspas.keys.keyfile.Keystore.history",
                 id="a keys command"),
])
def test_a_value_error_no_check_foresaw_says_in_dutch_that_its_english_detail_follows(place, monkeypatch, args, seam):
    def unforeseen(*_args, **_kwargs):
        raise ValueError("something no check foresaw")

    monkeypatch.setattr(seam, unforeseen)
    result = CliRunner().invoke(build_app(), [arg.replace("TMP", str(place)) for arg in args])
    assert result.exit_code == 2, result.output
    assert f"fout [invalid_option]: {text('invalid_option', 'nl')} De toelichting volgt hieronder, in het Engels." \
        in result.stderr, result.output
    assert "error [invalid_option]: something no check foresaw" in result.stderr


def test_a_database_file_that_is_no_database_says_so_in_both_languages_not_that_a_server_should_run(tmp_path):
    damaged = tmp_path / "skillspas.db"
    damaged.write_bytes(b"this is no SQLite database, just a file that was overwritten " * 100)
    result = CliRunner().invoke(build_app(), ["org", "list", "--database-url", f"sqlite:///{damaged}"])
    assert result.exit_code == 2, result.output
    assert f"fout [database_unavailable]: {damaged} is niet te gebruiken als database" in result.stderr, result.output
    assert "reservekopie" in result.stderr and "put back a backup" in result.stderr
    assert "server" not in result.stderr and "Traceback" not in result.output


def test_a_database_server_that_cannot_be_reached_is_database_unavailable_in_both_languages_without_the_urls_password():
    url = "postgresql://school:geheim-wachtwoord@127.0.0.1:1/skillspas"  # port 1: nothing listens there
    result = CliRunner().invoke(build_app(), ["org", "list", "--database-url", url])
    assert result.exit_code == 2, result.output
    assert "fout [database_unavailable]: de database is niet bereikbaar" in result.stderr, result.output
    assert "error [database_unavailable]: the database cannot be reached" in result.stderr
    assert "geheim-wachtwoord" not in result.output and "internal" not in result.output and "Traceback" not in result.output
