"""``--trust-anchor`` and ``--trust-issuer`` that are no DID (a file name, a name, a key id, a did:key that is no key):
refused before anything is read, ``invalid_option`` (exit 2) in Dutch and English, saying how to give the DID a file
holds; the same for a passport PDF, a single credential and a presentation. A new user gave the demo's
``trust-anchor.txt`` itself and saw every credential "Niet bevestigd [untrusted_issuer]", told to update the bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pageworld import PageWorld, passport_pdf
from skillspas.issuer.cli import app as cli_app
from skillspas.keys import generate
from skillspas.keys.did_jwk import did_jwk_for
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.verifier.trust import checked_dids

NO_KEY = "did:key:z6MkWRONG"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> PageWorld:
    world = PageWorld(tmp_path_factory.mktemp("trust-options")).build()
    (world.folder / "paspoort.pdf").write_bytes(passport_pdf(world))
    (world.folder / "trust-anchor.txt").write_text(world.anchor.controller + "\n")
    return world


INPUTS = {"a passport PDF": "paspoort.pdf", "a single credential": "diploma.json", "a presentation": "passport.json"}


def _verify(world: PageWorld, given: str, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli_app, ["verify", str(world.folder / given), "--bundle", str(world.files["bundle"]),
                                          *options])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("given", INPUTS.values(), ids=INPUTS.keys())
def test_the_file_that_holds_the_trust_anchor_given_for_it_is_refused_saying_to_give_its_content(world, given):
    held = str(world.folder / "trust-anchor.txt")
    exit_code, out, err = _verify(world, given, "--trust-anchor", held)
    nl, en = err.splitlines()[:2]
    assert exit_code == 2 and out == "", out
    assert nl.startswith("fout [invalid_option]: --trust-anchor ") and en.startswith("error [invalid_option]: --trust-anchor ")
    assert f'--trust-anchor "$(cat {held})"' in nl and f'--trust-anchor "$(cat {held})"' in en
    assert "is een bestand, geen DID" in nl and "is a file, not a DID" in en


@pytest.mark.parametrize("given", INPUTS.values(), ids=INPUTS.keys())
@pytest.mark.parametrize("option", ["--trust-anchor", "--trust-issuer"])
def test_a_did_key_that_cannot_be_a_key_is_refused_as_an_invalid_option_in_json_too(world, given, option):
    exit_code, out, _err = _verify(world, given, option, NO_KEY, "--json")
    error = json.loads(out)["errors"][0]
    assert exit_code == 2 and error["code"] == "invalid_option", out
    assert error["message"].startswith(f"{option} '{NO_KEY}' is not a DID that can be a key (")
    assert f'{option} "$(cat ' in error["message"]


def test_the_options_are_refused_before_the_input_is_read(world):
    """A missing input file would be ``file_error``: the option is the first thing wrong."""
    exit_code, _out, err = _verify(world, "missing.json", "--trust-issuer", "roc")
    assert exit_code == 2 and err.startswith("fout [invalid_option]: --trust-issuer 'roc' is geen DID: "), err


def test_the_anchors_own_did_passes_and_the_passport_is_checked(world):
    exit_code, out, err = _verify(world, "paspoort.pdf", "--trust-anchor", world.anchor.controller)
    assert exit_code == 0 and err == "" and out.startswith("PASPOORT (pdf): "), out + err


@pytest.mark.parametrize("value", [
    pytest.param("roc", id="a name"),
    pytest.param("trust-anchor.txt", id="a file name"),
    pytest.param("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                 id="a key id with its fragment"),
    pytest.param(NO_KEY, id="a did:key whose letters are no base58"),
    pytest.param("did:key:z6MkhaXgBZDvotDkL5257faiz", id="a did:key too short for a key"),
    pytest.param("did:jwk:bm90LWEta2V5", id="a did:jwk that holds no key"),
    pytest.param("did:web:roc example", id="a did:web with a space"),
    pytest.param("did:web:-roc.example", id="a did:web whose host is no domain name"),
    pytest.param("did:", id="no method"),
    pytest.param("DID:web:roc.example", id="an upper-case scheme"),
])
def test_a_value_that_names_no_signer_is_an_invalid_option(value):
    with pytest.raises(SkillspasError) as refused:
        checked_dids([value], "--trust-issuer")
    assert refused.value.code is ErrorCode.INVALID_OPTION
    assert "--trust-issuer" in refused.value.text("nl") and "--trust-issuer" in refused.value.message


@pytest.mark.parametrize("value", [
    pytest.param("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", id="an Ed25519 did:key"),
    pytest.param("did:key:" + generate("p256").public_key.multibase, id="a P-256 did:key"),
    pytest.param(did_jwk_for(generate("ed25519").public_key), id="a did:jwk"),
    pytest.param("did:web:roc.example", id="a did:web"),
    pytest.param("did:web:localhost%3A8443:orgs:roc", id="a did:web with a port and a path"),
    pytest.param("did:example:123", id="a DID of another method"),
])
def test_a_did_that_can_name_a_signer_passes(value):
    assert checked_dids([value], "--trust-anchor") == (value,)


def test_a_file_given_to_the_page_is_refused_before_the_page_starts(world, tmp_path: Path):
    held = str(world.folder / "trust-anchor.txt")
    result = CliRunner().invoke(cli_app, ["verifier", "--bundle", str(world.files["bundle"]), "--trust-issuer", held])
    assert result.exit_code == 2 and "fout [invalid_option]: --trust-issuer " in result.stderr, result.output
    assert f'--trust-issuer "$(cat {held})"' in result.stderr


def test_an_issuer_named_by_its_https_url_is_trusted_as_given_and_an_anchor_must_still_be_a_did():
    # A credential's issuer is a URL, not always a DID (the W3C test vectors' issuer is https://vc.example/issuers/5678).
    issuer = "https://vc.example/issuers/5678"
    assert checked_dids([issuer], "--trust-issuer") == (issuer,)
    for slip in ("trust-anchor.txt", "vc.example/issuers/5678", "https://", "https:// vc.example",
                 "https://h:x/", "http://[::1", "https://roc.example:99999/x", "https://user@/x"):  # no host or port
        with pytest.raises(SkillspasError) as refused:
            checked_dids([slip], "--trust-issuer")
        assert refused.value.code is ErrorCode.INVALID_OPTION, slip
    with pytest.raises(SkillspasError) as refused:
        checked_dids([issuer], "--trust-anchor")
    assert refused.value.code is ErrorCode.INVALID_OPTION
